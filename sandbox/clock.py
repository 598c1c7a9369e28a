"""The sandbox's one clock.

Every expiry, hold and document delay reads `now()`, so tests can move time forward with
`advance()` instead of sleeping. The offset is per process: the shop's in-process transport,
the /sandbox/ view and the tests share it; a standalone sandbox process has its own.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from django.utils import timezone

_lock = threading.Lock()
_offset = timedelta(0)


def now() -> datetime:
    return timezone.now() + _offset


def advance(seconds: float) -> None:
    global _offset
    with _lock:
        _offset += timedelta(seconds=seconds)


def reset() -> None:
    global _offset
    with _lock:
        _offset = timedelta(0)


def offset() -> timedelta:
    return _offset
