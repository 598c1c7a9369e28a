"""The reconciliation sweep's Celery task, run through .apply(), and its place on beat."""

# ruff: noqa: F811 (the shared fixtures are imported, then named as arguments)
from __future__ import annotations

from typing import Any

import pytest

from booking_site.celery import app
from sandbox import models as sm
from shop.models import Order
from shop.tasks_reconcile import orders_reconcile_task
from tests.services.booking_support import fresh_client_and_cache  # noqa: F401
from tests.services.reconcile_support import (  # noqa: F401 (fixtures)
    api_edge,
    confirmed_signals,
    no_client_retries,
    order_never_received,
    order_with_lost_response,
)

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])


def test_the_task_confirms_an_order_whose_response_was_lost(
    sandbox_demo: Any,
    sandbox_faults: Any,
    confirmed_signals: list[int],
    django_capture_on_commit_callbacks: Any,
) -> None:
    order = order_with_lost_response(sandbox_demo.concert, sandbox_faults)

    with django_capture_on_commit_callbacks(execute=True):
        counts = orders_reconcile_task.apply().get()

    assert counts["confirmed"] == 1
    assert Order.objects.get(pk=order.pk).status == Order.Status.CONFIRMED
    assert sm.Order.objects.count() == 1
    assert confirmed_signals == [order.pk]


def test_the_task_fails_an_order_the_api_never_received_once_its_hold_expired(
    sandbox_demo: Any, api_edge: Any, sandbox_clock: Any, sandbox_settings: Any
) -> None:
    order = order_never_received(sandbox_demo.concert, api_edge)
    assert orders_reconcile_task.apply().get()["waiting"] == 1

    sandbox_clock.advance(sandbox_settings.hold_minutes * 60 + 1)

    assert orders_reconcile_task.apply().get()["failed"] == 1
    assert Order.objects.get(pk=order.pk).status == Order.Status.FAILED


def test_a_rerun_of_the_task_does_nothing_more(sandbox_demo: Any, sandbox_faults: Any) -> None:
    order_with_lost_response(sandbox_demo.concert, sandbox_faults)
    orders_reconcile_task.apply()

    counts = orders_reconcile_task.apply().get()

    assert set(counts.values()) == {0}
    assert sm.Order.objects.count() == 1


def test_the_task_is_acknowledged_late_and_requeued_if_its_worker_dies() -> None:
    assert orders_reconcile_task.acks_late
    assert orders_reconcile_task.reject_on_worker_lost


def test_the_task_is_on_the_beat_schedule(settings: Any) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["checkout-orders-reconcile"]

    assert entry["task"] == orders_reconcile_task.name
    assert entry["schedule"] == settings.CHECKOUT_RECONCILE_EVERY_SECONDS


def test_a_worker_loads_every_task_module_of_the_settings(settings: Any) -> None:
    # One section's `CELERY_IMPORTS = [...]` once replaced another's: workers then lacked tasks.
    assert {"shop.booking_tasks", "shop.tasks_reconcile", "shop.tasks_operations"} <= set(
        settings.CELERY_IMPORTS
    )
    app.loader.import_default_modules()
    assert {"shop.orders_reconcile", "shop.order_links_send"} <= set(app.tasks)
