"""The emulator's own tables (database alias "sandbox", see router.py).

The catalog follows the API's older model (Catalog -> Event -> Session) and its newer one
(Product -> Offer -> OfferTicket) at once: an Event doubles as the product base of its
products, and the sessions of an offer's ticket are the event's sessions on the offer's date.
Translated texts are stored as one column per language (fr, en).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from sandbox.ids import uuid7

LANGUAGES = ("fr", "en")


class Translated(models.Model):
    name_fr = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    description_fr = models.TextField(blank=True)
    description_en = models.TextField(blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name_en

    def name(self, lang: str) -> str:
        return self.name_fr if lang == "fr" else self.name_en

    def description(self, lang: str) -> str:
        return self.description_fr if lang == "fr" else self.description_en


class Catalog(Translated):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    created_at = models.DateTimeField()
    last_synced_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at"]


class Event(Translated):
    """An event (older model) that is also the product base of its products (newer model)."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    catalog = models.ForeignKey(Catalog, on_delete=models.CASCADE, related_name="events")
    position = models.PositiveIntegerField(default=0)
    short_description_fr = models.TextField(blank=True)
    short_description_en = models.TextField(blank=True)
    timezone = models.CharField(max_length=64, default="Europe/Paris")
    # Full-day tickets: each date has one "day" session, stock is held per offer.
    date_access = models.BooleanField(default=False)
    recurring = models.BooleanField(default=True)
    beneficiary_info_may_be_required = models.BooleanField(default=False)
    instant_document_delivery = models.BooleanField(default=True)
    max_amount_per_order = models.PositiveIntegerField(null=True, blank=True)
    universe = models.CharField(max_length=40, default="show")
    venue = models.JSONField(default=dict)
    disabled = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "id"]


class Session(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    occurs_at = models.DateTimeField(db_index=True)
    # The date in the event's time zone: offers are per product per local date.
    local_date = models.DateField(db_index=True)
    duration = models.PositiveIntegerField(null=True, blank=True)
    # Seats shared by every offer of this session; null for the day sessions of
    # date-access events, whose stock is the offers' own.
    capacity = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["occurs_at", "id"]
        indexes = [models.Index(fields=["event", "local_date"])]

    def __str__(self) -> str:
        return f"{self.event_id} @ {self.occurs_at:%Y-%m-%d %H:%M}"


class Form(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    code = models.CharField(max_length=80)

    def __str__(self) -> str:
        return self.code


class FormField(models.Model):
    TYPES = [
        (t, t)
        for t in (
            "text",
            "bool",
            "integer",
            "decimal",
            "date",
            "time",
            "datetime",
            "single_choice",
            "multi_choice",
        )
    ]
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="fields")
    code = models.CharField(max_length=80)
    label_fr = models.CharField(max_length=200)
    label_en = models.CharField(max_length=200)
    help_fr = models.CharField(max_length=300, blank=True)
    help_en = models.CharField(max_length=300, blank=True)
    type = models.CharField(max_length=20, choices=TYPES)
    required = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)
    # [{"value": "...", "label_fr": "...", "label_en": "..."}]
    choices = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.code


class Product(Translated):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="products")
    position = models.PositiveIntegerField(default=0)
    disabled = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "id"]


class Offer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    catalog = models.ForeignKey(Catalog, on_delete=models.CASCADE, related_name="offers")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="offers")
    date = models.DateField(null=True, blank=True, db_index=True)
    amount_incl_tax = models.DecimalField(max_digits=10, decimal_places=2)
    original_amount_incl_tax = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True
    )
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("10.00"))
    realtime_price_required = models.BooleanField(default=False)
    # What /price answers for a realtime-price offer (the listed price is only indicative).
    realtime_amount_incl_tax = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True
    )
    # Per-offer stock, used when the offer's tickets are date-access (no session).
    stock = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["date", "product__position", "id"]

    def __str__(self) -> str:
        return f"{self.product} {self.date}"


class OfferTicket(Translated):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="tickets")
    date_access = models.BooleanField(default=False)
    form = models.ForeignKey(Form, on_delete=models.SET_NULL, null=True, blank=True)
    required_beneficiary_fields = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["id"]


class Reservation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    catalog = models.ForeignKey(Catalog, on_delete=models.CASCADE)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    released = models.BooleanField(default=False)
    ordered = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return str(self.id)


class ReservationItem(models.Model):
    reservation = models.ForeignKey(Reservation, on_delete=models.CASCADE, related_name="items")
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField()
    unit_amount_incl_tax = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.offer_id}"


class HoldLine(models.Model):
    """One offer ticket of a reservation item: what it holds (a session's seats) and its answers."""

    item = models.ForeignKey(ReservationItem, on_delete=models.CASCADE, related_name="lines")
    reservation = models.ForeignKey(Reservation, on_delete=models.CASCADE)
    ticket = models.ForeignKey(OfferTicket, on_delete=models.PROTECT)
    session = models.ForeignKey(Session, on_delete=models.PROTECT, null=True, blank=True)
    session_iri = models.CharField(max_length=300, blank=True)
    quantity = models.PositiveIntegerField()
    form_data = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.ticket_id} @ {self.session_id}"


class Order(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    catalog = models.ForeignKey(Catalog, on_delete=models.CASCADE)
    reservation = models.OneToOneField(Reservation, on_delete=models.PROTECT)
    created_at = models.DateTimeField(db_index=True)
    reference = models.CharField(max_length=40, unique=True)
    external_reference = models.CharField(max_length=50, db_index=True)
    connector_reference = models.CharField(max_length=40, blank=True)
    customer = models.JSONField()
    notes = models.TextField(blank=True)  # "" is served as null
    status = models.CharField(max_length=20, default="confirmed")

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.reference


class OrderItem(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.PROTECT)
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT)
    date = models.DateField(null=True, blank=True)
    quantity = models.PositiveIntegerField()
    unit_amount_incl_tax = models.DecimalField(max_digits=10, decimal_places=2)
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_id}"


class OrderItemTicket(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    item = models.ForeignKey(OrderItem, on_delete=models.CASCADE, related_name="tickets")
    offer_ticket = models.ForeignKey(OfferTicket, on_delete=models.PROTECT)
    session = models.ForeignKey(Session, on_delete=models.PROTECT, null=True, blank=True)
    voucher = models.CharField(max_length=32)
    required_beneficiary_fields = models.JSONField(default=list, blank=True)
    beneficiary = models.JSONField(null=True, blank=True)
    beneficiary_deadline = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.voucher

    @property
    def waiting_beneficiary(self) -> bool:
        return bool(self.required_beneficiary_fields) and not self.beneficiary


class OrderDocument(models.Model):
    """A PDF ticket; created with the order, or once the beneficiary is given when one is due."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="documents")
    ticket = models.OneToOneField(OrderItemTicket, on_delete=models.CASCADE)
    downloadable_at = models.DateTimeField()

    class Meta:
        ordering = ["downloadable_at", "id"]

    def __str__(self) -> str:
        return str(self.id)


class FaultRule(models.Model):
    """A fault the emulator injects; rows are shared by every process using the sandbox DB."""

    LATENCY, SERVER_ERROR, RATE_LIMIT, TIMEOUT, LOST_RESPONSE = (
        "latency",
        "server_error",
        "rate_limit",
        "timeout",
        "lost_response",
    )
    KINDS = [
        (k, k.replace("_", " "))
        for k in (LATENCY, SERVER_ERROR, RATE_LIMIT, TIMEOUT, LOST_RESPONSE)
    ]
    name = models.CharField(
        max_length=80,
        blank=True,
        help_text="Rules named env:* are rewritten from the environment when a process starts.",
    )
    kind = models.CharField(max_length=20, choices=KINDS)
    enabled = models.BooleanField(default=True)
    rate = models.FloatField(default=1.0, help_text="Share of matching requests hit (0..1).")
    methods = models.CharField(
        max_length=60, blank=True, help_text="Comma-separated, e.g. GET,POST; empty = all."
    )
    path_pattern = models.CharField(
        max_length=200,
        blank=True,
        help_text="Regular expression searched in the path; empty = all.",
    )
    latency_ms = models.PositiveIntegerField(default=0)
    status = models.PositiveIntegerField(default=503, help_text="Status of server errors.")
    retry_after = models.PositiveIntegerField(default=1, help_text="Seconds, for 429 answers.")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name or f"{self.kind} {self.rate:.0%}"
