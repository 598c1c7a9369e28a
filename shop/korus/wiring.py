"""The per-process client built from settings. The only module that imports the sandbox."""

from __future__ import annotations

import os
import threading

import httpx
from django.conf import settings
from django.utils.module_loading import import_string

from shop.korus.calls import CallObserver
from shop.korus.client import KorusClient
from shop.korus.retry import RetryPolicy

SANDBOX_BASE_URL = "http://sandbox.korus.invalid"

_lock = threading.Lock()
_client: KorusClient | None = None
_client_pid: int | None = None


def build_client(*, on_call: CallObserver | None = None) -> KorusClient:
    """A new client configured from settings: the real API when KORUS_API_URL is set, the
    in-process sandbox otherwise."""
    transport: httpx.BaseTransport | None = None
    base_url: str = settings.KORUS_API_URL
    api_key: str | None = settings.KORUS_API_KEY or None
    client_id = client_secret = token_url = None
    if not base_url:
        from sandbox.transport import SandboxTransport

        transport = SandboxTransport()
        base_url = SANDBOX_BASE_URL
        api_key = settings.KORUS_SANDBOX_API_KEY
    elif not api_key:
        client_id = settings.KORUS_CLIENT_ID or None
        client_secret = settings.KORUS_CLIENT_SECRET or None
        token_url = settings.KORUS_TOKEN_URL or None
    languages = list(settings.KORUS_LANGUAGES or [])
    if on_call is None and settings.KORUS_CALL_OBSERVER:
        # A dotted path in settings keeps this package from importing the shop's services.
        on_call = import_string(settings.KORUS_CALL_OBSERVER)
    return KorusClient(
        base_url,
        api_key=api_key,
        client_id=client_id,
        client_secret=client_secret,
        token_url=token_url,
        transport=transport,
        connect_timeout=settings.KORUS_CONNECT_TIMEOUT,
        read_timeout=settings.KORUS_READ_TIMEOUT,
        retry_policy=RetryPolicy(max_retries=settings.KORUS_MAX_RETRIES),
        default_language=languages[0] if languages else None,
        on_call=on_call,
    )


def get_client() -> KorusClient:
    """The process's client, created on first use.

    Re-created in a forked child (gunicorn and Celery workers fork after import): a connection
    pool must not be shared across processes.
    """
    global _client, _client_pid
    pid = os.getpid()
    client = _client
    if client is not None and _client_pid == pid:
        return client
    with _lock:
        if _client is None or _client_pid != pid:
            _client = build_client()
            _client_pid = pid
        return _client


def reset_client() -> None:
    """Drop the process's client (tests that change settings, or after a fork)."""
    global _client, _client_pid
    with _lock:
        if _client is not None and _client_pid == os.getpid():
            _client.close()
        _client, _client_pid = None, None
