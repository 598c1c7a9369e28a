"""Buyer emails: sent once from the outbox, PDFs attached under the limit, else linked."""

# ruff: noqa: F811 (the shared fixtures are imported, then named as arguments)
from __future__ import annotations

import datetime as dt
import smtplib
import uuid

import pytest
from django.core import mail
from django.utils import timezone

from shop.models import EmailOutbox
from shop.services.documents import documents_poll
from shop.services.emails import EmailSendFailed, email_queue, email_send
from tests.services.documents_support import (  # noqa: F401 (fixtures)
    PDF,
    korus_api,
    make_order,
    media,
    mock_documents,
)

pytestmark = pytest.mark.django_db


def _ready_order(korus_api, documents: int = 1):
    order = make_order()
    past = timezone.now() - dt.timedelta(minutes=1)
    mock_documents(korus_api, order, [(str(uuid.uuid4()), past) for _ in range(documents)])
    documents_poll(order_id=order.pk)
    return order, EmailOutbox.objects.get(order=order, kind="tickets_ready")


def test_the_tickets_ready_email_attaches_the_pdfs_under_the_size_limit(korus_api, media):
    _, outbox = _ready_order(korus_api, documents=2)

    email_send(outbox_id=outbox.pk)

    (message,) = mail.outbox
    pdfs = [a for a in message.attachments if a[2] == "application/pdf"]
    assert [a[1] for a in pdfs] == [PDF, PDF]
    assert any(a[2] == "text/calendar" for a in message.attachments)


def test_above_the_size_limit_the_email_links_to_the_downloads(korus_api, media, settings):
    settings.EMAIL_ATTACHMENT_MAX_BYTES = 100
    order, outbox = _ready_order(korus_api)

    email_send(outbox_id=outbox.pk)

    (message,) = mail.outbox
    assert not [a for a in message.attachments if a[2] == "application/pdf"]
    assert f"/orders/{order.secret}/documents/" in message.body


def test_an_email_is_sent_once_even_if_sent_twice(korus_api, media):
    _, outbox = _ready_order(korus_api)

    email_send(outbox_id=outbox.pk)
    email_send(outbox_id=outbox.pk)

    assert len(mail.outbox) == 1
    assert EmailOutbox.objects.get(pk=outbox.pk).status == "sent"


def test_queueing_the_same_email_twice_keeps_one_outbox_row():
    order = make_order()

    first = email_queue(order=order, kind="order_confirmed")
    second = email_queue(order=order, kind="order_confirmed")

    assert first.pk == second.pk


def test_an_smtp_failure_is_recorded_and_left_pending_for_a_retry(settings):
    settings.EMAIL_BACKEND = "tests.services.test_emails.FailingBackend"
    order = make_order()
    outbox = email_queue(order=order, kind="order_confirmed")

    with pytest.raises(EmailSendFailed) as caught:
        email_send(outbox_id=outbox.pk)

    outbox.refresh_from_db()
    assert caught.value.retry
    assert (outbox.status, outbox.attempts) == ("pending", 1)
    assert "SMTPServerDisconnected" in outbox.last_error


def test_the_email_is_written_in_the_buyers_language():
    order = make_order(language="fr")
    outbox = email_queue(order=order, kind="order_confirmed")

    email_send(outbox_id=outbox.pk)

    (message,) = mail.outbox
    html = message.alternatives[0][0]
    assert 'lang="fr"' in html
    assert order.secret in message.body


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("connection lost")
