"""Helpers for the checkout tests: a booking session, valid answers, and API edge doubles."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache

from shop.forms.answers import field_name
from shop.korus import KorusClient, reset_client, wiring
from shop.korus import models as km
from shop.korus.retry import RetryPolicy
from shop.services import catalog
from shop.session import BookingSession, answers_prefix

CUSTOMER = {
    "title": "mrs",
    "firstname": "Ada",
    "lastname": "Lovelace",
    "email": "ada@example.com",
    "email_confirm": "ada@example.com",
    "phone": "+33 6 10 20 30 40",
    "country": "FR",
    "language": "en",
}


@pytest.fixture(autouse=True)
def fresh_client_and_cache() -> Iterator[None]:
    # The demo catalog is reloaded with new ids per test: cached catalog reads must not leak.
    cache.clear()
    reset_client()
    yield
    cache.clear()
    reset_client()


def new_booking() -> BookingSession:
    store = SessionStore()
    store.create()
    return BookingSession(store)


def park_day_session(case: Any) -> str:
    """The day "session" a date-access offer is listed under (see sandbox/README.md)."""
    from sandbox import models as m

    offer = m.Offer.objects.get(pk=case.offer_id)
    session = next(
        s
        for s in m.Session.objects.filter(event_id=case.event_id)
        if s.occurs_at.astimezone(dt.UTC).date() == offer.date or s.occurs_at.date() == offer.date
    )
    return str(session.pk)


def sample_answer(field: km.FormField, unit: int = 0) -> str | list[str]:
    samples: dict[str, Callable[[], str | list[str]]] = {
        "text": lambda: f"Answer {unit}",
        "bool": lambda: "true",
        "integer": lambda: str(3 + unit),
        "decimal": lambda: "2.5",
        "date": lambda: "2000-01-0" + str(1 + unit),
        "time": lambda: "07:30",
        "datetime": lambda: "2025-01-01T10:00",
        "single_choice": lambda: field.choices[0].value,
        "multi_choice": lambda: [field.choices[0].value],
    }
    return samples[field.type]()


def answers_post(booking: BookingSession, *, required_only: bool = False) -> dict[str, Any]:
    """Valid answers for every ticket unit of the booking, as the page would post them."""
    data: dict[str, Any] = {}
    for line in booking.lines:
        for ticket in line.tickets:
            if not ticket.form_iri:
                continue
            definition = catalog.form_get(ticket.form_iri)
            for unit in range(line.quantity):
                prefix = answers_prefix(line.offer_id, ticket.ticket_id, unit)
                for field in definition.fields:
                    if required_only and not field.required:
                        continue
                    data[f"{prefix}-{field_name(field)}"] = sample_answer(field, unit)
    return data


def intercept(
    monkeypatch: pytest.MonkeyPatch,
    handler: Callable[[httpx.Request], httpx.Response | None],
) -> None:
    """Answer some requests at the client's edge; the rest go to the in-process sandbox."""
    from sandbox.transport import SandboxTransport

    class Edge(httpx.BaseTransport):
        def __init__(self) -> None:
            self.sandbox = SandboxTransport()

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            answer = handler(request)
            return answer if answer is not None else self.sandbox.handle_request(request)

    def build(**kwargs: Any) -> KorusClient:
        return KorusClient(
            wiring.SANDBOX_BASE_URL,
            api_key=settings.KORUS_SANDBOX_API_KEY,
            transport=Edge(),
            read_timeout=settings.KORUS_READ_TIMEOUT,
            retry_policy=RetryPolicy(max_retries=settings.KORUS_MAX_RETRIES),
            **kwargs,
        )

    monkeypatch.setattr(wiring, "build_client", build)
    reset_client()


def problem(status: int, violations: list[dict[str, str]] | None = None) -> httpx.Response:
    body: dict[str, Any] = {
        "@context": "/contexts/ConstraintViolationList",
        "@type": "ConstraintViolationList",
        "title": "An error occurred",
        "detail": "; ".join(v["message"] for v in violations or []),
        "status": status,
    }
    if violations is not None:
        body["violations"] = violations
    return httpx.Response(
        status, content=json.dumps(body), headers={"Content-Type": "application/ld+json"}
    )
