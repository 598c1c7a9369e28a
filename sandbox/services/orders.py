"""Order creation from held reservations, beneficiaries, and the documents that follow."""

from __future__ import annotations

import re
import secrets
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from sandbox import clock
from sandbox import models as m
from sandbox.api import iri
from sandbox.api.http import bad_request, unprocessable, violation

SANDBOX_DB = "sandbox"
RESERVATION_IRI = "/v1/booking/reservations/{id}"
TITLES = ("mr", "mrs", "mx")
BENEFICIARY_FIELDS = (
    "firstname",
    "lastname",
    "email",
    "phone",
    "title",
    "dateOfBirth",
    "placeOfBirth",
    "nationality",
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _why_not_orderable(reservation: m.Reservation) -> tuple[str, str] | None:
    if reservation.ordered:
        return "This reservation has already been ordered.", "already_ordered"
    if reservation.released:
        return "This reservation has been released.", "released"
    if reservation.expires_at <= clock.now():
        return "This reservation has expired.", "expired"
    return None


def _check_customer(customer: Any, problems: list[dict[str, Any]]) -> None:
    if not isinstance(customer, dict):
        problems.append(violation("customer", "This value should not be blank.", "required"))
        return
    for name in ("firstname", "lastname", "email"):
        value = customer.get(name)
        if not isinstance(value, str) or not value.strip():
            problems.append(
                violation(f"customer.{name}", "This value should not be blank.", "required")
            )
    email = customer.get("email")
    if isinstance(email, str) and email.strip() and not _EMAIL.match(email):
        problems.append(
            violation("customer.email", "This value is not a valid email address.", "invalid_email")
        )
    for name in ("phone", "country", "language"):
        if customer.get(name) is not None and not isinstance(customer.get(name), str):
            problems.append(
                violation(f"customer.{name}", "This value should be a string.", "invalid_type")
            )
    if customer.get("title") is not None and customer.get("title") not in TITLES:
        problems.append(
            violation(
                "customer.title", "The value you selected is not a valid choice.", "invalid_choice"
            )
        )
    if customer.get("optin") is not None and not isinstance(customer.get("optin"), bool):
        problems.append(
            violation("customer.optin", "This value should be a boolean.", "invalid_type")
        )


def plan(body: Any) -> tuple[list[m.Reservation], dict[str, Any]]:
    """The synchronous consistency check of POST /orders/_bulk (422 naming each problem)."""
    if not isinstance(body, dict):
        raise bad_request("The request body should be a JSON object.")
    problems: list[dict[str, Any]] = []
    refs = body.get("reservations")
    reservations: list[m.Reservation] = []
    if not isinstance(refs, list) or not refs:
        problems.append(
            violation(
                "reservations",
                "This collection should contain 1 element or more.",
                "empty_reservations",
            )
        )
        refs = []
    seen: set[Any] = set()
    for index, ref in enumerate(refs):
        at = f"reservations[{index}]"
        ids = iri.match(RESERVATION_IRI, ref)
        found = m.Reservation.objects.filter(pk=ids["id"]).first() if ids else None
        if found is None:
            problems.append(
                violation(at, "This reservation does not exist.", "unknown_reservation")
            )
            continue
        if found.pk in seen:
            problems.append(violation(at, "This reservation is listed twice.", "duplicate"))
            continue
        seen.add(found.pk)
        why = _why_not_orderable(found)
        if why:
            problems.append(violation(at, *why))
            continue
        reservations.append(found)
    _check_customer(body.get("customer"), problems)
    ref = body.get("externalReference")
    if not isinstance(ref, str) or not 1 <= len(ref) <= 50:
        problems.append(
            violation(
                "externalReference",
                "This value should be a string of 1 to 50 characters.",
                "invalid_external_reference",
            )
        )
    if body.get("notes") is not None and not isinstance(body.get("notes"), str):
        problems.append(violation("notes", "This value should be a string.", "invalid_type"))
    if problems:
        raise unprocessable(problems)
    return reservations, body


def _customer(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "firstname": raw["firstname"],
        "lastname": raw["lastname"],
        "email": raw["email"],
        "phone": raw.get("phone"),
        "optin": bool(raw.get("optin", False)),
        "country": raw.get("country"),
        "language": raw.get("language"),
        "title": raw.get("title"),
    }


def _deadline(session: m.Session | None, on: date | None) -> Any:
    if session is not None:
        return session.occurs_at - timedelta(hours=1)
    return clock.now() + timedelta(days=7)


def _order_from(reservation: m.Reservation, body: dict[str, Any]) -> m.Order:
    now = clock.now()
    order = m.Order.objects.create(
        catalog_id=reservation.catalog_id,
        reservation=reservation,
        created_at=now,
        reference=f"KT-ORD-{secrets.token_hex(4).upper()}",
        external_reference=body["externalReference"],
        connector_reference=str(secrets.randbelow(90000) + 10000),
        customer=_customer(body["customer"]),
        notes=body.get("notes") or "",
    )
    ready_at = now + timedelta(seconds=settings.SANDBOX_DOCUMENT_DELAY_SECONDS)
    for res_item in reservation.items.select_related("offer__product").prefetch_related(
        "lines__ticket", "lines__session"
    ):
        item = m.OrderItem.objects.create(
            order=order,
            product=res_item.offer.product,
            offer=res_item.offer,
            date=res_item.offer.date,
            quantity=res_item.quantity,
            unit_amount_incl_tax=res_item.unit_amount_incl_tax,
            vat_rate=res_item.offer.vat_rate,
        )
        for _unit in range(res_item.quantity):
            for line in res_item.lines.all():
                required = list(line.ticket.required_beneficiary_fields or [])
                ticket = m.OrderItemTicket.objects.create(
                    item=item,
                    offer_ticket=line.ticket,
                    session=line.session,
                    voucher="".join(str(secrets.randbelow(10)) for _ in range(16)),
                    required_beneficiary_fields=required,
                    beneficiary_deadline=_deadline(line.session, item.date) if required else None,
                )
                if not required:
                    m.OrderDocument.objects.create(
                        order=order, ticket=ticket, downloadable_at=ready_at
                    )
    reservation.ordered = True
    reservation.save(update_fields=["ordered"])
    return order


def create(
    reservations: list[m.Reservation], body: dict[str, Any]
) -> tuple[list[m.Order], list[dict[str, Any]]]:
    orders: list[m.Order] = []
    failed: list[dict[str, Any]] = []
    with transaction.atomic(using=SANDBOX_DB):
        ids = sorted(r.pk for r in reservations)
        locked = {
            r.pk: r
            for r in m.Reservation.objects.select_for_update().filter(pk__in=ids).order_by("pk")
        }
        for reservation in reservations:
            current = locked[reservation.pk]
            why = _why_not_orderable(current)
            if why:
                # Lost a race with another order of the same reservation, or it just expired.
                failed.append(
                    {"reservation": iri.reservation(current), "message": why[0], "code": why[1]}
                )
                continue
            orders.append(_order_from(current, body))
    return orders, failed


def beneficiary_set(ticket: m.OrderItemTicket, body: Any) -> m.OrderItemTicket:
    if not isinstance(body, dict) or not isinstance(body.get("beneficiary"), dict):
        raise bad_request('The request body should be {"beneficiary": {...}}.')
    data = body["beneficiary"]
    problems: list[dict[str, Any]] = []
    if ticket.beneficiary_deadline and ticket.beneficiary_deadline <= clock.now():
        raise unprocessable(
            [
                violation(
                    "beneficiary",
                    "The beneficiary designation deadline has passed.",
                    "deadline_passed",
                )
            ]
        )
    for name in BENEFICIARY_FIELDS:
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            problems.append(
                violation(f"beneficiary.{name}", "This value should be a string.", "invalid_type")
            )
    for name in ticket.required_beneficiary_fields:
        value = data.get(name)
        if not isinstance(value, str) or not value.strip():
            problems.append(
                violation(f"beneficiary.{name}", "This value should not be blank.", "required")
            )
    dob = data.get("dateOfBirth")
    if isinstance(dob, str) and dob:
        try:
            date.fromisoformat(dob)
        except ValueError:
            problems.append(
                violation(
                    "beneficiary.dateOfBirth",
                    "This value should be a date (YYYY-MM-DD).",
                    "invalid_date",
                )
            )
    email = data.get("email")
    if isinstance(email, str) and email and not _EMAIL.match(email):
        problems.append(
            violation(
                "beneficiary.email", "This value is not a valid email address.", "invalid_email"
            )
        )
    if problems:
        raise unprocessable(problems)
    with transaction.atomic(using=SANDBOX_DB):
        ticket.beneficiary = {k: data[k] for k in BENEFICIARY_FIELDS if data.get(k) is not None}
        ticket.save(update_fields=["beneficiary"])
        if not m.OrderDocument.objects.filter(ticket=ticket).exists():
            ready_at = clock.now() + timedelta(seconds=settings.SANDBOX_DOCUMENT_DELAY_SECONDS)
            m.OrderDocument.objects.create(
                order_id=ticket.item.order_id, ticket=ticket, downloadable_at=ready_at
            )
    return ticket
