"""The receipt PDF: rendered from our template, fetching local static files only."""

# ruff: noqa: F811 (the shared fixtures are imported, then named as arguments)
from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders

from shop.models import Receipt
from shop.services.receipts import RefusedURL, local_url_fetcher, receipt_html, receipt_render
from tests.services.documents_support import make_order, media  # noqa: F401


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/logo.png",
        "http://127.0.0.1:8000/static/shop/shop.css",
        "file:///etc/passwd",
        "https://receipt.invalid/static/../../settings.py",
        "https://receipt.invalid/media/private/x.pdf",
    ],
)
def test_the_url_fetcher_refuses_anything_but_local_static_files(url):
    with pytest.raises(RefusedURL):
        local_url_fetcher(url)


def test_the_url_fetcher_reads_a_static_file_from_disk():
    found = finders.find("shop/shop.css")
    if not found:
        pytest.skip("the shop stylesheet is not there yet")

    result = local_url_fetcher("https://receipt.invalid/static/shop/shop.css")

    with open(found, "rb") as handle:
        assert result["string"] == handle.read()


@pytest.mark.django_db
def test_the_receipt_shows_reference_amounts_and_customer():
    order = make_order(tickets=2)

    html = receipt_html(order=order)

    assert order.reference in html
    for amount in ("100.00", "83.33", "16.67"):
        assert amount in html
    assert "Jane Doe" in html


@pytest.mark.django_db
def test_the_receipt_is_in_the_buyers_language():
    order = make_order(language="fr")

    html = receipt_html(order=order)

    assert 'lang="fr"' in html


@pytest.mark.django_db
def test_the_receipt_is_rendered_once_and_stored(media):
    order = make_order()

    first = receipt_render(order_id=order.pk)
    second = receipt_render(order_id=order.pk)

    assert first.pk == second.pk
    assert Receipt.objects.count() == 1
    assert first.file.read().startswith(b"%PDF-")
    assert first.pages == 1
