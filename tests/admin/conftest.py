"""Fixtures of the admin tests: staff and non-staff clients, and real orders placed through
the checkout services against the in-process sandbox (with the API call log hook on)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from booking_site.request_id import bind_request_id
from shop.forms.customer import CustomerForm
from shop.korus import reset_client
from shop.models import Order, OrderFulfilment
from shop.services import booking as booking_svc
from shop.services.documents import documents_poll
from shop.services.operations import api_call_log_flush
from tests.services.booking_support import CUSTOMER, answers_post, new_booking


@pytest.fixture(autouse=True)
def fresh_client_and_cache() -> Iterator[None]:
    """A fresh client (its on_call observer, settings.KORUS_CALL_OBSERVER, is the operations
    log) and an empty cache (demo ids change per test; lockout counters must not leak)."""
    # Fulfilment tasks are queued on commit: on the embedded broker that needs its folders.
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
    backend = str(getattr(settings, "CELERY_RESULT_BACKEND", "") or "")
    if backend.startswith("file://"):
        Path(backend.removeprefix("file://")).mkdir(parents=True, exist_ok=True)
    cache.clear()
    reset_client()
    yield
    api_call_log_flush()
    cache.clear()
    reset_client()


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def staff(db: None) -> Any:
    return get_user_model().objects.create_superuser(
        "operator", "operator@example.com", "a-long-operator-password"
    )


@pytest.fixture
def staff_client(staff: Any) -> Client:
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def buyer_client(db: None) -> Client:
    """Logged in, but not staff: the admin must give such a user nothing."""
    user = get_user_model().objects.create_user("buyer", "buyer@example.com", "buyer-password-1")
    client = Client()
    client.force_login(user)
    return client


PlaceOrder = Callable[..., Order]


@pytest.fixture
def place_order(
    sandbox_demo: Any, media: Any, django_capture_on_commit_callbacks: Any
) -> PlaceOrder:
    """Place an order as a buyer would: quantities, answers, hold, details, confirm."""

    def place(
        case: Any = None,
        *,
        quantity: int = 2,
        firstname: str = "Ada",
        lastname: str = "Lovelace",
        email: str = "ada@example.com",
        request_id: str = "req-confirm",
    ) -> Order:
        case = case or sandbox_demo.concert
        booking = new_booking()
        booking_svc.booking_start(
            booking=booking,
            event_id=str(case.event_id),
            session_id=str(case.session_id),
            data={f"qty_{case.offer_id}": str(quantity)},
        )
        booking_svc.booking_hold(booking=booking, data=answers_post(booking), client_ip="127.0.0.1")
        details = {
            **CUSTOMER,
            "firstname": firstname,
            "lastname": lastname,
            "email": email,
            "email_confirm": email,
        }
        assert booking_svc.booking_save_details(booking=booking, form=CustomerForm(data=details))
        # Confirmed inside a request id, as the middleware binds one for the confirm POST; the
        # commit hooks run so fulfilment starts (its tasks go to a broker nobody consumes).
        with bind_request_id(request_id), django_capture_on_commit_callbacks(execute=True):
            order = booking_svc.booking_confirm(booking=booking, language="en")
        assert order.status == Order.Status.CONFIRMED, order.failure_reason
        return order

    return place


@pytest.fixture
def deliver_documents(sandbox_clock: Any) -> Callable[[Order], OrderFulfilment]:
    """Let the sandbox's documents become downloadable, then poll until they are stored."""

    def deliver(order: Order) -> OrderFulfilment:
        sandbox_clock.advance(3600)
        later = timezone.now() + dt.timedelta(hours=1)
        for _ in range(5):
            if documents_poll(order_id=order.pk, now=later).done:
                break
        return OrderFulfilment.objects.get(order=order)

    return deliver
