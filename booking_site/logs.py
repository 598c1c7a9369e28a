"""Log records as one JSON object per line (LOG_FORMAT=json), each with the request id.

A PaaS log drain keeps stdout line by line: one JSON object per line keeps a traceback and
its request together and lets the drain filter on fields (status, ms, request_id).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from booking_site.request_id import get_request_id

# Attributes every LogRecord has: anything else on a record came from `extra=` and is a field.
_RECORD_ATTRS = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys()
    | {"message", "asctime", "request_id", "taskName"}
)


class RequestIdFilter(logging.Filter):
    """Put the current request id (or "-") on every record, for either formatter."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = get_request_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or get_request_id(),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRS and not key.startswith("_"):
                payload[key] = value
        if record.exc_info:
            payload["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            payload["stack_info"] = self.formatStack(record.stack_info)
        # default=str: an extra that is not JSON-native (a Decimal, a UUID) must not lose the line.
        return json.dumps(payload, default=str, ensure_ascii=False)
