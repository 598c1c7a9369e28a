"""The payment seam: one small interface called between the customer details and the order.

The KorusTicket API takes no payment: the seller collects it. The flow calls
`payment_provider().collect(...)` once, right before the order is sent to the API, and only
goes on when the outcome says the order may be placed. The default provider, "none", takes
no payment (free bookings or pay on site). See docs/PAYMENTS.md for adding a real one.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class PaymentStatus(enum.Enum):
    NOT_REQUIRED = "not_required"  # nothing to collect online: place the order
    PAID = "paid"  # collected: place the order
    DECLINED = "declined"  # refused: do not place the order


@dataclass(frozen=True, slots=True)
class PaymentRequest:
    """What a provider is told: primitives only, so providers never touch our models."""

    order_reference: str  # our external reference, stable across retries (idempotency key)
    amount: Decimal
    currency: str
    customer_email: str
    language: str


@dataclass(frozen=True, slots=True)
class PaymentOutcome:
    status: PaymentStatus
    reference: str = ""  # the provider's id of the payment, stored on the order

    @property
    def may_place_order(self) -> bool:
        return self.status in {PaymentStatus.NOT_REQUIRED, PaymentStatus.PAID}


class PaymentProvider(Protocol):
    """A payment provider. `collect` must be idempotent per `order_reference`."""

    name: str

    def collect(self, request: PaymentRequest) -> PaymentOutcome: ...


class NoPaymentProvider:
    """Takes no payment: free bookings, or payment on site."""

    name = "none"

    def collect(self, request: PaymentRequest) -> PaymentOutcome:
        return PaymentOutcome(PaymentStatus.NOT_REQUIRED)


PROVIDERS: dict[str, Callable[[], PaymentProvider]] = {"none": NoPaymentProvider}


def payment_provider_register(name: str, factory: Callable[[], PaymentProvider]) -> None:
    PROVIDERS[name] = factory


def payment_provider() -> PaymentProvider:
    """The provider named by settings.PAYMENT_PROVIDER."""
    name = getattr(settings, "PAYMENT_PROVIDER", "none") or "none"
    try:
        factory = PROVIDERS[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"PAYMENT_PROVIDER={name!r} is not a registered payment provider "
            f"(known: {', '.join(sorted(PROVIDERS))})."
        ) from None
    return factory()
