"""Order documents: listing, the short-lived download URL, and the file it points at."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing

from sandbox import clock, pdf
from sandbox import models as m
from sandbox.api import iri
from sandbox.api import serializers as ser
from sandbox.api.http import (
    SandboxRequest,
    SandboxResponse,
    bad_request,
    not_found,
    read_json,
    unprocessable,
    violation,
)
from sandbox.api.hydra import collection

_SALT = "sandbox.files"


def _order(order_id: uuid.UUID) -> m.Order:
    found = m.Order.objects.filter(pk=order_id).first()
    if found is None:
        raise not_found("Order")
    return found


def _document(order_id: uuid.UUID, doc_id: uuid.UUID) -> m.OrderDocument:
    found = m.OrderDocument.objects.filter(pk=doc_id, order_id=order_id).first()
    if found is None:
        raise not_found("Order document")
    return found


def _payload(d: m.OrderDocument) -> dict[str, Any]:
    return {
        "@context": "/contexts/BookingOrderDocument",
        "@id": iri.document(d),
        "@type": "BookingOrderDocument",
        "id": str(d.pk),
        "downloadableAt": ser.dt(d.downloadable_at),
    }


def documents(request: SandboxRequest, orderId: uuid.UUID) -> dict[str, Any]:
    order = _order(orderId)
    return collection(
        request,
        context="BookingOrderDocument",
        items=order.documents.all(),
        serialize=lambda rows: [_payload(d) for d in rows],
    )


def document_item(request: SandboxRequest, orderId: uuid.UUID, id: uuid.UUID) -> dict[str, Any]:
    return _payload(_document(orderId, id))


def document_patch(request: SandboxRequest, orderId: uuid.UUID, id: uuid.UUID) -> dict[str, Any]:
    doc = _document(orderId, id)
    body = read_json(request)
    if body is not None and not isinstance(body, dict):
        raise unprocessable(
            [violation("", "The request body should be an empty object.", "invalid_body")]
        )
    if doc.downloadable_at > clock.now():
        raise unprocessable(
            [
                violation(
                    "downloadableAt",
                    f"This document cannot be downloaded before {ser.dt(doc.downloadable_at)}.",
                    "not_yet_downloadable",
                )
            ]
        )
    lang = request.language
    expires = clock.now().timestamp() + settings.SANDBOX_DOCUMENT_URL_SECONDS
    token = signing.dumps({"d": str(doc.pk), "l": lang, "e": expires}, salt=_SALT)
    return {
        "@context": "/contexts/BookingOrderDocument",
        "@id": iri.document(doc),
        "@type": "BookingOrderDocument",
        "id": str(doc.pk),
        # Shaped like a cloud storage signed URL: the secret travels in the query string,
        # which the client's logs leave out, never in the path.
        "temporaryUrl": f"{request.base_url}/_files/{doc.pk}.pdf?"
        + urlencode({"Expires": int(expires), "Signature": token}),
        "cachedLanguage": lang,
    }


def serve_file(request: SandboxRequest, document_id: str) -> SandboxResponse:
    """The signed URL's target: a real PDF ticket, refused once the URL has expired."""
    try:
        claims: dict[str, Any] = signing.loads(request.param("Signature") or "", salt=_SALT)
    except signing.BadSignature:
        return _refuse(403, "SignatureDoesNotMatch")
    if claims.get("d") != document_id:
        return _refuse(403, "SignatureDoesNotMatch")
    if float(claims.get("e", 0)) <= clock.now().timestamp():
        return _refuse(400, "ExpiredToken")
    doc = (
        m.OrderDocument.objects.select_related(
            "order",
            "ticket__session",
            "ticket__item",
            "ticket__offer_ticket__offer__product__event",
        )
        .filter(pk=claims.get("d"))
        .first()
    )
    if doc is None:
        raise bad_request("Unknown document.")
    return SandboxResponse(
        status=200,
        body=pdf.render_ticket(doc, claims.get("l", "fr")),
        headers={
            "Content-Type": "application/pdf",
            "Content-Disposition": f'inline; filename="{doc.order.reference}-{doc.pk}.pdf"',
        },
    )


def _refuse(status: int, code: str) -> SandboxResponse:
    # Shaped like a cloud storage refusal: an XML error, not the API's JSON-LD.
    body = (
        f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{code}</Code>"
        f"<Message>The signed URL is not valid.</Message></Error>"
    ).encode()
    return SandboxResponse(status=status, headers={"Content-Type": "application/xml"}, body=body)
