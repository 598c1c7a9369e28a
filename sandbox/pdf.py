"""The PDF ticket behind a document's temporaryUrl (WeasyPrint, with a segno QR code)."""

from __future__ import annotations

import io
from html import escape
from zoneinfo import ZoneInfo

import segno

from sandbox import models as m

_LABELS = {
    "fr": {
        "ticket": "Billet",
        "order": "Commande",
        "session": "Séance",
        "holder": "Titulaire",
        "voucher": "Code",
        "day": "Accès journée",
    },
    "en": {
        "ticket": "Ticket",
        "order": "Order",
        "session": "Session",
        "holder": "Holder",
        "voucher": "Code",
        "day": "Full-day access",
    },
}


def _holder(doc: m.OrderDocument) -> str:
    person = doc.ticket.beneficiary or doc.order.customer
    return f"{person.get('firstname', '')} {person.get('lastname', '')}".strip()


def ticket_html(doc: m.OrderDocument, lang: str) -> str:
    labels = _LABELS.get(lang, _LABELS["fr"])
    ticket = doc.ticket
    event = ticket.offer_ticket.offer.product.event
    product = ticket.offer_ticket.offer.product
    if ticket.session is not None:
        when = ticket.session.occurs_at.astimezone(ZoneInfo(event.timezone))
        session = when.strftime("%Y-%m-%d %H:%M")
    else:
        day = ticket.item.date
        session = f"{labels['day']} {day.isoformat() if day else ''}"
    qr = io.BytesIO()
    segno.make(ticket.voucher, error="m").save(qr, kind="svg", scale=4, xmldecl=False)
    rows = [
        (labels["order"], doc.order.reference),
        (labels["session"], session),
        (labels["holder"], _holder(doc)),
        (labels["voucher"], ticket.voucher),
    ]
    cells = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return (
        "<html><head><meta charset='utf-8'><style>"
        "body{font-family:'DejaVu Sans',sans-serif;margin:2cm}h1{font-size:20pt}"
        "th{text-align:left;padding-right:1em}</style></head><body>"
        f"<p>{escape(labels['ticket'])}</p><h1>{escape(event.name(lang))}</h1>"
        f"<h2>{escape(product.name(lang))}</h2><table>{cells}</table>"
        f"<div>{qr.getvalue().decode()}</div></body></html>"
    )


def render_ticket(doc: m.OrderDocument, lang: str) -> bytes:
    from weasyprint import HTML  # heavy import, only when a PDF is asked for

    return HTML(string=ticket_html(doc, lang)).write_pdf()
