"""Periodic operations tasks (listed in CELERY_IMPORTS and CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from shop.services.operations import api_call_log_prune


@shared_task(name="shop.operations.api_call_log_prune", acks_late=True, ignore_result=True)
def api_call_log_prune_task() -> int:
    """Keep the API call log bounded; idempotent, so a redelivered run deletes nothing more."""
    return api_call_log_prune()
