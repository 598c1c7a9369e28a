"""The reconciliation sweep: no order stays between states because nobody came back for it.

A confirm commits our pending Order before it calls the API. When its process dies after the
API made the order but before our row says so, or when every attempt failed ambiguously, the
row stays pending or reconciling until the buyer returns, and maybe forever. The sweep (a
periodic task, shop/tasks_reconcile.py) takes each such order with the checkout's own claim
(booking.order_claim), so a live confirm, a second sweep or a redelivered run never works on
it at the same time, and settles it from what the API says:

- the API has orders with our external reference: they are recorded exactly as a confirm
  records them (booking.order_mark_confirmed, which sends order_confirmed once, on commit);
- it has none and no reservation of the hold can be ordered any more (expired, released or
  gone at the API): the order is failed, since nothing can create it later; the same when it
  has none after CHECKOUT_RECONCILE_GIVE_UP_HOURS while the hold still stands;
- otherwise (the API did not answer, or the hold still stands): left for a later sweep.

The sweep only reads the API: it never sends an order, so it cannot make a second one.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import time
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from shop.korus import get_client
from shop.korus.errors import KorusError, NotFound
from shop.models.booking import Order, Reservation
from shop.services import booking
from shop.services.operations import api_calls_about

logger = logging.getLogger(__name__)

# The statuses of an order whose outcome is not known yet.
UNSETTLED = (Order.Status.PENDING, Order.Status.RECONCILING)


class Outcome(enum.StrEnum):
    CONFIRMED = "confirmed"  # the API had it: recorded as a confirm would
    FAILED = "failed"  # the API has none and never will
    WAITING = "waiting"  # not known yet: a later sweep looks again
    BUSY = "busy"  # held by a confirm or another sweep
    SETTLED = "settled"  # already confirmed, failed or cancelled: nothing done


class HoldState(enum.Enum):
    OPEN = "open"  # a reservation can still be ordered
    ORDERED = "ordered"  # the API says a reservation was ordered
    CLOSED = "closed"  # every reservation expired, was released or is gone
    UNKNOWN = "unknown"  # the API did not say


@dataclass(slots=True)
class SweepReport:
    """What one sweep did, order by order."""

    outcomes: dict[int, Outcome] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        tally = Counter(self.outcomes.values())
        return {outcome.value: tally[outcome] for outcome in Outcome}


def reconcile_candidates(*, now: dt.datetime | None = None, limit: int | None = None) -> list[int]:
    """Ids of the orders unsettled for longer than CHECKOUT_RECONCILE_AFTER_SECONDS that nobody
    holds (no claim, or a claim older than CHECKOUT_SUBMIT_STALE_SECONDS), oldest first."""
    now = now or timezone.now()
    settled_by = now - dt.timedelta(seconds=int(settings.CHECKOUT_RECONCILE_AFTER_SECONDS))
    stale = now - dt.timedelta(seconds=int(settings.CHECKOUT_SUBMIT_STALE_SECONDS))
    ids = (
        Order.objects.filter(status__in=UNSETTLED, created_at__lt=settled_by)
        .filter(Q(submitting_since__isnull=True) | Q(submitting_since__lt=stale))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )
    return list(ids[:limit] if limit is not None else ids)


def orders_reconcile(*, time_budget: float | None = None) -> SweepReport:
    """Settle every candidate order (at most CHECKOUT_RECONCILE_BATCH); safe to run at once in
    several processes. No further order is started once `time_budget` seconds have passed."""
    report = SweepReport()
    started = time.monotonic()
    for order_id in reconcile_candidates(limit=int(settings.CHECKOUT_RECONCILE_BATCH)):
        report.outcomes[order_id] = order_reconcile(order_id=order_id)
        if time_budget is not None and time.monotonic() - started >= time_budget:
            break  # the rest wait for the next run rather than overlap it
    if report.outcomes:
        logger.info("reconcile sweep: %s", report.counts())
    return report


def order_reconcile(*, order_id: int) -> Outcome:
    """Settle one unsettled order from the API's answer, under the checkout's claim."""
    order = Order.objects.select_related("reservation").filter(pk=order_id).first()
    if order is None or order.is_final:
        return Outcome.SETTLED
    if not booking.order_claim(order=order):
        order.refresh_from_db()
        return Outcome.SETTLED if order.is_final else Outcome.BUSY
    order.refresh_from_db()
    claimed_at = order.submitting_since
    try:
        with api_calls_about(order.pk):
            return _settle(order)
    finally:
        # Only our own claim: had it gone stale and been taken over, the new holder keeps it.
        Order.objects.filter(pk=order.pk, submitting_since=claimed_at).update(submitting_since=None)


def _settle(order: Order) -> Outcome:
    # The hold is asked about before the lookup: once no reservation can be ordered, nothing
    # can create an order after it, so a lookup that then finds none is final.
    hold = _hold_state(order)
    try:
        api_orders = booking.order_api_orders(order=order)
    except KorusError as exc:
        logger.warning(
            "reconcile %s: lookup failed (%s), left for the next sweep",
            order.external_reference,
            type(exc).__name__,
        )
        return Outcome.WAITING
    if api_orders:
        booking.order_mark_confirmed(order=order, api_orders=api_orders)
        logger.info("reconcile %s: confirmed from the API", order.external_reference)
        return Outcome.CONFIRMED
    give_up = timezone.now() - dt.timedelta(hours=int(settings.CHECKOUT_RECONCILE_GIVE_UP_HOURS))
    if hold is HoldState.CLOSED:
        reason = "the API has no order with our reference and its reservation has expired"
    elif hold is HoldState.OPEN and order.created_at < give_up:
        reason = (
            "the API has no order with our reference after "
            f"{settings.CHECKOUT_RECONCILE_GIVE_UP_HOURS} h"
        )
    else:
        if hold is HoldState.ORDERED:
            # Not failed: the API says the hold became an order that our reference does not find.
            logger.warning(
                "reconcile %s: reservation ordered but no order has our reference",
                order.external_reference,
            )
        return Outcome.WAITING
    _fail(order, reason)
    logger.info("reconcile %s: failed (%s)", order.external_reference, reason)
    return Outcome.FAILED


def _hold_state(order: Order) -> HoldState:
    """Whether a reservation of the order's hold can still become an order, per the API (its
    clock decides expiry, not ours)."""
    client = get_client()
    state = HoldState.CLOSED
    for reservation in Reservation.objects.filter(hold_key=order.reservation.hold_key):
        try:
            remote = client.reservation(str(reservation.korus_id))
        except NotFound:
            continue  # gone at the API: it can no longer be ordered
        except KorusError:
            return HoldState.UNKNOWN
        if remote.order_iri:
            return HoldState.ORDERED
        if not (remote.expired or remote.status == "released"):
            state = HoldState.OPEN
    return state


def _fail(order: Order, reason: str) -> None:
    text = f"Not confirmed (reconciliation): {reason}"
    if order.payment_reference:
        # The provider collected a payment before the order call: an operator must refund it.
        text += f"; payment {order.payment_reference} was collected: refund it"
    with transaction.atomic():
        Reservation.objects.filter(
            hold_key=order.reservation.hold_key, status=Reservation.Status.RESERVED
        ).update(status=Reservation.Status.RELEASED)
        booking.order_mark_failed(order=order, reason=text)
