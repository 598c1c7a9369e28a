"""Thin Celery tasks: they take ids, and the services check state and do the work.

All are acknowledged late and rejected (so requeued) when their worker dies, which the
services make safe: every step is idempotent. Only transient failures are retried, with
exponential backoff and jitter; their countdowns stay well below the broker's visibility
timeout (see shop.services.documents.poll_delay).
"""

from __future__ import annotations

import logging
import random

from celery import Task, shared_task

from shop.korus.errors import KorusTransientError, RateLimited
from shop.services.documents import _delay_cap, documents_poll, documents_resume, poll_delay
from shop.services.emails import EmailSendFailed, email_send
from shop.services.receipts import receipt_render

logger = logging.getLogger(__name__)

TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}


def transient_delay(retries: int, exc: BaseException) -> float:
    """Backoff for a transient API error, honouring Retry-After within the cap."""
    delay = poll_delay(retries)
    if isinstance(exc, RateLimited) and exc.retry_after:
        delay = max(delay, min(float(exc.retry_after), _delay_cap()))
    return delay


@shared_task(bind=True, name="shop.documents_poll", max_retries=None, **TASK_OPTIONS)
def documents_poll_task(self: Task, order_id: int) -> str:
    """Poll an order's documents; reschedules itself until ready or past the deadline."""
    try:
        outcome = documents_poll(order_id=order_id)
    except KorusTransientError as exc:
        logger.info("documents_poll order=%s: transient %s, retrying", order_id, type(exc).__name__)
        raise self.retry(countdown=transient_delay(self.request.retries, exc)) from None
    if not outcome.done:
        raise self.retry(countdown=outcome.countdown)
    return outcome.status


@shared_task(bind=True, name="shop.email_send", max_retries=None, **TASK_OPTIONS)
def email_send_task(self: Task, outbox_id: int) -> None:
    try:
        email_send(outbox_id=outbox_id)
    except EmailSendFailed as exc:
        if exc.retry:
            # 30 s, 60 s, ... up to an hour, jittered: SMTP outages last minutes, not seconds.
            base = min(3600.0, 30.0 * 2 ** min(self.request.retries, 7))
            raise self.retry(countdown=base / 2 + random.random() * base / 2) from None


@shared_task(bind=True, name="shop.receipt_render", max_retries=5, **TASK_OPTIONS)
def receipt_render_task(self: Task, order_id: int) -> None:
    receipt_render(order_id=order_id)


@shared_task(name="shop.documents_resume", **TASK_OPTIONS)
def documents_resume_task() -> int:
    """Queue polling again for unfinished orders nobody polled lately (periodic or manual)."""
    order_ids = documents_resume()
    for order_id in order_ids:
        documents_poll_task.delay(order_id)
    return len(order_ids)
