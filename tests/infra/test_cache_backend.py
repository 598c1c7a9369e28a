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


@pytest.fixture
def redis_cache() -> RedisCache:
    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        pytest.skip("REDIS_URL is not set: the local-memory cache is in use")
    cache.delete_many(["probe", "probe:lock"])
    return cache


def test_add_and_get_takes_a_free_lock_and_reads_the_value(redis_cache: RedisCache) -> None:
    redis_cache.set("probe", {"v": 1}, 5)

    assert redis_cache.add_and_get("probe:lock", "mine", 5, "probe") == (True, {"v": 1})
    assert redis_cache.add_and_get("probe:lock", "theirs", 5, "probe") == (False, {"v": 1})
    assert redis_cache.get("probe:lock") == "mine"  # readable as a plain cache.add() lock


def test_set_and_release_frees_only_its_own_lock(redis_cache: RedisCache) -> None:
    redis_cache.add("probe:lock", "theirs", 5)

    redis_cache.set_and_release("probe", "value", 5, "probe:lock", "mine")
    assert (redis_cache.get("probe"), redis_cache.get("probe:lock")) == ("value", "theirs")

    redis_cache.set_and_release("probe", "newer", 5, "probe:lock", "theirs")
    assert (redis_cache.get("probe"), redis_cache.get("probe:lock")) == ("newer", None)


def test_set_and_release_with_no_time_to_live_keeps_nothing(redis_cache: RedisCache) -> None:
    redis_cache.add("probe:lock", "mine", 5)

    redis_cache.set_and_release("probe", "value", 0, "probe:lock", "mine")

    assert (redis_cache.get("probe"), redis_cache.get("probe:lock")) == (None, None)
