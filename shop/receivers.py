"""Signal receivers that start the work following a confirmed order (wired in ShopConfig)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from kombu.exceptions import OperationalError

from shop.models import EmailOutbox, Order
from shop.services.documents import fulfilment_start
from shop.services.emails import email_queue

logger = logging.getLogger(__name__)


def on_order_confirmed(sender: Any, *, order_id: int, **kwargs: Any) -> None:
    """Record what is owed to the buyer, then queue the tasks once that is committed."""
    from shop.tasks import documents_poll_task, email_send_task, receipt_render_task

    if fulfilment_start(order_id=order_id) is None:
        return
    order = Order.objects.get(pk=order_id)
    outbox = email_queue(order=order, kind=EmailOutbox.Kind.ORDER_CONFIRMED)

    def enqueue() -> None:
        try:
            documents_poll_task.delay(order_id)
            receipt_render_task.delay(order_id)
            if outbox is not None:
                email_send_task.delay(outbox.pk)
        except (OperationalError, OSError):
            # The order is confirmed whatever the broker says; the rows above remember the
            # work, and shop.documents_resume queues it again once the broker is back.
            logger.exception("could not queue the fulfilment of order %s", order_id)

    transaction.on_commit(enqueue)
