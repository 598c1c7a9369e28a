"""Reservation creation: the synchronous consistency check, then race-free holds.

One reservation is created per request item, so each item succeeds or fails on its own
(`failedReservations`) and carries its own `expiresAt`, as the contract describes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from sandbox import clock
from sandbox import models as m
from sandbox.api import iri
from sandbox.api.http import unprocessable, violation
from sandbox.services import form_answers, pricing, stock

SANDBOX_DB = "sandbox"
OFFER_IRI = "/v1/ticketing/catalogs/{catalogId}/offers/{id}"
TICKET_IRI = "/v1/ticketing/catalogs/{catalogId}/offers/{offerId}/tickets/{id}"
EVENT_SESSION_IRI = "/v1/ticketing/catalogs/{catalogId}/events/{eventId}/sessions/{id}"
TICKET_SESSION_IRI = (
    "/v1/ticketing/catalogs/{catalogId}/offers/{offerId}/tickets/{ticketId}/sessions/{id}"
)


@dataclass
class PlannedLine:
    ticket: m.OfferTicket
    session: m.Session | None
    session_iri: str
    form_data: list[dict[str, str]] | None


@dataclass
class PlannedItem:
    index: int
    raw: dict[str, Any]
    offer: m.Offer
    quantity: int
    lines: list[PlannedLine] = field(default_factory=list)


def _offer(value: Any) -> m.Offer | None:
    ids = iri.match(OFFER_IRI, value)
    if ids is None:
        return None
    return (
        m.Offer.objects.select_related("product__event")
        .prefetch_related("tickets__form")
        .filter(pk=ids["id"], catalog_id=ids["catalogId"])
        .first()
    )


def _session(value: Any, offer: m.Offer, ticket: m.OfferTicket) -> m.Session | None:
    ids = iri.match(EVENT_SESSION_IRI, value)
    if ids is not None and ids["eventId"] != offer.product.event_id:
        return None
    if ids is None:
        ids = iri.match(TICKET_SESSION_IRI, value)
        if ids is None or ids["offerId"] != offer.pk or ids["ticketId"] != ticket.pk:
            return None
    if ids["catalogId"] != offer.catalog_id:
        return None
    return stock.offer_sessions(offer).filter(pk=ids["id"]).first()


def _plan_item(index: int, raw: Any, problems: list[dict[str, Any]]) -> PlannedItem | None:
    at = f"items[{index}]"
    if not isinstance(raw, dict):
        problems.append(violation(at, "This value should be an object.", "invalid_item"))
        return None
    offer = _offer(raw.get("offer"))
    if offer is None:
        problems.append(violation(f"{at}.offer", "This offer does not exist.", "unknown_offer"))
        return None
    quantity = raw.get("quantity")
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        problems.append(
            violation(
                f"{at}.quantity", "This value should be a positive integer.", "invalid_quantity"
            )
        )
        return None
    cap = offer.product.event.max_amount_per_order
    if cap is not None and quantity > cap:
        problems.append(
            violation(f"{at}.quantity", f"At most {cap} per order.", "max_amount_per_order")
        )
        return None
    entries = raw.get("ticketSessions") or []
    if not isinstance(entries, list):
        problems.append(
            violation(
                f"{at}.ticketSessions", "This value should be a list.", "invalid_ticket_sessions"
            )
        )
        return None
    if (
        offer.date is not None
        and offer.date < clock.now().astimezone(ZoneInfo(offer.product.event.timezone)).date()
    ):
        problems.append(violation(f"{at}.offer", "This offer's date has passed.", "offer_past"))
        return None
    planned = PlannedItem(index, raw, offer, quantity)
    tickets = {iri.offer_ticket(t, offer): t for t in offer.tickets.all()}
    seen: set[uuid.UUID] = set()
    for j, entry in enumerate(entries):
        line_at = f"{at}.ticketSessions[{j}]"
        if not isinstance(entry, dict):
            problems.append(
                violation(line_at, "This value should be an object.", "invalid_ticket_session")
            )
            continue
        ticket_ids = iri.match(TICKET_IRI, entry.get("ticket"))
        ticket = next(
            (
                t
                for t in tickets.values()
                if ticket_ids and t.pk == ticket_ids["id"] and ticket_ids["offerId"] == offer.pk
            ),
            None,
        )
        if ticket is None:
            problems.append(
                violation(
                    f"{line_at}.ticket", "This ticket is not part of the offer.", "unknown_ticket"
                )
            )
            continue
        if ticket.pk in seen:
            problems.append(
                violation(f"{line_at}.ticket", "This ticket is listed twice.", "duplicate_ticket")
            )
            continue
        seen.add(ticket.pk)
        line = _plan_line(line_at, entry, offer, ticket, problems)
        if line is not None:
            planned.lines.append(line)
    for t in tickets.values():
        if t.pk in seen:
            continue
        if not t.date_access:
            problems.append(
                violation(
                    f"{at}.ticketSessions",
                    f"A session must be chosen for the ticket {iri.offer_ticket(t, offer)}.",
                    "session_required",
                )
            )
        elif t.form_id and t.form.fields.filter(required=True).exists():
            problems.append(
                violation(
                    f"{at}.ticketSessions",
                    f"The form of the ticket {iri.offer_ticket(t, offer)} must be filled.",
                    "form_required",
                )
            )
        else:
            planned.lines.append(PlannedLine(t, None, "", None))
    return planned


def _plan_line(
    at: str,
    entry: dict[str, Any],
    offer: m.Offer,
    ticket: m.OfferTicket,
    problems: list[dict[str, Any]],
) -> PlannedLine | None:
    session = None
    session_iri = ""
    if not ticket.date_access:
        session = _session(entry.get("session"), offer, ticket)
        if session is None:
            problems.append(
                violation(
                    f"{at}.session",
                    "This session is not available for the ticket.",
                    "unknown_session",
                )
            )
            return None
        if session.occurs_at <= clock.now():
            problems.append(
                violation(f"{at}.session", "This session has already started.", "session_started")
            )
            return None
        session_iri = str(entry["session"])
    answers = None
    if ticket.form_id:
        form_data = entry.get("formData")
        if form_data is None:
            form_data = {"form": iri.form(ticket.form_id), "fields": []}
        found, answers = form_answers.validate(ticket.form, form_data, at)
        if found:
            problems.extend(found)
            return None
    return PlannedLine(ticket, session, session_iri, answers)


def plan(body: Any) -> list[PlannedItem]:
    """The synchronous consistency check: raises a 422 naming every bad property."""
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list) or not items:
        raise unprocessable(
            [violation("items", "This collection should contain 1 element or more.", "empty_items")]
        )
    problems: list[dict[str, Any]] = []
    planned = [p for i, raw in enumerate(items) if (p := _plan_item(i, raw, problems))]
    if problems:
        raise unprocessable(problems)
    return planned


def _shortfall(item: PlannedItem) -> str | None:
    if stock.is_date_access(item.offer):
        left = stock.offers_availability([item.offer])[item.offer.pk]
        if left is not None and left < item.quantity:
            return f"Only {left} left for this offer."
        return None
    sessions = [line.session for line in item.lines if line.session is not None]
    # Several tickets of one offer may point at one session: count them together.
    needed: dict[uuid.UUID, int] = {}
    for s in sessions:
        needed[s.pk] = needed.get(s.pk, 0) + item.quantity
    left = stock.session_availability(sessions)
    for s in sessions:
        if left[s.pk] is not None and left[s.pk] < needed[s.pk]:
            return f"Only {left[s.pk]} left for the session of {s.occurs_at:%Y-%m-%d %H:%M}."
    return None


def _lock(planned: list[PlannedItem]) -> None:
    # Row locks in a fixed order (PostgreSQL); SQLite's IMMEDIATE transactions already
    # serialise writers, and select_for_update is a no-op there.
    session_ids = sorted({line.session.pk for p in planned for line in p.lines if line.session})
    offer_ids = sorted({p.offer.pk for p in planned})
    list(
        m.Session.objects.select_for_update()
        .filter(pk__in=session_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    list(
        m.Offer.objects.select_for_update()
        .filter(pk__in=offer_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def create(planned: list[PlannedItem]) -> tuple[list[m.Reservation], list[dict[str, Any]]]:
    """Hold every item that still has stock; the others come back as failed entries."""
    created: list[m.Reservation] = []
    failed: list[dict[str, Any]] = []
    hold = timedelta(minutes=settings.SANDBOX_HOLD_MINUTES)
    with transaction.atomic(using=SANDBOX_DB):
        _lock(planned)
        for item in planned:
            problem = _shortfall(item)
            if problem:
                failed.append(
                    {"item": item.raw, "message": problem, "code": "insufficient_availability"}
                )
                continue
            now = clock.now()
            reservation = m.Reservation.objects.create(
                catalog_id=item.offer.catalog_id, created_at=now, expires_at=now + hold
            )
            price: Decimal = pricing.current_price(item.offer)
            row = m.ReservationItem.objects.create(
                reservation=reservation,
                offer=item.offer,
                quantity=item.quantity,
                unit_amount_incl_tax=price,
            )
            m.HoldLine.objects.bulk_create(
                m.HoldLine(
                    item=row,
                    reservation=reservation,
                    ticket=line.ticket,
                    session=line.session,
                    session_iri=line.session_iri,
                    quantity=item.quantity,
                    form_data=line.form_data,
                )
                for line in item.lines
            )
            created.append(reservation)
    return created, failed
