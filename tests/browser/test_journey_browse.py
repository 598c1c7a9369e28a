"""Journey: home -> event -> calendar month navigation -> a day's sessions -> a session's offers."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import buyer
from tests.browser.journey import VIEWPORT_IDS, VIEWPORTS, Viewport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MUSEUM = "Museum of Light — timed entry"


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=VIEWPORT_IDS)
def test_a_buyer_browses_from_the_home_page_to_a_sessions_offers(shop, journey, viewport: Viewport):
    trip = journey("browse", viewport)
    page = trip.page
    buyer.open_event_from_home(trip, shop.url + "/", MUSEUM)
    event_url = page.url
    this_month = buyer.calendar_title(page)

    page.get_by_role("link", name="Next month").click()
    expect(page.locator("#calendar-title")).not_to_have_text(this_month)
    # htmx swapped the calendar in place: the page did not navigate.
    assert page.url == event_url
    trip.step("calendar next month")
    page.get_by_role("link", name="Previous month").click()
    expect(page.locator("#calendar-title")).to_have_text(this_month)
    trip.step("calendar previous month")

    day = buyer.session_date(shop.demo.museum.session_id)
    buyer.show_month_of(trip, day)
    buyer.pick_day(trip, day)
    buyer.open_session(trip, "10 a.m.")

    offers = page.locator("#offers")
    expect(offers.get_by_role("heading", name="Adult")).to_be_visible()
    expect(offers.get_by_role("heading", name="Reduced")).to_be_visible()
    expect(offers).to_contain_text("16.00")
    expect(offers).to_contain_text("10.00")
    expect(page.get_by_role("spinbutton", name="Quantity").first).to_be_visible()
