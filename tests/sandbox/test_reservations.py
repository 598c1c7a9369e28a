"""Reservations: holds move stock, expire on the clock, and are validated up front."""

from __future__ import annotations

import httpx

from tests.sandbox.helpers import available, hold, reserve


def test_reservation_holds_seats_of_its_session(sandbox_demo, sandbox_client: httpx.Client):
    case = sandbox_demo.museum
    before = available(sandbox_client, case.session_iri)
    hold(sandbox_client, case.reservation_item(3))
    assert available(sandbox_client, case.session_iri) == before - 3


def test_price_categories_share_the_session_capacity(sandbox_demo, sandbox_client: httpx.Client):
    hold(sandbox_client, sandbox_demo.concert.reservation_item(2))
    hold(sandbox_client, sandbox_demo.concert_child.reservation_item(1))
    assert available(sandbox_client, sandbox_demo.concert.session_iri) == 297


def test_seats_come_back_when_the_hold_expires(
    sandbox_demo, sandbox_client: httpx.Client, sandbox_clock, sandbox_settings
):
    sandbox_settings.hold_minutes = 15
    case = sandbox_demo.three_left
    reservation = hold(sandbox_client, case.reservation_item(3))
    assert available(sandbox_client, case.session_iri) == 0
    sandbox_clock.advance(15 * 60 + 1)
    assert available(sandbox_client, case.session_iri) == 3
    body = sandbox_client.get(reservation["@id"]).json()
    assert body["expired"] is True
    assert body["status"] == "released"


def test_reservation_expires_at_the_configured_hold_length(
    sandbox_demo, sandbox_client: httpx.Client, sandbox_settings
):
    from datetime import datetime

    sandbox_settings.hold_minutes = 2
    reservation = hold(sandbox_client, sandbox_demo.museum.reservation_item(1))
    created = datetime.fromisoformat(reservation["createdAt"])
    expires = datetime.fromisoformat(reservation["expiresAt"])
    assert (expires - created).total_seconds() == 120
    assert reservation["expired"] is False


def test_asking_more_than_available_is_a_failed_reservation(
    sandbox_demo, sandbox_client: httpx.Client
):
    body = reserve(
        sandbox_client,
        sandbox_demo.three_left.reservation_item(4),
        sandbox_demo.museum.reservation_item(1),
    ).json()
    assert len(body["reservations"]) == 1
    assert body["failedReservations"][0]["code"] == "insufficient_availability"
    assert body["failedReservations"][0]["item"]["quantity"] == 4


def test_sold_out_session_cannot_be_reserved(sandbox_demo, sandbox_client: httpx.Client):
    body = reserve(sandbox_client, sandbox_demo.sold_out.reservation_item(1)).json()
    assert body["reservations"] == []
    assert len(body["failedReservations"]) == 1


def test_offer_ticket_session_iri_is_accepted(sandbox_demo, sandbox_client: httpx.Client):
    case = sandbox_demo.museum
    item = {
        "offer": case.offer_iri,
        "quantity": 1,
        "ticketSessions": [{"ticket": case.ticket_iri, "session": case.ticket_session_iri}],
    }
    reservation = hold(sandbox_client, item)
    assert reservation["items"][0]["offerTickets"][0]["session"] == case.ticket_session_iri


def test_date_access_offer_uses_its_own_stock(sandbox_demo, sandbox_client: httpx.Client):
    case = sandbox_demo.date_access
    before = sandbox_client.get(case.offer_iri).json()["availableQuantity"]
    reservation = hold(sandbox_client, case.reservation_item(4))
    after = sandbox_client.get(case.offer_iri).json()["availableQuantity"]
    assert reservation["items"][0]["offerTickets"][0]["session"] is None
    assert after == before - 4


def test_session_ticket_without_session_is_422(sandbox_demo, sandbox_client: httpx.Client):
    case = sandbox_demo.museum
    item = {"offer": case.offer_iri, "quantity": 1, "ticketSessions": [{"ticket": case.ticket_iri}]}
    response = reserve(sandbox_client, item)
    assert response.status_code == 422
    assert response.json()["violations"][0]["propertyPath"] == "items[0].ticketSessions[0].session"


def test_session_of_another_date_is_422(sandbox_demo, sandbox_client: httpx.Client):
    item = sandbox_demo.museum.reservation_item(1)
    item["ticketSessions"][0]["session"] = sandbox_demo.concert.session_iri
    assert reserve(sandbox_client, item).status_code == 422


def test_unknown_offer_is_422(sandbox_demo, sandbox_client: httpx.Client):
    item = sandbox_demo.museum.reservation_item(1)
    item["offer"] = f"{sandbox_demo.catalog_iri}/offers/0190a000-0000-7000-8000-000000000001"
    response = reserve(sandbox_client, item)
    assert response.status_code == 422
    assert response.json()["violations"][0]["code"] == "unknown_offer"


def test_reservation_locks_the_realtime_price(sandbox_demo, sandbox_client: httpx.Client):
    case = sandbox_demo.realtime_price
    price = sandbox_client.get(f"{case.offer_iri}/price").json()["amountInclTax"]
    reservation = hold(sandbox_client, case.reservation_item(2))
    assert reservation["items"][0]["amountInclTax"] == f"{2 * float(price):.2f}"


def test_malformed_json_is_400(sandbox_demo, sandbox_client: httpx.Client):
    response = sandbox_client.post(
        "/v1/booking/reservations/_bulk",
        content=b"{nope",
        headers={"Content-Type": "application/ld+json"},
    )
    assert response.status_code == 400


def test_reservations_are_listed(sandbox_demo, sandbox_client: httpx.Client):
    reservation = hold(sandbox_client, sandbox_demo.museum.reservation_item(1))
    listed = sandbox_client.get(
        "/v1/booking/reservations", params={"order[createdAt]": "desc"}
    ).json()
    assert listed["member"][0]["@id"] == reservation["@id"]
