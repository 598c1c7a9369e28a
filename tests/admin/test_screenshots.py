"""Screenshots of the order list and an order detail, from a real Chromium against a live
server (artifacts/screenshots/admin/, gitignored)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots" / "admin"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def logged_in_page(base_url: str, session_key: str) -> Iterator[object]:
    # Started after the test's data exists: Playwright's sync API runs an event loop in this
    # thread, inside which Django refuses synchronous database calls.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(viewport={"width": 1440, "height": 1000})
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session_key, "url": base_url}]
            )
            yield context.new_page()
        finally:
            browser.close()


def test_screenshots_of_the_order_list_and_an_order_detail(
    live_server, staff, place_order, deliver_documents
):
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (make deps-test)")
    order = place_order(quantity=2)
    deliver_documents(order)
    place_order(quantity=1, firstname="Grace", lastname="Hopper", email="grace@example.com")
    client = Client()
    client.force_login(staff)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    SHOTS.mkdir(parents=True, exist_ok=True)
    list_url = live_server.url + reverse("admin:shop_order_changelist")
    detail_url = live_server.url + reverse("admin:shop_order_change", args=[order.pk])

    with logged_in_page(live_server.url, session_key) as page:
        page.goto(list_url)
        assert page.locator("#result_list").is_visible()
        assert page.get_by_text(order.external_reference).count() == 1
        page.screenshot(path=str(SHOTS / "order-list.png"), full_page=True)

        page.goto(detail_url)
        assert page.get_by_text("Documents ready").first.is_visible()
        page.screenshot(path=str(SHOTS / "order-detail.png"), full_page=True)

    assert (SHOTS / "order-list.png").stat().st_size > 10_000
    assert (SHOTS / "order-detail.png").stat().st_size > 10_000
