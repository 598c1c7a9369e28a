"""Framework-free request and response types of the emulator, and its error answers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

LD_JSON = "application/ld+json; charset=utf-8"


@dataclass(frozen=True)
class SandboxRequest:
    method: str
    path: str
    # Repeated keys are kept (product[]=a&product[]=b), in order.
    query: list[tuple[str, str]] = field(default_factory=list)
    # Header names in lower case.
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    # Scheme, host and mount prefix the request came in on, e.g. http://host/sandbox.
    base_url: str = "http://sandbox.korus.invalid"

    def param(self, name: str) -> str | None:
        for key, value in self.query:
            if key == name:
                return value
        return None

    def params(self, name: str) -> list[str]:
        return [value for key, value in self.query if key == name]

    @property
    def language(self) -> str:
        raw = self.headers.get("accept-language", "")
        for part in raw.split(","):
            tag = part.split(";")[0].strip().lower()[:2]
            if tag in ("fr", "en"):
                return tag
        return "fr"


@dataclass
class SandboxResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    # Set by fault injection: "timeout" or "lost_response"; each adapter acts it out.
    fault: str | None = None

    @classmethod
    def json(cls, status: int, payload: Any, content_type: str = LD_JSON) -> SandboxResponse:
        body = json.dumps(payload, ensure_ascii=False).encode()
        return cls(status=status, headers={"Content-Type": content_type}, body=body)

    def payload(self) -> Any:
        return json.loads(self.body)


class ApiError(Exception):
    """Raised by handlers; turned into an API Platform style error body."""

    title = "An error occurred"

    def __init__(
        self,
        status: int,
        detail: str,
        title: str | None = None,
        violations: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.title = title or self.title
        self.violations = violations
        self.headers = headers or {}


def not_found(what: str = "Resource") -> ApiError:
    return ApiError(404, f"{what} not found.", title="Not Found")


def bad_request(detail: str) -> ApiError:
    return ApiError(400, detail, title="Bad Request")


def violation(property_path: str, message: str, code: str) -> dict[str, Any]:
    return {"propertyPath": property_path, "message": message, "code": code}


def unprocessable(violations: list[dict[str, Any]]) -> ApiError:
    detail = "\n".join(f"{v['propertyPath']}: {v['message']}" for v in violations)
    return ApiError(422, detail, title="An error occurred", violations=violations)


def error_response(error: ApiError, path: str) -> SandboxResponse:
    if error.status == 401:
        # The contract declares 401 bodies as plain problem JSON.
        payload: dict[str, Any] = {
            "title": error.title,
            "detail": error.detail,
            "status": 401,
            "type": "/errors/401",
            "instance": path,
            "description": error.detail,
        }
        response = SandboxResponse.json(401, payload, "application/json")
    else:
        is_violation = error.violations is not None
        payload = {
            "@context": "/contexts/ConstraintViolationList" if is_violation else "/contexts/Error",
            "@id": f"/errors/{error.status}",
            "@type": "ConstraintViolationList" if is_violation else "Error",
            "title": error.title,
            "detail": error.detail,
            "status": error.status,
            "instance": path,
            "type": f"/errors/{error.status}",
            "description": error.detail,
        }
        if is_violation:
            payload["violations"] = error.violations
        response = SandboxResponse.json(error.status, payload)
    response.headers.update(error.headers)
    return response


def read_json(request: SandboxRequest) -> Any:
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise bad_request("Syntax error: the request body is not valid JSON.") from None
