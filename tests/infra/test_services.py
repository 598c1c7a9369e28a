"""Show which database, cache and broker the suite runs against (CI: PostgreSQL + Redis)."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection

pytestmark = pytest.mark.django_db


def test_suite_uses_the_configured_services() -> None:
    engine = connection.vendor
    cache_backend = type(caches["default"]).__name__
    broker = settings.CELERY_BROKER_URL.split("://")[0]
    print(f"\nservices: database={engine} cache={cache_backend} broker={broker}")
    if os.environ.get("REQUIRE_SERVICES"):
        assert engine == "postgresql"
        assert cache_backend == "RedisCache"
        assert broker == "redis"
    cache.set("services-probe", "ok", 5)
    assert cache.get("services-probe") == "ok"
