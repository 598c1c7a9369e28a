"""Issue 7, acceptance 2: ten concurrent confirms of one checkout make one order."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from sandbox import models as sm
from shop.models import Order
from shop.session import BookingSession
from tests.services.booking_support import CUSTOMER, answers_post, fresh_client_and_cache  # noqa: F401

# Real commits on both aliases: each thread's request runs on its own connection.
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "sandbox"])


def test_ten_concurrent_confirms_make_exactly_one_order(sandbox_demo: Any) -> None:
    case = sandbox_demo.concert
    buyer = Client()
    buyer.post(
        reverse("shop:checkout_start"),
        {"event": str(case.event_id), "session": str(case.session_id), f"qty_{case.offer_id}": "1"},
    )
    buyer.post(reverse("shop:checkout_hold"), answers_post(BookingSession(buyer.session)))
    buyer.post(reverse("shop:checkout_details"), CUSTOMER)
    tabs = []
    for _ in range(10):
        tab = Client()
        tab.cookies = buyer.cookies  # the same browser session, ten tabs or clicks
        tabs.append(tab)
    barrier = threading.Barrier(len(tabs))
    locations: list[str] = []
    errors: list[BaseException] = []

    def confirm(tab: Client) -> None:
        try:
            barrier.wait()
            response = tab.post(reverse("shop:checkout_confirm"))
            locations.append(response.get("Location", str(response.status_code)))
        except BaseException as error:  # re-raised by the main thread's assertion
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm, args=(tab,)) for tab in tabs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors
    order = Order.objects.get()
    assert order.status == Order.Status.CONFIRMED
    assert sm.Order.objects.filter(external_reference=order.external_reference).count() == 1
    assert sm.Order.objects.count() == 1
    assert locations == [reverse("shop:order", args=[order.secret])] * 10
