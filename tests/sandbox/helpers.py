"""Small request builders shared by the sandbox tests."""

from __future__ import annotations

from typing import Any

import httpx

CUSTOMER = {
    "firstname": "Ada",
    "lastname": "Lovelace",
    "email": "ada@example.com",
    "title": "mrs",
    "optin": False,
    "language": "fr",
}


def reserve(client: httpx.Client, *items: dict[str, Any]) -> httpx.Response:
    return client.post(
        "/v1/booking/reservations/_bulk",
        json={"items": list(items)},
        headers={"Content-Type": "application/ld+json"},
    )


def order(client: httpx.Client, *reservation_iris: str, ref: str = "SHOP-1") -> httpx.Response:
    return client.post(
        "/v1/booking/orders/_bulk",
        json={
            "reservations": list(reservation_iris),
            "customer": CUSTOMER,
            "externalReference": ref,
        },
        headers={"Content-Type": "application/ld+json"},
    )


def available(client: httpx.Client, session_iri: str) -> int:
    return client.get(f"{session_iri}/availability").json()["availableQuantity"]


def hold(client: httpx.Client, item: dict[str, Any]) -> dict[str, Any]:
    body = reserve(client, item).json()
    assert body["failedReservations"] == [], body
    return body["reservations"][0]
