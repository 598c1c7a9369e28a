"""Shared helpers of the documents tests: a confirmed order and API payloads as API.md shows."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import httpx
import pytest
from django.utils import timezone

from shop.korus import reset_client
from shop.models import Order, Reservation

BASE = "https://api.korus.test"
CATALOG = "/v1/ticketing/catalogs/0194abdc-3a71-72b0-a9b9-89d4be0cd73e"
PDF = b"%PDF-1.7\n% test ticket\n" + b"x" * 200 + b"\n%%EOF\n"
SIGNED = (
    "https://storage.googleapis.com/korus-docs/tickets.pdf"
    "?GoogleAccessId=svc%40korus.iam.gserviceaccount.com&Expires=1748772600&Signature=c2VjcmV0"
)


@pytest.fixture
def korus_api(settings: Any) -> Any:
    """Point the client at a mocked API (HTTP is mocked at the client's edge only)."""
    import respx

    settings.KORUS_API_URL = BASE
    settings.KORUS_API_KEY = "Bearer test-key"
    settings.KORUS_MAX_RETRIES = 0
    reset_client()
    with respx.mock(assert_all_called=False) as router:
        yield router
    reset_client()


def ticket_payload(
    order_id: str,
    item_id: str,
    *,
    required: list[str] | None = None,
    status: str = "validated",
    occurs_at: str = "2030-06-07T20:00:00+02:00",
    event: str = "Cinéscénie, night show",
) -> dict[str, Any]:
    ticket_id = str(uuid.uuid4())
    return {
        "@id": f"/v1/booking/orders/{order_id}/items/{item_id}/tickets/{ticket_id}",
        "@type": "OrderItemTicketResource",
        "id": ticket_id,
        "voucher": "8555400800002783",
        "occursAt": occurs_at,
        "event": event,
        "requiredBeneficiaryFields": required or [],
        "beneficiary": None,
        "beneficiaryDesignationDeadline": "2030-06-05T23:59:59+02:00" if required else None,
        "beneficiaryAmendable": True,
        "status": status,
        "seating": None,
    }


def item_payload(
    order_id: str, *, tickets: int = 1, required: list[str] | None = None, status: str = "validated"
) -> dict[str, Any]:
    item_id = str(uuid.uuid4())
    return {
        "@id": "/.well-known/genid/1b2c3d",
        "@type": "OrderItem",
        "id": item_id,
        "product": f"{CATALOG}/products/0194ac3f-11aa-7cde-8f01-23456789abcd",
        "date": "2030-06-07",
        "quantity": tickets,
        "unitAmountInclTax": "50.00",
        "unitAmountExclTax": "41.67",
        "totalAmountInclTax": f"{50 * tickets}.00",
        "totalAmountExclTax": "83.33",
        "amountInclTax": f"{50 * tickets}.00",
        "amountExclTax": "83.33",
        "tickets": [
            ticket_payload(order_id, item_id, required=required, status=status)
            for _ in range(tickets)
        ],
    }


def order_payload(order: Order) -> dict[str, Any]:
    return {
        "@context": "/contexts/BookingOrder",
        "@id": f"/v1/booking/orders/{order.korus_id}",
        "@type": "BookingOrder",
        "id": str(order.korus_id),
        "createdAt": "2030-06-01T10:05:00+00:00",
        "reference": order.reference,
        "externalReference": order.external_reference,
        "totalAmountInclTax": str(order.total_incl_tax),
        "totalAmountExclTax": str(order.total_excl_tax),
        "status": "confirmed",
        "items": order.items,
    }


def documents_payload(order: Order, documents: list[tuple[str, dt.datetime]]) -> dict[str, Any]:
    base = f"/v1/booking/orders/{order.korus_id}/documents"
    return {
        "@context": "/contexts/BookingOrderDocument",
        "@id": base,
        "@type": "Collection",
        "totalItems": len(documents),
        "member": [
            {
                "@id": f"{base}/{doc_id}",
                "@type": "BookingOrderDocument",
                "id": doc_id,
                "downloadableAt": at.isoformat(),
            }
            for doc_id, at in documents
        ],
    }


def link_payload(order: Order, doc_id: str, url: str = SIGNED) -> dict[str, Any]:
    return {
        "@context": "/contexts/BookingOrderDocument",
        "@id": f"/v1/booking/orders/{order.korus_id}/documents/{doc_id}",
        "@type": "BookingOrderDocument",
        "id": doc_id,
        "temporaryUrl": url,
        "cachedLanguage": "fr",
    }


def jsonld(payload: dict[str, Any], status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=payload, headers={"Content-Type": "application/ld+json"})


def make_order(
    *,
    tickets: int = 1,
    required: list[str] | None = None,
    status: str = "validated",
    language: str = "en",
    email: str = "jane@example.com",
) -> Order:
    korus_id = uuid.uuid4()
    reservation = Reservation.objects.create(
        korus_id=uuid.uuid4(),
        iri=f"/v1/booking/reservations/{uuid.uuid4()}",
        expires_at=timezone.now() + dt.timedelta(minutes=15),
        status=Reservation.Status.ORDERED,
        total_incl_tax=Decimal("100.00"),
        session_key_hash="x" * 64,
    )
    return Order.objects.create(
        korus_id=korus_id,
        reference=f"KT-ORD-{korus_id.hex[:6].upper()}",
        status=Order.Status.CONFIRMED,
        reservation=reservation,
        customer_firstname="Jane",
        customer_lastname="Doe",
        customer_email=email,
        language=language,
        total_incl_tax=Decimal(f"{50 * tickets}.00"),
        total_excl_tax=Decimal("83.33"),
        currency="EUR",
        items=[item_payload(str(korus_id), tickets=tickets, required=required, status=status)],
        confirmed_at=timezone.now(),
    )


def mock_documents(
    router: Any, order: Order, documents: list[tuple[str, dt.datetime]], *, pdf: bytes = PDF
) -> dict[str, Any]:
    """Routes for listing, linking and downloading; returns them for call counts."""
    routes = {
        "list": router.get(f"{BASE}/v1/booking/orders/{order.korus_id}/documents").mock(
            return_value=jsonld(documents_payload(order, documents))
        ),
        "download": router.get(SIGNED.split("?")[0]).mock(
            return_value=httpx.Response(
                200, content=pdf, headers={"Content-Type": "application/pdf"}
            )
        ),
    }
    for doc_id, _ in documents:
        routes[doc_id] = router.patch(
            f"{BASE}/v1/booking/orders/{order.korus_id}/documents/{doc_id}"
        ).mock(return_value=jsonld(link_payload(order, doc_id)))
    return routes


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
