"""Journey: the hold expires while the buyer types their details; they hold the tickets again
with every answer kept, and the order goes through."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from shop.models import Order
from tests.browser import buyer
from tests.browser.journey import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Long enough to reach the details page and type in it, short enough to wait for.
SHORT_HOLD_MINUTES = 0.15


def test_an_expired_hold_is_made_again_with_the_answers_kept(shop, journey, sandbox_settings):
    case = shop.demo.tour
    trip = journey("hold-expires", PHONE)
    page = trip.page
    page.goto(shop.session_url(case))
    buyer.choose_quantity(page, case.offer_id, 1)
    buyer.press_continue(trip)
    buyer.fill_tour_answers(page, group_size="4")
    trip.step("answers filled")

    sandbox_settings.hold_minutes = SHORT_HOLD_MINUTES
    buyer.hold_tickets(trip)
    buyer.fill_details(page)
    expired = page.get_by_role("alert").filter(has_text="Your reservation has expired.")
    expect(expired).to_be_visible(timeout=30_000)
    # The countdown script stops the buyer from going on with a hold that is gone.
    expect(page.get_by_role("button", name="Continue")).to_be_disabled()
    trip.step("hold expired")

    sandbox_settings.hold_minutes = 15
    expired.get_by_role("link", name="hold the tickets again").click()
    expect(page.get_by_role("heading", name="Your tickets", level=1)).to_be_visible()
    buyer.expect_tour_answers_kept(page, group_size="4")
    trip.step("answers kept after expiry")

    buyer.hold_tickets(trip)
    expect(page.get_by_role("alert").filter(has_text="expired")).to_be_hidden()
    buyer.fill_details(page)
    buyer.submit_details(trip)
    reference = buyer.confirm_order(trip)

    assert Order.objects.get(reference=reference).status == Order.Status.CONFIRMED
    assert buyer.held_answers()["group_size"] == ["4"]
