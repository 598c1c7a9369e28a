"""Journeys: buy a timed-session ticket, and buy a date-access (full-day) ticket."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from shop.models import Order
from tests.browser import buyer
from tests.browser.journey import VIEWPORT_IDS, VIEWPORTS, Viewport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=VIEWPORT_IDS)
def test_a_buyer_buys_a_timed_session_ticket(shop, journey, viewport: Viewport):
    case = shop.demo.museum
    trip = journey("buy-timed-session", viewport)
    trip.page.goto(shop.event_url(case))
    trip.step("event")
    day = buyer.session_date(case.session_id)
    buyer.show_month_of(trip, day)
    buyer.pick_day(trip, day)
    buyer.open_session(trip, "10 a.m.")

    reference = buyer.checkout_from_session(trip, case.offer_id, 2)

    order = Order.objects.get(reference=reference)
    assert order.status == Order.Status.CONFIRMED
    assert order.customer_email == "ada@example.com"
    expect(trip.page.locator("main")).to_contain_text("2 \N{MULTIPLICATION SIGN} Adult")


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=VIEWPORT_IDS)
def test_a_buyer_buys_a_date_access_ticket(shop, journey, viewport: Viewport):
    case = shop.demo.date_access
    trip = journey("buy-date-access", viewport)
    trip.page.goto(shop.event_url(case))
    trip.step("event")
    day_session = buyer.day_session_id(case)
    day = buyer.session_date(day_session)
    buyer.show_month_of(trip, day)
    buyer.pick_day(trip, day)
    trip.page.locator("#sessions").get_by_role("link").first.click()
    expect(trip.page.get_by_role("heading", name="Tickets", level=2)).to_be_visible()
    expect(trip.page.locator("#offers")).to_contain_text("Adult day pass")
    trip.step("day offers")

    reference = buyer.checkout_from_session(trip, case.offer_id, 1)

    order = Order.objects.get(reference=reference)
    assert order.status == Order.Status.CONFIRMED
    expect(trip.page.locator("main")).to_contain_text("Valid all day")
