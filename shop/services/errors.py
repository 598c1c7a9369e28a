"""Domain errors of the booking flow: what a buyer can be told and can act on.

Services turn KorusError into these; views turn these into messages. Each carries a
buyer-facing message (translated, never the API's own text) and, where it helps, the
offers or fields it is about.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class BookingError(Exception):
    """Base of the booking flow's domain errors."""

    default_message: str | Promise = _("Something went wrong with your booking.")
    retryable = False

    def __init__(self, message: str | Promise | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(str(self.message))


class StepIncomplete(BookingError):
    default_message = _("Please complete the previous step first.")


class InvalidSelection(BookingError):
    default_message = _("Please choose at least one ticket.")


class SoldOut(BookingError):
    """Some offers no longer have the quantity asked for (per offer: what is left)."""

    default_message = _("Some tickets sold out while you were choosing.")

    def __init__(
        self, message: str | Promise | None = None, *, available: Mapping[str, int | None]
    ) -> None:
        super().__init__(message)
        self.available = dict(available)


class PriceChanged(BookingError):
    default_message = _("The price of some tickets has changed. Please check it and try again.")

    def __init__(self, message: str | Promise | None = None, *, offers: Sequence[str]) -> None:
        super().__init__(message)
        self.offers = tuple(offers)


class BookingRejected(BookingError):
    """The API refused some items or fields; `line_errors` are per offer id."""

    default_message = _("Some tickets could not be reserved.")

    def __init__(
        self,
        message: str | Promise | None = None,
        *,
        line_errors: Mapping[str, str | Promise] | None = None,
    ) -> None:
        super().__init__(message)
        self.line_errors = dict(line_errors or {})


class InvalidAnswers(BookingError):
    default_message = _("Please correct the errors in the ticket forms.")


class TicketUnavailableOnline(BookingError):
    default_message = _("This ticket cannot be booked online right now.")


class RateLimited(BookingError):
    default_message = _("Too many reservation attempts. Please wait a minute before trying again.")


class TooManyHolds(BookingError):
    default_message = _(
        "You already hold tickets in other reservations. Please finish or let them expire "
        "before holding more."
    )


class HoldExpired(BookingError):
    default_message = _(
        "Your reservation has expired. Your answers are kept: hold the tickets again to go on."
    )


class PaymentFailed(BookingError):
    default_message = _("The payment did not go through. No order was made.")


class OrderFailed(BookingError):
    default_message = _("Your order could not be made. You have not been charged.")


class ServiceUnavailable(BookingError):
    """A transient failure of the ticketing system: trying again may work."""

    default_message = _(
        "The ticketing system is not answering right now. Please try again in a moment."
    )
    retryable = True
