"""The sandbox alone, as a WSGI app serving the API at /v1/... (`gunicorn sandbox.wsgi`).

Point the shop's KORUS_API_URL at it (with KORUS_API_KEY=sandbox) to run the emulator in
its own processes, as the bench and reliability runs do.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "booking_site.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connections  # noqa: E402

from sandbox.api import SandboxRequest, SandboxResponse, handle  # noqa: E402

StartResponse = Callable[..., Any]


def _close_old_connections() -> None:
    # What Django does around each request; connections inside a transaction (tests) stay.
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close_if_unusable_or_obsolete()


def _base_url(environ: dict[str, Any]) -> str:
    scheme = environ.get("HTTP_X_FORWARDED_PROTO") or environ.get("wsgi.url_scheme", "http")
    host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
    return f"{scheme}://{host}{environ.get('SCRIPT_NAME', '')}".rstrip("/")


def to_sandbox_request(environ: dict[str, Any]) -> SandboxRequest:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    headers = {
        key[5:].replace("_", "-").lower(): value
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").lower()] = environ[key]
    path = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8", "replace")
    return SandboxRequest(
        method=environ["REQUEST_METHOD"].upper(),
        path=path,
        query=parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True),
        headers=headers,
        body=body,
        base_url=_base_url(environ),
    )


def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    _close_old_connections()
    try:
        response: SandboxResponse = handle(to_sandbox_request(environ))
    finally:
        _close_old_connections()
    if response.fault == "timeout":
        time.sleep(settings.SANDBOX_FAULT_TIMEOUT_SECONDS)
        response = SandboxResponse(status=504)
    elif response.fault == "lost_response":
        response = SandboxResponse(status=502)
    status = f"{response.status} {HTTPStatus(response.status).phrase}"
    headers = [*response.headers.items(), ("Content-Length", str(len(response.body)))]
    start_response(status, headers)
    return [response.body]
