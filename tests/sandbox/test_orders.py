"""Orders: created from live holds only, referenced, and found by external reference."""

from __future__ import annotations

import httpx

from tests.sandbox.helpers import available, hold, order


def test_order_gets_a_reference_and_keeps_the_external_one(
    sandbox_demo, sandbox_client: httpx.Client
):
    reservation = hold(sandbox_client, sandbox_demo.concert.reservation_item(2))
    body = order(sandbox_client, reservation["@id"], ref="SHOP-42").json()
    created = body["orders"][0]
    assert body["failedOrders"] == []
    assert created["reference"].startswith("KT-ORD-")
    assert created["externalReference"] == "SHOP-42"
    assert created["reservation"] == reservation["@id"]
    assert created["totalAmountInclTax"] == "90.00"
    assert len(created["items"][0]["tickets"]) == 2


def test_order_is_found_by_external_reference(sandbox_demo, sandbox_client: httpx.Client):
    reservation = hold(sandbox_client, sandbox_demo.museum.reservation_item(1))
    created = order(sandbox_client, reservation["@id"], ref="FIND-ME").json()["orders"][0]
    found = sandbox_client.get(
        "/v1/booking/orders", params={"external_reference": "FIND-ME"}
    ).json()
    other = sandbox_client.get(
        "/v1/booking/orders", params={"external_reference": "NOT-THERE"}
    ).json()
    assert [o["@id"] for o in found["member"]] == [created["@id"]]
    assert other["totalItems"] == 0


def test_ordered_seats_stay_taken_after_the_hold_time(
    sandbox_demo, sandbox_client: httpx.Client, sandbox_clock
):
    case = sandbox_demo.three_left
    reservation = hold(sandbox_client, case.reservation_item(2))
    order(sandbox_client, reservation["@id"])
    sandbox_clock.advance(3600)
    assert available(sandbox_client, case.session_iri) == 1
    assert sandbox_client.get(reservation["@id"]).json()["order"] is not None


def test_ordering_an_expired_reservation_is_422(
    sandbox_demo, sandbox_client: httpx.Client, sandbox_clock
):
    reservation = hold(sandbox_client, sandbox_demo.museum.reservation_item(1))
    sandbox_clock.advance(16 * 60)
    response = order(sandbox_client, reservation["@id"])
    assert response.status_code == 422
    assert response.json()["violations"][0]["code"] == "expired"


def test_ordering_a_reservation_twice_is_422(sandbox_demo, sandbox_client: httpx.Client):
    reservation = hold(sandbox_client, sandbox_demo.museum.reservation_item(1))
    order(sandbox_client, reservation["@id"])
    response = order(sandbox_client, reservation["@id"], ref="SHOP-2")
    assert response.status_code == 422
    assert response.json()["violations"][0]["code"] == "already_ordered"


def test_order_without_customer_email_is_422(sandbox_demo, sandbox_client: httpx.Client):
    reservation = hold(sandbox_client, sandbox_demo.museum.reservation_item(1))
    response = sandbox_client.post(
        "/v1/booking/orders/_bulk",
        json={
            "reservations": [reservation["@id"]],
            "externalReference": "X",
            "customer": {"firstname": "a", "lastname": "b"},
        },
    )
    assert response.status_code == 422
    assert response.json()["violations"][0]["propertyPath"] == "customer.email"


def test_beneficiary_tickets_wait_until_patched(sandbox_demo, sandbox_client: httpx.Client):
    reservation = hold(sandbox_client, sandbox_demo.beneficiary.reservation_item(1))
    created = order(sandbox_client, reservation["@id"]).json()["orders"][0]
    ticket = created["items"][0]["tickets"][0]
    patched = sandbox_client.patch(
        ticket["@id"],
        json={
            "beneficiary": {"firstname": "Ada", "lastname": "Lovelace", "dateOfBirth": "1815-12-10"}
        },
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert ticket["status"] == "waiting_beneficiary_data"
    assert ticket["requiredBeneficiaryFields"] == ["firstname", "lastname", "dateOfBirth"]
    assert patched.json()["status"] == "validated"


def test_beneficiary_missing_a_required_field_is_422(sandbox_demo, sandbox_client: httpx.Client):
    reservation = hold(sandbox_client, sandbox_demo.beneficiary.reservation_item(1))
    created = order(sandbox_client, reservation["@id"]).json()["orders"][0]
    ticket = created["items"][0]["tickets"][0]
    response = sandbox_client.patch(ticket["@id"], json={"beneficiary": {"firstname": "Ada"}})
    paths = {v["propertyPath"] for v in response.json()["violations"]}
    assert response.status_code == 422
    assert paths == {"beneficiary.lastname", "beneficiary.dateOfBirth"}
