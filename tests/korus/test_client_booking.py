"""Reservations and orders: bulk creation with partial failures, reads, reconciliation."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import httpx
import pytest
import respx

from shop.korus.client import KorusClient
from shop.korus.errors import KorusTimeout, ServerError, ValidationFailed, Violation
from shop.korus.models import (
    Beneficiary,
    CustomerInput,
    FieldValue,
    FormData,
    ReservationRequestItem,
    TicketSessionRequest,
)
from tests.korus.conftest import CAT, Sleeps, jsonld, load

OFFER = f"{CAT}/offers/0194ac40-fda7-78c1-8fcb-26fc2df25894"
OFFER_B = f"{CAT}/offers/0194ac40-fda7-78c1-8fcb-00000000000b"
T_DAY = f"{OFFER}/tickets/0194ac40-fda7-78c1-8fcb-26fc2e2612d4"
T_SHOW = f"{OFFER}/tickets/7522b8de-37a2-458d-b099-6d515b0739be"
SESSION = f"{T_SHOW}/sessions/337177bc-e513-444f-bcee-49a3e25b48a3"
FORM = "/v1/forms/0195197f-7918-7285-bb4b-7df2b682c3eb"
FIELD = f"{FORM}/fields/01953871-e6df-7135-bd6c-ebe655262810"
RESERVATION_ID = "0197cb3f-f1dd-7246-9660-d1613775333f"
RESERVATION = f"/v1/booking/reservations/{RESERVATION_ID}"
ORDER_ID = "0197cb40-2a1b-7c3d-8e4f-5a6b7c8d9e0f"
ITEM_ID = "0197cb40-2a1b-7c3d-8e4f-000000000001"
TICKET_ID = "0197cb40-2a1b-7c3d-8e4f-000000000002"
REF = "KS-01JXAMPLE"
CUSTOMER = CustomerInput(
    firstname="john",
    lastname="doe",
    email="john.doe@example.com",
    phone="+33610203040",
    country="FR",
    language="fr",
    title="mr",
)
ITEMS = (
    ReservationRequestItem(
        offer_iri=OFFER,
        quantity=1,
        ticket_sessions=(
            TicketSessionRequest(ticket_iri=T_DAY),
            TicketSessionRequest(
                ticket_iri=T_SHOW,
                session_iri=SESSION,
                form_data=FormData(form_iri=FORM, fields=(FieldValue(FIELD, "Doe"),)),
            ),
        ),
    ),
    ReservationRequestItem(offer_iri=OFFER_B, quantity=2),
)


def test_create_reservations_sends_the_documented_body(
    router: respx.Router, client: KorusClient
) -> None:
    route = router.post("/v1/booking/reservations/_bulk").mock(
        return_value=jsonld("reservations_bulk.json")
    )
    client.create_reservations(ITEMS)
    request = route.calls.last.request
    assert request.headers["Content-Type"] == "application/ld+json"
    assert json.loads(request.content) == {
        "items": [
            {
                "offer": OFFER,
                "quantity": 1,
                "ticketSessions": [
                    {"ticket": T_DAY},
                    {
                        "ticket": T_SHOW,
                        "session": SESSION,
                        "formData": {"form": FORM, "fields": [{"field": FIELD, "value": "Doe"}]},
                    },
                ],
            },
            {"offer": OFFER_B, "quantity": 2, "ticketSessions": []},
        ]
    }


def test_create_reservations_returns_created_and_failed_items(
    router: respx.Router, client: KorusClient
) -> None:
    router.post("/v1/booking/reservations/_bulk").mock(
        return_value=jsonld("reservations_bulk.json")
    )
    result = client.create_reservations(ITEMS)
    (reservation,) = result.reservations
    assert reservation.id == RESERVATION_ID
    assert reservation.expires_at == dt.datetime(2025, 6, 1, 10, 15, tzinfo=dt.UTC)
    (failed,) = result.failed
    assert failed.message == "Not enough availability for this offer"
    assert failed.code == "insufficient_stock"
    assert failed.item is ITEMS[1]
    assert failed.offer_iri == OFFER_B
    assert not result.ok


def test_failed_reservation_matched_by_index(router: respx.Router, client: KorusClient) -> None:
    body = {"reservations": [], "failedReservations": [{"index": 0, "error": "Sold out"}]}
    router.post("/v1/booking/reservations/_bulk").mock(return_value=httpx.Response(200, json=body))
    (failed,) = client.create_reservations(ITEMS).failed
    assert (failed.item, failed.offer_iri, failed.message) == (ITEMS[0], OFFER, "Sold out")


def test_failed_reservation_without_reference_keeps_a_message(
    router: respx.Router, client: KorusClient
) -> None:
    body = {"reservations": [], "failedReservations": [{}]}
    router.post("/v1/booking/reservations/_bulk").mock(return_value=httpx.Response(200, json=body))
    (failed,) = client.create_reservations(ITEMS).failed
    assert (failed.item, failed.message) == (None, "reservation failed")


def test_create_reservations_422_carries_violations(
    router: respx.Router, client: KorusClient
) -> None:
    router.post("/v1/booking/reservations/_bulk").mock(return_value=jsonld("error_422.json", 422))
    with pytest.raises(ValidationFailed) as caught:
        client.create_reservations(ITEMS)
    assert caught.value.violations == (
        Violation(
            "items[0].quantity",
            "This value should be greater than 0.",
            "778b7ae0-84d3-481a-9dec-35fdb64b1d78",
        ),
    )


def test_create_reservations_is_never_retried(
    router: respx.Router, client: KorusClient, sleeps: Sleeps
) -> None:
    route = router.post("/v1/booking/reservations/_bulk").mock(return_value=httpx.Response(503))
    with pytest.raises(ServerError):
        client.create_reservations(ITEMS)
    assert route.call_count == 1
    assert sleeps == []


def test_create_reservations_needs_items(client: KorusClient) -> None:
    with pytest.raises(ValueError, match="at least one"):
        client.create_reservations([])


def test_reservation(router: respx.Router, client: KorusClient) -> None:
    router.get(RESERVATION).mock(return_value=jsonld("reservation.json"))
    reservation = client.reservation(RESERVATION_ID)
    assert reservation.total_incl_tax == Decimal("100.00")
    assert reservation.total_excl_tax is None
    assert (reservation.status, reservation.releasable, reservation.expired) == (
        "reserved",
        True,
        False,
    )
    (item,) = reservation.items
    assert (item.offer_iri, item.offer_id, item.date) == (
        OFFER,
        "0194ac40-fda7-78c1-8fcb-26fc2df25894",
        dt.date(2025, 6, 7),
    )
    assert [(t.ticket_iri, t.session_iri) for t in item.offer_tickets] == [
        (T_DAY, None),
        (T_SHOW, SESSION),
    ]
    assert item.offer_tickets[1].seating == {"row": "B", "seat": "12"}


def test_reservation_accepts_its_iri(router: respx.Router, client: KorusClient) -> None:
    route = router.get(RESERVATION).mock(return_value=jsonld("reservation.json"))
    client.reservation(RESERVATION)
    assert route.called


def test_reservations_page(router: respx.Router, client: KorusClient) -> None:
    route = router.get("/v1/booking/reservations").mock(return_value=jsonld("reservations.json"))
    page = client.reservations_page(items_per_page=20)
    assert route.calls.last.request.url.params["order[createdAt]"] == "desc"
    assert [r.id for r in page.items] == [RESERVATION_ID]


def test_create_orders_sends_the_documented_body(router: respx.Router, client: KorusClient) -> None:
    route = router.post("/v1/booking/orders/_bulk").mock(return_value=jsonld("orders_bulk.json"))
    client.create_orders(
        reservations=[RESERVATION_ID],
        customer=CUSTOMER,
        external_reference=REF,
        notes="Special assistance needed",
    )
    assert json.loads(route.calls.last.request.content) == {
        "reservations": [RESERVATION],
        "customer": {
            "firstname": "john",
            "lastname": "doe",
            "email": "john.doe@example.com",
            "phone": "+33610203040",
            "country": "FR",
            "language": "fr",
            "optin": False,
            "title": "mr",
        },
        "externalReference": REF,
        "notes": "Special assistance needed",
    }


def test_create_orders_returns_orders_and_failures(
    router: respx.Router, client: KorusClient
) -> None:
    router.post("/v1/booking/orders/_bulk").mock(return_value=jsonld("orders_bulk.json"))
    result = client.create_orders(
        reservations=[RESERVATION], customer=CUSTOMER, external_reference=REF
    )
    (order,) = result.orders
    assert (order.id, order.reference, order.external_reference) == (ORDER_ID, "KTOLKT-84A749", REF)
    (failed,) = result.failed
    assert failed.reservation_iri == "/v1/booking/reservations/0197cb3f-f1dd-7246-9660-00000000000f"
    assert failed.message == "Reservation has expired"


def test_create_orders_omits_empty_notes(router: respx.Router, client: KorusClient) -> None:
    route = router.post("/v1/booking/orders/_bulk").mock(return_value=jsonld("orders_bulk.json"))
    client.create_orders(reservations=[RESERVATION], customer=CUSTOMER, external_reference=REF)
    assert "notes" not in json.loads(route.calls.last.request.content)


@pytest.mark.parametrize("reference", ["", "x" * 51])
def test_create_orders_refuses_a_bad_reference(client: KorusClient, reference: str) -> None:
    with pytest.raises(ValueError, match="external_reference"):
        client.create_orders(
            reservations=[RESERVATION], customer=CUSTOMER, external_reference=reference
        )


def test_create_orders_needs_reservations(client: KorusClient) -> None:
    with pytest.raises(ValueError, match="reservation"):
        client.create_orders(reservations=[], customer=CUSTOMER, external_reference=REF)


def test_create_orders_is_not_retried_after_a_timeout(
    router: respx.Router, client: KorusClient
) -> None:
    route = router.post("/v1/booking/orders/_bulk").mock(side_effect=httpx.ReadTimeout("lost"))
    with pytest.raises(KorusTimeout):
        client.create_orders(reservations=[RESERVATION], customer=CUSTOMER, external_reference=REF)
    assert route.call_count == 1


def test_reconcile_finds_the_order_whose_creation_response_was_lost(
    router: respx.Router, client: KorusClient
) -> None:
    """The POST reaches the API and creates the order, but its response never comes back."""
    created: list[dict[str, object]] = []

    def create_then_lose_the_response(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        order = load("order.json")
        order["externalReference"] = body["externalReference"]
        created.append(order)
        raise httpx.ReadTimeout("response lost", request=request)

    def list_orders(request: httpx.Request) -> httpx.Response:
        ref = request.url.params.get("external_reference")
        members = [o for o in created if o["externalReference"] == ref]
        return httpx.Response(200, json={"totalItems": len(members), "member": members})

    router.post("/v1/booking/orders/_bulk").mock(side_effect=create_then_lose_the_response)
    router.get("/v1/booking/orders").mock(side_effect=list_orders)
    with pytest.raises(KorusTimeout):
        client.create_orders(
            reservations=[RESERVATION], customer=CUSTOMER, external_reference="KS-LOST-1"
        )
    found = client.find_order_by_external_reference("KS-LOST-1")
    assert found is not None
    assert (found.id, found.external_reference) == (ORDER_ID, "KS-LOST-1")


def test_reconcile_returns_none_when_no_order_was_created(
    router: respx.Router, client: KorusClient
) -> None:
    route = router.get("/v1/booking/orders").mock(return_value=jsonld("orders_empty.json"))
    assert client.find_order_by_external_reference("KS-NEVER") is None
    assert route.calls.last.request.url.params["external_reference"] == "KS-NEVER"


def test_reconcile_ignores_orders_whose_reference_only_partly_matches(
    router: respx.Router, client: KorusClient
) -> None:
    router.get("/v1/booking/orders").mock(return_value=jsonld("orders_by_reference.json"))
    assert client.find_order_by_external_reference("KS-01J") is None


def test_orders_sends_filters(router: respx.Router, client: KorusClient) -> None:
    route = router.get("/v1/booking/orders").mock(return_value=jsonld("orders_by_reference.json"))
    (order,) = client.orders(
        external_reference=REF, created_after=dt.date(2025, 6, 1), created_before="2025-06-02"
    )
    params = route.calls.last.request.url.params
    assert (params["external_reference"], params["createdAt[after]"]) == (REF, "2025-06-01")
    assert params["createdAt[before]"] == "2025-06-02"
    assert order.id == ORDER_ID


def test_orders_page(router: respx.Router, client: KorusClient) -> None:
    route = router.get("/v1/booking/orders").mock(return_value=jsonld("orders_by_reference.json"))
    page = client.orders_page(page=2, items_per_page=1, order="asc")
    params = route.calls.last.request.url.params
    assert (params["page"], params["order[createdAt]"]) == ("2", "asc")
    assert page.has_previous
    assert not page.has_next


def test_order(router: respx.Router, client: KorusClient) -> None:
    router.get(f"/v1/booking/orders/{ORDER_ID}").mock(return_value=jsonld("order.json"))
    order = client.order(ORDER_ID)
    assert (order.status, order.connector_reference, order.notes) == (
        "confirmed",
        "3875",
        "Special assistance needed",
    )
    assert (order.total_incl_tax, order.total_excl_tax) == (Decimal("100.00"), Decimal("83.33"))
    assert order.reservation_iri == RESERVATION
    assert order.customer is not None
    assert (order.customer.email, order.customer.title) == ("john.doe@example.com", "mr")
    (item,) = order.items
    assert (item.id, item.quantity, item.unit_amount_incl_tax) == (ITEM_ID, 1, Decimal("100.00"))
    (ticket,) = item.tickets
    assert (ticket.voucher, ticket.status) == ("8555400800002783", "waiting_beneficiary_data")
    assert ticket.required_beneficiary_fields == ("firstname", "lastname")
    assert ticket.needs_beneficiary
    assert order.raw["items"][0]["tickets"][0]["id"] == TICKET_ID


def test_order_item_ticket(router: respx.Router, client: KorusClient) -> None:
    router.get(f"/v1/booking/orders/{ORDER_ID}/items/{ITEM_ID}/tickets/{TICKET_ID}").mock(
        return_value=jsonld("order_item_ticket.json")
    )
    ticket = client.order_item_ticket(ORDER_ID, ITEM_ID, TICKET_ID)
    assert ticket.beneficiary is None
    assert ticket.beneficiary_amendable
    assert ticket.beneficiary_designation_deadline == dt.datetime(
        2025, 6, 5, 21, 59, 59, tzinfo=dt.UTC
    )


def test_set_beneficiary_patches_with_merge_patch(
    router: respx.Router, client: KorusClient
) -> None:
    route = router.patch(f"/v1/booking/orders/{ORDER_ID}/items/{ITEM_ID}/tickets/{TICKET_ID}").mock(
        return_value=jsonld("order_item_ticket_validated.json")
    )
    ticket = client.set_beneficiary(
        ORDER_ID,
        ITEM_ID,
        TICKET_ID,
        Beneficiary(firstname="John", lastname="Doe", date_of_birth=dt.date(2000, 1, 1)),
    )
    request = route.calls.last.request
    assert request.headers["Content-Type"] == "application/merge-patch+json"
    assert json.loads(request.content) == {
        "beneficiary": {"firstname": "John", "lastname": "Doe", "dateOfBirth": "2000-01-01"}
    }
    assert ticket.status == "validated"
    assert not ticket.needs_beneficiary
    assert ticket.beneficiary is not None
    assert ticket.beneficiary.date_of_birth == dt.date(2000, 1, 1)
