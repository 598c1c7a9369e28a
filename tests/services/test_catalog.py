"""Cached catalog reads (shop/services/catalog.py) against the sandbox."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.core.cache import cache

from shop.korus import reset_client
from shop.korus.errors import ServerError
from shop.services import catalog


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def no_retries(settings) -> Iterator[None]:
    settings.KORUS_MAX_RETRIES = 0
    reset_client()
    yield
    reset_client()


def test_default_catalog_is_the_first_the_api_lists(sandbox_demo) -> None:
    assert catalog.catalog_id() == str(sandbox_demo.catalog_id)


def test_korus_catalog_id_picks_another_catalog(sandbox_demo, settings) -> None:
    settings.KORUS_CATALOG_ID = str(sandbox_demo.second_catalog_id)
    assert [e.name for e in catalog.event_list(language="en")] == ["Pottery workshop"]


@pytest.mark.usefixtures("no_retries")
def test_stale_event_is_served_when_the_api_fails_after_the_soft_ttl(
    sandbox_demo, sandbox_faults, settings
) -> None:
    settings.SHOP_CATALOG_SOFT_TTL = 0
    event_id = str(sandbox_demo.concert.event_id)
    name = catalog.event_get(event_id, language="en").name
    sandbox_faults.add("server_error")
    assert catalog.event_get(event_id, language="en").name == name


@pytest.mark.usefixtures("no_retries")
def test_cold_read_during_an_outage_raises_the_clients_error(sandbox_demo, sandbox_faults) -> None:
    sandbox_faults.add("server_error")
    with pytest.raises(ServerError):
        catalog.event_get(str(sandbox_demo.concert.event_id), language="en")


def test_session_availability_is_read_again_after_the_realtime_ttl(
    sandbox_demo, sandbox_client, settings
) -> None:
    settings.SHOP_REALTIME_TTL = 0
    case = sandbox_demo.three_left
    assert catalog.session_available(str(case.event_id), str(case.session_id)) == 3
    sandbox_client.post(
        "/v1/booking/reservations/_bulk",
        json={"items": [case.reservation_item(quantity=2)]},
        headers={"Content-Type": "application/ld+json"},
    ).raise_for_status()
    assert catalog.session_available(str(case.event_id), str(case.session_id)) == 1


def test_session_detail_takes_the_realtime_price_for_dynamic_offers(sandbox_demo) -> None:
    case = sandbox_demo.realtime_price
    detail = catalog.session_detail(str(case.event_id), str(case.session_id))
    assert [line.price.amount for line in detail.lines] == [Decimal("61.50")]


def test_session_detail_caps_quantities_by_seats_left(sandbox_demo) -> None:
    case = sandbox_demo.three_left
    detail = catalog.session_detail(str(case.event_id), str(case.session_id))
    assert {line.max_quantity for line in detail.lines} == {3}
    assert all(line.availability.low for line in detail.lines)


@pytest.mark.parametrize(
    ("quantity", "level"), [(0, "out"), (1, "low"), (10, "low"), (11, "ok"), (None, "ok")]
)
def test_availability_level_follows_the_low_stock_threshold(
    quantity: int | None, level: str, settings, db
) -> None:
    # Before any operator edit, ShopSettings' threshold is the environment's (read from the db).
    settings.SHOP_LOW_STOCK_THRESHOLD = 10
    assert catalog.availability(quantity).level == level


def test_month_calendar_marks_the_concert_days_and_links_months(sandbox_demo) -> None:
    from sandbox.models import Session

    event_id = str(sandbox_demo.concert.event_id)
    first = Session.objects.filter(event_id=event_id).order_by("occurs_at").first()
    month = catalog.event_month(event_id, first.local_date, "Europe/Paris")
    days = {d.date: d for d in month.session_days}
    assert days[first.local_date].count == 1
    assert month.previous is None
    assert all(d.date.month == first.local_date.month for d in month.session_days)


def test_event_search_by_date_range_keeps_events_with_sessions_in_it(sandbox_demo) -> None:
    today = dt.date.today()
    found = catalog.event_search(
        catalog.EventSearch(date_from=today + dt.timedelta(days=40), date_to=None)
    )
    names = {s.event.name for s in found.summaries}
    assert "Museum of Light — timed entry" in names  # sessions over 60 days
    assert "Old Lyon guided tour" not in names  # its last session is on day 30
