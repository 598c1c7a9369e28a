"""The booking flow's services against the sandbox, for each kind of demo offer."""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings

from sandbox import models as sm
from shop import signals
from shop.forms.customer import CustomerForm
from shop.models import Order, Reservation
from shop.services import booking
from shop.services.errors import (
    BookingRejected,
    HoldExpired,
    InvalidAnswers,
    InvalidSelection,
    PaymentFailed,
    RateLimited,
    SoldOut,
    TooManyHolds,
)
from shop.services.payments import PaymentOutcome, PaymentStatus, payment_provider_register
from shop.session import BookingSession, answers_prefix
from tests.services.booking_support import (
    CUSTOMER,
    answers_post,
    fresh_client_and_cache,  # noqa: F401
    new_booking,
    park_day_session,
)

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])


def start(bs: BookingSession, case: Any, quantity: int, session_id: str | None = None) -> None:
    booking.booking_start(
        booking=bs,
        event_id=str(case.event_id),
        session_id=session_id or str(case.session_id),
        data={f"qty_{case.offer_id}": str(quantity)},
    )


def give_details(bs: BookingSession, **overrides: str) -> None:
    assert booking.booking_save_details(booking=bs, form=CustomerForm({**CUSTOMER, **overrides}))


def book(bs: BookingSession, case: Any, quantity: int, session_id: str | None = None) -> Order:
    start(bs, case, quantity, session_id)
    booking.booking_hold(booking=bs, data=answers_post(bs), client_ip="192.0.2.1")
    give_details(bs)
    return booking.booking_confirm(booking=bs, language="en")


def test_timed_session_booking_confirms_one_order(sandbox_demo: Any) -> None:
    order = book(new_booking(), sandbox_demo.concert, 2)

    assert order.status == Order.Status.CONFIRMED
    remote = sm.Order.objects.get(external_reference=order.external_reference)
    assert order.reference == remote.reference
    assert sum(item["quantity"] for item in order.items) == 2
    assert order.total_incl_tax == Decimal("90.00")


def test_confirmed_order_sends_the_signal_once_on_commit(
    sandbox_demo: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    # Fulfilment's receivers queue tasks: the embedded broker's folders must exist.
    folders = [
        settings.CELERY_BROKER_TRANSPORT_OPTIONS.get(key)
        for key in ("data_folder_in", "data_folder_out", "processed_folder")
    ]
    if str(settings.CELERY_RESULT_BACKEND).startswith("file://"):
        folders.append(settings.CELERY_RESULT_BACKEND.removeprefix("file://"))
    for folder in filter(None, folders):
        os.makedirs(folder, exist_ok=True)
    received: list[int] = []

    def receiver(sender: Any, order_id: int, **kwargs: Any) -> None:
        received.append(order_id)

    signals.order_confirmed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            order = book(new_booking(), sandbox_demo.concert, 1)
    finally:
        signals.order_confirmed.disconnect(receiver)
    assert received == [order.pk]


def test_date_access_booking_sends_the_ticket_without_a_session(sandbox_demo: Any) -> None:
    case = sandbox_demo.date_access
    order = book(new_booking(), case, 2, session_id=park_day_session(case))

    assert order.status == Order.Status.CONFIRMED
    held = sm.HoldLine.objects.get(reservation__order__external_reference=order.external_reference)
    assert held.session_id is None
    assert held.quantity == 2


def test_form_ticket_sends_each_units_own_answers(sandbox_demo: Any) -> None:
    order = book(new_booking(), sandbox_demo.tour, 2)

    assert order.status == Order.Status.CONFIRMED
    lines = sm.HoldLine.objects.filter(
        reservation__order__external_reference=order.external_reference
    )
    texts = sorted(
        answer["value"]
        for line in lines
        for answer in line.form_data
        if answer["value"].startswith("Answer")
    )
    assert texts == ["Answer 0", "Answer 1"]


def test_realtime_price_offer_is_priced_at_the_realtime_price(sandbox_demo: Any) -> None:
    from shop.korus import get_client

    case = sandbox_demo.realtime_price
    realtime = get_client().offer_price(str(case.catalog_id), str(case.offer_id))
    bs = new_booking()
    start(bs, case, 2)
    outcome = booking.booking_hold(booking=bs, data={}, client_ip="192.0.2.1")

    assert outcome.notices  # the listed price differs from the real-time one
    give_details(bs)
    order = booking.booking_confirm(booking=bs, language="en")
    assert order.total_incl_tax == realtime.incl_tax.amount * 2


def test_start_without_any_quantity_is_refused(sandbox_demo: Any) -> None:
    case = sandbox_demo.concert
    with pytest.raises(InvalidSelection):
        booking.booking_start(
            booking=new_booking(),
            event_id=str(case.event_id),
            session_id=str(case.session_id),
            data={f"qty_{case.offer_id}": "zero", "qty_unknown": "3"},
        )


def test_more_than_left_is_sold_out_with_the_refreshed_availability(sandbox_demo: Any) -> None:
    bs = new_booking()
    start(bs, sandbox_demo.three_left, 4)

    with pytest.raises((SoldOut, BookingRejected)) as caught:
        booking.booking_hold(booking=bs, data={}, client_ip="192.0.2.1")
    if isinstance(caught.value, SoldOut):
        assert caught.value.available == {str(sandbox_demo.three_left.offer_id): 3}
    else:
        assert str(sandbox_demo.three_left.offer_id) in caught.value.line_errors
    assert not Reservation.objects.exists()


def test_invalid_answers_are_refused_and_kept_as_typed(sandbox_demo: Any) -> None:
    bs = new_booking()
    start(bs, sandbox_demo.tour, 1)
    data = answers_post(bs)
    bad_key = next(k for k, v in data.items() if v == "3")  # the integer field
    data[bad_key] = "three"

    with pytest.raises(InvalidAnswers):
        booking.booking_hold(booking=bs, data=data, client_ip="192.0.2.1")
    prefix, name = bad_key.split("-q_")[0], "q_" + bad_key.split("-q_")[1]
    assert bs.answers(prefix)[name] == "three"
    assert not sm.Reservation.objects.exists()


def test_api_422_naming_a_field_lands_on_that_field(
    sandbox_demo: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.services.booking_support import intercept, problem

    bs = new_booking()
    start(bs, sandbox_demo.tour, 1)
    definition = booking.catalog.form_get(sandbox_demo.form_iri)
    text_field = next(f for f in definition.fields if f.type == "text")
    path = f"items[0].ticketSessions[0].formData.fields[{text_field.code}]"

    def refuse(request: Any) -> Any:
        if request.method == "POST" and request.url.path.endswith("/reservations/_bulk"):
            return problem(422, [{"propertyPath": path, "message": "Too rude.", "code": None}])
        return None

    intercept(monkeypatch, refuse)
    with pytest.raises(InvalidAnswers) as caught:
        booking.booking_hold(booking=bs, data=answers_post(bs), client_ip="192.0.2.1")
    unit = caught.value.step.units[0]  # type: ignore[attr-defined]
    assert unit.form.errors[f"q_{text_field.id}"]


@override_settings(CHECKOUT_HOLD_RATE_PER_SESSION="1/h")
def test_holds_are_rate_limited_per_session(sandbox_demo: Any) -> None:
    bs = new_booking()
    start(bs, sandbox_demo.concert, 1)
    booking.booking_hold(booking=bs, data={}, client_ip="192.0.2.1")

    with pytest.raises(RateLimited):
        booking.booking_hold(booking=bs, data={}, client_ip="192.0.2.2")


@override_settings(CHECKOUT_HOLD_RATE_PER_IP="1/h")
def test_holds_are_rate_limited_per_client_ip(sandbox_demo: Any) -> None:
    first, second = new_booking(), new_booking()
    for bs in (first, second):
        start(bs, sandbox_demo.concert, 1)
    booking.booking_hold(booking=first, data={}, client_ip="192.0.2.1")

    with pytest.raises(RateLimited):
        booking.booking_hold(booking=second, data={}, client_ip="192.0.2.1")


@override_settings(CHECKOUT_MAX_ACTIVE_HOLDS=1)
def test_a_browser_cannot_hold_a_second_checkout_at_once(sandbox_demo: Any) -> None:
    bs = new_booking()
    start(bs, sandbox_demo.concert, 1)
    booking.booking_hold(booking=bs, data={}, client_ip="192.0.2.1")
    bs.clear_hold()  # as if a second tab started another checkout

    with pytest.raises(TooManyHolds):
        booking.booking_hold(booking=bs, data={}, client_ip="192.0.2.1")


def test_hold_cycles_the_session_key(sandbox_demo: Any) -> None:
    bs = new_booking()
    before = bs._session.session_key
    start(bs, sandbox_demo.concert, 1)
    booking.booking_hold(booking=bs, data={}, client_ip="192.0.2.1")

    assert bs._session.session_key != before


def test_confirming_twice_makes_one_order(sandbox_demo: Any) -> None:
    bs = new_booking()
    first = book(bs, sandbox_demo.concert, 1)
    second = booking.booking_confirm(booking=bs, language="en")

    assert second.pk == first.pk
    assert sm.Order.objects.filter(external_reference=first.external_reference).count() == 1
    assert Order.objects.count() == 1


def test_expired_hold_cannot_be_confirmed_and_holding_again_keeps_answers(
    sandbox_demo: Any, sandbox_clock: Any, sandbox_settings: Any
) -> None:
    bs = new_booking()
    start(bs, sandbox_demo.tour, 1)
    posted = answers_post(bs)
    booking.booking_hold(booking=bs, data=posted, client_ip="192.0.2.1")
    give_details(bs)
    sandbox_clock.advance(sandbox_settings.hold_minutes * 60 + 1)

    with pytest.raises(HoldExpired):
        booking.booking_confirm(booking=bs, language="en")
    assert not sm.Order.objects.exists()

    step = booking.booking_answers(booking=bs)
    shown = {f"{u.prefix}-{k}": v for u in step.units for k, v in u.form.initial.items()}
    assert shown == {k: v for k, v in posted.items()}
    sandbox_clock.advance(-(sandbox_settings.hold_minutes * 60 + 1))
    booking.booking_hold(booking=bs, data=None, client_ip="192.0.2.1")
    assert booking.booking_confirm(booking=bs, language="en").status == Order.Status.CONFIRMED


def test_lost_response_on_order_creation_reconciles_to_one_order(
    sandbox_demo: Any, sandbox_faults: Any
) -> None:
    sandbox_faults.add("lost_response", methods="POST", path=r"/v1/booking/orders/_bulk$")
    order = book(new_booking(), sandbox_demo.concert, 1)

    assert order.status == Order.Status.CONFIRMED
    assert sm.Order.objects.filter(external_reference=order.external_reference).count() == 1
    assert sm.Order.objects.count() == 1


def test_declined_payment_places_no_order(sandbox_demo: Any, settings: Any) -> None:
    class Declining:
        name = "declining"

        def collect(self, request: Any) -> PaymentOutcome:
            return PaymentOutcome(PaymentStatus.DECLINED)

    payment_provider_register("declining", Declining)
    settings.PAYMENT_PROVIDER = "declining"
    with pytest.raises(PaymentFailed):
        book(new_booking(), sandbox_demo.concert, 1)
    assert not sm.Order.objects.exists()
    assert Order.objects.get().status == Order.Status.PENDING


def test_order_is_found_by_its_secret_only(sandbox_demo: Any) -> None:
    order = book(new_booking(), sandbox_demo.concert, 1)
    wrong = order.secret[:-1] + ("A" if order.secret[-1] != "A" else "B")

    assert booking.order_get_by_secret(order.secret) == order
    assert booking.order_get_by_secret(order.secret[:-1]) is None
    assert booking.order_get_by_secret(wrong) is None
    assert booking.order_get_by_secret(order.external_reference) is None


def test_answers_prefix_is_unique_per_unit() -> None:
    prefixes = {answers_prefix("o" * 36, "t" * 36, unit) for unit in range(3)}
    assert len(prefixes) == 3
