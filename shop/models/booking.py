"""Local records of the checkout: the mirror of held reservations and our orders.

These rows survive restarts, so a buyer who comes back (or a retried request) finds the
same hold and the same order. State transitions live in shop/services/booking.py.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_external_reference() -> str:
    # Our own order id, sent to the API as externalReference; generated before the call so a
    # lost response can be reconciled by looking the order up with it (the API caps it at 50).
    return "KS-" + secrets.token_hex(10).upper()


def new_order_secret() -> str:
    # 32 random bytes = 256 bits, well above the 128 bits an unguessable URL needs.
    return secrets.token_urlsafe(32)


class Reservation(models.Model):
    """One reservation held at the API (a hold may return several, grouped by `hold_key`)."""

    class Status(models.TextChoices):
        RESERVED = "reserved", _("Reserved")
        RELEASED = "released", _("Released")
        ORDERED = "ordered", _("Ordered")

    korus_id = models.UUIDField(unique=True)
    iri = models.CharField(max_length=255)
    hold_key = models.UUIDField(db_index=True, default=uuid.uuid4)
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RESERVED)
    items = models.JSONField(default=list, blank=True)
    total_incl_tax = models.DecimalField(max_digits=12, decimal_places=2)
    total_excl_tax = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="EUR")
    # A hash of the browser's booking id, never the session key itself: it counts a
    # browser's concurrent holds without storing anything that would let one hijack it.
    session_key_hash = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-created_at",)
        indexes = (models.Index(fields=("session_key_hash", "expires_at")),)

    def __str__(self) -> str:
        return str(self.korus_id)

    def is_expired(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.expires_at


class Order(models.Model):
    """Our order: stored (pending) before the API call, then confirmed from its answer."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being confirmed")
        CONFIRMED = "confirmed", _("Confirmed")
        FAILED = "failed", _("Failed")
        RECONCILING = "reconciling", _("Being checked")
        CANCELLED = "cancelled", _("Cancelled")

    class Title(models.TextChoices):
        MR = "mr", _("Mr")
        MRS = "mrs", _("Mrs")
        MX = "mx", _("Mx")

    external_reference = models.CharField(
        max_length=50, unique=True, default=new_external_reference, editable=False
    )
    secret = models.CharField(max_length=64, unique=True, default=new_order_secret, editable=False)
    korus_id = models.UUIDField(null=True, blank=True, db_index=True)
    korus_ids = models.JSONField(default=list, blank=True)
    reference = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    # One order per hold: a double click or a second tab finds this row instead of a new one.
    reservation = models.OneToOneField(Reservation, on_delete=models.PROTECT, related_name="order")
    reservation_iris = models.JSONField(default=list, blank=True)
    # Set while one request is talking to the API for this order; the conditional UPDATE that
    # sets it is the lock that makes concurrent confirms send one API call.
    submitting_since = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    customer_firstname = models.CharField(max_length=100)
    customer_lastname = models.CharField(max_length=100)
    customer_email = models.EmailField(db_index=True)
    customer_phone = models.CharField(max_length=32, blank=True)
    customer_country = models.CharField(max_length=2, blank=True)
    customer_title = models.CharField(max_length=3, choices=Title.choices, blank=True)
    customer_optin = models.BooleanField(default=False)
    language = models.CharField(max_length=8, default="en")

    total_incl_tax = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    total_excl_tax = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="EUR")
    items = models.JSONField(default=list, blank=True)
    # Display data captured at checkout (event and session names, times) so the order page
    # needs no catalog call.
    summary = models.JSONField(default=dict, blank=True)
    payment_provider = models.CharField(max_length=32, blank=True)
    payment_reference = models.CharField(max_length=128, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return self.reference or self.external_reference

    @property
    def is_final(self) -> bool:
        return self.status in {self.Status.CONFIRMED, self.Status.FAILED, self.Status.CANCELLED}
