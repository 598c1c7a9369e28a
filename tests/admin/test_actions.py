"""Each order action: a confirmation page first, then the service call and a message."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from shop.models import EmailOutbox, Order, OrderFulfilment, Receipt, Reservation
from shop.services.emails import email_send

pytestmark = pytest.mark.django_db

LIST = "admin:shop_order_changelist"


def run_action(client, action: str, *orders: Order, confirm: bool = True):
    data = {"action": action, "_selected_action": [o.pk for o in orders]}
    first = client.post(reverse(LIST), {**data, "index": "0"})
    if not confirm:
        return first
    return client.post(reverse(LIST), {**data, "post": "yes"}, follow=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize(
    "action",
    [
        "refresh_from_api",
        "retry_documents",
        "resend_confirmation",
        "resend_tickets",
        "regenerate_receipt",
    ],
)
def test_each_action_asks_for_confirmation_and_changes_nothing_before(
    staff_client, place_order, action
):
    order = place_order(quantity=1)
    before = Order.objects.filter(pk=order.pk).values().get()

    response = run_action(staff_client, action, order, confirm=False)

    assert response.status_code == 200
    assert response.templates[0].name == "admin/shop/action_confirmation.html"
    assert str(order) in response.content.decode()
    assert Order.objects.filter(pk=order.pk).values().get() == before


def test_refresh_confirms_an_order_the_api_has_but_we_lost_the_answer_for(
    staff_client, place_order, django_capture_on_commit_callbacks
):
    order = place_order(quantity=1)
    korus_id, reference = order.korus_id, order.reference
    # As after a lost answer: our row is being reconciled and knows no API id.
    Order.objects.filter(pk=order.pk).update(
        status=Order.Status.RECONCILING, korus_id=None, korus_ids=[], reference="", items=[]
    )
    Reservation.objects.filter(pk=order.reservation_id).update(status=Reservation.Status.RESERVED)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = run_action(staff_client, "refresh_from_api", order)

    order.refresh_from_db()
    assert order.status == Order.Status.CONFIRMED
    assert (order.korus_id, order.reference) == (korus_id, reference)
    assert order.items
    assert order.reservation.status == Reservation.Status.ORDERED
    assert len(callbacks) == 1  # order_confirmed, so fulfilment follows
    assert any("Being checked → Confirmed" in m for m in messages_of(response))


def test_refresh_of_an_order_the_api_does_not_have_says_so(staff_client, place_order):
    order = place_order(quantity=1)
    Order.objects.filter(pk=order.pk).update(
        status=Order.Status.RECONCILING,
        korus_id=None,
        korus_ids=[],
        external_reference="KS-NEVER-SENT",
    )

    response = run_action(staff_client, "refresh_from_api", order)

    assert Order.objects.get(pk=order.pk).status == Order.Status.RECONCILING
    assert any("no order with external reference KS-NEVER-SENT" in m for m in messages_of(response))


def test_retry_documents_gives_a_failed_fulfilment_a_new_deadline_and_queues_a_poll(
    staff_client, place_order, django_capture_on_commit_callbacks
):
    order = place_order(quantity=1)
    OrderFulfilment.objects.filter(order=order).update(
        status=OrderFulfilment.Status.FAILED,
        deadline_at=timezone.now() - dt.timedelta(hours=1),
        reason="Gave up: the API listed no documents before the deadline",
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = run_action(staff_client, "retry_documents", order)

    fulfilment = OrderFulfilment.objects.get(order=order)
    assert fulfilment.status == OrderFulfilment.Status.WAITING
    assert fulfilment.deadline_at > timezone.now()
    assert fulfilment.reason.startswith("Retried by an operator")
    assert len(callbacks) == 1
    assert any("being fetched again" in m for m in messages_of(response))


def test_retry_documents_refuses_when_they_are_already_stored(
    staff_client, place_order, deliver_documents
):
    order = place_order(quantity=1)
    deliver_documents(order)

    response = run_action(staff_client, "retry_documents", order)

    assert OrderFulfilment.objects.get(order=order).status == OrderFulfilment.Status.READY
    assert any("already stored" in m for m in messages_of(response))


def test_resend_confirmation_sends_the_email_again_to_the_orders_address(
    staff_client, place_order, django_capture_on_commit_callbacks
):
    order = place_order(quantity=1)
    outbox = order.emails.get(kind=EmailOutbox.Kind.ORDER_CONFIRMED)
    email_send(outbox_id=outbox.pk)
    Order.objects.filter(pk=order.pk).update(customer_email="fixed@example.com")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=False):
        response = run_action(staff_client, "resend_confirmation", order)
    email_send(outbox_id=outbox.pk)  # what the queued task does

    assert [m.to for m in mail.outbox] == [["fixed@example.com"]]
    assert any("queued to fixed@example.com" in m for m in messages_of(response))


def test_resend_tickets_refuses_while_the_tickets_are_not_ready(staff_client, place_order):
    order = place_order(quantity=1)

    response = run_action(staff_client, "resend_tickets", order)

    assert not order.emails.filter(kind=EmailOutbox.Kind.TICKETS_READY).exists()
    assert any("tickets are not ready" in m for m in messages_of(response))


def test_resend_tickets_sends_the_tickets_email_again(
    staff_client, place_order, deliver_documents, django_capture_on_commit_callbacks
):
    order = place_order(quantity=1)
    deliver_documents(order)
    outbox = order.emails.get(kind=EmailOutbox.Kind.TICKETS_READY)
    email_send(outbox_id=outbox.pk)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=False):
        run_action(staff_client, "resend_tickets", order)
    email_send(outbox_id=outbox.pk)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [order.customer_email]


def test_regenerate_receipt_replaces_the_stored_pdf(
    staff_client, place_order, django_capture_on_commit_callbacks
):
    from shop.services.receipts import receipt_render

    order = place_order(quantity=1)
    old = receipt_render(order_id=order.pk)
    old_name, storage = old.file.name, old.file.storage

    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(staff_client, "regenerate_receipt", order)

    new = Receipt.objects.get(order=order)
    assert new.pk != old.pk
    assert new.file.name != old_name
    assert storage.exists(new.file.name)
    assert not storage.exists(old_name)
    assert any("receipt rendered again" in m for m in messages_of(response))


def test_an_action_button_on_the_order_page_leads_to_its_confirmation(staff_client, place_order):
    order = place_order(quantity=1)

    page = staff_client.get(reverse("admin:shop_order_change", args=[order.pk]))

    body = page.content.decode()
    for action in ("refresh_from_api", "retry_documents", "resend_confirmation"):
        assert f'name="action" value="{action}"' in body
    assert f'name="_selected_action" value="{order.pk}"' in body


def test_send_again_from_the_email_list_resends_a_failed_email(
    staff_client, place_order, django_capture_on_commit_callbacks
):
    order = place_order(quantity=1)
    outbox = order.emails.get(kind=EmailOutbox.Kind.ORDER_CONFIRMED)
    EmailOutbox.objects.filter(pk=outbox.pk).update(
        status=EmailOutbox.Status.FAILED, attempts=8, last_error="SMTPRecipientsRefused"
    )
    url = reverse("admin:shop_emailoutbox_changelist")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        staff_client.post(
            url, {"action": "send_again", "_selected_action": [outbox.pk], "post": "yes"}
        )

    outbox.refresh_from_db()
    assert (outbox.status, outbox.attempts, outbox.last_error) == ("pending", 0, "")
    assert len(callbacks) == 1
