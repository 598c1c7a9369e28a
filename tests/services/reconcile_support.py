"""Helpers for the reconciliation sweep's tests: orders left between states, as a crash or a
run of ambiguous failures leaves them at the sandbox and locally."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from django.utils import timezone

from shop import signals
from shop.forms.customer import CustomerForm
from shop.korus import reset_client
from shop.models import Order
from shop.services import booking
from shop.services.errors import ServiceUnavailable
from shop.session import BookingSession
from tests.services.booking_support import CUSTOMER, answers_post, intercept, new_booking

ORDERS_BULK = r"^/v1/booking/orders/_bulk$"
ORDERS_LIST = r"^/v1/booking/orders$"  # the lookup by external reference


@pytest.fixture(autouse=True)
def no_client_retries(settings: Any) -> None:
    # Every fault below is meant to reach the service at once, not after backoff sleeps.
    settings.KORUS_MAX_RETRIES = 0
    reset_client()


@pytest.fixture
def confirmed_signals() -> Iterator[list[int]]:
    """The order ids order_confirmed was sent for, in order."""
    received: list[int] = []

    def receiver(sender: Any, order_id: int, **kwargs: Any) -> None:
        received.append(order_id)

    signals.order_confirmed.connect(receiver, weak=False)
    yield received
    signals.order_confirmed.disconnect(receiver)


def checkout_ready(case: Any, quantity: int = 1) -> BookingSession:
    """A checkout with its hold and customer details, one click from the order."""
    bs = new_booking()
    booking.booking_start(
        booking=bs,
        event_id=str(case.event_id),
        session_id=str(case.session_id),
        data={f"qty_{case.offer_id}": str(quantity)},
    )
    booking.booking_hold(booking=bs, data=answers_post(bs), client_ip="192.0.2.1")
    assert booking.booking_save_details(booking=bs, form=CustomerForm(CUSTOMER))
    return bs


def confirm_unavailable(bs: BookingSession) -> Order:
    """Confirm while the API misbehaves; the buyer is told to retry and does not come back."""
    with pytest.raises(ServiceUnavailable):
        booking.booking_confirm(booking=bs, language="en")
    return Order.objects.latest("pk")


def age(order: Order, seconds: float = 600) -> Order:
    """Move the order's creation back: as if the buyer had left it that long ago."""
    Order.objects.filter(pk=order.pk).update(
        created_at=timezone.now() - dt.timedelta(seconds=seconds)
    )
    order.refresh_from_db()
    return order


def order_with_lost_response(case: Any, sandbox_faults: Any) -> Order:
    """The API made the order but its answer was lost, and so were the lookups after it: our
    row is left reconciling while the sandbox holds the order."""
    bs = checkout_ready(case)
    sandbox_faults.add("lost_response", methods="POST", path=ORDERS_BULK)
    sandbox_faults.add("server_error", methods="GET", path=ORDERS_LIST)
    order = confirm_unavailable(bs)
    sandbox_faults.clear()
    return age(order)


class ApiEdge:
    """Every request the client sends, seen at its edge; `hooks` may answer one instead of the
    sandbox (or hold it), the rest go to the in-process sandbox unchanged."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.hooks: list[Callable[[httpx.Request], httpx.Response | None]] = []
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response | None:
        with self._lock:
            self.calls.append((request.method, request.url.path))
        for hook in self.hooks:
            answer = hook(request)
            if answer is not None:
                return answer
        return None

    def count(self, method: str, pattern: str) -> int:
        with self._lock:
            return sum(1 for m, p in self.calls if m == method and re.search(pattern, p))


@pytest.fixture
def api_edge(monkeypatch: pytest.MonkeyPatch, no_client_retries: None) -> ApiEdge:
    edge = ApiEdge()
    intercept(monkeypatch, edge)
    return edge


def order_never_received(case: Any, api_edge: ApiEdge) -> Order:
    """Every order call timed out before reaching the API, and each lookup found nothing:
    our row is left reconciling and the sandbox has no order."""
    bs = checkout_ready(case)

    def time_out(request: httpx.Request) -> httpx.Response | None:
        if request.method == "POST" and re.search(ORDERS_BULK, request.url.path):
            raise httpx.ReadTimeout("timed out", request=request)
        return None

    api_edge.hooks.append(time_out)
    order = confirm_unavailable(bs)
    api_edge.hooks.remove(time_out)
    return age(order)
