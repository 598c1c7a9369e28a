"""Holds are race-free: concurrent reservations for the last seats never oversell."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.db import connections

from tests.sandbox.helpers import available, reserve

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def _reserve_in_thread(client: httpx.Client, item: dict) -> int:
    try:
        return len(reserve(client, item).json()["reservations"])
    finally:
        connections.close_all()


def test_ten_concurrent_holds_for_three_seats_sell_three(
    sandbox_demo, sandbox_client: httpx.Client
):
    case = sandbox_demo.three_left
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(
            pool.map(
                lambda _: _reserve_in_thread(sandbox_client, case.reservation_item(1)), range(10)
            )
        )
    assert sum(results) == 3
    assert available(sandbox_client, case.session_iri) == 0


def test_concurrent_orders_of_one_reservation_make_one_order(
    sandbox_demo, sandbox_client: httpx.Client
):
    from tests.sandbox.helpers import hold, order

    reservation = hold(sandbox_client, sandbox_demo.museum.reservation_item(1))

    def attempt(n: int) -> int:
        try:
            response = order(sandbox_client, reservation["@id"], ref=f"RACE-{n}")
            return len(response.json().get("orders", [])) if response.status_code == 200 else 0
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=5) as pool:
        results = list(pool.map(attempt, range(5)))
    assert sum(results) == 1
