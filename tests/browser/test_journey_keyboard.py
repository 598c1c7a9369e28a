"""Journey: a keyboard-only purchase. On every page each control is reachable with Tab and shows
a visible focus; the buyer moves with Tab, types in fields, and operates with Enter and Space."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from shop.models import Order
from tests.browser import buyer
from tests.browser.journey import DESKTOP
from tests.browser.keyboard import assert_every_control_reachable, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_keyboard_only_buyer_reaches_every_control_and_completes_a_purchase(shop, journey):
    case = shop.demo.museum
    trip = journey("keyboard-purchase", DESKTOP)
    page = trip.page
    page.goto(shop.session_url(case))
    assert assert_every_control_reachable(page) > 5
    tab_to(page, f"#qty-{case.offer_id}")
    page.keyboard.type("2")  # Tab selects the field's content: typing replaces it
    trip.step("session offers, quantity typed")
    tab_to(page, "form.offer-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your tickets", level=1)).to_be_visible()

    assert_every_control_reachable(page)
    tab_to(page, "#answers-region form .actions button.btn:not(.btn--ghost)")
    trip.step("tickets, hold button focused")
    page.keyboard.press("Space")
    expect(page.get_by_role("heading", name="Your details", level=1)).to_be_visible()

    assert_every_control_reachable(page)
    for field, value in (
        ("#id_firstname", "Ada"),
        ("#id_lastname", "Lovelace"),
        ("#id_email", "ada@example.com"),
        ("#id_email_confirm", "ada@example.com"),
    ):
        tab_to(page, field)
        page.keyboard.type(value)
    tab_to(page, "#id_optin")
    page.keyboard.press("Space")
    expect(page.locator("#id_optin")).to_be_checked()
    trip.step("details typed")
    tab_to(page, "#details-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Confirm your order", level=1)).to_be_visible()

    assert_every_control_reachable(page)
    tab_to(page, "form[action$='/checkout/confirm/'] button[type=submit]")
    trip.step("review, confirm focused")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your order is confirmed.")).to_be_visible()
    assert_every_control_reachable(page)
    trip.step("order confirmed")

    reference = page.get_by_role("heading", level=1).inner_text().removeprefix("Your order ")
    order = Order.objects.get(reference=reference)
    assert order.customer_email == "ada@example.com"
    assert buyer.BUYER["Last name"] == order.customer_lastname
