"""ASGI entry point, for servers that prefer it; the Procfile uses WSGI."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

from booking_site.startup import fail_fast

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "booking_site.settings")

application = fail_fast(get_asgi_application)
