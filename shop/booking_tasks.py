"""Celery tasks of the checkout: thin wrappers that take primitives and call a service.

Registered through CELERY_IMPORTS (settings, Checkout section), so the worker loads them
alongside shop.tasks.
"""

from __future__ import annotations

from celery import shared_task

from shop.services import booking


@shared_task(name="shop.order_links_send", acks_late=True, ignore_result=True)
def order_links_send_task(email: str, language: str) -> int:
    # Re-sending the same links twice after a worker crash is harmless; no state to guard.
    return booking.order_links_send(email=email, language=language)
