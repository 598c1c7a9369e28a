"""WSGI entry point (gunicorn booking_site.wsgi)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

from booking_site.startup import fail_fast

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "booking_site.settings")

application = fail_fast(get_wsgi_application)
