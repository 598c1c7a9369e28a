"""What happens to an order after it is confirmed: its documents, its emails, its receipt.

These rows are the fulfilment state machine's memory. Celery tasks read them to decide what is
left to do, so a task that runs twice (redelivered after a worker died, or queued twice) finds
the work already done and stops.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


def _private_name(prefix: str, suffix: str) -> str:
    # Random names: even if a storage bucket or folder were exposed by mistake, nobody can
    # guess a file's URL from an order number.
    return f"private/{prefix}/{secrets.token_urlsafe(24)}{suffix}"


def document_upload_to(instance: OrderDocument, filename: str) -> str:
    return _private_name("documents", ".pdf")


def receipt_upload_to(instance: Receipt, filename: str) -> str:
    return _private_name("receipts", ".pdf")


class OrderFulfilment(models.Model):
    """One per confirmed order: where its documents stand, and why if they never came."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for the documents")
        NEEDS_BENEFICIARY = "needs_beneficiary", _("Waiting for beneficiary details")
        READY = "ready", _("Documents ready")
        FAILED = "failed", _("Documents not delivered")

    order = models.OneToOneField("shop.Order", on_delete=models.CASCADE, related_name="fulfilment")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.WAITING)
    deadline_at = models.DateTimeField(help_text=_("Polling gives up after this time."))
    # Operator-facing explanation (admin); the buyer only ever sees a fixed message.
    reason = models.TextField(blank=True)
    polls = models.PositiveIntegerField(default=0)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    # Tickets that need beneficiary data, as the API listed them (item id, ticket id, fields,
    # deadline): the order page builds its forms from this without calling the API.
    beneficiary_tickets = models.JSONField(default=list, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("order fulfilment")
        indexes = [models.Index(fields=["status", "deadline_at"])]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.status}"

    @property
    def is_done(self) -> bool:
        return self.status in {self.Status.READY, self.Status.FAILED}

    # For templates, which only get the order: order.fulfilment.ready_documents etc.
    @property
    def all_documents(self) -> list[OrderDocument]:
        return list(self.order.documents.all())

    @property
    def ready_documents(self) -> list[OrderDocument]:
        return [d for d in self.all_documents if d.status == OrderDocument.Status.READY]


class OrderDocument(models.Model):
    """A document of the order at the API (usually a PDF ticket) and our stored copy of it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        READY = "ready", _("Ready")

    order = models.ForeignKey("shop.Order", on_delete=models.CASCADE, related_name="documents")
    korus_id = models.UUIDField()
    position = models.PositiveSmallIntegerField(default=0)
    downloadable_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to=document_upload_to, blank=True, max_length=200)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    language = models.CharField(max_length=10, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("order document")
        ordering = ["order", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "korus_id"], name="orderdocument_once"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.korus_id}: {self.status}"

    @property
    def filename(self) -> str:
        """The name the buyer's browser saves the file under."""
        reference = getattr(self.order, "reference", "") or self.order.external_reference
        return f"tickets-{reference}-{self.position + 1}.pdf"


class EmailOutbox(models.Model):
    """One row per email we owe a buyer: it is sent once, retried on SMTP failure."""

    class Kind(models.TextChoices):
        ORDER_CONFIRMED = "order_confirmed", _("Order confirmation")
        TICKETS_READY = "tickets_ready", _("Tickets ready")
        TICKETS_DELAYED = "tickets_delayed", _("Tickets delayed")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    order = models.ForeignKey("shop.Order", on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    to = models.EmailField()
    language = models.CharField(max_length=10)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("email")
        verbose_name_plural = _("email outbox")
        constraints = [
            models.UniqueConstraint(fields=["order", "kind"], name="emailoutbox_once_per_kind"),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} for order {self.order_id}: {self.status}"


class Receipt(models.Model):
    """Our own receipt PDF for an order, rendered once by a task and stored."""

    order = models.OneToOneField("shop.Order", on_delete=models.CASCADE, related_name="receipt")
    file = models.FileField(upload_to=receipt_upload_to, max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    pages = models.PositiveSmallIntegerField(default=1)
    language = models.CharField(max_length=10, blank=True)
    rendered_at = models.DateTimeField()

    class Meta:
        verbose_name = _("receipt")

    def __str__(self) -> str:
        return f"receipt of order {self.order_id}"
