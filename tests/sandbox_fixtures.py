"""Pytest fixtures of the KorusTicket sandbox, for every test that talks to the emulator.

Registered in tests/conftest.py (`pytest_plugins`). A test using `sandbox_demo`,
`sandbox_faults` or `sandbox_client` gets database access to both aliases added to its
`django_db` mark (keeping `transaction=True` if it asked for it).

- `sandbox_demo`: the demo catalog, loaded for this test; returns a `sandbox.demo.DemoCatalog`
  (`.museum`, `.concert`, `.sold_out`, `.three_left`, `.tour`, `.date_access`,
  `.realtime_price`, `.beneficiary`, ... each a `DemoCase` with `*_iri` properties and
  `reservation_item(quantity, form_data)`; `.form_iri`, `.catalog_iri`).
- `sandbox_clock`: `.advance(seconds)`, `.now()`; reset after the test.
- `sandbox_settings`: `.hold_minutes`, `.document_delay` (seconds), `.url_seconds`.
- `sandbox_faults`: `.add(kind, rate=1.0, methods="", path="", latency_ms=0, status=503,
  retry_after=1)` with kind in latency, server_error, rate_limit, timeout, lost_response;
  `.clear()`.
- `sandbox_client`: an `httpx.Client` on the in-process transport, authenticated.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest

SANDBOX_FIXTURES = {"sandbox_demo", "sandbox_faults", "sandbox_client"}
SANDBOX_BASE_URL = "http://sandbox.korus.invalid"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if not SANDBOX_FIXTURES & set(getattr(item, "fixturenames", ())):
            continue
        marker = item.get_closest_marker("django_db")
        kwargs: dict[str, Any] = dict(marker.kwargs) if marker else {}
        if marker and marker.args:
            kwargs.setdefault("transaction", marker.args[0])
        databases = kwargs.get("databases")
        if databases != "__all__" and "sandbox" not in (databases or ()):
            kwargs["databases"] = "__all__"
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)


class SandboxClock:
    def advance(self, seconds: float) -> None:
        from sandbox import clock

        clock.advance(seconds)

    def now(self) -> datetime:
        from sandbox import clock

        return clock.now()


@pytest.fixture
def sandbox_clock() -> Iterator[SandboxClock]:
    from sandbox import clock

    clock.reset()
    yield SandboxClock()
    clock.reset()


class SandboxSettings:
    def __init__(self, settings: Any) -> None:
        self._settings = settings

    @property
    def hold_minutes(self) -> float:
        return float(self._settings.SANDBOX_HOLD_MINUTES)

    @hold_minutes.setter
    def hold_minutes(self, value: float) -> None:
        self._settings.SANDBOX_HOLD_MINUTES = value

    @property
    def document_delay(self) -> float:
        return float(self._settings.SANDBOX_DOCUMENT_DELAY_SECONDS)

    @document_delay.setter
    def document_delay(self, value: float) -> None:
        self._settings.SANDBOX_DOCUMENT_DELAY_SECONDS = value

    @property
    def url_seconds(self) -> int:
        return int(self._settings.SANDBOX_DOCUMENT_URL_SECONDS)

    @url_seconds.setter
    def url_seconds(self, value: int) -> None:
        self._settings.SANDBOX_DOCUMENT_URL_SECONDS = value


@pytest.fixture
def sandbox_settings(settings: Any) -> SandboxSettings:
    return SandboxSettings(settings)


class SandboxFaults:
    def add(
        self,
        kind: str,
        rate: float = 1.0,
        *,
        methods: str = "",
        path: str = "",
        latency_ms: int = 0,
        status: int = 503,
        retry_after: int = 1,
    ) -> Any:
        from sandbox.models import FaultRule

        if kind not in dict(FaultRule.KINDS):
            raise ValueError(f"unknown fault kind {kind!r}")
        return FaultRule.objects.create(
            kind=kind,
            rate=rate,
            methods=methods,
            path_pattern=path,
            latency_ms=latency_ms,
            status=status,
            retry_after=retry_after,
            name=f"test:{kind}",
        )

    def clear(self) -> None:
        from sandbox.models import FaultRule

        FaultRule.objects.all().delete()


@pytest.fixture
def sandbox_faults(db: None) -> Iterator[SandboxFaults]:
    faults = SandboxFaults()
    faults.clear()
    yield faults
    faults.clear()


@pytest.fixture
def _sandbox_pinned_connection(db: None) -> Iterator[None]:
    """Let the client's worker threads see this test's uncommitted sandbox rows."""
    from django.db import connections

    from sandbox import transport

    connection = connections["sandbox"]
    if connection.in_atomic_block:
        transport.pin_connection(connection)
        yield
        transport.pin_connection(None)
    else:
        yield  # transactional test: every thread sees committed rows anyway


@pytest.fixture
def sandbox_demo(db: None, sandbox_clock: SandboxClock, _sandbox_pinned_connection: None) -> Any:
    from sandbox import demo

    return demo.load(reset=True)


@pytest.fixture
def sandbox_client(db: None, _sandbox_pinned_connection: None) -> Iterator[httpx.Client]:
    from django.conf import settings

    from sandbox.transport import SandboxTransport

    with httpx.Client(
        transport=SandboxTransport(),
        base_url=SANDBOX_BASE_URL,
        headers={"Authorization": settings.KORUS_SANDBOX_API_KEY, "Accept": "application/ld+json"},
    ) as client:
        yield client
