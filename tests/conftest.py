"""Suite-wide fixtures and the network guard.

Tests may talk to loopback (PostgreSQL, Redis, a live server, the Celery worker) and to
nothing else: an attempt to reach another address fails the test.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import pytest

# Fixtures of the KorusTicket sandbox (sandbox_demo, sandbox_clock, sandbox_faults, ...).
pytest_plugins = ["tests.sandbox_fixtures"]

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "testserver", ""}


class NetworkBlockedError(RuntimeError):
    """A test tried to reach a non-loopback address."""


def _is_loopback(host: Any) -> bool:
    if host is None or isinstance(host, bytes):
        host = (host or b"").decode()
    host = str(host).strip("[]")
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _check_address(sock: socket.socket, address: Any) -> None:
    if sock.family == socket.AF_UNIX:
        return
    host = address[0] if isinstance(address, tuple) else address
    if not _is_loopback(host):
        raise NetworkBlockedError(f"tests may not reach the network: connect to {address!r}")


def _guarded_connect(self: socket.socket, address: Any) -> None:
    _check_address(self, address)
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    _check_address(self, address)
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if not _is_loopback(host):
        raise NetworkBlockedError(f"tests may not resolve non-local names: {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


def pytest_configure(config: pytest.Config) -> None:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _guarded_getaddrinfo


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say which database, cache and broker the run used (CI: PostgreSQL and Redis)."""
    from django.conf import settings

    if not settings.configured:
        return
    database = settings.DATABASES["default"]
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    broker = settings.CELERY_BROKER_URL.split("://", 1)[0]
    terminalreporter.write_sep("=", "services")
    terminalreporter.write_line(
        f"database={database['ENGINE'].rsplit('.', 1)[-1]} cache={backend} broker={broker}"
    )


@pytest.fixture(autouse=True)
def _no_memos_from_other_tests() -> None:
    """Each process keeps the browse pages it served (shop/views/page_cache.py), the shop's
    settings (shop/services/operations.py) and the sandbox's fault rules (sandbox/faults.py) in
    memory, outside the Django cache and the database the tests reset: no test may see
    another's."""
    from sandbox.faults import forget_rules
    from shop.services.operations import shop_settings_memo_clear
    from shop.views.page_cache import clear_local

    clear_local()
    shop_settings_memo_clear()
    forget_rules()
