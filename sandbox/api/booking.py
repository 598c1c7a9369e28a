"""Handlers of /v1/booking/reservations and /v1/booking/orders (and their tickets)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from sandbox import clock
from sandbox import models as m
from sandbox.api import iri
from sandbox.api import serializers as ser
from sandbox.api.http import SandboxRequest, bad_request, not_found, read_json
from sandbox.api.hydra import collection
from sandbox.services import orders as order_service
from sandbox.services import reservations as reservation_service


def _genid(*parts: object) -> str:
    digest = hashlib.sha1("/".join(map(str, parts)).encode(), usedforsecurity=False)
    return f"/.well-known/genid/{digest.hexdigest()[:20]}"


def _reservation_qs() -> QuerySet[m.Reservation]:
    return m.Reservation.objects.select_related("order").prefetch_related(
        "items__offer__product", "items__lines__ticket", "items__lines__session__event"
    )


def reservation_payload(r: m.Reservation) -> dict[str, Any]:
    now = clock.now()
    expired = r.expires_at <= now
    order = getattr(r, "order", None) if r.ordered else None
    items, total, total_excl = [], Decimal(0), Decimal(0)
    for item in r.items.all():
        incl = item.unit_amount_incl_tax * item.quantity
        excl = ser.excl_tax(incl, item.offer.vat_rate)
        total, total_excl = total + incl, total_excl + excl
        items.append(
            {
                "amountInclTax": ser.amount(incl),
                "amountExclTax": ser.amount(excl),
                "date": item.offer.date.isoformat() if item.offer.date else None,
                "offer": iri.offer(item.offer),
                "product": iri.product(item.offer.product, item.offer.catalog_id),
                "quantity": item.quantity,
                "offerTickets": [
                    {
                        "ticket": iri.offer_ticket(line.ticket, item.offer),
                        "session": (
                            line.session_iri or iri.session(line.session, line.session.event)
                        )
                        if line.session
                        else None,
                        "seating": None,
                    }
                    for line in item.lines.all()
                ],
            }
        )
    return {
        "@context": "/contexts/BookingReservation",
        "@id": iri.reservation(r),
        "@type": "BookingReservation",
        "expired": expired,
        "id": str(r.pk),
        "catalog": iri.catalog(r.catalog_id),
        "createdAt": ser.dt(r.created_at),
        "totalAmountInclTax": ser.amount(total),
        "totalAmountExclTax": ser.amount(total_excl),
        "expiresAt": ser.dt(r.expires_at),
        "items": items,
        "organization": iri.organization(),
        "order": iri.order(order) if order else None,
        "seatsArrangement": "UNKNOWN",
        "releasable": not (r.ordered or r.released or expired),
        "status": "released" if (r.released or (expired and not r.ordered)) else "reserved",
    }


def reservations(request: SandboxRequest) -> dict[str, Any]:
    direction = "-" if request.param("order[createdAt]") == "desc" else ""
    qs = _reservation_qs().order_by(f"{direction}created_at", "id")
    return collection(
        request,
        context="BookingReservation",
        items=qs,
        serialize=lambda rows: [reservation_payload(r) for r in rows],
        filters=["order[createdAt]"],
    )


def reservation_item(request: SandboxRequest, id: uuid.UUID) -> dict[str, Any]:
    found = _reservation_qs().filter(pk=id).first()
    if found is None:
        raise not_found("Reservation")
    return reservation_payload(found)


def reservations_bulk(request: SandboxRequest) -> dict[str, Any]:
    body = read_json(request)
    if not isinstance(body, dict):
        raise bad_request("The request body should be a JSON object.")
    planned = reservation_service.plan(body)
    created, failed = reservation_service.create(planned)
    fresh = {r.pk: r for r in _reservation_qs().filter(pk__in=[r.pk for r in created])}
    return {
        "@context": "/contexts/BookingReservation",
        "@id": "/v1/booking/reservations/_bulk",
        "@type": "BookingReservationBulk",
        "reservations": [reservation_payload(fresh[r.pk]) for r in created],
        "failedReservations": failed,
    }


def ticket_payload(
    t: m.OrderItemTicket, item: m.OrderItem, *, standalone: bool = False
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@id": iri.order_item_ticket(t, item),
        "@type": "OrderItemTicketResource",
        "id": str(t.pk),
    }
    if standalone:
        data = {"@context": "/contexts/BookingOrderItemTicket", **data}
    event = t.offer_ticket.offer.product.event
    occurs = t.session.occurs_at if t.session else None
    deadline = t.beneficiary_deadline
    data.update(
        {
            "voucher": t.voucher,
            "occursAt": ser.local_dt(occurs, event.timezone) if occurs else None,
            "event": event.name_fr,
            "requiredBeneficiaryFields": list(t.required_beneficiary_fields),
            "beneficiary": t.beneficiary or None,
            "beneficiaryDesignationDeadline": ser.dt(deadline),
            "beneficiaryAmendable": bool(t.required_beneficiary_fields)
            and (deadline is None or deadline > clock.now()),
            "status": "waiting_beneficiary_data" if t.waiting_beneficiary else "validated",
            "seating": None,
        }
    )
    return data


def _order_qs() -> QuerySet[m.Order]:
    return m.Order.objects.select_related("reservation").prefetch_related(
        "items__product",
        "items__tickets__session",
        "items__tickets__offer_ticket__offer__product__event",
    )


def order_payload(o: m.Order) -> dict[str, Any]:
    items, total, total_excl = [], Decimal(0), Decimal(0)
    for item in o.items.all():
        unit, rate = item.unit_amount_incl_tax, item.vat_rate
        incl = unit * item.quantity
        excl = ser.excl_tax(incl, rate)
        total, total_excl = total + incl, total_excl + excl
        items.append(
            {
                "@id": _genid(o.pk, item.pk),
                "@type": "OrderItem",
                "id": str(item.pk),
                "unitAmountInclTax": ser.amount(unit),
                "unitAmountExclTax": ser.amount(ser.excl_tax(unit, rate)),
                "quantity": item.quantity,
                "totalAmountInclTax": ser.amount(incl),
                "totalAmountExclTax": ser.amount(excl),
                "amountInclTax": ser.amount(incl),
                "amountExclTax": ser.amount(excl),
                "date": item.date.isoformat() if isinstance(item.date, date) else None,
                "product": iri.product(item.product, o.catalog_id),
                "tickets": [ticket_payload(t, item) for t in item.tickets.all()],
            }
        )
    customer = {"@id": _genid(o.pk, "customer"), "@type": "OrderCustomer", **o.customer}
    return {
        "@context": "/contexts/BookingOrder",
        "@id": iri.order(o),
        "@type": "BookingOrder",
        "id": str(o.pk),
        "createdAt": ser.dt(o.created_at),
        "catalog": iri.catalog(o.catalog_id),
        "organization": iri.organization(),
        "reference": o.reference,
        "externalReference": o.external_reference,
        "connectorReference": o.connector_reference or None,
        "totalAmountInclTax": ser.amount(total),
        "totalAmountExclTax": ser.amount(total_excl),
        "reservation": iri.reservation(o.reservation_id),
        "customer": customer,
        "status": o.status,
        "cancelledAt": None,
        "notes": o.notes or None,
        "items": items,
    }


def orders(request: SandboxRequest) -> dict[str, Any]:
    direction = "-" if request.param("order[createdAt]") == "desc" else ""
    qs = _order_qs().order_by(f"{direction}created_at", "id")
    ref = request.param("external_reference")
    if ref is not None:
        qs = qs.filter(external_reference=ref)
    lookups = {"after": "gte", "strictly_after": "gt", "before": "lte", "strictly_before": "lt"}
    for key, lookup in lookups.items():
        raw = request.param(f"createdAt[{key}]")
        try:
            day = date.fromisoformat(raw[:10]) if raw else None
        except ValueError:
            day = None
        if day is not None:
            qs = qs.filter(**{f"created_at__date__{lookup}": day})
    return collection(
        request,
        context="BookingOrder",
        items=qs,
        serialize=lambda rows: [order_payload(o) for o in rows],
        filters=[
            "external_reference",
            "order[createdAt]",
            "createdAt[after]",
            "createdAt[strictly_after]",
            "createdAt[before]",
            "createdAt[strictly_before]",
        ],
    )


def orders_bulk(request: SandboxRequest) -> dict[str, Any]:
    reservations, body = order_service.plan(read_json(request))
    created, failed = order_service.create(reservations, body)
    fresh = {o.pk: o for o in _order_qs().filter(pk__in=[o.pk for o in created])}
    return {
        "@context": "/contexts/BookingOrder",
        "@id": "/v1/booking/orders/_bulk",
        "@type": "BookingOrderBulk",
        "orders": [order_payload(fresh[o.pk]) for o in created],
        "failedOrders": failed,
    }


def order_item(request: SandboxRequest, id: uuid.UUID) -> dict[str, Any]:
    found = _order_qs().filter(pk=id).first()
    if found is None:
        raise not_found("Order")
    return order_payload(found)


def _ticket(orderId: uuid.UUID, orderItemId: uuid.UUID, id: uuid.UUID) -> m.OrderItemTicket:
    found = (
        m.OrderItemTicket.objects.select_related(
            "item", "session", "offer_ticket__offer__product__event"
        )
        .filter(pk=id, item_id=orderItemId, item__order_id=orderId)
        .first()
    )
    if found is None:
        raise not_found("Order item ticket")
    return found


def order_ticket(
    request: SandboxRequest, orderId: uuid.UUID, orderItemId: uuid.UUID, id: uuid.UUID
) -> dict[str, Any]:
    ticket = _ticket(orderId, orderItemId, id)
    return ticket_payload(ticket, ticket.item, standalone=True)


def order_ticket_patch(
    request: SandboxRequest, orderId: uuid.UUID, orderItemId: uuid.UUID, id: uuid.UUID
) -> dict[str, Any]:
    ticket = _ticket(orderId, orderItemId, id)
    body = read_json(request)
    ticket = order_service.beneficiary_set(ticket, body)
    return ticket_payload(ticket, ticket.item, standalone=True)
