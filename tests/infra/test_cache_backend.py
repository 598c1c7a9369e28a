"""The Redis cache backend keeps its redis.Redis clients instead of building one per call."""

from __future__ import annotations

import pytest
from django.core.cache import caches

from booking_site.cache import RedisCache


def test_redis_cache_reuses_one_client_per_pool() -> None:
    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        pytest.skip("REDIS_URL is not set: the local-memory cache is in use")
    client = cache._cache
    assert client.get_client("a") is client.get_client("b")
    cache.set("reuse-probe", "1", 5)
    assert cache.get("reuse-probe") == "1"
