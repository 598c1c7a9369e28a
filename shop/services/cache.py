"""A read-through cache with a soft and a hard TTL and single-flight loading.

`cache_fetch(key, loader, soft_ttl=..., hard_ttl=...)` returns the cached value while it is
fresh. Once the soft TTL has passed, the first caller refreshes it while everyone else keeps
getting the stale value; once the hard TTL has passed, the entry is gone and callers wait for
one load. Concurrent misses for one key make ONE upstream call:

- within a process, threads share one in-flight load (the leader calls the loader, followers
  wait for its result or its error);
- across processes, when the cache is shared (Redis), the leader also takes a `cache.add()`
  lock, and leaders of other processes poll the cache for the value instead of loading.

With a per-process cache (local memory) the in-process part is all that is needed: other
processes have their own cache anyway.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeGuard, TypeVar

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache

T = TypeVar("T")
logger = logging.getLogger(__name__)

_KEY_PREFIX = "sf1:"
_MAX_KEY_LENGTH = 200
_POLL_FIRST_S = 0.005
_POLL_MAX_S = 0.05
_MISSING = object()


@dataclass(frozen=True, slots=True)
class _Entry:
    value: Any
    fresh_until: float


class _Flight:
    """One in-progress load that other threads of this process can wait for."""

    __slots__ = ("done", "error", "value")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = _MISSING
        self.error: BaseException | None = None


_flights: dict[str, _Flight] = {}
_flights_lock = threading.Lock()
_local = threading.local()


class CacheMiss(Exception):
    """Raised by `cache_fetch` inside `cache_only()` when the value is missing or stale."""


@contextmanager
def cache_only() -> Iterator[None]:
    """Within this block, `cache_fetch` never loads: it returns fresh values or raises CacheMiss.

    Lets a page try its reads from the cache in the request's own thread first, and hand them
    to worker threads (parallel upstream calls) only when something must be loaded.
    """
    previous = getattr(_local, "cache_only", False)
    _local.cache_only = True
    try:
        yield
    finally:
        _local.cache_only = previous


def cache_key(*parts: object) -> str:
    """Build a cache key from parts; long keys are hashed so every backend accepts them."""
    raw = ":".join(str(part) for part in parts)
    if len(raw) > _MAX_KEY_LENGTH:
        raw = raw[:80] + ":" + hashlib.sha256(raw.encode()).hexdigest()
    return _KEY_PREFIX + raw


def cache_fetch(
    key: str,
    loader: Callable[[], T],
    *,
    soft_ttl: float,
    hard_ttl: float,
    stale_on: tuple[type[BaseException], ...] = (),
) -> T:
    """Return the value cached under `key`, loading it with `loader` at most once at a time.

    After `soft_ttl` seconds the value is stale: one caller refreshes it and the others get
    the stale value meanwhile. If that refresh raises one of `stale_on` (e.g. the API is
    down), the stale value is served again instead of an error. After `hard_ttl` seconds the
    entry is dropped and the next callers wait for a fresh load.
    """
    entry = _read(key)
    if _is_fresh(entry):
        return entry.value  # type: ignore[no-any-return]
    if getattr(_local, "cache_only", False):
        raise CacheMiss(key)
    if entry is not None:
        return _refresh_stale(key, entry, loader, soft_ttl, hard_ttl, stale_on)
    return _single_flight(key, lambda: _load_shared(key, loader, soft_ttl, hard_ttl))


def cache_put(key: str, value: object, *, soft_ttl: float, hard_ttl: float) -> None:
    """Store a value we already have (e.g. an item that came within a list) as fresh."""
    _store(key, value, soft_ttl, hard_ttl)


def cache_forget(key: str) -> None:
    cache.delete(key)


def _read(key: str) -> _Entry | None:
    entry = cache.get(key)
    return entry if isinstance(entry, _Entry) else None


def _store(key: str, value: object, soft_ttl: float, hard_ttl: float) -> None:
    cache.set(key, _Entry(value, time.time() + soft_ttl), timeout=hard_ttl)


def _shared_cache() -> bool:
    return not isinstance(caches["default"], (LocMemCache, DummyCache))


def _lock_seconds() -> float:
    return float(settings.SHOP_CACHE_LOCK_SECONDS)


def _single_flight(key: str, load: Callable[[], T]) -> T:
    with _flights_lock:
        flight = _flights.get(key)
        leader = flight is None
        if flight is None:
            flight = _flights[key] = _Flight()
    if not leader:
        if flight.done.wait(_lock_seconds()):
            if flight.error is not None:
                raise flight.error
            if flight.value is not _MISSING:
                return flight.value  # type: ignore[no-any-return]
        # The leader is stuck past the lock time, or was a stale refresh that kept no value:
        # load on our own rather than wait forever.
        return load()
    try:
        flight.value = load()
    except BaseException as exc:
        # Not swallowed: recorded for the followers, then re-raised to the leader's caller.
        flight.error = exc
        raise
    finally:
        with _flights_lock:
            _flights.pop(key, None)
        flight.done.set()
    return flight.value  # type: ignore[no-any-return]


def _is_fresh(entry: _Entry | None) -> TypeGuard[_Entry]:
    return entry is not None and entry.fresh_until > time.time()


def _load_shared(key: str, loader: Callable[[], T], soft_ttl: float, hard_ttl: float) -> T:
    """Load after a miss; with a shared cache, only the process holding the lock loads.

    Read again once in the lead: a flight (of this process or, holding the lock, of another)
    may have stored the value between our miss and now, and must not be loaded twice.
    """
    if not _shared_cache():
        if _is_fresh(entry := _read(key)):
            return entry.value  # type: ignore[no-any-return]
        value = loader()
        _store(key, value, soft_ttl, hard_ttl)
        return value
    lock_key = key + ":lock"
    token = uuid.uuid4().hex
    locked, entry = _lock_and_read(lock_key, token, key)
    if not locked:
        entry = _wait_for_other_process(key, lock_key)
        if entry is not None:
            return entry.value  # type: ignore[no-any-return]
        # The other process gave up or died: take the lock ourselves if we can, but load anyway.
        cache.add(lock_key, token, timeout=_lock_seconds())
    elif _is_fresh(entry):
        _release(lock_key, token)
        return entry.value  # type: ignore[no-any-return]
    stored = False
    try:
        value = loader()
        _store_and_release(key, value, soft_ttl, hard_ttl, lock_key, token)
        stored = True
        return value
    finally:
        if not stored:
            _release(lock_key, token)


# With our Redis backend (booking_site/cache.py) the lock and the reads or writes next to it go
# in one round trip; any other shared backend takes them one by one.
def _lock_and_read(lock_key: str, token: str, key: str) -> tuple[bool, _Entry | None]:
    combined = getattr(cache, "add_and_get", None)
    if combined is not None:
        locked, entry = combined(lock_key, token, _lock_seconds(), key)
        return locked, entry if isinstance(entry, _Entry) else None
    if not cache.add(lock_key, token, timeout=_lock_seconds()):
        return False, None
    return True, _read(key)


def _store_and_release(
    key: str, value: object, soft_ttl: float, hard_ttl: float, lock_key: str, token: str
) -> None:
    combined = getattr(cache, "set_and_release", None)
    if combined is None:
        _store(key, value, soft_ttl, hard_ttl)
        _release(lock_key, token)
        return
    combined(key, _Entry(value, time.time() + soft_ttl), hard_ttl, lock_key, token)


def _release(lock_key: str, token: str) -> None:
    if cache.get(lock_key) == token:
        cache.delete(lock_key)


def _wait_for_other_process(key: str, lock_key: str) -> _Entry | None:
    deadline = time.monotonic() + _lock_seconds()
    pause = _POLL_FIRST_S
    while time.monotonic() < deadline:
        time.sleep(pause)
        pause = min(pause * 2, _POLL_MAX_S)
        entry = _read(key)
        if entry is not None:
            return entry
        if cache.get(lock_key) is None:
            return _read(key)
    return None


def _refresh_stale(
    key: str,
    entry: _Entry,
    loader: Callable[[], T],
    soft_ttl: float,
    hard_ttl: float,
    stale_on: tuple[type[BaseException], ...],
) -> T:
    if not _try_lead_refresh(key):
        return entry.value  # type: ignore[no-any-return]
    try:
        value = loader()
    except stale_on as exc:
        _end_refresh(key)
        logger.warning("cache refresh of %s failed (%s); serving stale data", key, exc)
        return entry.value  # type: ignore[no-any-return]
    except BaseException:
        _end_refresh(key)
        raise
    _store(key, value, soft_ttl, hard_ttl)
    _end_refresh(key, value)
    return value


def _try_lead_refresh(key: str) -> bool:
    """True for the one caller (per process, and per cluster with a shared cache) to refresh."""
    with _flights_lock:
        if key in _flights:
            return False
        _flights[key] = _Flight()
    if _shared_cache() and not cache.add(key + ":lock", "refresh", timeout=_lock_seconds()):
        _end_local_refresh(key)
        return False
    return True


def _end_refresh(key: str, value: object = _MISSING) -> None:
    if _shared_cache():
        cache.delete(key + ":lock")
    _end_local_refresh(key, value)


def _end_local_refresh(key: str, value: object = _MISSING) -> None:
    with _flights_lock:
        flight = _flights.pop(key, None)
    if flight is not None:
        flight.value = value
        flight.done.set()
