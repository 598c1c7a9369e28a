"""The buyer's side of the documents: status partial, downloads, receipt, calendar, holders."""

# ruff: noqa: F811 (the shared fixtures are imported, then named as arguments)
from __future__ import annotations

import datetime as dt
import uuid

import httpx
import pytest
from django.urls import reverse
from django.utils import timezone

from shop.models import OrderDocument
from shop.services.documents import documents_poll
from tests.services.documents_support import (  # noqa: F401 (fixtures)
    BASE,
    PDF,
    jsonld,
    korus_api,
    make_order,
    media,
    mock_documents,
    order_payload,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _ready(korus_api):
    order = make_order()
    mock_documents(korus_api, order, [(str(uuid.uuid4()), timezone.now() - dt.timedelta(1))])
    documents_poll(order_id=order.pk)
    return order, OrderDocument.objects.get(order=order)


def test_while_waiting_the_partial_keeps_polling(client):
    order = make_order()

    response = client.get(reverse("shop:order_status", kwargs={"secret": order.secret}), **HTMX)

    assert response.status_code == 200
    assert 'hx-trigger="every 3s"' in response.content.decode()


def test_when_ready_htmx_is_told_to_stop_polling(client, korus_api, media):
    order, document = _ready(korus_api)

    response = client.get(reverse("shop:order_status", kwargs={"secret": order.secret}), **HTMX)

    assert response.status_code == 286
    body = response.content.decode()
    assert "hx-trigger" not in body
    assert (
        reverse("shop:order_document", kwargs={"secret": order.secret, "document_id": document.pk})
        in body
    )


def test_without_htmx_the_status_is_a_plain_page_fragment(client, korus_api, media):
    order, _ = _ready(korus_api)

    response = client.get(reverse("shop:order_status", kwargs={"secret": order.secret}))

    assert response.status_code == 200


def test_a_download_returns_the_stored_pdf_as_an_attachment(client, korus_api, media):
    order, document = _ready(korus_api)

    response = client.get(
        reverse("shop:order_document", kwargs={"secret": order.secret, "document_id": document.pk})
    )

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith('attachment; filename="tickets-')


def test_a_document_under_another_orders_secret_is_not_found(client, korus_api, media):
    _, document = _ready(korus_api)
    other = make_order()

    response = client.get(
        reverse("shop:order_document", kwargs={"secret": other.secret, "document_id": document.pk})
    )

    assert response.status_code == 404


def test_a_wrong_secret_is_not_found(client, korus_api, media):
    order, document = _ready(korus_api)

    response = client.get(
        reverse(
            "shop:order_document",
            kwargs={
                "secret": order.secret[:-1] + "A"
                if order.secret[-1] != "A"
                else order.secret[:-1] + "B",
                "document_id": document.pk,
            },
        )
    )

    assert response.status_code == 404


def test_the_signed_url_never_reaches_the_page(client, korus_api, media):
    order, _ = _ready(korus_api)

    response = client.get(reverse("shop:order_status", kwargs={"secret": order.secret}))

    assert "storage.googleapis.com" not in response.content.decode()


def test_after_the_deadline_the_buyer_reads_a_clear_message(client, korus_api, media):
    order = make_order()
    mock_documents(korus_api, order, [])
    documents_poll(order_id=order.pk, now=timezone.now() + dt.timedelta(days=3))

    response = client.get(reverse("shop:order_status", kwargs={"secret": order.secret}), **HTMX)

    assert response.status_code == 286
    assert "could not prepare your tickets automatically" in response.content.decode()


def test_the_calendar_file_is_served(client):
    order = make_order()

    response = client.get(reverse("shop:order_ics", kwargs={"secret": order.secret}))

    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in response.content


def test_the_receipt_is_downloadable(client, media):
    order = make_order()

    response = client.get(reverse("shop:order_receipt", kwargs={"secret": order.secret}))

    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_beneficiary_details_are_sent_to_the_api(client, korus_api, media):
    order = make_order(required=["firstname", "lastname"], status="waiting_beneficiary_data")
    korus_api.get(f"{BASE}/v1/booking/orders/{order.korus_id}").mock(
        return_value=jsonld(order_payload(order))
    )
    mock_documents(korus_api, order, [])
    documents_poll(order_id=order.pk)
    ticket = order.items[0]["tickets"][0]
    patch = korus_api.patch(f"{BASE}{ticket['@id']}").mock(
        return_value=jsonld({**ticket, "status": "validated"})
    )
    url = reverse("shop:order_beneficiaries", kwargs={"secret": order.secret})

    response = client.post(url, {"t0-firstname": "Ana", "t0-lastname": "Lopez"})

    assert response.status_code == 302
    assert patch.call_count == 1
    import json

    assert json.loads(patch.calls[0].request.content)["beneficiary"] == {
        "firstname": "Ana",
        "lastname": "Lopez",
    }


def test_refused_beneficiary_details_come_back_on_the_form(client, korus_api, media):
    order = make_order(required=["firstname", "lastname"], status="waiting_beneficiary_data")
    korus_api.get(f"{BASE}/v1/booking/orders/{order.korus_id}").mock(
        return_value=jsonld(order_payload(order))
    )
    mock_documents(korus_api, order, [])
    documents_poll(order_id=order.pk)
    ticket = order.items[0]["tickets"][0]
    korus_api.patch(f"{BASE}{ticket['@id']}").mock(
        return_value=httpx.Response(
            422,
            json={
                "title": "Invalid",
                "status": 422,
                "violations": [
                    {"propertyPath": "beneficiary.lastname", "message": "too short", "code": "x"}
                ],
            },
        )
    )
    url = reverse("shop:order_beneficiaries", kwargs={"secret": order.secret})

    response = client.post(url, {"t0-firstname": "Ana", "t0-lastname": "L"})

    assert response.status_code == 200
    assert "Please check this value." in response.content.decode()
    assert "too short" not in response.content.decode()
