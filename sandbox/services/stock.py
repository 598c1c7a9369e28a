"""Availability, computed from holds rather than stored.

A hold counts while its reservation is ordered, or reserved and not yet expired. Nothing has
to run when a hold expires: its seats come back the moment the clock passes `expiresAt`.
Session-based offers share their session's capacity; date-access offers have their own stock.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from django.db.models import Q, QuerySet, Sum

from sandbox import clock
from sandbox import models as m


def active_reservations(now: datetime | None = None) -> Q:
    now = now or clock.now()
    return Q(ordered=True) | Q(released=False, expires_at__gt=now)


def _active(prefix: str, now: datetime | None = None) -> Q:
    now = now or clock.now()
    return Q(**{f"{prefix}ordered": True}) | Q(
        **{f"{prefix}released": False, f"{prefix}expires_at__gt": now}
    )


def session_held(session_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, int]:
    ids = list(session_ids)
    if not ids:
        return {}  # not even the query's compilation, which costs most of an empty lookup
    rows = (
        m.HoldLine.objects.filter(session_id__in=ids)
        .filter(_active("reservation__"))
        .values("session_id")
        .annotate(held=Sum("quantity"))
    )
    return {row["session_id"]: row["held"] or 0 for row in rows}


def offer_held(offer_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, int]:
    ids = list(offer_ids)
    if not ids:
        return {}
    rows = (
        m.ReservationItem.objects.filter(offer_id__in=ids)
        .filter(_active("reservation__"))
        .values("offer_id")
        .annotate(held=Sum("quantity"))
    )
    return {row["offer_id"]: row["held"] or 0 for row in rows}


def offer_sessions(offer: m.Offer) -> QuerySet[m.Session]:
    """The sessions an offer's session tickets give access to: its event's, on its date."""
    qs = m.Session.objects.filter(event_id=offer.product.event_id)
    return qs.filter(local_date=offer.date) if offer.date else qs


def is_date_access(offer: m.Offer) -> bool:
    tickets = list(offer.tickets.all())
    return bool(tickets) and all(t.date_access for t in tickets)


def session_availability(sessions: list[m.Session]) -> dict[uuid.UUID, int | None]:
    """Seats left per session; a date-access day session reports its offers' stock."""
    result: dict[uuid.UUID, int | None] = {}
    seated = [s for s in sessions if s.capacity is not None]
    held = session_held(s.pk for s in seated)
    for s in seated:
        result[s.pk] = max(0, (s.capacity or 0) - held.get(s.pk, 0))
    days = [s for s in sessions if s.capacity is None]
    if days:
        offers = list(
            m.Offer.objects.filter(
                product__event_id__in={s.event_id for s in days},
                date__in={s.local_date for s in days},
            ).values("id", "stock", "date", "product__event_id")
        )
        used = offer_held(o["id"] for o in offers)
        for s in days:
            mine = [
                o
                for o in offers
                if o["date"] == s.local_date and o["product__event_id"] == s.event_id
            ]
            stocks = [o["stock"] for o in mine]
            result[s.pk] = (
                None
                if not mine or any(x is None for x in stocks)
                else sum(max(0, o["stock"] - used.get(o["id"], 0)) for o in mine)
            )
    return result


def offers_availability(offers: list[m.Offer]) -> dict[uuid.UUID, int | None]:
    """availableQuantity per offer, in a few queries for a whole page of offers."""
    result: dict[uuid.UUID, int | None] = {}
    stock_offers = [o for o in offers if is_date_access(o)]
    used = offer_held(o.pk for o in stock_offers)
    for o in stock_offers:
        result[o.pk] = None if o.stock is None else max(0, o.stock - used.get(o.pk, 0))
    others = [o for o in offers if o.pk not in result]
    if others:
        sessions = list(
            m.Session.objects.filter(
                event_id__in={o.product.event_id for o in others},
                local_date__in={o.date for o in others if o.date},
            )
        )
        avail = session_availability(sessions)
        for o in others:
            mine = [
                avail[s.pk]
                for s in sessions
                if s.event_id == o.product.event_id and s.local_date == o.date
            ]
            result[o.pk] = (
                None if any(x is None for x in mine) else sum(x for x in mine if x is not None)
            )
    return result
