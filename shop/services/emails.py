"""The buyer's emails: an outbox row per email (sent once), rendered in the buyer's language.

A row is claimed with a conditional UPDATE before sending, so two workers never send the same
email. A worker that dies between the SMTP call and marking the row sent leaves it "sending";
it is retried after EMAIL_CLAIM_TIMEOUT_SECONDS (at worst one duplicate, never a lost email).
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from shop.models import EmailOutbox, Order, OrderDocument, Receipt
from shop.services.calendar import order_ics
from shop.services.receipts import order_lines

logger = logging.getLogger(__name__)


class EmailSendFailed(Exception):
    """The SMTP server did not take the email; `retry` says whether to try again later."""

    def __init__(self, message: str, *, retry: bool) -> None:
        super().__init__(message)
        self.retry = retry


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


def absolute_url(path: str) -> str:
    return settings.SHOP_BASE_URL + path


def order_url(order: Order) -> str:
    return absolute_url(reverse("shop:order", kwargs={"secret": order.secret}))


def email_queue(*, order: Order, kind: str) -> EmailOutbox | None:
    """The outbox row for this email, created once; None if the order has no address."""
    if not order.customer_email:
        return None
    try:
        with transaction.atomic():
            outbox, _ = EmailOutbox.objects.get_or_create(
                order=order,
                kind=kind,
                defaults={
                    "to": order.customer_email,
                    "language": order.language or settings.LANGUAGE_CODE,
                },
            )
    except IntegrityError:
        outbox = EmailOutbox.objects.get(order=order, kind=kind)
    return outbox


def _claim(outbox_id: int, now: dt.datetime) -> bool:
    stale = now - dt.timedelta(seconds=settings.EMAIL_CLAIM_TIMEOUT_SECONDS)
    return (
        EmailOutbox.objects.filter(pk=outbox_id)
        .filter(
            Q(status=EmailOutbox.Status.PENDING)
            | Q(status=EmailOutbox.Status.SENDING, claimed_at__lt=stale)
        )
        .update(status=EmailOutbox.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
        == 1
    )


def email_send(*, outbox_id: int) -> EmailOutbox | None:
    """Send one outbox email if nobody has; raises EmailSendFailed on an SMTP failure."""
    now = timezone.now()
    if not _claim(outbox_id, now):
        return EmailOutbox.objects.filter(pk=outbox_id).first()
    outbox = EmailOutbox.objects.select_related("order").get(pk=outbox_id)
    message = email_message(outbox=outbox)
    try:
        message.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as exc:
        give_up = outbox.attempts >= settings.EMAIL_MAX_ATTEMPTS or isinstance(
            exc, smtplib.SMTPRecipientsRefused
        )
        EmailOutbox.objects.filter(pk=outbox.pk).update(
            status=EmailOutbox.Status.FAILED if give_up else EmailOutbox.Status.PENDING,
            last_error=f"{type(exc).__name__}: {exc}"[:1000],
        )
        logger.warning("emails: %s for order %s failed: %s", outbox.kind, outbox.order_id, exc)
        raise EmailSendFailed(str(exc), retry=not give_up) from exc
    EmailOutbox.objects.filter(pk=outbox.pk).update(
        status=EmailOutbox.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    outbox.refresh_from_db()
    return outbox


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------
def _document_attachments(order: Order) -> tuple[list[Attachment], list[OrderDocument]]:
    """PDFs to attach when they fit under the size limit; otherwise none, and links instead."""
    documents = list(order.documents.filter(status=OrderDocument.Status.READY))
    total = sum(d.size or 0 for d in documents)
    if not documents or total > settings.EMAIL_ATTACHMENT_MAX_BYTES:
        return [], documents
    attachments = []
    for document in documents:
        with document.file.open("rb") as handle:
            attachments.append(Attachment(document.filename, handle.read(), "application/pdf"))
    return attachments, documents


def _receipt_attachment(order: Order, budget: int) -> Attachment | None:
    receipt = Receipt.objects.filter(order=order).first()
    if receipt is None or receipt.size > budget:
        return None
    with receipt.file.open("rb") as handle:
        reference = order.reference or order.external_reference
        return Attachment(f"receipt-{reference}.pdf", handle.read(), "application/pdf")


def email_message(*, outbox: EmailOutbox) -> EmailMultiAlternatives:
    """The email of an outbox row, rendered in the buyer's language."""
    order = outbox.order
    attachments: list[Attachment] = []
    links: list[tuple[str, str]] = []
    if outbox.kind == EmailOutbox.Kind.TICKETS_READY:
        attachments, documents = _document_attachments(order)
        if not attachments:
            links = [
                (
                    d.filename,
                    absolute_url(
                        reverse(
                            "shop:order_document",
                            kwargs={"secret": order.secret, "document_id": d.pk},
                        )
                    ),
                )
                for d in documents
            ]
        used = sum(len(a.content) for a in attachments)
        receipt = _receipt_attachment(order, settings.EMAIL_ATTACHMENT_MAX_BYTES - used)
        if receipt is not None:
            attachments.append(receipt)
    with translation.override(outbox.language or settings.LANGUAGE_CODE):
        context = {
            "order": order,
            "lines": order_lines(order=order),
            "order_url": order_url(order),
            "links": links,
            "attached": [a.filename for a in attachments],
            "shop_name": settings.SHOP_NAME,
            "shop_contact_email": settings.SHOP_CONTACT_EMAIL,
        }
        base = f"shop/email/{outbox.kind}"
        subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
        text = render_to_string(f"{base}.txt", context)
        html = render_to_string(f"{base}.html", context)
        ics = order_ics(order=order)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[outbox.to],
        reply_to=[settings.SHOP_CONTACT_EMAIL],
    )
    message.attach_alternative(html, "text/html")
    for attachment in attachments:
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
    if ics and outbox.kind != EmailOutbox.Kind.TICKETS_DELAYED:
        message.attach("event.ics", ics, "text/calendar")
    return message
