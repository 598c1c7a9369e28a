"""The KorusTicket client's errors: every failure of a call surfaces as one of these.

Nothing raised by httpx leaves the package. Messages carry the API's own title/detail for logs
and operators; services translate these into domain errors and views into buyer-facing text, so a
raw API message never reaches a buyer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NamedTuple


class Violation(NamedTuple):
    """One entry of an API Platform 422 ConstraintViolationList."""

    property_path: str
    message: str
    code: str | None


class KorusError(Exception):
    """Base of everything the client raises."""


class KorusTransientError(KorusError):
    """A failure worth retrying later (timeouts, connection errors, 429, 5xx).

    Celery tasks catch this base to decide whether to retry.
    """


class KorusTimeout(KorusTransientError):
    """The API did not answer in time (connect, read, write or pool timeout).

    On a POST the request may or may not have been processed: reconcile before retrying.
    """


class KorusConnectionError(KorusTransientError):
    """No usable connection to the API (DNS, refused, reset, TLS, protocol error)."""


class KorusPayloadError(KorusError):
    """A 2xx answer whose body is not the JSON the contract describes."""


class KorusHTTPError(KorusError):
    """The API answered with an error status."""

    def __init__(
        self,
        status: int,
        *,
        request_id: str | None = None,
        body: Any = None,
        title: str | None = None,
        detail: str | None = None,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        self.status = status
        self.request_id = request_id
        self.body = body
        self.title = title
        self.detail = detail
        self.method = method
        self.path = path
        summary = ": ".join(part for part in (title, detail) if part) or "error"
        where = f" ({method} {path})" if method and path else ""
        rid = f" [request {request_id}]" if request_id else ""
        super().__init__(f"HTTP {status} {summary}{where}{rid}")


class BadRequest(KorusHTTPError):
    """400: the request was malformed."""


class Unauthorized(KorusHTTPError):
    """401: missing, invalid or expired credentials."""


class Forbidden(KorusHTTPError):
    """403: the organization may not see this resource."""


class NotFound(KorusHTTPError):
    """404."""


class Conflict(KorusHTTPError):
    """409."""


class ValidationFailed(KorusHTTPError):
    """422: the synchronous consistency check of a `_bulk` call (or a PATCH) failed."""

    def __init__(self, status: int, *, violations: tuple[Violation, ...] = (), **kwargs: Any):
        super().__init__(status, **kwargs)
        self.violations = violations


class RateLimited(KorusHTTPError, KorusTransientError):
    """429; `retry_after` is the server's wait in seconds when it sent one."""

    def __init__(self, status: int, *, retry_after: float | None = None, **kwargs: Any):
        super().__init__(status, **kwargs)
        self.retry_after = retry_after


class ServerError(KorusHTTPError, KorusTransientError):
    """5xx."""


_BY_STATUS: dict[int, type[KorusHTTPError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    422: ValidationFailed,
    429: RateLimited,
}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def parse_error_body(raw: bytes) -> tuple[Any, str | None, str | None, tuple[Violation, ...]]:
    """(body, title, detail, violations) from a JSON-LD Error or an application/problem+json body.

    API Platform 2 used `hydra:title`/`hydra:description`; 3+ use RFC 7807 `title`/`detail`.
    A body that is not JSON is kept as text so that the log still shows what came back.
    """
    try:
        body: Any = json.loads(raw) if raw else None
    except ValueError:
        return raw.decode("utf-8", "replace")[:2000], None, None, ()
    if not isinstance(body, Mapping):
        return body, None, None, ()
    title = _text(body.get("title")) or _text(body.get("hydra:title"))
    detail = (
        _text(body.get("detail"))
        or _text(body.get("hydra:description"))
        or _text(body.get("description"))
    )
    violations: list[Violation] = []
    for entry in body.get("violations") or ():
        if isinstance(entry, Mapping):
            code = entry.get("code")
            violations.append(
                Violation(
                    property_path=str(entry.get("propertyPath") or ""),
                    message=str(entry.get("message") or ""),
                    code=str(code) if code is not None else None,
                )
            )
    return body, title, detail, tuple(violations)


def error_for_status(
    status: int,
    raw: bytes,
    *,
    request_id: str | None = None,
    retry_after: float | None = None,
    method: str | None = None,
    path: str | None = None,
) -> KorusHTTPError:
    """The error instance for an error response."""
    body, title, detail, violations = parse_error_body(raw)
    common: dict[str, Any] = {
        "request_id": request_id,
        "body": body,
        "title": title,
        "detail": detail,
        "method": method,
        "path": path,
    }
    cls = ServerError if status >= 500 else _BY_STATUS.get(status, KorusHTTPError)
    if cls is ValidationFailed:
        return ValidationFailed(status, violations=violations, **common)
    if cls is RateLimited:
        return RateLimited(status, retry_after=retry_after, **common)
    return cls(status, **common)
