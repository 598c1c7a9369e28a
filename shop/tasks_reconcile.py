"""The periodic reconciliation sweep (CELERY_IMPORTS and CELERY_BEAT_SCHEDULE, settings'
Checkout section): settles orders left pending or reconciling; see shop/services/reconcile.py.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from shop.services.reconcile import orders_reconcile


@shared_task(
    name="shop.orders_reconcile", acks_late=True, reject_on_worker_lost=True, ignore_result=True
)
def orders_reconcile_task() -> dict[str, int]:
    """Sweep once. A redelivered or overlapping run is harmless: each order is claimed first,
    and only read from the API. No retry: the next beat is the retry."""
    # Stop taking new orders after one beat interval, well inside the task's time limit.
    budget = float(settings.CHECKOUT_RECONCILE_EVERY_SECONDS)
    return orders_reconcile(time_budget=budget).counts()
