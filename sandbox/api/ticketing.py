"""Handlers of the /v1/ticketing/... and /v1/forms/... operations (all read-only)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.db.models import QuerySet

from sandbox import models as m
from sandbox.api import iri
from sandbox.api import serializers as ser
from sandbox.api.http import SandboxRequest, not_found
from sandbox.api.hydra import collection
from sandbox.services import pricing, stock


def _catalog(catalog_id: uuid.UUID) -> m.Catalog:
    found = m.Catalog.objects.filter(pk=catalog_id).first()
    if found is None:
        raise not_found("Catalog")
    return found


def _event(catalog_id: uuid.UUID, event_id: uuid.UUID) -> m.Event:
    found = m.Event.objects.filter(pk=event_id, catalog_id=catalog_id).first()
    if found is None:
        raise not_found("Event")
    return found


def _offer(catalog_id: uuid.UUID, offer_id: uuid.UUID) -> m.Offer:
    found = (
        m.Offer.objects.select_related("product__event")
        .prefetch_related("tickets")
        .filter(pk=offer_id, catalog_id=catalog_id)
        .first()
    )
    if found is None:
        raise not_found("Offer")
    return found


def _order_dir(request: SandboxRequest, name: str) -> str:
    return "-" if request.param(f"order[{name}]") == "desc" else ""


def catalogs(request: SandboxRequest) -> dict[str, Any]:
    qs = m.Catalog.objects.order_by(f"{_order_dir(request, 'createdAt')}created_at", "id")
    lang = request.language
    return collection(
        request,
        context="TicketingCatalog",
        items=qs,
        serialize=lambda rows: [ser.catalog(c, lang) for c in rows],
        filters=["order[createdAt]"],
    )


def catalog_item(request: SandboxRequest, id: uuid.UUID) -> dict[str, Any]:
    return ser.catalog(_catalog(id), request.language)


def events(request: SandboxRequest, catalogId: uuid.UUID) -> dict[str, Any]:
    _catalog(catalogId)
    lang = request.language
    return collection(
        request,
        context="TicketingEvent",
        items=m.Event.objects.filter(catalog_id=catalogId, disabled=False),
        serialize=lambda rows: [ser.event(e, lang) for e in rows],
    )


def event_item(request: SandboxRequest, catalogId: uuid.UUID, id: uuid.UUID) -> dict[str, Any]:
    return ser.event(_event(catalogId, id), request.language)


def _sessions_page(rows: list[m.Session], event: m.Event) -> list[dict[str, Any]]:
    avail = stock.session_availability(rows)
    return [ser.session(s, event, avail[s.pk]) for s in rows]


def sessions(request: SandboxRequest, catalogId: uuid.UUID, eventId: uuid.UUID) -> dict[str, Any]:
    event = _event(catalogId, eventId)
    qs = m.Session.objects.filter(event=event).order_by(
        f"{_order_dir(request, 'occursAt')}occurs_at", "id"
    )
    qs = _date_filters(request, qs, "occursAt", "local_date")
    return collection(
        request,
        context="TicketingSession",
        items=qs,
        serialize=lambda rows: _sessions_page(rows, event),
        filters=["order[occursAt]", "occursAt[after]", "occursAt[before]"],
    )


def _session(catalogId: uuid.UUID, eventId: uuid.UUID, id: uuid.UUID) -> tuple[m.Session, m.Event]:
    event = _event(catalogId, eventId)
    found = m.Session.objects.filter(pk=id, event=event).first()
    if found is None:
        raise not_found("Session")
    return found, event


def session_item(
    request: SandboxRequest, catalogId: uuid.UUID, eventId: uuid.UUID, id: uuid.UUID
) -> dict[str, Any]:
    session, event = _session(catalogId, eventId, id)
    return _sessions_page([session], event)[0]


def session_availability(
    request: SandboxRequest, catalogId: uuid.UUID, eventId: uuid.UUID, id: uuid.UUID
) -> dict[str, Any]:
    session, event = _session(catalogId, eventId, id)
    return {
        "@context": "/contexts/TicketingSession",
        "@id": f"{iri.session(session, event)}/availability",
        "@type": "TicketingSession",
        "availableQuantity": stock.session_availability([session])[session.pk],
    }


def product_bases(request: SandboxRequest, catalogId: uuid.UUID) -> dict[str, Any]:
    _catalog(catalogId)
    qs = m.Event.objects.filter(catalog_id=catalogId)
    if request.param("withDisabled") not in ("true", "1"):
        qs = qs.filter(disabled=False)
    lang = request.language
    return collection(
        request,
        context="TicketingProductBase",
        items=qs,
        serialize=lambda rows: [ser.product_base(e, lang) for e in rows],
        filters=["withDisabled"],
    )


def product_base_item(
    request: SandboxRequest, catalogId: uuid.UUID, id: uuid.UUID
) -> dict[str, Any]:
    return ser.product_base(_event(catalogId, id), request.language)


def products(
    request: SandboxRequest, catalogId: uuid.UUID, productBaseId: uuid.UUID
) -> dict[str, Any]:
    event = _event(catalogId, productBaseId)
    lang = request.language
    return collection(
        request,
        context="TicketingProduct",
        items=m.Product.objects.filter(event=event).select_related("event"),
        serialize=lambda rows: [ser.product(p, catalogId, lang) for p in rows],
    )


def product_item(request: SandboxRequest, catalogId: uuid.UUID, id: uuid.UUID) -> dict[str, Any]:
    found = (
        m.Product.objects.select_related("event").filter(pk=id, event__catalog_id=catalogId).first()
    )
    if found is None:
        raise not_found("Product")
    return ser.product(found, catalogId, request.language)


def options(
    request: SandboxRequest, catalogId: uuid.UUID, productBaseId: uuid.UUID
) -> dict[str, Any]:
    # The demo's products carry no options: an empty, well-formed collection.
    _event(catalogId, productBaseId)
    return collection(
        request, context="TicketingProductBaseOption", items=[], serialize=lambda rows: []
    )


def option_values(
    request: SandboxRequest, catalogId: uuid.UUID, productBaseId: uuid.UUID, code: str
) -> dict[str, Any]:
    _event(catalogId, productBaseId)
    if code not in ("seating_category", "zone", "price_type", "days_count"):
        raise not_found("Option")
    return collection(
        request, context="TicketingProductBaseOptionValue", items=[], serialize=lambda rows: []
    )


def seat_map(
    request: SandboxRequest, catalogId: uuid.UUID, productBaseId: uuid.UUID, id: uuid.UUID
) -> dict[str, Any]:
    raise not_found("Seat map")


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _date_filters(
    request: SandboxRequest, qs: QuerySet[Any], name: str, field: str
) -> QuerySet[Any]:
    lookups = {"after": "gte", "strictly_after": "gt", "before": "lte", "strictly_before": "lt"}
    for key, lookup in lookups.items():
        value = _parse_date(request.param(f"{name}[{key}]"))
        if value is not None:
            qs = qs.filter(**{f"{field}__{lookup}": value})
    return qs


def _offers_page(rows: list[m.Offer], lang: str) -> list[dict[str, Any]]:
    avail = stock.offers_availability(rows)
    return [ser.offer(o, lang, avail[o.pk]) for o in rows]


def offers(request: SandboxRequest, catalogId: uuid.UUID) -> dict[str, Any]:
    qs = (
        m.Offer.objects.filter(catalog_id=catalogId, product__disabled=False)
        .select_related("product__event")
        .prefetch_related("tickets")
    )
    qs = _date_filters(request, qs, "date", "date")
    products = [
        p
        for p in (
            iri.parse_uuid(v.rstrip("/").rsplit("/", 1)[-1]) for v in request.params("product[]")
        )
        if p
    ]
    if request.params("product[]"):
        qs = qs.filter(product_id__in=products)
    if request.param("productBaseId") is not None:
        qs = qs.filter(product__event_id=iri.parse_uuid(request.param("productBaseId")))
    if request.param("session") is not None:
        session = m.Session.objects.filter(pk=iri.parse_uuid(request.param("session"))).first()
        qs = (
            qs.filter(product__event_id=session.event_id, date=session.local_date)
            if session
            else qs.none()
        )
    if request.params("optionValuesContext[]"):
        qs = qs.none()  # no demo product has option values
    qs = qs.order_by(f"{_order_dir(request, 'date')}date", "product__position", "id")
    lang = request.language
    payload = collection(
        request,
        context="TicketingOffer",
        items=qs,
        serialize=lambda rows: _offers_page(rows, lang),
        filters=[
            "order[date]",
            "date[after]",
            "date[strictly_after]",
            "date[before]",
            "date[strictly_before]",
            "product[]",
            "productBaseId",
            "session",
        ],
    )
    if not payload["member"]:
        _catalog(catalogId)  # offers found prove the catalog exists; none may mean it does not
    return payload


def offer_item(request: SandboxRequest, catalogId: uuid.UUID, id: uuid.UUID) -> dict[str, Any]:
    return _offers_page([_offer(catalogId, id)], request.language)[0]


def offer_price(request: SandboxRequest, catalogId: uuid.UUID, id: uuid.UUID) -> dict[str, Any]:
    offer = _offer(catalogId, id)
    price = pricing.current_price(offer)
    return {
        "@context": "/contexts/TicketingOffer",
        "@id": f"{iri.offer(offer)}/price",
        "@type": "TicketingOffer",
        "amountInclTax": ser.amount(price),
        "amountExclTax": ser.amount(ser.excl_tax(price, offer.vat_rate)),
        "currency": "EUR",
    }


def offer_availability(
    request: SandboxRequest, catalogId: uuid.UUID, id: uuid.UUID
) -> dict[str, Any]:
    offer = _offer(catalogId, id)
    entries = []
    if not stock.is_date_access(offer):
        event = offer.product.event
        sessions = list(stock.offer_sessions(offer))
        avail = stock.session_availability(sessions)
        entries = [
            {
                "@context": "/contexts/TicketingSessionAvailability",
                "@id": f"{iri.session(s, event)}/availability",
                "@type": "TicketingSessionAvailability",
                "session": iri.session(s, event),
                "availableQuantity": avail[s.pk],
            }
            for s in sessions
        ]
    return {
        "@context": "/contexts/TicketingOfferAvailability",
        "@id": f"{iri.offer(offer)}/availability",
        "@type": "TicketingOfferAvailability",
        "availableQuantity": stock.offers_availability([offer])[offer.pk],
        "sessionsAvailability": entries,
    }


def _ticket(offer: m.Offer, ticket_id: uuid.UUID) -> m.OfferTicket:
    found = next((t for t in offer.tickets.all() if t.pk == ticket_id), None)
    if found is None:
        raise not_found("Offer ticket")
    return found


def offer_tickets(
    request: SandboxRequest, catalogId: uuid.UUID, offerId: uuid.UUID
) -> dict[str, Any]:
    offer = _offer(catalogId, offerId)
    lang = request.language
    return collection(
        request,
        context="TicketingOfferTicket",
        items=list(offer.tickets.all()),
        serialize=lambda rows: [ser.offer_ticket(t, offer, lang, embedded=False) for t in rows],
    )


def offer_ticket_item(
    request: SandboxRequest, catalogId: uuid.UUID, offerId: uuid.UUID, id: uuid.UUID
) -> dict[str, Any]:
    offer = _offer(catalogId, offerId)
    return ser.offer_ticket(_ticket(offer, id), offer, request.language, embedded=False)


def _ticket_sessions(offer: m.Offer, ticket: m.OfferTicket) -> QuerySet[m.Session]:
    return m.Session.objects.none() if ticket.date_access else stock.offer_sessions(offer)


def offer_ticket_sessions(
    request: SandboxRequest, catalogId: uuid.UUID, offerId: uuid.UUID, ticketId: uuid.UUID
) -> dict[str, Any]:
    offer = _offer(catalogId, offerId)
    ticket = _ticket(offer, ticketId)

    def serialize(rows: list[m.Session]) -> list[dict[str, Any]]:
        avail = stock.session_availability(rows)
        return [ser.offer_ticket_session(ticket, offer, s, avail[s.pk]) for s in rows]

    return collection(
        request,
        context="TicketingOfferTicketSession",
        items=_ticket_sessions(offer, ticket),
        serialize=serialize,
    )


def offer_ticket_session_item(
    request: SandboxRequest,
    catalogId: uuid.UUID,
    offerId: uuid.UUID,
    ticketId: uuid.UUID,
    id: uuid.UUID,
) -> dict[str, Any]:
    offer = _offer(catalogId, offerId)
    ticket = _ticket(offer, ticketId)
    session = _ticket_sessions(offer, ticket).filter(pk=id).first()
    if session is None:
        raise not_found("Session")
    avail = stock.session_availability([session])
    return ser.offer_ticket_session(ticket, offer, session, avail[session.pk])


def form_item(request: SandboxRequest, id: uuid.UUID) -> dict[str, Any]:
    found = m.Form.objects.prefetch_related("fields").filter(pk=id).first()
    if found is None:
        raise not_found("Form")
    return ser.form(found, request.language)
