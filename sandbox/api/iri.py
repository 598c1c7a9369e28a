"""IRIs of the sandbox's resources, and parsing of IRIs sent back by clients."""

from __future__ import annotations

import re
import uuid

from sandbox import models as m

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


def catalog(c: m.Catalog | uuid.UUID) -> str:
    return f"/v1/ticketing/catalogs/{getattr(c, 'pk', c)}"


def event(e: m.Event) -> str:
    return f"{catalog(e.catalog_id)}/events/{e.pk}"


def product_base(e: m.Event) -> str:
    return f"{catalog(e.catalog_id)}/product_bases/{e.pk}"


def session(s: m.Session, e: m.Event) -> str:
    return f"{event(e)}/sessions/{s.pk}"


def product(p: m.Product, catalog_id: uuid.UUID) -> str:
    return f"{catalog(catalog_id)}/products/{p.pk}"


def offer(o: m.Offer) -> str:
    return f"{catalog(o.catalog_id)}/offers/{o.pk}"


def offer_ticket(t: m.OfferTicket, o: m.Offer) -> str:
    return f"{offer(o)}/tickets/{t.pk}"


def offer_ticket_session(t: m.OfferTicket, o: m.Offer, s: m.Session) -> str:
    return f"{offer_ticket(t, o)}/sessions/{s.pk}"


def form(f: m.Form | uuid.UUID) -> str:
    return f"/v1/forms/{getattr(f, 'pk', f)}"


def form_field(f: m.FormField) -> str:
    return f"{form(f.form_id)}/fields/{f.pk}"


def reservation(r: m.Reservation | uuid.UUID) -> str:
    return f"/v1/booking/reservations/{getattr(r, 'pk', r)}"


def order(o: m.Order | uuid.UUID) -> str:
    return f"/v1/booking/orders/{getattr(o, 'pk', o)}"


def order_item_ticket(t: m.OrderItemTicket, item: m.OrderItem) -> str:
    return f"{order(item.order_id)}/items/{item.pk}/tickets/{t.pk}"


def document(d: m.OrderDocument) -> str:
    return f"{order(d.order_id)}/documents/{d.pk}"


def organization() -> str:
    return "/v1/organizations/0190a000-0000-7000-8000-000000000001"


def _strip_host(value: str) -> str:
    # Accept absolute IRIs (the schema says iri-reference) by keeping their path.
    match = re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*(/.*)$", value)
    return match.group(1) if match else value


def match(pattern: str, value: object) -> dict[str, uuid.UUID] | None:
    """Parse `value` against an IRI pattern such as "/v1/booking/reservations/{id}"."""
    if not isinstance(value, str):
        return None
    regex = (
        "^"
        + re.sub(r"\\\{(\w+)\\\}", lambda g: f"(?P<{g.group(1)}>{_UUID})", re.escape(pattern))
        + "/?$"
    )
    found = re.match(regex, _strip_host(value))
    if not found:
        return None
    return {k: uuid.UUID(v) for k, v in found.groupdict().items()}


def parse_uuid(value: str | None) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
