"""Journey: a French-speaking browser gets the shop in French, switches it to English from the
header, and back; the page stays where it was and the catalog follows the language."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.journey import VIEWPORT_IDS, VIEWPORTS, Journey, Viewport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONCERT = {
    "fr": "Orchestre national — Symphonie fantastique",
    "en": "National Orchestra — Symphonie fantastique",
}


def switch_language(trip: Journey, code: str) -> None:
    page = trip.page
    form = page.locator("header form.lang-form")
    form.locator("select[name=language]").select_option(code)
    form.locator("button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def expect_concert_in(page: Page, code: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(CONCERT[code])
    expect(page.locator("html")).to_have_attribute("lang", code)
    expect(page.locator("#lang-select")).to_have_value(code)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=VIEWPORT_IDS)
def test_a_buyer_switches_the_shop_to_english_and_back(shop, journey, viewport: Viewport):
    trip = journey("language-switch", viewport, locale="fr-FR")
    page = trip.page
    event_url = shop.event_url(shop.demo.concert)
    page.goto(event_url)
    expect_concert_in(page, "fr")
    trip.step("french from the browser")

    switch_language(trip, "en")
    expect_concert_in(page, "en")
    assert page.url == event_url
    trip.step("switched to english")

    switch_language(trip, "fr")
    expect_concert_in(page, "fr")
    assert page.url == event_url
    trip.step("back to french")
