"""Independent reads in parallel, so that a page needing several costs one round trip."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

# Bounded: a burst of page views must not become a burst of threads (and of API connections).
MAX_WORKERS = 8

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_pool_pid: int | None = None
_local = threading.local()


def _executor() -> ThreadPoolExecutor:
    global _pool, _pool_pid
    with _lock:
        # A pool inherited through fork has no live threads: make a new one in the child.
        if _pool is None or _pool_pid != os.getpid():
            _pool = ThreadPoolExecutor(max_workers=MAX_WORKERS, thread_name_prefix="korus")
            _pool_pid = os.getpid()
        return _pool


def _run(fn: Callable[[], Any]) -> Any:
    _local.in_pool = True
    try:
        return fn()
    finally:
        _local.in_pool = False


def parallel(*calls: Callable[[], Any]) -> list[Any]:
    """Run the callables concurrently; their results in the same order.

    Waits for all of them, then re-raises the first failure (in argument order) in the caller.
    Called from inside a pool thread, runs sequentially instead: nested waits on a bounded pool
    could deadlock.
    """
    if len(calls) <= 1 or getattr(_local, "in_pool", False):
        return [call() for call in calls]
    pool = _executor()
    futures: list[Future[Any]] = [pool.submit(_run, call) for call in calls]
    errors = [f.exception() for f in futures]
    for error in errors:
        if error is not None:
            raise error
    return [f.result() for f in futures]


def shutdown() -> None:
    """Stop the pool (tests, process exit)."""
    global _pool, _pool_pid
    with _lock:
        if _pool is not None:
            _pool.shutdown(wait=True)
        _pool, _pool_pid = None, None
