"""Journey: buy a guided-tour ticket whose form has all nine field types, through a validation
error (a group size that is not a number) and its correction."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from shop.models import Order
from tests.browser import buyer
from tests.browser.journey import VIEWPORT_IDS, VIEWPORTS, Viewport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=VIEWPORT_IDS)
def test_a_buyer_answers_a_nine_field_form_corrects_an_error_and_buys(
    shop, journey, viewport: Viewport
):
    case = shop.demo.tour
    trip = journey("buy-with-form", viewport)
    page = trip.page
    page.goto(shop.session_url(case))
    trip.step("session offers")
    buyer.choose_quantity(page, case.offer_id, 1)
    buyer.press_continue(trip)

    buyer.fill_tour_answers(page, group_size="three")
    trip.step("answers filled")
    page.get_by_role("button", name="Hold these tickets").click()
    summary = page.get_by_role("alert").filter(has_text="Please check these answers:")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link", name="Group size: Enter a whole number.")).to_be_visible()
    # Everything else the buyer typed is still there.
    buyer.expect_tour_answers_kept(page, group_size="three")
    trip.step("validation error")

    summary.get_by_role("link").first.click()
    expect(buyer.answers(page).get_by_label("Group size")).to_be_focused()
    buyer.answers(page).get_by_label("Group size").fill("3")
    trip.step("error corrected")
    buyer.hold_tickets(trip)

    held = buyer.held_answers()
    buyer.fill_details(page)
    buyer.submit_details(trip)
    reference = buyer.confirm_order(trip)

    assert Order.objects.get(reference=reference).status == Order.Status.CONFIRMED
    assert held["visitor_name"] == ["Ada Lovelace"]
    assert held["needs_wheelchair"] == ["false"]
    assert held["group_size"] == ["3"]
    assert held["budget"] == ["12.50"]
    assert held["birth_date"] == ["1990-05-17"]
    assert held["arrival_time"] == ["09:45"]
    assert held["callback_at"][0].startswith("2030-01-02")
    assert held["language"] == ["en"]
    # multi_choice: repeated entries or one comma-separated value (sandbox/README.md).
    assert sorted(v for entry in held["interests"] for v in entry.split(",")) == ["food", "history"]
