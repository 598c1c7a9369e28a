"""Celery application, configured from Django settings (CELERY_ namespace)."""

from __future__ import annotations

import os

from celery import Celery

from booking_site.request_id import connect_celery_signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "booking_site.settings")

app = Celery("booking_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["booking_site"])
# Request ids travel in task headers, and workers keep Django's (JSON) logging.
connect_celery_signals()
