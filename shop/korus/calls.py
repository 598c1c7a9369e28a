"""What the client reports about each HTTP attempt: a log line and an optional observer."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger("shop.korus")

# httpx logs every request's full URL at INFO, query string included: for a document's
# temporaryUrl that is the signature. Our own line (below) replaces it, without the query.
logging.getLogger("httpx").setLevel(logging.WARNING)


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One HTTP attempt. `path` has neither host nor query string (no secrets, no signatures)."""

    method: str
    path: str
    status: int | None
    duration_ms: float
    error: str | None
    attempt: int


CallObserver = Callable[[CallRecord], None]


def log_call(record: CallRecord) -> None:
    level = logging.INFO if record.error is None and (record.status or 0) < 500 else logging.WARNING
    logger.log(
        level,
        "korus call method=%s path=%s status=%s ms=%.1f attempt=%d error=%s",
        record.method,
        record.path,
        record.status if record.status is not None else "-",
        record.duration_ms,
        record.attempt,
        record.error or "-",
        extra={
            "korus_method": record.method,
            "korus_path": record.path,
            "korus_status": record.status,
            "korus_ms": record.duration_ms,
            "korus_attempt": record.attempt,
            "korus_error": record.error,
        },
    )
