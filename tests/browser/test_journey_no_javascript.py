"""Journey: the timed-session purchase with JavaScript off, from the event calendar to the order
page: every link and form works as plain HTML (the htmx attributes are inert)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from shop.models import Order
from tests.browser import buyer
from tests.browser.journey import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_buyer_without_javascript_completes_a_purchase(shop, journey):
    case = shop.demo.museum
    trip = journey("no-javascript-purchase", PHONE, javascript=False)
    page = trip.page
    page.goto(shop.event_url(case))
    # The page's scripts did not run (the test's own evaluation still does).
    assert page.evaluate("() => typeof window.htmx") == "undefined"
    trip.step("event")
    day = buyer.session_date(case.session_id)
    buyer.show_month_of(trip, day)
    buyer.pick_day(trip, day)
    # Without JavaScript, picking a day loads the page again with that day's sessions.
    assert f"day={day.isoformat()}" in page.url
    buyer.open_session(trip, "10 a.m.")

    reference = buyer.checkout_from_session(trip, case.offer_id, 2)

    assert Order.objects.get(reference=reference).status == Order.Status.CONFIRMED
    # No polling without JavaScript: the documents region says where things stand, and a reload
    # shows the same page.
    expect(page.locator("#order-documents")).to_contain_text("Your tickets")
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Your order {reference}")
