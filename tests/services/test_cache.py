"""The soft/hard TTL single-flight cache (shop/services/cache.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import override_settings

from shop.services.cache import cache_fetch, cache_key, cache_put


class Upstream:
    """A loader that counts its calls and can be held mid-call."""

    def __init__(self, values: list[object] | None = None) -> None:
        self.calls = 0
        self.values = values
        self.release = threading.Event()
        self.release.set()
        self.entered = threading.Event()
        self.fail_with: BaseException | None = None
        self._lock = threading.Lock()

    def __call__(self) -> object:
        with self._lock:
            self.calls += 1
            number = self.calls
        self.entered.set()
        self.release.wait(5)
        if self.fail_with is not None:
            raise self.fail_with
        return self.values[number - 1] if self.values else f"value-{number}"


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def _fetch(loader: Upstream, *, soft: float = 60, hard: float = 600, stale_on=()) -> object:
    return cache_fetch(cache_key("t", "k"), loader, soft_ttl=soft, hard_ttl=hard, stale_on=stale_on)


def test_fresh_value_is_served_without_calling_upstream_again() -> None:
    upstream = Upstream()
    assert _fetch(upstream) == "value-1"
    assert _fetch(upstream) == "value-1"
    assert upstream.calls == 1


def test_concurrent_misses_make_one_upstream_call() -> None:
    upstream = Upstream()
    upstream.release.clear()
    with ThreadPoolExecutor(max_workers=50) as pool:
        futures = [pool.submit(_fetch, upstream) for _ in range(50)]
        upstream.entered.wait(5)
        time.sleep(0.05)  # let the other 49 reach the flight before the leader returns
        upstream.release.set()
        results = [f.result(timeout=10) for f in futures]
    assert upstream.calls == 1
    assert set(results) == {"value-1"}


def test_a_failed_load_reaches_every_waiting_caller_and_is_not_cached() -> None:
    upstream = Upstream()
    upstream.fail_with = LookupError("upstream down")
    upstream.release.clear()
    with ThreadPoolExecutor(max_workers=5) as pool:
        futures = [pool.submit(_fetch, upstream) for _ in range(5)]
        upstream.entered.wait(5)
        time.sleep(0.05)
        upstream.release.set()
        errors = [f.exception(timeout=10) for f in futures]
    assert all(isinstance(e, LookupError) for e in errors)
    assert upstream.calls == 1
    upstream.fail_with = None
    assert _fetch(upstream) == "value-2"


def test_stale_value_is_served_while_one_refresh_runs() -> None:
    upstream = Upstream()
    _fetch(upstream, soft=0)
    upstream.release.clear()
    upstream.entered.clear()
    with ThreadPoolExecutor(max_workers=1) as pool:
        refresher = pool.submit(_fetch, upstream, soft=0)
        upstream.entered.wait(5)
        # While the refresh is held upstream, other callers get the stale value at once.
        assert [_fetch(upstream, soft=0) for _ in range(3)] == ["value-1"] * 3
        upstream.release.set()
        assert refresher.result(timeout=5) == "value-2"
    assert upstream.calls == 2


def test_refreshed_value_replaces_the_stale_one() -> None:
    upstream = Upstream()
    _fetch(upstream, soft=0)
    _fetch(upstream, soft=60)
    assert _fetch(upstream, soft=60) == "value-2"


def test_failed_refresh_of_a_listed_error_serves_the_stale_value() -> None:
    upstream = Upstream()
    _fetch(upstream, soft=0)
    upstream.fail_with = ConnectionError("down")
    assert _fetch(upstream, soft=0, stale_on=(ConnectionError,)) == "value-1"


def test_failed_refresh_of_another_error_is_raised() -> None:
    upstream = Upstream()
    _fetch(upstream, soft=0)
    upstream.fail_with = KeyError("gone")
    with pytest.raises(KeyError):
        _fetch(upstream, soft=0, stale_on=(ConnectionError,))


def test_entry_is_dropped_after_the_hard_ttl() -> None:
    upstream = Upstream()
    _fetch(upstream, soft=0, hard=1)
    time.sleep(1.1)
    upstream.release.clear()
    with ThreadPoolExecutor(max_workers=1) as pool:
        waiting = pool.submit(_fetch, upstream, soft=0, hard=1)
        upstream.entered.wait(5)
        # Past the hard TTL nothing stale is left to serve: the caller waits for the load.
        assert not waiting.done()
        upstream.release.set()
        assert waiting.result(timeout=5) == "value-2"


def test_long_keys_are_hashed_to_a_bounded_length() -> None:
    key = cache_key("offers", "x" * 500)
    assert len(key) < 250
    assert key != cache_key("offers", "x" * 499)


@pytest.fixture
def shared_file_cache(tmp_path: Path) -> Iterator[None]:
    # A file cache is shared between processes like Redis, so the cross-process lock path runs.
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    with override_settings(CACHES=caches):
        yield


@pytest.mark.usefixtures("shared_file_cache")
def test_with_a_shared_cache_a_process_waits_for_another_process_holding_the_lock() -> None:
    key = cache_key("t", "shared")
    assert cache.add(key + ":lock", "other-process", timeout=10)

    def other_process_finishes() -> None:
        time.sleep(0.1)
        cache_put(key, "from-other-process", soft_ttl=60, hard_ttl=60)
        cache.delete(key + ":lock")

    upstream = Upstream()
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(other_process_finishes)
        assert cache_fetch(key, upstream, soft_ttl=60, hard_ttl=60) == "from-other-process"
    assert upstream.calls == 0


@pytest.mark.usefixtures("shared_file_cache")
def test_with_a_shared_cache_a_stale_entry_is_refreshed_by_the_lock_holder_only() -> None:
    key = cache_key("t", "shared-stale")
    cache_fetch(key, lambda: "old", soft_ttl=0, hard_ttl=60)
    assert cache.add(key + ":lock", "other-process", timeout=10)
    upstream = Upstream()
    assert cache_fetch(key, upstream, soft_ttl=60, hard_ttl=60) == "old"
    assert upstream.calls == 0


def test_a_lead_that_missed_just_before_another_flight_stored_does_not_load_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The race: a caller misses, another flight stores and ends, then the caller leads."""
    from shop.services import cache as shop_cache

    upstream = Upstream()
    real_read = shop_cache._read
    reads = 0

    def read_then_another_flight_stores(key: str):  # type: ignore[no-untyped-def]
        nonlocal reads
        reads += 1
        entry = real_read(key)
        if reads == 1:  # our first look: a miss, and meanwhile the other flight lands
            shop_cache._store(key, "stored-by-the-other-flight", 60, 600)
        return entry

    monkeypatch.setattr(shop_cache, "_read", read_then_another_flight_stores)

    assert _fetch(upstream) == "stored-by-the-other-flight"
    assert upstream.calls == 0
