"""Who may call the sandbox: its API key, or a token from its own OIDC token endpoint.

Tokens are signed rather than stored, so any process sharing SECRET_KEY accepts them; their
expiry is read on the sandbox clock, so tests can expire them with `sandbox_clock.advance()`.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import parse_qsl

from django.conf import settings
from django.core import signing

from sandbox import clock
from sandbox.api.http import ApiError, SandboxRequest, SandboxResponse

CLIENT_ID = "sandbox"
CLIENT_SECRET = "sandbox"  # noqa: S105 (documented demo credentials of the emulator)
_SALT = "sandbox.oidc"


def _issue(kind: str, lifetime: int) -> str:
    expires = clock.now().timestamp() + lifetime
    payload = {"k": kind, "e": expires, "n": secrets.token_hex(4)}
    return signing.dumps(payload, salt=_SALT, compress=True)


def _valid(token: str, kind: str) -> bool:
    try:
        payload: dict[str, Any] = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return False
    return payload.get("k") == kind and float(payload.get("e", 0)) > clock.now().timestamp()


def check(request: SandboxRequest) -> None:
    value = request.headers.get("authorization", "").strip()
    key = settings.KORUS_SANDBOX_API_KEY
    if key and value in (key, f"Bearer {key}"):
        return
    if value.startswith("Bearer ") and _valid(value[7:].strip(), "access"):
        return
    detail = (
        "Expired or invalid JWT Token" if value.startswith("Bearer ") else "JWT Token not found"
    )
    raise ApiError(
        401,
        detail,
        title="Unauthorized",
        headers={"WWW-Authenticate": 'Bearer realm="korusticket"'},
    )


def _oidc_error(status: int, error: str, description: str) -> SandboxResponse:
    return SandboxResponse.json(
        status, {"error": error, "error_description": description}, "application/json"
    )


def token(request: SandboxRequest) -> SandboxResponse:
    """OIDC client-credentials (and refresh) grant, answering as Keycloak does."""
    if request.method != "POST":
        return _oidc_error(405, "invalid_request", "HTTP method not allowed")
    try:
        form = dict(parse_qsl(request.body.decode(), keep_blank_values=True))
    except UnicodeDecodeError:
        form = {}
    grant = form.get("grant_type", "")
    if grant == "client_credentials":
        if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            return _oidc_error(401, "unauthorized_client", "Invalid client credentials")
    elif grant == "refresh_token":
        if not _valid(form.get("refresh_token", ""), "refresh"):
            return _oidc_error(400, "invalid_grant", "Invalid refresh token")
    else:
        return _oidc_error(400, "unsupported_grant_type", "Unsupported grant type")
    lifetime = settings.SANDBOX_TOKEN_EXPIRES_IN
    return SandboxResponse.json(
        200,
        {
            "access_token": _issue("access", lifetime),
            "expires_in": lifetime,
            "refresh_expires_in": lifetime,
            "refresh_token": _issue("refresh", lifetime),
            "token_type": "Bearer",
            "not-before-policy": 0,
            "scope": "profile email",
        },
        "application/json",
    )
