"""The order admin against orders placed through the sandbox: list, search, filters, detail,
downloads; and nothing at all for a user who is not staff."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from shop.models import Order, OrderFulfilment

pytestmark = pytest.mark.django_db

LIST = "admin:shop_order_changelist"


def listed(response) -> list[Order]:
    return list(response.context["cl"].result_list)


def test_the_order_list_shows_reference_our_id_customer_event_amount_and_statuses(
    staff_client, place_order
):
    order = place_order()

    response = staff_client.get(reverse(LIST))

    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        order.reference,
        order.external_reference,
        "Ada Lovelace",
        "ada@example.com",
        order.summary["event"],
        f"{order.total_incl_tax:.2f} {order.currency}",
        "Confirmed",
        "Waiting for the documents",
    ):
        assert text in body, text


@pytest.mark.parametrize(
    "term",
    [
        lambda o: o.reference,
        lambda o: o.external_reference,
        lambda o: "grace@example.com",
        lambda o: "Grace Hopper",
    ],
    ids=["reference", "external_reference", "email", "name"],
)
def test_search_finds_an_order_by_reference_our_id_email_and_name(staff_client, place_order, term):
    wanted = place_order(firstname="Grace", lastname="Hopper", email="grace@example.com")
    place_order(firstname="Alan", lastname="Turing", email="alan@example.com")

    response = staff_client.get(reverse(LIST), {"q": term(wanted)})

    assert listed(response) == [wanted]


def test_the_status_filter_keeps_orders_of_that_status(staff_client, place_order):
    confirmed = place_order()
    failed = place_order(email="bob@example.com")
    Order.objects.filter(pk=failed.pk).update(status=Order.Status.FAILED)

    response = staff_client.get(reverse(LIST), {"status__exact": "failed"})

    assert listed(response) == [Order.objects.get(pk=failed.pk)]
    assert confirmed not in listed(response)


def test_the_documents_filter_tells_ready_orders_from_waiting_ones(
    staff_client, place_order, deliver_documents
):
    ready = place_order()
    waiting = place_order(email="bob@example.com")
    assert deliver_documents(ready).status == OrderFulfilment.Status.READY

    ready_list = listed(staff_client.get(reverse(LIST), {"documents": "ready"}))
    waiting_list = listed(staff_client.get(reverse(LIST), {"documents": "waiting"}))

    assert [o.pk for o in ready_list] == [ready.pk]
    assert [o.pk for o in waiting_list] == [waiting.pk]


def test_the_date_filter_keeps_orders_of_that_day(staff_client, place_order):
    today = place_order()
    old = place_order(email="bob@example.com")
    Order.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=40))

    page = staff_client.get(reverse(LIST))
    [today_link] = [
        choice["query_string"]
        for spec in page.context["cl"].filter_specs
        for choice in spec.choices(page.context["cl"])
        if str(choice["display"]) == "Today"
    ]

    response = staff_client.get(reverse(LIST) + today_link)

    assert [o.pk for o in listed(response)] == [today.pk]


def test_the_event_filter_keeps_orders_for_that_event(staff_client, place_order, sandbox_demo):
    concert = place_order(sandbox_demo.concert)
    museum = place_order(sandbox_demo.museum, quantity=1, email="bob@example.com")
    assert concert.summary["event"] != museum.summary["event"]

    response = staff_client.get(reverse(LIST), {"event": museum.summary["event"]})

    assert [o.pk for o in listed(response)] == [museum.pk]
    assert museum.summary["event"] in [
        choice["display"]
        for spec in response.context["cl"].filter_specs
        for choice in spec.choices(response.context["cl"])
    ]


def test_the_order_detail_shows_items_tickets_documents_emails_and_api_calls(
    staff_client, place_order, deliver_documents
):
    order = place_order(quantity=2)
    deliver_documents(order)
    order.refresh_from_db()

    response = staff_client.get(reverse("admin:shop_order_change", args=[order.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert order.reference in body
    assert order.external_reference in body
    tickets = [t for item in order.items for t in item["tickets"]]
    assert len(tickets) == 2
    assert all(t["voucher"] in body for t in tickets if t.get("voucher"))
    assert "Documents ready" in body
    document = order.documents.first()
    assert reverse("admin:shop_order_document", args=[order.pk, document.pk]) in body
    assert "Tickets ready" in body  # the outbox row of the tickets email
    assert "POST /v1/booking/orders/_bulk → 200" in body
    assert f"GET /v1/booking/orders/{order.korus_id}/documents → 200" in body


def test_a_stored_document_downloads_through_the_admin(
    staff_client, place_order, deliver_documents
):
    order = place_order(quantity=1)
    deliver_documents(order)
    document = order.documents.get()

    response = staff_client.get(reverse("admin:shop_order_document", args=[order.pk, document.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "attachment" in response["Content-Disposition"]


def test_a_document_of_another_order_is_not_found(staff_client, place_order, deliver_documents):
    first = place_order(quantity=1)
    second = place_order(quantity=1, email="bob@example.com")
    deliver_documents(first)
    document = first.documents.get()

    response = staff_client.get(reverse("admin:shop_order_document", args=[second.pk, document.pk]))

    assert response.status_code == 404


def test_orders_cannot_be_added_or_deleted_in_the_admin(staff_client, place_order):
    order = place_order(quantity=1)

    assert staff_client.get(reverse("admin:shop_order_add")).status_code == 403
    assert staff_client.post(reverse("admin:shop_order_delete", args=[order.pk])).status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        lambda o: reverse(LIST),
        lambda o: reverse("admin:shop_order_change", args=[o.pk]),
        lambda o: reverse("admin:shop_order_needs_attention"),
        lambda o: reverse("admin:shop_order_receipt", args=[o.pk]),
        lambda o: reverse("admin:shop_reservation_changelist"),
        lambda o: reverse("admin:shop_apicalllog_changelist"),
        lambda o: reverse("admin:shop_shopsettings_changelist"),
    ],
    ids=["list", "detail", "attention", "receipt", "reservations", "api-log", "settings"],
)
def test_a_user_who_is_not_staff_gets_only_the_login_page(buyer_client, place_order, url):
    order = place_order(quantity=1)

    response = buyer_client.get(url(order))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_user_who_is_not_staff_cannot_run_an_action(buyer_client, place_order):
    order = place_order(quantity=1)

    response = buyer_client.post(
        reverse(LIST),
        {"action": "resend_confirmation", "_selected_action": [order.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert order.emails.get().attempts == 0
