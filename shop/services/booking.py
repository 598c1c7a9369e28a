"""The booking flow: choose, answer, hold, give details, confirm. Plain typed functions.

Each public function validates first, then acts, then returns. HTTP to KorusTicket goes
through the client only; KorusError is turned into the domain errors of
shop/services/errors.py here. No database transaction is ever held open across an API call:
every write below is a single autocommitted statement or a short atomic block.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shop import signals
from shop.korus import get_client, parallel
from shop.korus import models as km
from shop.korus.errors import (
    KorusConnectionError,
    KorusError,
    KorusHTTPError,
    KorusTimeout,
    KorusTransientError,
    NotFound,
    ServerError,
    ValidationFailed,
    Violation,
)
from shop.models.booking import Order, Reservation
from shop.services import booking_answers as answers_svc
from shop.services import catalog
from shop.services.errors import (
    BookingError,
    BookingRejected,
    HoldExpired,
    InvalidAnswers,
    InvalidSelection,
    OrderFailed,
    PaymentFailed,
    RateLimited,
    ServiceUnavailable,
    SoldOut,
    StepIncomplete,
    TooManyHolds,
)
from shop.services.payments import PaymentRequest, payment_provider
from shop.services.ratelimit import Rate, ratelimit_hit
from shop.session import BookingSession, LinePlan, TicketPlan

logger = logging.getLogger(__name__)

# The errors after which a POST may or may not have been processed by the API.
AMBIGUOUS_ERRORS: tuple[type[KorusError], ...] = (KorusTimeout, KorusConnectionError, ServerError)


# ---------------------------------------------------------------------------------------------
# Step 1: quantities from the session page
# ---------------------------------------------------------------------------------------------
def booking_start(
    *, booking: BookingSession, event_id: str, session_id: str, data: Mapping[str, Any]
) -> list[LinePlan]:
    """Record the quantities posted from a session page (`qty_<offer id>` inputs).

    Raises InvalidSelection when nothing valid was asked for.
    """
    try:
        uuid.UUID(event_id)
        uuid.UUID(session_id)
    except (TypeError, ValueError):
        raise InvalidSelection(_("This session does not exist.")) from None
    offers = _session_offers(event_id, session_id)
    maximum = int(settings.CHECKOUT_MAX_TICKETS_PER_OFFER)
    lines: list[LinePlan] = []
    for offer in offers:
        quantity = _parse_quantity(data.get(f"qty_{offer.id}"))
        if quantity is None or quantity == 0:
            continue
        if quantity > maximum:
            raise InvalidSelection(
                _("You can book at most %(max)d tickets of one kind.") % {"max": maximum}
            )
        lines.append(
            LinePlan(
                offer_id=offer.id,
                quantity=quantity,
                tickets=tuple(
                    TicketPlan(ticket_id=t.id or "", date_access=t.date_access, form_iri=t.form_iri)
                    for t in offer.tickets
                ),
            )
        )
    if not lines:
        raise InvalidSelection()
    booking.start(event_id=event_id, session_id=session_id, lines=lines)
    return lines


def _parse_quantity(raw: Any) -> int | None:
    if isinstance(raw, list):
        raw = raw[-1] if raw else None
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return value if value >= 0 else None


def _session_offers(event_id: str, session_id: str) -> list[km.Offer]:
    try:
        return list(catalog.session_offers(event_id, session_id))
    except (NotFound, catalog.CatalogNotFound):
        raise InvalidSelection(_("This session does not exist.")) from None
    except (KorusTransientError, catalog.CatalogEmpty):
        raise ServiceUnavailable() from None


# ---------------------------------------------------------------------------------------------
# Display: what the buyer is booking
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SummaryLine:
    offer_id: str
    name: str
    quantity: int
    unit_price: Decimal | None
    currency: str
    available: int | None
    product_iri: str | None = None


@dataclass(frozen=True, slots=True)
class BookingSummary:
    event_name: str
    session_starts_at: dt.datetime | None
    lines: tuple[SummaryLine, ...]

    @property
    def total(self) -> Decimal | None:
        if any(line.unit_price is None for line in self.lines):
            return None
        return sum(
            ((line.unit_price or Decimal(0)) * line.quantity for line in self.lines), Decimal(0)
        )

    @property
    def currency(self) -> str:
        return self.lines[0].currency if self.lines else "EUR"


def booking_summary(*, booking: BookingSession) -> BookingSummary:
    """Names, times and listed prices of the current checkout (from the cached catalog)."""
    event_id, session_id = booking.event_id, booking.session_id
    if not event_id or not session_id:
        raise StepIncomplete()
    try:
        event = catalog.event_get(event_id)
        session = catalog.session_get(event_id, session_id)
        offers = {offer.id: offer for offer in catalog.session_offers(event_id, session_id)}
    except (KorusTransientError, catalog.CatalogEmpty):
        raise ServiceUnavailable() from None
    except (NotFound, catalog.CatalogNotFound):
        raise StepIncomplete() from None
    lines = []
    for line in booking.lines:
        offer = offers.get(line.offer_id)
        price = offer.price if offer else None
        lines.append(
            SummaryLine(
                offer_id=line.offer_id,
                name=_offer_name(offer),
                quantity=line.quantity,
                unit_price=price.amount if price else None,
                currency=price.currency if price else "EUR",
                available=offer.available_quantity if offer else None,
                product_iri=offer.product.iri if offer and offer.product else None,
            )
        )
    return BookingSummary(
        event_name=event.name, session_starts_at=session.occurs_at, lines=tuple(lines)
    )


def _offer_name(offer: km.Offer | None) -> str:
    if offer is None:
        return _("Ticket")
    if offer.product and offer.product.name:
        return offer.product.name
    return offer.tickets[0].name if offer.tickets else _("Ticket")


# ---------------------------------------------------------------------------------------------
# Step 2: ticket forms
# ---------------------------------------------------------------------------------------------
def booking_answers(
    *, booking: BookingSession, data: Mapping[str, Any] | None = None, bind_saved: bool = False
) -> answers_svc.AnswersStep:
    """The ticket forms of the checkout: bound to `data`, or showing the saved raw answers
    (bound to them with `bind_saved`, so that they are validated)."""
    if not booking.lines:
        raise StepIncomplete()
    return answers_svc.answers_step(booking=booking, data=data, bind_saved=bind_saved)


def booking_save_answers(
    *, booking: BookingSession, data: Mapping[str, Any]
) -> answers_svc.AnswersStep:
    """Keep what was posted (even invalid) and mark the step complete when all forms are valid."""
    step = booking_answers(booking=booking, data=data)
    if step.copy_request:
        step = answers_svc.copy_from_first(booking=booking, step=step)
    booking.save_answers(step.raw_answers(), complete=step.is_valid() and not step.copy_request)
    return step


# ---------------------------------------------------------------------------------------------
# Step 3: the hold (reservation)
# ---------------------------------------------------------------------------------------------
@dataclass(slots=True)
class HoldOutcome:
    """The hold's result: the reservations made, and what failed item by item."""

    hold_key: str | None
    answers: answers_svc.AnswersStep
    line_errors: dict[str, str] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)

    @property
    def held(self) -> bool:
        return self.hold_key is not None


def booking_hold(
    *, booking: BookingSession, data: Mapping[str, Any] | None, client_ip: str
) -> HoldOutcome:
    """Save the answers, check real-time availability/price, then reserve.

    Raises InvalidAnswers (with the bound forms on `.step`), RateLimited, TooManyHolds,
    SoldOut, BookingRejected (whole request refused) or ServiceUnavailable. A partial
    success returns the reservations made and the per-offer errors of the rest.
    """
    step = (
        booking_save_answers(booking=booking, data=data)
        if data is not None
        else booking_answers(booking=booking, bind_saved=True)
    )
    if not step.is_valid() or step.copy_request:
        error = InvalidAnswers(step.blocking_error)
        error.step = step  # type: ignore[attr-defined]
        raise error
    lines = booking.lines
    _check_hold_limits(booking=booking, client_ip=client_ip)
    offers = {o.id: o for o in _session_offers(booking.event_id or "", booking.session_id or "")}
    missing = [line.offer_id for line in lines if line.offer_id not in offers]
    if missing:
        raise SoldOut(_("Some tickets are no longer on sale."), available=dict.fromkeys(missing, 0))
    notices = _realtime_checks(
        [(offers[line.offer_id], line.quantity) for line in lines], booking.session_id or ""
    )
    planned = [
        (line.offer_id, unit, item)
        for line in lines
        for unit, item in _reservation_items(
            offers[line.offer_id], line, booking.event_id or "", booking.session_id or "", step
        )
    ]
    try:
        result = get_client().create_reservations([item for _o, _u, item in planned])
    except ValidationFailed as exc:
        item_units = [(offer_id, unit) for offer_id, unit, _item in planned]
        raise _rejected_from_violations(exc.violations, item_units, step) from None
    except KorusTransientError:
        raise ServiceUnavailable() from None
    except KorusHTTPError as exc:
        logger.warning("reservation refused: %s", exc)
        raise BookingRejected() from None

    line_errors = _failed_lines(result.failed, lines, offers)
    if not result.reservations:
        if line_errors:
            raise BookingRejected(line_errors=line_errors)
        raise BookingRejected()
    hold_key = _store_hold(result.reservations, booking=booking)
    booking.cycle_key()
    booking.set_hold(hold_key)
    return HoldOutcome(hold_key=hold_key, answers=step, line_errors=line_errors, notices=notices)


def _check_hold_limits(*, booking: BookingSession, client_ip: str) -> None:
    if ratelimit_hit(
        scope="hold-ip", key=client_ip, rate=Rate.parse(settings.CHECKOUT_HOLD_RATE_PER_IP)
    ) or ratelimit_hit(
        scope="hold-session",
        key=booking.client_hash,
        rate=Rate.parse(settings.CHECKOUT_HOLD_RATE_PER_SESSION),
    ):
        raise RateLimited()
    active = (
        Reservation.objects.filter(
            session_key_hash=booking.client_hash,
            status=Reservation.Status.RESERVED,
            expires_at__gt=timezone.now(),
        )
        .exclude(hold_key=booking.hold_key or uuid.UUID(int=0))
        .values("hold_key")
        .distinct()
        .count()
    )
    if active >= int(settings.CHECKOUT_MAX_ACTIVE_HOLDS):
        raise TooManyHolds()


def _realtime_checks(wanted: Sequence[tuple[km.Offer, int]], session_id: str) -> list[str]:
    """Call the real-time endpoints the offers require, concurrently; raise SoldOut if short."""
    client = get_client()
    calls: list[tuple[str, km.Offer, Any]] = []
    for offer, _quantity in wanted:
        catalog_id = _catalog_id_of(offer.iri)
        if offer.availability_check_required:
            calls.append(
                (
                    "availability",
                    offer,
                    lambda c=catalog_id, o=offer.id: client.offer_availability(c, o),
                )
            )
        if offer.realtime_price_required:
            calls.append(
                ("price", offer, lambda c=catalog_id, o=offer.id: client.offer_price(c, o))
            )
    if not calls:
        return []
    try:
        results = parallel(*(call for _kind, _offer, call in calls))
    except KorusTransientError:
        raise ServiceUnavailable() from None
    except NotFound:
        raise SoldOut(available={o.id: 0 for o, _q in wanted}) from None
    quantities = {offer.id: quantity for offer, quantity in wanted}
    short: dict[str, int | None] = {}
    notices: list[str] = []
    for (kind, offer, _call), value in zip(calls, results, strict=True):
        if kind == "availability":
            left = _available_for_session(value, session_id)
            if left is not None and left < quantities[offer.id]:
                short[offer.id] = left
        elif offer.price is not None and value.incl_tax.amount != offer.price.amount:
            notices.append(
                _("The price of %(name)s is now %(amount)s %(currency)s.")
                % {
                    "name": _offer_name(offer),
                    "amount": value.incl_tax.amount,
                    "currency": value.incl_tax.currency,
                }
            )
    if short:
        raise SoldOut(available=short)
    return notices


def _available_for_session(availability: km.OfferAvailability, session_id: str) -> int | None:
    for entry in availability.sessions:
        if entry.session_id == session_id:
            return entry.available_quantity
    return availability.available_quantity


def _catalog_id_of(offer_iri: str) -> str:
    parts = offer_iri.strip("/").split("/")
    return parts[parts.index("catalogs") + 1]


def _session_iri(catalog_id: str, event_id: str, session_id: str) -> str:
    return f"/v1/ticketing/catalogs/{catalog_id}/events/{event_id}/sessions/{session_id}"


def _reservation_items(
    offer: km.Offer,
    line: LinePlan,
    event_id: str,
    session_id: str,
    step: answers_svc.AnswersStep,
) -> list[tuple[int, km.ReservationRequestItem]]:
    """The request items of one line, each with the ticket unit it starts at.

    The API takes one ticketSessions entry per ticket, whose formData applies to every unit
    of the item. When a ticket has a form, each unit has its own answers, so the line is
    sent as `quantity` items of one unit each; otherwise as one item of `quantity` units.
    """
    session_iri = _session_iri(_catalog_id_of(offer.iri), event_id, session_id)
    per_unit = any(ticket.form_iri for ticket in offer.tickets)
    units = range(line.quantity) if per_unit else range(1)

    def entries(unit: int) -> tuple[km.TicketSessionRequest, ...]:
        return tuple(
            km.TicketSessionRequest(
                ticket_iri=ticket.iri or f"{offer.iri}/tickets/{ticket.id}",
                session_iri=None if ticket.date_access else session_iri,
                form_data=step.form_data(line.offer_id, ticket.id or "", unit)
                if ticket.form_iri
                else None,
            )
            for ticket in offer.tickets
        )

    return [
        (
            unit,
            km.ReservationRequestItem(
                offer_iri=offer.iri,
                quantity=1 if per_unit else line.quantity,
                ticket_sessions=entries(unit),
            ),
        )
        for unit in units
    ]


def _rejected_from_violations(
    violations: Sequence[Violation],
    item_units: Sequence[tuple[str, int]],
    step: answers_svc.AnswersStep,
) -> BookingError:
    """A 422: field violations land on their form fields, the rest on the offers named."""
    leftover = step.apply_violations(violations, item_units=item_units)
    line_errors: dict[str, str] = {}
    for violation in leftover:
        index = _item_index(violation.property_path)
        offer_id = item_units[index][0] if index is not None and index < len(item_units) else ""
        line_errors[offer_id] = _("These tickets cannot be reserved as requested.")
        logger.info("reservation refused: %s %s", violation.property_path, violation.code)
    if step.has_errors():
        error: BookingError = InvalidAnswers()
        error.step = step  # type: ignore[attr-defined]
        return error
    return BookingRejected(line_errors=line_errors)


def _item_index(property_path: str) -> int | None:
    if property_path.startswith("items["):
        try:
            return int(property_path[6 : property_path.index("]")])
        except ValueError:
            return None
    return None


def _failed_lines(
    failed: Sequence[km.FailedReservation],
    lines: Sequence[LinePlan],
    offers: Mapping[str, km.Offer],
) -> dict[str, str]:
    by_iri = {offers[line.offer_id].iri: line.offer_id for line in lines}
    errors: dict[str, str] = {}
    for entry in failed:
        offer_iri = entry.offer_iri or (entry.item.offer_iri if entry.item else None)
        offer_id = by_iri.get(offer_iri or "")
        code = (entry.code or "").lower()
        if "sold" in code or "available" in code or "stock" in code:
            message = _("Sold out: fewer tickets are left than you asked for.")
        else:
            message = _("These tickets could not be reserved. Try fewer or another session.")
        errors[offer_id or ""] = message
        logger.info("reservation item failed: %s (%s)", entry.message, entry.code)
    return errors


def _store_hold(reservations: Sequence[km.Reservation], *, booking: BookingSession) -> str:
    hold_key = uuid.uuid4()
    client_hash = booking.client_hash
    Reservation.objects.bulk_create(
        [
            Reservation(
                korus_id=uuid.UUID(r.id),
                iri=r.iri,
                hold_key=hold_key,
                expires_at=r.expires_at,
                status=Reservation.Status.RESERVED,
                items=[_reservation_item_json(item) for item in r.items],
                total_incl_tax=r.total_incl_tax,
                total_excl_tax=r.total_excl_tax,
                session_key_hash=client_hash,
            )
            for r in reservations
        ]
    )
    return str(hold_key)


def _reservation_item_json(item: km.ReservationItem) -> dict[str, Any]:
    return {
        "offer": item.offer_iri,
        "product": item.product_iri,
        "date": item.date.isoformat() if item.date else None,
        "amountInclTax": str(item.amount_incl_tax),
        "amountExclTax": str(item.amount_excl_tax) if item.amount_excl_tax is not None else None,
        "tickets": len(item.offer_tickets),
    }


def _sum_or_none(values: Sequence[Decimal | None]) -> Decimal | None:
    """The sum, or None when any amount is unknown (excl.-tax amounts are optional)."""
    known = [v for v in values if v is not None]
    return sum(known, Decimal(0)) if len(known) == len(values) else None


@dataclass(frozen=True, slots=True)
class Hold:
    key: str
    reservations: tuple[Reservation, ...]

    @property
    def expires_at(self) -> dt.datetime:
        expiries: list[dt.datetime] = [r.expires_at for r in self.reservations]
        return min(expiries)

    @property
    def total_incl_tax(self) -> Decimal:
        return sum((r.total_incl_tax for r in self.reservations), Decimal(0))

    @property
    def total_excl_tax(self) -> Decimal | None:
        return _sum_or_none([r.total_excl_tax for r in self.reservations])

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.expires_at


def booking_current_hold(*, booking: BookingSession) -> Hold | None:
    """The checkout's hold if it still stands (by our clock), else None."""
    key = booking.hold_key
    if not key:
        return None
    try:
        hold_key = uuid.UUID(key)
    except ValueError:
        return None
    rows = tuple(
        Reservation.objects.filter(
            hold_key=hold_key,
            session_key_hash=booking.client_hash,
            status__in=(Reservation.Status.RESERVED, Reservation.Status.ORDERED),
        ).order_by("pk")
    )
    return Hold(key=key, reservations=rows) if rows else None


# ---------------------------------------------------------------------------------------------
# Step 4: customer details
# ---------------------------------------------------------------------------------------------
def booking_save_details(*, booking: BookingSession, form: Any) -> bool:
    """Keep the posted details (valid or not, so going back loses nothing)."""
    valid = bool(form.is_valid())
    raw = {name: form.data.get(form.add_prefix(name), "") for name in form.fields}
    raw["optin"] = bool(form.cleaned_data.get("optin")) if valid else bool(raw.get("optin"))
    booking.save_details(
        {k: v for k, v in raw.items() if isinstance(v, str | bool)}, complete=valid
    )
    return valid


# ---------------------------------------------------------------------------------------------
# Step 5: the order, exactly once
# ---------------------------------------------------------------------------------------------
def booking_confirm(*, booking: BookingSession, language: str) -> Order:
    """Create the order for the checkout's hold, at most once, and return it.

    Our Order row (pending, with its external reference) is committed before the API is
    called. A conditional UPDATE claims it, so concurrent confirms send one API call; the
    others get the same order back. After an ambiguous failure the order is looked up by its
    external reference before any retry. Raises HoldExpired, PaymentFailed, OrderFailed or
    ServiceUnavailable (retryable: the order stays pending/reconciling).
    """
    hold = booking_current_hold(booking=booking)
    if hold is None:
        existing = _order_for_finished_checkout(booking)
        if existing is not None:
            return existing
        raise HoldExpired()
    if not booking.details_complete:
        raise StepIncomplete()
    order = _order_get_or_create(hold=hold, booking=booking, language=language)
    order = order_submit(order=order)
    if order.status == Order.Status.CONFIRMED:
        booking.finish(order.secret)
    return order


def _order_for_finished_checkout(booking: BookingSession) -> Order | None:
    secret = booking.last_order
    return Order.objects.filter(secret=secret).first() if secret else None


def _order_get_or_create(*, hold: Hold, booking: BookingSession, language: str) -> Order:
    primary = hold.reservations[0]
    details = booking.details
    defaults = {
        "reservation_iris": [r.iri for r in hold.reservations],
        "customer_firstname": str(details.get("firstname", ""))[:100],
        "customer_lastname": str(details.get("lastname", ""))[:100],
        "customer_email": str(details.get("email", ""))[:254],
        "customer_phone": str(details.get("phone", ""))[:32],
        "customer_country": str(details.get("country", ""))[:2],
        "customer_title": str(details.get("title", ""))[:3],
        "customer_optin": bool(details.get("optin", False)),
        "language": str(details.get("language") or language)[:8],
        "total_incl_tax": hold.total_incl_tax,
        "total_excl_tax": hold.total_excl_tax,
        "summary": _summary_json(booking),
        "payment_provider": payment_provider().name,
    }
    try:
        with transaction.atomic():
            order, _created = Order.objects.get_or_create(reservation=primary, defaults=defaults)
    except IntegrityError:
        # Another request created it between our read and our insert.
        order = Order.objects.get(reservation=primary)
    return order


def _summary_json(booking: BookingSession) -> dict[str, Any]:
    try:
        summary = booking_summary(booking=booking)
    except (ServiceUnavailable, StepIncomplete):
        return {}
    return {
        "event": summary.event_name,
        "starts_at": summary.session_starts_at.isoformat() if summary.session_starts_at else None,
        "lines": [
            {"offer": line.offer_id, "name": line.name, "quantity": line.quantity}
            for line in summary.lines
        ],
        "products": {line.product_iri: line.name for line in summary.lines if line.product_iri},
    }


def order_submit(*, order: Order, wait_seconds: float = 5.0) -> Order:
    """Send a pending order to the API once; others wait briefly for the claimant's outcome."""
    if order.is_final:
        return order
    if not order_claim(order=order):
        return _wait_for_outcome(order, wait_seconds)
    try:
        return _submit_claimed(order)
    finally:
        Order.objects.filter(pk=order.pk).update(submitting_since=None)


def order_claim(*, order: Order) -> bool:
    """Take the order for one worker (checkout or reconciliation sweep): a conditional UPDATE
    that succeeds when nobody holds it or the holder's claim is stale. Counts an attempt."""
    now = timezone.now()
    stale = now - dt.timedelta(seconds=int(settings.CHECKOUT_SUBMIT_STALE_SECONDS))
    claimed = (
        Order.objects.filter(
            pk=order.pk, status__in=(Order.Status.PENDING, Order.Status.RECONCILING)
        )
        .filter(Q(submitting_since__isnull=True) | Q(submitting_since__lt=stale))
        .update(submitting_since=now, attempts=F("attempts") + 1)
    )
    return claimed == 1


def _wait_for_outcome(order: Order, wait_seconds: float) -> Order:
    deadline = time.monotonic() + wait_seconds
    while True:
        order.refresh_from_db()
        if order.is_final or order.submitting_since is None or time.monotonic() >= deadline:
            return order
        time.sleep(0.1)


def _submit_claimed(order: Order) -> Order:
    order.refresh_from_db()
    client = get_client()
    # A previous attempt may have reached the API (a lost answer, a killed process).
    if order.attempts > 1 or order.status == Order.Status.RECONCILING:
        found = _reconcile(order)
        if found is not None:
            return found
    _refuse_if_expired(order)
    outcome = payment_provider().collect(
        PaymentRequest(
            order_reference=order.external_reference,
            amount=order.total_incl_tax or Decimal(0),
            currency=order.currency,
            customer_email=order.customer_email,
            language=order.language,
        )
    )
    if not outcome.may_place_order:
        # The hold may still stand: the order stays pending so the buyer can pay again.
        raise PaymentFailed()
    Order.objects.filter(pk=order.pk).update(payment_reference=outcome.reference[:128])
    for attempt in range(2):
        try:
            result = client.create_orders(
                reservations=list(order.reservation_iris or [order.reservation.iri]),
                customer=_customer_input(order),
                external_reference=order.external_reference,
            )
        except AMBIGUOUS_ERRORS as exc:
            logger.warning(
                "order %s: ambiguous failure (%s), reconciling",
                order.external_reference,
                type(exc).__name__,
            )
            Order.objects.filter(pk=order.pk).update(status=Order.Status.RECONCILING)
            found = _reconcile(order)
            if found is not None:
                return found
            if attempt == 0:
                continue
            raise ServiceUnavailable() from None
        except ValidationFailed as exc:
            logger.warning("order %s refused: %s", order.external_reference, exc)
            _refuse_if_expired(order)
            order_mark_failed(order=order, reason="refused by the API (422)")
            raise OrderFailed() from None
        except KorusError as exc:
            logger.warning("order %s failed: %s", order.external_reference, exc)
            if isinstance(exc, KorusTransientError):
                raise ServiceUnavailable() from None
            order_mark_failed(order=order, reason=f"API error {type(exc).__name__}")
            raise OrderFailed() from None
        if result.orders:
            return order_mark_confirmed(order=order, api_orders=result.orders)
        reasons = "; ".join(f.message for f in result.failed)[:255]
        logger.warning("order %s failed at the API: %s", order.external_reference, reasons)
        order_mark_failed(order=order, reason=reasons or "no order returned")
        raise OrderFailed()
    raise ServiceUnavailable()  # pragma: no cover - the loop always returns or raises


def _reconcile(order: Order) -> Order | None:
    """Look the order up by its external reference; confirm ours when the API has it."""
    try:
        every = order_api_orders(order=order)
    except KorusTransientError:
        Order.objects.filter(pk=order.pk).update(status=Order.Status.RECONCILING)
        raise ServiceUnavailable() from None
    if not every:
        return None
    return order_mark_confirmed(order=order, api_orders=every)


def order_api_orders(*, order: Order) -> list[km.Order]:
    """The API's orders made with our external reference (empty when it has none).

    Only reads: never creates. Raises the client's KorusError (transient or not)."""
    client = get_client()
    reference = order.external_reference
    found = client.find_order_by_external_reference(reference)
    if found is None:
        return []
    # A hold of several reservations becomes several API orders sharing our reference.
    if len(order.reservation_iris) > 1:
        return [
            o
            for o in client.orders(external_reference=reference)
            if o.external_reference == reference
        ] or [found]
    return [found]


def _refuse_if_expired(order: Order) -> None:
    """Refuse before the call when a reservation has expired (the API's clock decides)."""
    client = get_client()
    reservations = list(Reservation.objects.filter(hold_key=order.reservation.hold_key))
    now = timezone.now()
    for reservation in reservations:
        expired = reservation.is_expired(now)
        if not expired:
            try:
                remote = client.reservation(str(reservation.korus_id))
            except NotFound:
                expired = True
            except KorusTransientError:
                raise ServiceUnavailable() from None
            else:
                if remote.order_iri:
                    continue  # already ordered: reconciliation will find it
                expired = remote.expired or remote.status == "released"
        if expired:
            Reservation.objects.filter(pk=reservation.pk).update(status=Reservation.Status.RELEASED)
            order_mark_failed(order=order, reason="reservation expired")
            raise HoldExpired()


def _customer_input(order: Order) -> km.CustomerInput:
    return km.CustomerInput(
        firstname=order.customer_firstname,
        lastname=order.customer_lastname,
        email=order.customer_email,
        phone=order.customer_phone or None,
        country=order.customer_country or None,
        language=order.language or None,
        optin=order.customer_optin,
        title=order.customer_title or None,
    )


def order_mark_failed(*, order: Order, reason: str) -> None:
    Order.objects.filter(pk=order.pk).exclude(status=Order.Status.CONFIRMED).update(
        status=Order.Status.FAILED, failure_reason=reason[:255]
    )
    order.refresh_from_db()


def order_api_fields(api_orders: Sequence[km.Order]) -> dict[str, Any]:
    """Our Order's fields as the API's orders for it state them (one API order per hold)."""
    items: list[Any] = []
    for api_order in api_orders:
        raw_items = api_order.raw.get("items") if isinstance(api_order.raw, Mapping) else None
        items.extend(raw_items or [])
    try:
        korus_id: uuid.UUID | None = uuid.UUID(api_orders[0].id)
    except ValueError:
        korus_id = None
    return {
        "korus_id": korus_id,
        "korus_ids": [o.id for o in api_orders],
        "reference": ", ".join(o.reference for o in api_orders)[:64],
        "total_incl_tax": sum((o.total_incl_tax for o in api_orders), Decimal(0)),
        "total_excl_tax": _sum_or_none([o.total_excl_tax for o in api_orders]),
        "items": items,
    }


def order_mark_confirmed(*, order: Order, api_orders: Sequence[km.Order]) -> Order:
    """Record the API's orders on ours, once: order_confirmed is sent (on commit) only by the
    call that moved it to confirmed, whoever calls (checkout, retry or reconciliation sweep)."""
    with transaction.atomic():
        updated = (
            Order.objects.filter(pk=order.pk)
            .exclude(status=Order.Status.CONFIRMED)
            .update(
                status=Order.Status.CONFIRMED,
                **order_api_fields(api_orders),
                confirmed_at=timezone.now(),
                failure_reason="",
            )
        )
        Reservation.objects.filter(hold_key=order.reservation.hold_key).update(
            status=Reservation.Status.ORDERED
        )
        if updated:
            order_id = order.pk
            transaction.on_commit(
                lambda: signals.order_confirmed.send(sender=Order, order_id=order_id)
            )
    order.refresh_from_db()
    return order


# ---------------------------------------------------------------------------------------------
# Orders: the secret page and "find my order"
# ---------------------------------------------------------------------------------------------
def order_get_by_secret(secret: str) -> Order | None:
    """The order behind a secret URL, or None; the secret is compared in constant time."""
    if not isinstance(secret, str) or not 40 <= len(secret) <= 64:
        return None
    order = Order.objects.select_related("reservation").filter(secret=secret).first()
    if order is None or not secrets.compare_digest(order.secret.encode(), secret.encode()):
        return None
    return order


@dataclass(frozen=True, slots=True)
class OrderLine:
    name: str
    quantity: int
    date: str | None
    amount_incl_tax: Decimal | None
    starts_at: tuple[dt.datetime | None, ...]
    vouchers: tuple[str, ...]


def order_display_lines(order: Order) -> list[OrderLine]:
    """The order's items as the API returned them, named from the checkout's summary."""
    names = order.summary.get("products", {}) if isinstance(order.summary, dict) else {}
    lines: list[OrderLine] = []
    for raw in order.items or []:
        if not isinstance(raw, Mapping):
            continue
        item = km.OrderItem.from_api(raw)
        lines.append(
            OrderLine(
                name=str(names.get(item.product_iri or "", "")) or _("Ticket"),
                quantity=item.quantity,
                date=item.date.isoformat() if item.date else None,
                amount_incl_tax=item.total_amount_incl_tax
                if item.total_amount_incl_tax is not None
                else item.amount_incl_tax,
                starts_at=tuple(t.occurs_at for t in item.tickets),
                vouchers=tuple(t.voucher for t in item.tickets if t.voucher),
            )
        )
    return lines


def order_find_request(*, email: str, client_ip: str, language: str) -> None:
    """Queue an email with the links of every order for `email` (sent on commit).

    The caller always shows the same answer, whether or not the address has orders, so this
    page tells nobody which addresses are customers. Over the per-IP limit nothing is sent.
    """
    rate = Rate.parse(settings.CHECKOUT_FIND_ORDER_RATE_PER_IP)
    if ratelimit_hit(scope="find-ip", key=client_ip, rate=rate) or ratelimit_hit(
        scope="find-email", key=email.lower(), rate=rate
    ):
        logger.info("order finder: rate limit hit")
        return
    # Imported here: the task module imports this one.
    from shop.booking_tasks import order_links_send_task

    address = email.strip().lower()
    transaction.on_commit(lambda: order_links_send_task.delay(address, language))


def order_links_send(*, email: str, language: str) -> int:
    """Email the secret links of the orders made with `email`; returns how many were sent."""
    orders = list(
        Order.objects.filter(
            customer_email__iexact=email,
            status__in=(Order.Status.CONFIRMED, Order.Status.PENDING, Order.Status.RECONCILING),
        ).order_by("-created_at")[:50]
    )
    if not orders:
        return 0
    base = str(getattr(settings, "SHOP_BASE_URL", "")).rstrip("/")
    with translation.override(language or orders[0].language):
        links = [
            {"order": order, "url": base + reverse("shop:order", args=[order.secret])}
            for order in orders
        ]
        context = {"links": links, "shop_name": settings.SHOP_NAME}
        subject = _("Your orders at %(shop)s") % {"shop": settings.SHOP_NAME}
        text = render_to_string("shop/checkout/email/order_links.txt", context)
        html = render_to_string("shop/checkout/email/order_links.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [email])
    message.attach_alternative(html, "text/html")
    message.send()
    return len(orders)
