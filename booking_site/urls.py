from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from booking_site import health
from shop.admin_security import protect_admin_site

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The admin login locks out after repeated failures (ADMIN_LOGIN_* settings).
    path(settings.ADMIN_URL, protect_admin_site(admin.site).urls),
    path("", include("shop.urls")),
]

if settings.SANDBOX_ENABLED:
    urlpatterns.insert(0, path("sandbox/", include("sandbox.urls")))
