"""Journey: after the purchase, the order page turns to "tickets ready" by itself (htmx polling,
no reload) once a real Celery worker has fetched the documents; the buyer downloads the PDF."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from shop.models import OrderDocument
from tests.browser import buyer
from tests.browser.journey import DESKTOP
from tests.worker.conftest import worker  # noqa: F401 (the real-worker fixture)

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# Seconds after the order before the sandbox lets the documents be downloaded: long enough for
# the page to be seen preparing them on a loaded machine, then turning to ready.
DOCUMENT_DELAY = 6


def test_the_order_page_shows_tickets_ready_without_a_reload_and_the_pdf_downloads(
    shop,
    journey,
    sandbox_settings,
    worker,  # noqa: F811
):
    sandbox_settings.document_delay = DOCUMENT_DELAY
    worker.start()
    case = shop.demo.museum
    trip = journey("tickets-ready", DESKTOP)
    page = trip.page
    page.goto(shop.session_url(case))
    trip.step("session offers")
    buyer.checkout_from_session(trip, case.offer_id, 2)

    documents = page.locator("#order-documents")
    expect(documents).not_to_contain_text("Your tickets are ready.")
    # A reload would lose this marker: its survival proves the page updated in place.
    page.evaluate("() => { window.__sameDocument = true; }")
    expect(documents.get_by_text("Your tickets are ready.")).to_be_visible(timeout=45_000)
    assert page.evaluate("() => window.__sameDocument === true")
    trip.step("tickets ready")

    with page.expect_download() as download_info:
        documents.get_by_role("link", name="Tickets (PDF 1)").click()
    download = download_info.value
    pdf = Path(download.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert download.suggested_filename.endswith(".pdf")
    assert OrderDocument.objects.count() >= 1
    trip.step("pdf downloaded")
