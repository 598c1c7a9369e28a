"""The reconciliation sweep against the sandbox: orders left between states are settled from
what the API says, once, and the sweep never sends an order itself."""

# ruff: noqa: F811 (the shared fixtures are imported, then named as arguments)
from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from sandbox import models as sm
from shop.models import Order, Reservation
from shop.services import booking, reconcile
from shop.services.operations import attention_items
from shop.services.reconcile import Outcome
from tests.services.booking_support import fresh_client_and_cache  # noqa: F401
from tests.services.reconcile_support import (  # noqa: F401 (fixtures)
    ORDERS_BULK,
    ORDERS_LIST,
    age,
    api_edge,
    checkout_ready,
    confirmed_signals,
    no_client_retries,
    order_never_received,
    order_with_lost_response,
)

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])


def expire_hold(sandbox_clock: Any, sandbox_settings: Any) -> None:
    sandbox_clock.advance(sandbox_settings.hold_minutes * 60 + 1)


def test_lost_response_order_left_reconciling_is_confirmed_by_the_sweep(
    sandbox_demo: Any,
    sandbox_faults: Any,
    confirmed_signals: list[int],
    django_capture_on_commit_callbacks: Any,
) -> None:
    order = order_with_lost_response(sandbox_demo.concert, sandbox_faults)
    assert order.status == Order.Status.RECONCILING

    with django_capture_on_commit_callbacks(execute=True):
        report = reconcile.orders_reconcile()

    order.refresh_from_db()
    remote = sm.Order.objects.get()
    assert report.outcomes == {order.pk: Outcome.CONFIRMED}
    assert order.status == Order.Status.CONFIRMED
    assert order.reference == remote.reference
    assert remote.external_reference == order.external_reference
    assert Order.objects.count() == 1
    assert confirmed_signals == [order.pk]


def test_confirmed_order_gets_its_items_and_reservation_marked_ordered(
    sandbox_demo: Any, sandbox_faults: Any
) -> None:
    order = order_with_lost_response(sandbox_demo.concert, sandbox_faults)

    reconcile.orders_reconcile()

    order.refresh_from_db()
    assert sum(item["quantity"] for item in order.items) == 1
    assert order.confirmed_at is not None
    assert order.submitting_since is None
    assert Reservation.objects.get().status == Reservation.Status.ORDERED


def test_a_second_sweep_sends_no_second_signal(
    sandbox_demo: Any,
    sandbox_faults: Any,
    confirmed_signals: list[int],
    django_capture_on_commit_callbacks: Any,
) -> None:
    order = order_with_lost_response(sandbox_demo.concert, sandbox_faults)

    with django_capture_on_commit_callbacks(execute=True):
        reconcile.orders_reconcile()
        again = reconcile.order_reconcile(order_id=order.pk)

    assert again == Outcome.SETTLED
    assert confirmed_signals == [order.pk]


def test_pending_order_whose_process_died_mid_call_is_confirmed(
    sandbox_demo: Any, sandbox_faults: Any
) -> None:
    order = order_with_lost_response(sandbox_demo.concert, sandbox_faults)
    # The confirm's process was killed while it held the claim: pending, claimed long ago.
    Order.objects.filter(pk=order.pk).update(
        status=Order.Status.PENDING, submitting_since=timezone.now() - dt.timedelta(hours=1)
    )

    reconcile.orders_reconcile()

    order.refresh_from_db()
    assert order.status == Order.Status.CONFIRMED
    assert sm.Order.objects.count() == 1


def test_order_held_by_a_live_confirm_is_left_to_it(
    sandbox_demo: Any, sandbox_faults: Any, api_edge: Any
) -> None:
    order = order_with_lost_response(sandbox_demo.concert, sandbox_faults)
    Order.objects.filter(pk=order.pk).update(submitting_since=timezone.now())
    before = len(api_edge.calls)

    assert reconcile.order_reconcile(order_id=order.pk) == Outcome.BUSY
    assert reconcile.orders_reconcile().outcomes == {}

    order.refresh_from_db()
    assert order.status == Order.Status.RECONCILING
    assert len(api_edge.calls) == before


def test_order_the_api_never_received_waits_while_its_hold_stands(
    sandbox_demo: Any, api_edge: Any
) -> None:
    order = order_never_received(sandbox_demo.concert, api_edge)

    report = reconcile.orders_reconcile()

    order.refresh_from_db()
    assert report.outcomes == {order.pk: Outcome.WAITING}
    assert order.status == Order.Status.RECONCILING
    assert order.submitting_since is None


def test_order_the_api_never_received_is_failed_once_its_hold_expired(
    sandbox_demo: Any, api_edge: Any, sandbox_clock: Any, sandbox_settings: Any
) -> None:
    order = order_never_received(sandbox_demo.concert, api_edge)
    expire_hold(sandbox_clock, sandbox_settings)

    report = reconcile.orders_reconcile()

    order.refresh_from_db()
    assert report.outcomes == {order.pk: Outcome.FAILED}
    assert order.status == Order.Status.FAILED
    assert "reservation has expired" in order.failure_reason
    assert Reservation.objects.get().status == Reservation.Status.RELEASED
    assert not sm.Order.objects.exists()


def test_the_sweep_never_sends_an_order(
    sandbox_demo: Any, api_edge: Any, sandbox_clock: Any, sandbox_settings: Any
) -> None:
    order = order_never_received(sandbox_demo.concert, api_edge)
    sent_by_checkout = api_edge.count("POST", ORDERS_BULK)

    reconcile.orders_reconcile()
    expire_hold(sandbox_clock, sandbox_settings)
    reconcile.orders_reconcile()

    assert api_edge.count("POST", ORDERS_BULK) == sent_by_checkout
    assert Order.objects.get(pk=order.pk).status == Order.Status.FAILED


def test_order_not_found_after_the_give_up_age_is_failed_though_its_hold_stands(
    sandbox_demo: Any, api_edge: Any, settings: Any
) -> None:
    settings.CHECKOUT_RECONCILE_GIVE_UP_HOURS = 1
    order = age(order_never_received(sandbox_demo.concert, api_edge), seconds=2 * 3600)

    assert reconcile.orders_reconcile().outcomes == {order.pk: Outcome.FAILED}
    assert "after 1 h" in Order.objects.get(pk=order.pk).failure_reason


def test_a_lookup_that_fails_leaves_the_order_for_the_next_sweep(
    sandbox_demo: Any, sandbox_faults: Any, sandbox_clock: Any, sandbox_settings: Any
) -> None:
    order = order_with_lost_response(sandbox_demo.concert, sandbox_faults)
    expire_hold(sandbox_clock, sandbox_settings)
    sandbox_faults.add("server_error", methods="GET", path=ORDERS_LIST)

    assert reconcile.orders_reconcile().outcomes == {order.pk: Outcome.WAITING}
    assert Order.objects.get(pk=order.pk).status == Order.Status.RECONCILING


def test_an_order_younger_than_the_sweep_age_is_not_swept(
    sandbox_demo: Any, sandbox_faults: Any, settings: Any
) -> None:
    order = order_with_lost_response(sandbox_demo.concert, sandbox_faults)
    settings.CHECKOUT_RECONCILE_AFTER_SECONDS = 3600

    assert reconcile.reconcile_candidates() == []
    assert Order.objects.get(pk=order.pk).status == Order.Status.RECONCILING


def test_confirmed_order_is_untouched(
    sandbox_demo: Any, api_edge: Any, confirmed_signals: list[int]
) -> None:
    order = booking.booking_confirm(booking=checkout_ready(sandbox_demo.concert), language="en")
    order = age(order)
    calls = len(api_edge.calls)

    report = reconcile.orders_reconcile()

    after = Order.objects.get(pk=order.pk)
    assert report.outcomes == {}
    assert reconcile.order_reconcile(order_id=order.pk) == Outcome.SETTLED
    assert (after.status, after.attempts, after.confirmed_at, after.reference) == (
        Order.Status.CONFIRMED,
        order.attempts,
        order.confirmed_at,
        order.reference,
    )
    assert len(api_edge.calls) == calls
    assert confirmed_signals == []


def test_failed_order_shows_the_buyer_and_the_operator_why(
    sandbox_demo: Any, api_edge: Any, sandbox_clock: Any, sandbox_settings: Any, client: Any
) -> None:
    order = order_never_received(sandbox_demo.concert, api_edge)
    expire_hold(sandbox_clock, sandbox_settings)
    reconcile.orders_reconcile()

    page = client.get(reverse("shop:order", args=[order.secret]))
    flagged = [item for item in attention_items() if item.order and item.order.pk == order.pk]

    assert "could not be made. You have not been charged." in page.content.decode()
    assert len(flagged) == 1
    assert "Not confirmed (reconciliation)" in flagged[0].reason


def test_failing_an_order_whose_payment_was_taken_asks_the_operator_to_refund(
    sandbox_demo: Any, api_edge: Any, sandbox_clock: Any, sandbox_settings: Any
) -> None:
    order = order_never_received(sandbox_demo.concert, api_edge)
    Order.objects.filter(pk=order.pk).update(payment_reference="pay_123")
    expire_hold(sandbox_clock, sandbox_settings)

    reconcile.orders_reconcile()

    reason = Order.objects.get(pk=order.pk).failure_reason
    assert "payment pay_123 was collected: refund it" in reason


def test_the_sweep_takes_no_further_order_once_its_time_budget_is_spent(
    sandbox_demo: Any, api_edge: Any
) -> None:
    first = order_never_received(sandbox_demo.concert, api_edge)
    second = order_never_received(sandbox_demo.museum, api_edge)

    report = reconcile.orders_reconcile(time_budget=0)

    assert list(report.outcomes) == [first.pk]
    assert reconcile.orders_reconcile().outcomes.keys() == {first.pk, second.pk}


# ---------------------------------------------------------------------------------------------
# Overlapping runs (two beats, a redelivered task): real commits, one connection per thread.
# ---------------------------------------------------------------------------------------------
def hold_first_lookup(released: threading.Event) -> tuple[threading.Event, Callable[..., None]]:
    """An edge hook that keeps the first order lookup waiting until `released` is set, so a
    second sweep runs while the first is in the middle of settling the order."""
    entered = threading.Event()
    lock = threading.Lock()

    def hook(request: httpx.Request) -> None:
        if request.method != "GET" or not re.search(ORDERS_LIST, request.url.path):
            return
        with lock:
            first = not entered.is_set()
            entered.set()
        if first:
            released.wait(timeout=10)

    return entered, hook


def run_in_thread(target: Callable[[], Any], results: list[Any]) -> threading.Thread:
    def run() -> None:
        try:
            results.append(target())
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True, databases=["default", "sandbox"])
def test_two_concurrent_sweeps_settle_the_order_once(
    sandbox_demo: Any, sandbox_faults: Any, api_edge: Any, confirmed_signals: list[int]
) -> None:
    order = order_with_lost_response(sandbox_demo.concert, sandbox_faults)
    lookups = api_edge.count("GET", ORDERS_LIST)
    second_done = threading.Event()
    first_in_lookup, hook = hold_first_lookup(second_done)
    api_edge.hooks.append(hook)
    first: list[Any] = []
    second: list[Any] = []

    one = run_in_thread(reconcile.orders_reconcile, first)
    assert first_in_lookup.wait(timeout=10)
    two = run_in_thread(reconcile.orders_reconcile, second)
    two.join(timeout=30)
    second_done.set()
    one.join(timeout=30)

    assert first[0].outcomes == {order.pk: Outcome.CONFIRMED}
    assert Outcome.CONFIRMED not in second[0].outcomes.values()
    assert api_edge.count("GET", ORDERS_LIST) == lookups + 1
    assert confirmed_signals == [order.pk]
    assert sm.Order.objects.count() == 1
    assert Order.objects.get().status == Order.Status.CONFIRMED


@pytest.mark.django_db(transaction=True, databases=["default", "sandbox"])
def test_a_sweep_that_listed_an_order_another_is_settling_leaves_it(
    sandbox_demo: Any, sandbox_faults: Any, api_edge: Any, confirmed_signals: list[int]
) -> None:
    order = order_with_lost_response(sandbox_demo.concert, sandbox_faults)
    listed = reconcile.reconcile_candidates()
    second_done = threading.Event()
    first_in_lookup, hook = hold_first_lookup(second_done)
    api_edge.hooks.append(hook)
    first: list[Any] = []
    second: list[Any] = []

    one = run_in_thread(reconcile.orders_reconcile, first)
    assert first_in_lookup.wait(timeout=10)
    two = run_in_thread(
        lambda: [reconcile.order_reconcile(order_id=order_id) for order_id in listed], second
    )
    two.join(timeout=30)
    second_done.set()
    one.join(timeout=30)

    assert listed == [order.pk]
    assert second == [[Outcome.BUSY]]
    assert first[0].outcomes == {order.pk: Outcome.CONFIRMED}
    assert confirmed_signals == [order.pk]
