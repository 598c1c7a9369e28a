"""Test settings: environment defaults first, then the one runtime settings module."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_TEST_VAR = Path(os.environ.get("TEST_VAR_DIR") or Path(tempfile.gettempdir()) / "korus-shop-test")
_TEST_VAR.mkdir(parents=True, exist_ok=True)
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-" + "k" * 20)
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("VAR_DIR", str(_TEST_VAR))
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

from booking_site.settings import *  # noqa: E402,F403
from booking_site.settings import DATABASES, STORAGES  # noqa: E402

# Manifest storage needs collectstatic; tests serve static files from their sources.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# SQLite test databases live in files, not memory, so that a Celery worker or a live server
# in another process sees the same data.
for _alias, _config in DATABASES.items():
    if _config["ENGINE"] == "django.db.backends.sqlite3":
        _config["TEST"] = {"NAME": str(_TEST_VAR / f"test_{_alias}.sqlite3")}
