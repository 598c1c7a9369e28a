"""Sandbox rows -> JSON-LD payloads shaped exactly as openapi.yaml's schemas."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sandbox import models as m
from sandbox.api import iri

CENT = Decimal("0.01")


def amount(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def excl_tax(value: Decimal, vat_rate: Decimal) -> Decimal:
    return (value / (1 + vat_rate / 100)).quantize(CENT, rounding=ROUND_HALF_UP)


def dt(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="seconds")


def local_dt(value: datetime, tz: str) -> str:
    from zoneinfo import ZoneInfo

    return value.astimezone(ZoneInfo(tz)).isoformat(timespec="seconds")


def catalog(c: m.Catalog, lang: str) -> dict[str, Any]:
    return {
        "@context": "/contexts/TicketingCatalog",
        "@id": iri.catalog(c),
        "@type": "TicketingCatalog",
        "id": str(c.pk),
        "createdAt": dt(c.created_at),
        "lastSyncedAt": dt(c.last_synced_at),
        "name": c.name(lang),
    }


def event(e: m.Event, lang: str) -> dict[str, Any]:
    return {
        "@context": "/contexts/TicketingEvent",
        "@id": iri.event(e),
        "@type": "TicketingEvent",
        "id": str(e.pk),
        "name": e.name(lang),
        "description": e.description(lang),
    }


def product_base(e: m.Event, lang: str) -> dict[str, Any]:
    short = e.short_description_fr if lang == "fr" else e.short_description_en
    return {
        "@context": "/contexts/TicketingProductBase",
        "@id": iri.product_base(e),
        "@type": "TicketingProductBase",
        "id": str(e.pk),
        "name": e.name(lang),
        "disabled": e.disabled,
        "description": e.description(lang) or None,
        "shortDescription": short or None,
        "termsOfUse": None,
        "useSession": not e.date_access,
        "timezone": e.timezone,
        "recurring": e.recurring,
        "beneficiaryInfoMayBeRequired": e.beneficiary_info_may_be_required,
        "instantDocumentDelivery": e.instant_document_delivery,
        "maxAmountPerOrder": e.max_amount_per_order,
        "universe": e.universe,
        "venue": e.venue or {},
        "medias": {"logo": None, "gallery": []},
    }


def session(s: m.Session, e: m.Event, available: int | None) -> dict[str, Any]:
    return {
        "@context": "/contexts/TicketingSession",
        "@id": iri.session(s, e),
        "@type": "TicketingSession",
        "id": str(s.pk),
        "occursAt": local_dt(s.occurs_at, e.timezone),
        "duration": s.duration,
        "availableQuantity": available,
    }


def product(p: m.Product, catalog_id: Any, lang: str) -> dict[str, Any]:
    return {
        "@context": "/contexts/TicketingProduct",
        "@id": iri.product(p, catalog_id),
        "@type": "TicketingProduct",
        "id": str(p.pk),
        "name": p.name(lang),
        "description": p.description(lang) or None,
        "disabled": p.disabled,
        "productBase": iri.product_base(p.event),
    }


def offer_ticket(t: m.OfferTicket, o: m.Offer, lang: str, *, embedded: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@id": iri.offer_ticket(t, o),
        "@type": "TicketingOfferTicket",
        "id": str(t.pk),
        "name": t.name(lang),
    }
    if not embedded:
        data = {
            "@context": "/contexts/TicketingOfferTicket",
            **data,
            "description": t.description(lang) or None,
        }
    data["dateAccess"] = t.date_access
    data["form"] = iri.form(t.form_id) if t.form_id else None
    return data


def offer(o: m.Offer, lang: str, available: int | None) -> dict[str, Any]:
    p = o.product
    return {
        "@context": "/contexts/TicketingOffer",
        "@id": iri.offer(o),
        "@type": "TicketingOffer",
        "id": str(o.pk),
        "date": o.date.isoformat() if o.date else None,
        "availabilityCheckRequired": available is not None,
        "realtimePriceRequired": o.realtime_price_required,
        "price": {
            "amountInclTax": amount(o.amount_incl_tax),
            "originalAmountInclTax": (
                amount(o.original_amount_incl_tax)
                if o.original_amount_incl_tax is not None
                else None
            ),
            "currency": "EUR",
        },
        "product": {
            "@id": iri.product(p, o.catalog_id),
            "@type": "TicketingProduct",
            "id": str(p.pk),
            "name": p.name(lang),
            "description": p.description(lang) or None,
            "disabled": p.disabled,
        },
        "tickets": [offer_ticket(t, o, lang, embedded=True) for t in o.tickets.all()],
        "availableQuantity": available,
    }


def offer_ticket_session(
    t: m.OfferTicket, o: m.Offer, s: m.Session, available: int | None
) -> dict[str, Any]:
    return {
        "@context": "/contexts/TicketingOfferTicketSession",
        "@id": iri.offer_ticket_session(t, o, s),
        "@type": "TicketingOfferTicketSession",
        "id": str(s.pk),
        "occursAt": local_dt(s.occurs_at, o.product.event.timezone),
        "availableQuantity": available,
    }


def form(f: m.Form, lang: str) -> dict[str, Any]:
    fields = []
    for fld in f.fields.all():
        fields.append(
            {
                "@id": iri.form_field(fld),
                "@type": "FormField",
                "id": str(fld.pk),
                "code": fld.code,
                "label": fld.label_fr if lang == "fr" else fld.label_en,
                "type": fld.type,
                "required": fld.required,
                "position": fld.position,
                "helpText": (fld.help_fr if lang == "fr" else fld.help_en) or None,
                "choices": [
                    {
                        "@id": f"{iri.form_field(fld)}/choices/{c['value']}",
                        "@type": "FormFieldChoice",
                        "value": c["value"],
                        "label": c["label_fr"] if lang == "fr" else c["label_en"],
                    }
                    for c in fld.choices
                ],
            }
        )
    return {
        "@context": "/contexts/Form",
        "@id": iri.form(f),
        "@type": "Form",
        "id": str(f.pk),
        "code": f.code,
        "fields": fields,
    }
