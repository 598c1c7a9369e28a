"""In-process access for the shop's KorusTicket client: an httpx transport, no socket.

The only sandbox module that imports httpx. It calls the emulator's own handler directly,
never Django's WSGI handler, whose request_finished signal would close the database
connection of the shop request that is making the call.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qsl

import httpx
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

from sandbox.api import SandboxRequest, SandboxResponse, handle

SANDBOX_DB = "sandbox"
_pinned: BaseDatabaseWrapper | None = None
_pinned_lock = threading.RLock()


def pin_connection(connection: BaseDatabaseWrapper | None) -> None:
    """Make calls from any thread use `connection` (tests: their transaction's connection).

    A test's sandbox rows live in an uncommitted transaction; the client's worker threads
    would not see them on their own connections. Pinned calls are serialised.
    """
    global _pinned
    if connection is not None:
        connection.inc_thread_sharing()
    elif _pinned is not None:
        _pinned.dec_thread_sharing()
    _pinned = connection


@contextmanager
def _connection() -> Iterator[None]:
    pinned = _pinned
    if pinned is None or connections[SANDBOX_DB] is pinned:
        yield
        return
    with _pinned_lock:
        connections[SANDBOX_DB] = pinned
        try:
            yield
        finally:
            del connections[SANDBOX_DB]


def to_sandbox_request(request: httpx.Request) -> SandboxRequest:
    url = request.url
    return SandboxRequest(
        method=request.method.upper(),
        path=url.path,
        query=parse_qsl(url.query.decode(), keep_blank_values=True),
        headers={k.lower(): v for k, v in request.headers.items()},
        body=request.read(),
        base_url=f"{url.scheme}://{url.netloc.decode()}",
    )


def _read_timeout(request: httpx.Request) -> float:
    timeout = request.extensions.get("timeout") or {}
    value = timeout.get("read")
    return 5.0 if value is None else float(value)


class SandboxTransport(httpx.BaseTransport):
    """`httpx.Client(transport=SandboxTransport(), base_url="http://sandbox.korus.invalid")`."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with _connection():
            response: SandboxResponse = handle(to_sandbox_request(request))
        if response.fault == "timeout":
            time.sleep(_read_timeout(request))
            raise httpx.ReadTimeout("The read operation timed out", request=request)
        if response.fault == "lost_response":
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            content=response.body,
            request=request,
        )
