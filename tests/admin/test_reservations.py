"""The reservation admin: active holds with time left, expired, converted, and contents."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from shop.models import Reservation
from shop.services import booking as booking_svc
from tests.services.booking_support import answers_post, new_booking

pytestmark = pytest.mark.django_db

LIST = "admin:shop_reservation_changelist"


@pytest.fixture
def hold(sandbox_demo):
    """A hold made through the checkout service, not (yet) turned into an order."""

    def make(quantity: int = 2) -> Reservation:
        case = sandbox_demo.concert
        booking = new_booking()
        booking_svc.booking_start(
            booking=booking,
            event_id=str(case.event_id),
            session_id=str(case.session_id),
            data={f"qty_{case.offer_id}": str(quantity)},
        )
        outcome = booking_svc.booking_hold(
            booking=booking, data=answers_post(booking), client_ip="127.0.0.2"
        )
        return Reservation.objects.get(hold_key=outcome.hold_key)

    return make


def ids(response) -> list[int]:
    return [r.pk for r in response.context["cl"].result_list]


def test_an_active_hold_shows_its_time_left(staff_client, hold):
    reservation = hold()

    response = staff_client.get(reverse(LIST), {"hold": "active"})

    assert ids(response) == [reservation.pk]
    assert "min" in response.content.decode()
    assert "left" in response.content.decode()


def test_expired_and_converted_holds_are_told_apart(staff_client, hold, place_order):
    expired = hold()
    Reservation.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    converted = place_order(quantity=1).reservation

    assert ids(staff_client.get(reverse(LIST), {"hold": "expired"})) == [expired.pk]
    assert ids(staff_client.get(reverse(LIST), {"hold": "converted"})) == [converted.pk]
    assert ids(staff_client.get(reverse(LIST), {"hold": "active"})) == []


def test_a_reservation_page_shows_what_it_held_and_its_order(staff_client, place_order):
    order = place_order(quantity=2)
    reservation = order.reservation

    response = staff_client.get(reverse("admin:shop_reservation_change", args=[reservation.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert reservation.items[0]["offer"] in body
    assert reverse("admin:shop_order_change", args=[order.pk]) in body
    assert "converted" in body


def test_reservations_are_read_only(staff_client, hold):
    reservation = hold()

    response = staff_client.post(
        reverse("admin:shop_reservation_change", args=[reservation.pk]), {"status": "released"}
    )

    assert response.status_code == 403
    assert Reservation.objects.get(pk=reservation.pk).status == Reservation.Status.RESERVED
