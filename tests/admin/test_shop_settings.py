"""Shop settings: one row edited in the admin, defaults from the environment, read through a
cache that a save empties, and shown to templates."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from shop.models import ShopSettings
from shop.services.operations import shop_settings_get

pytestmark = pytest.mark.django_db


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "purple").save(buffer, "PNG")
    return buffer.getvalue()


def form_data(**overrides) -> dict:
    data = {
        "shop_name": "Festival Tickets",
        "contact_email": "help@festival.example",
        "terms_text": "Tickets are non-refundable.",
        "privacy_text": "We keep your email for your order only.",
        "low_stock_threshold": "3",
        "featured_events": "",
    }
    return {**data, **overrides}


def test_before_any_edit_the_environment_defaults_apply(settings):
    settings.SHOP_NAME = "Env Shop"
    settings.SHOP_LOW_STOCK_THRESHOLD = 7

    values = shop_settings_get()

    assert (values.shop_name, values.low_stock_threshold) == ("Env Shop", 7)


def test_the_settings_list_goes_straight_to_the_single_row(staff_client):
    response = staff_client.get(reverse("admin:shop_shopsettings_changelist"))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:shop_shopsettings_change", args=[1])
    assert ShopSettings.objects.count() == 1


def test_a_saved_edit_reaches_readers_at_once(staff_client, django_capture_on_commit_callbacks):
    staff_client.get(reverse("admin:shop_shopsettings_changelist"))
    assert shop_settings_get().shop_name != "Festival Tickets"  # now cached

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:shop_shopsettings_change", args=[1]),
            form_data(featured_events="abc-1\n/v1/ticketing/catalogs/c/events/def-2\nabc-1\n"),
        )

    assert response.status_code == 302
    values = shop_settings_get()
    assert values.shop_name == "Festival Tickets"
    assert values.low_stock_threshold == 3
    assert values.featured_event_ids == ("abc-1", "def-2")


def test_a_bad_event_id_is_refused_with_a_message(staff_client):
    staff_client.get(reverse("admin:shop_shopsettings_changelist"))

    response = staff_client.post(
        reverse("admin:shop_shopsettings_change", args=[1]),
        form_data(featured_events="<script>"),
    )

    assert response.status_code == 200
    assert "is not an event id" in response.content.decode()


def test_the_logo_is_uploaded_then_served_by_the_shop(
    staff_client, media, django_capture_on_commit_callbacks
):
    staff_client.get(reverse("admin:shop_shopsettings_changelist"))
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("admin:shop_shopsettings_change", args=[1]),
            {**form_data(), "logo": SimpleUploadedFile("logo.png", png(), "image/png")},
        )

    url = shop_settings_get().logo_url
    response = Client().get(url)

    assert url.startswith("/logo/")
    assert url.endswith(".png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png()
    assert Client().get("/logo/not-the-logo.png").status_code == 404


def test_a_file_that_is_not_an_image_is_refused_as_logo(staff_client, media):
    staff_client.get(reverse("admin:shop_shopsettings_changelist"))

    response = staff_client.post(
        reverse("admin:shop_shopsettings_change", args=[1]),
        {
            **form_data(),
            "logo": SimpleUploadedFile("logo.svg", b"<svg onload=alert(1)>", "image/svg+xml"),
        },
    )

    assert response.status_code == 200
    assert not ShopSettings.objects.get().logo


def test_templates_see_the_edited_name_and_contact(
    staff_client, django_capture_on_commit_callbacks
):
    staff_client.get(reverse("admin:shop_shopsettings_changelist"))
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("admin:shop_shopsettings_change", args=[1]), form_data())

    from django.template import engines
    from django.test import RequestFactory

    template = engines["django"].from_string(
        "{{ shop_name }}|{{ shop_contact_email }}|{{ shop_settings.terms_text }}"
    )
    rendered = template.render({}, RequestFactory().get("/"))

    assert rendered == "Festival Tickets|help@festival.example|Tickets are non-refundable."


def test_the_settings_row_cannot_be_added_twice_or_deleted(staff_client):
    staff_client.get(reverse("admin:shop_shopsettings_changelist"))

    assert staff_client.get(reverse("admin:shop_shopsettings_add")).status_code == 403
    delete = reverse("admin:shop_shopsettings_delete", args=[1])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
