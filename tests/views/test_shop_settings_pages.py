"""The operator's ShopSettings drive the buyer's pages: footer, legal pages, checkout's terms
note, the "only N left" threshold and the featured events' order on the home page."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from shop.models import ShopSettings
from shop.services.operations import shop_settings_row
from shop.session import BookingSession
from tests.services.booking_support import (
    CUSTOMER,
    answers_post,
    fresh_client_and_cache,  # noqa: F401
)

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])


@pytest.fixture
def edit(django_capture_on_commit_callbacks: Any) -> Any:
    """Save the settings row as the admin does, cache invalidation on commit included."""

    def apply(**fields: Any) -> ShopSettings:
        row = shop_settings_row()
        for name, value in fields.items():
            setattr(row, name, value)
        with django_capture_on_commit_callbacks(execute=True):
            row.save()
        return row

    return apply


def text_of(response: Any) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def footer_of(response: Any) -> str:
    html = response.content.decode()
    return html[html.index('<footer class="site-footer">') : html.index("</footer>")]


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "teal").save(buffer, "PNG")
    return buffer.getvalue()


# --- footer -----------------------------------------------------------------------------------
def test_footer_shows_the_edited_shop_name_and_contact_email(
    client: Client, sandbox_demo: Any, edit: Any
) -> None:
    client.get("/")  # caches the defaults first: the edit must still show
    edit(shop_name="Festival Tickets", contact_email="help@festival.example")

    footer = footer_of(client.get("/"))

    assert "Festival Tickets" in footer
    assert '<a href="mailto:help@festival.example">help@festival.example</a>' in footer


def test_footer_links_to_the_terms_and_privacy_pages(client: Client, sandbox_demo: Any) -> None:
    footer = footer_of(client.get("/"))

    assert f'href="{reverse("shop:terms")}"' in footer
    assert f'href="{reverse("shop:privacy")}"' in footer


def test_footer_shows_the_uploaded_logo_served_by_the_shop(
    client: Client, sandbox_demo: Any, edit: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    row = edit(logo=SimpleUploadedFile("brand.png", png(), content_type="image/png"))
    logo_url = reverse("shop:shop_logo", kwargs={"name": row.logo.name.rsplit("/", 1)[-1]})

    footer = footer_of(client.get("/"))
    logo = client.get(logo_url)

    assert f'<img class="site-footer__logo" src="{logo_url}"' in footer
    assert (logo.status_code, logo["Content-Type"]) == (200, "image/png")


def test_footer_has_no_logo_before_one_is_uploaded(client: Client, sandbox_demo: Any) -> None:
    assert "<img" not in footer_of(client.get("/"))


# --- legal pages ------------------------------------------------------------------------------
def test_terms_page_shows_the_operators_text_with_its_paragraphs(client: Client, edit: Any) -> None:
    edit(terms_text="Tickets are non-refundable.\n\nDoors open at 7 p.m.\nLate entry refused.")

    html = client.get(reverse("shop:terms")).content.decode()

    assert "<p>Tickets are non-refundable.</p>" in html
    assert "<p>Doors open at 7 p.m.<br>Late entry refused.</p>" in html


def test_privacy_page_shows_the_operators_privacy_text(client: Client, edit: Any) -> None:
    edit(privacy_text="We keep your email address for your order only.")

    response = client.get(reverse("shop:privacy"))

    assert response.status_code == 200
    assert "We keep your email address for your order only." in text_of(response)


def test_legal_text_is_escaped_never_rendered_as_html(client: Client, edit: Any) -> None:
    edit(terms_text='<script>alert("x")</script><a href="https://evil.example">refunds</a>')

    html = client.get(reverse("shop:terms")).content.decode()

    assert "<script>alert" not in html
    assert 'href="https://evil.example"' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


@pytest.mark.parametrize("name", ["shop:terms", "shop:privacy"])
def test_an_empty_legal_text_is_a_page_saying_it_is_not_provided_yet(
    client: Client, edit: Any, name: str
) -> None:
    edit(terms_text="  ", privacy_text="", contact_email="help@festival.example")

    response = client.get(reverse(name))

    assert response.status_code == 200
    assert "This text has not been provided yet." in text_of(response)
    assert 'href="mailto:help@festival.example"' in response.content.decode()


# --- checkout ---------------------------------------------------------------------------------
def test_the_review_step_says_confirming_accepts_the_terms_with_links(
    client: Client, sandbox_demo: Any
) -> None:
    case = sandbox_demo.concert
    client.post(
        reverse("shop:checkout_start"),
        {"event": str(case.event_id), "session": str(case.session_id), f"qty_{case.offer_id}": "1"},
    )
    assert client.get(reverse("shop:checkout_answers")).status_code == 200
    held = client.post(reverse("shop:checkout_hold"), answers_post(BookingSession(client.session)))
    assert held["Location"] == reverse("shop:checkout_details")
    details = client.post(reverse("shop:checkout_details"), CUSTOMER)
    assert details["Location"] == reverse("shop:checkout_review")

    response = client.get(reverse("shop:checkout_review"))
    confirm = re.escape(reverse("shop:checkout_confirm"))
    form = re.search(rf'<form[^>]*action="{confirm}".*?</form>', response.content.decode(), re.S)
    assert form is not None

    assert "By confirming, you accept our terms of sale and our privacy notice" in text_of(response)
    assert f'<a href="{reverse("shop:terms")}" target="_blank" rel="noopener">' in form[0]
    assert f'<a href="{reverse("shop:privacy")}" target="_blank" rel="noopener">' in form[0]


# --- low stock --------------------------------------------------------------------------------
def _session_url(case: Any) -> str:
    return reverse("shop:session", args=[case.event_id, case.session_id])


def test_three_seats_left_read_as_available_under_a_threshold_of_two(
    client: Client, sandbox_demo: Any, edit: Any
) -> None:
    edit(low_stock_threshold=2)

    text = text_of(client.get(_session_url(sandbox_demo.three_left)))

    assert "Only 3 left" not in text
    assert "Available" in text


def test_three_seats_left_read_as_only_three_left_under_a_threshold_of_five(
    client: Client, sandbox_demo: Any, edit: Any, settings: Any
) -> None:
    settings.SHOP_LOW_STOCK_THRESHOLD = 1  # the edited value wins over the environment's
    edit(low_stock_threshold=5)

    assert "Only 3 left" in text_of(client.get(_session_url(sandbox_demo.three_left)))


def test_a_threshold_edit_reaches_the_event_pages_cached_body_at_once(
    client: Client, sandbox_demo: Any, edit: Any
) -> None:
    url = reverse("shop:event", args=[sandbox_demo.three_left.event_id])
    edit(low_stock_threshold=5)
    assert "Only 3 left" in text_of(client.get(url))

    edit(low_stock_threshold=2)

    assert "Only 3 left" not in text_of(client.get(url))


# --- featured events --------------------------------------------------------------------------
def home_event_ids(client: Client) -> list[str]:
    html = client.get("/").content.decode()
    return re.findall(r'<h2><a href="/events/([0-9a-f-]{36})/">', html)


def test_home_lists_featured_events_first_in_their_order_then_the_rest(
    client: Client, sandbox_demo: Any, edit: Any
) -> None:
    api_order = home_event_ids(client)
    assert len(api_order) >= 4  # else the test could not tell the orders apart
    featured = [api_order[-1], api_order[1]]
    edit(featured_event_ids=[featured[0].upper(), featured[1], "not-an-event-of-ours"])

    shown = home_event_ids(client)

    assert shown == featured + [i for i in api_order if i not in featured]
