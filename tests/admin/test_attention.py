"""The "needs attention" view and filter: each kind of trouble appears, with its reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from shop.models import EmailOutbox, Order, OrderFulfilment, Reservation
from shop.services.documents import documents_poll

pytestmark = pytest.mark.django_db

VIEW = "admin:shop_order_needs_attention"


def attention_rows(client) -> list:
    response = client.get(reverse(VIEW))
    assert response.status_code == 200
    return response.context["items"]


def test_an_order_whose_documents_never_became_ready_is_listed_with_the_reason(
    staff_client, place_order
):
    order = place_order(quantity=1)
    fulfilment = OrderFulfilment.objects.get(order=order)
    # The sandbox's documents are not downloadable yet; polling past the deadline gives up.
    outcome = documents_poll(order_id=order.pk, now=fulfilment.deadline_at + dt.timedelta(1))
    assert outcome.status == OrderFulfilment.Status.FAILED

    response = staff_client.get(reverse(VIEW))

    reason = OrderFulfilment.objects.get(order=order).reason
    assert reason.startswith("Gave up at")
    [row] = [r for r in response.context["items"] if r.kind == "documents"]
    assert row.order == order
    assert row.reason == reason
    body = response.content.decode()
    assert reason in body
    assert reverse("admin:shop_order_change", args=[order.pk]) in body


def test_documents_past_their_deadline_but_not_yet_given_up_are_listed(staff_client, place_order):
    order = place_order(quantity=1)
    OrderFulfilment.objects.filter(order=order).update(
        deadline_at=timezone.now() - dt.timedelta(minutes=5)
    )

    [row] = attention_rows(staff_client)

    assert row.order == order
    assert row.reason.startswith("Documents past their deadline")


def test_a_failed_and_a_reconciling_order_are_listed_with_their_reasons(staff_client, place_order):
    failed = place_order(quantity=1)
    checking = place_order(quantity=1, email="bob@example.com")
    Order.objects.filter(pk=failed.pk).update(
        status=Order.Status.FAILED, failure_reason="refused by the API (422)"
    )
    Order.objects.filter(pk=checking.pk).update(status=Order.Status.RECONCILING)

    rows = {r.order.pk: r.reason for r in attention_rows(staff_client) if r.kind == "order"}

    assert rows == {
        failed.pk: "Order creation failed: refused by the API (422)",
        checking.pk: "Order being reconciled with the API",
    }


def test_an_email_that_failed_is_listed_with_its_error(staff_client, place_order):
    order = place_order(quantity=1)
    EmailOutbox.objects.filter(order=order).update(
        status=EmailOutbox.Status.FAILED, last_error="SMTPRecipientsRefused: 550 no such user"
    )

    [row] = [r for r in attention_rows(staff_client) if r.kind == "email"]

    assert row.order == order
    assert row.reason == (
        "Order confirmation email to ada@example.com failed: "
        "SMTPRecipientsRefused: 550 no such user"
    )


def test_a_hold_that_expired_at_the_confirm_step_is_listed(staff_client, place_order):
    order = place_order(quantity=1)
    Order.objects.filter(pk=order.pk).update(
        status=Order.Status.FAILED, failure_reason="reservation expired"
    )
    Reservation.objects.filter(pk=order.reservation_id).update(
        status=Reservation.Status.RELEASED, expires_at=timezone.now() - dt.timedelta(minutes=1)
    )

    [row] = [r for r in attention_rows(staff_client) if r.kind == "reservation"]

    assert row.reservation.pk == order.reservation_id
    assert row.reason == "Reservation expired at the confirm step"


def test_a_healthy_order_needs_no_attention(staff_client, place_order):
    place_order(quantity=1)

    response = staff_client.get(reverse(VIEW))

    assert response.context["items"] == []
    assert "Nothing needs attention." in response.content.decode()


def test_the_order_list_filter_keeps_only_orders_needing_attention(staff_client, place_order):
    fine = place_order(quantity=1)
    stuck = place_order(quantity=1, email="bob@example.com")
    OrderFulfilment.objects.filter(order=stuck).update(status=OrderFulfilment.Status.FAILED)

    response = staff_client.get(reverse("admin:shop_order_changelist"), {"attention": "yes"})

    assert [o.pk for o in response.context["cl"].result_list] == [stuck.pk]
    assert fine.pk not in [o.pk for o in response.context["cl"].result_list]
    assert "Needs attention (1)" in response.content.decode()
