"""The checkout pages through the test client, with and without htmx, against the sandbox."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sandbox import models as sm
from shop.models import Order
from shop.session import BookingSession
from tests.services.booking_support import (
    CUSTOMER,
    answers_post,
    fresh_client_and_cache,  # noqa: F401
    park_day_session,
)

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])
HTMX = {"HTTP_HX_REQUEST": "true"}


def session_of(client: Client) -> BookingSession:
    return BookingSession(client.session)


def start(client: Client, case: Any, quantity: int, session_id: str | None = None) -> Any:
    return client.post(
        reverse("shop:checkout_start"),
        {
            "event": str(case.event_id),
            "session": session_id or str(case.session_id),
            f"qty_{case.offer_id}": str(quantity),
        },
    )


def hold(client: Client, **extra: Any) -> Any:
    return client.post(reverse("shop:checkout_hold"), answers_post(session_of(client)), **extra)


def purchase(client: Client, case: Any, quantity: int, session_id: str | None = None) -> Any:
    assert start(client, case, quantity, session_id).status_code == 303
    assert client.get(reverse("shop:checkout_answers")).status_code == 200
    assert hold(client)["Location"] == reverse("shop:checkout_details")
    assert client.get(reverse("shop:checkout_details")).status_code == 200
    details = client.post(reverse("shop:checkout_details"), CUSTOMER)
    assert details["Location"] == reverse("shop:checkout_review")
    assert client.get(reverse("shop:checkout_review")).status_code == 200
    return client.post(reverse("shop:checkout_confirm"))


@pytest.mark.parametrize("kind", ["concert", "date_access", "tour", "realtime_price"])
def test_a_buyer_completes_a_purchase_for_each_kind_of_offer(
    client: Client, sandbox_demo: Any, kind: str
) -> None:
    case = getattr(sandbox_demo, kind)
    session_id = park_day_session(case) if kind == "date_access" else None
    confirmed = purchase(client, case, 2, session_id)

    order = Order.objects.get()
    assert confirmed["Location"] == reverse("shop:order", args=[order.secret])
    page = client.get(confirmed["Location"])
    assert page.status_code == 200
    assert order.status == Order.Status.CONFIRMED
    assert order.reference in page.content.decode()
    assert sm.Order.objects.filter(external_reference=order.external_reference).exists()


def test_hold_over_htmx_answers_with_a_client_redirect(client: Client, sandbox_demo: Any) -> None:
    start(client, sandbox_demo.concert, 1)
    response = hold(client, **HTMX)

    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("shop:checkout_details")


def test_invalid_answers_over_htmx_come_back_as_the_form_region(
    client: Client, sandbox_demo: Any
) -> None:
    start(client, sandbox_demo.tour, 1)
    response = client.post(reverse("shop:checkout_hold"), {}, **HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="answers-region"' in body
    assert "<html" not in body
    assert "error-summary" in body


def test_invalid_answers_without_htmx_show_the_whole_page_with_errors(
    client: Client, sandbox_demo: Any
) -> None:
    start(client, sandbox_demo.tour, 1)
    response = client.post(reverse("shop:checkout_hold"), {})

    assert response.status_code == 200
    assert "<html" in response.content.decode()
    assert not sm.Reservation.objects.exists()


def test_details_page_shows_the_countdown_from_the_api_expiry(
    client: Client, sandbox_demo: Any
) -> None:
    start(client, sandbox_demo.concert, 1)
    hold(client)
    body = client.get(reverse("shop:checkout_details")).content.decode()

    expires = int(re.search(r'data-expires-at="(\d+)"', body).group(1))  # type: ignore[union-attr]
    server_now = int(re.search(r'data-server-now="(\d+)"', body).group(1))  # type: ignore[union-attr]
    remote = sm.Reservation.objects.get()
    # The API states expiresAt to the second.
    assert expires == int(remote.expires_at.replace(microsecond=0).timestamp() * 1000)
    assert 0 < expires - server_now <= 15 * 60 * 1000
    assert "aria-live" in body
    assert "countdown.js" in body
    assert "about 15 minutes" in body  # the time left as text, without JavaScript


def test_invalid_details_are_kept_and_shown_with_errors(client: Client, sandbox_demo: Any) -> None:
    start(client, sandbox_demo.concert, 1)
    hold(client)
    wrong = {**CUSTOMER, "email_confirm": "other@example.com"}
    response = client.post(reverse("shop:checkout_details"), wrong)

    assert response.status_code == 200
    assert "The two email addresses are different." in response.content.decode()
    again = client.get(reverse("shop:checkout_details")).content.decode()
    assert 'value="Lovelace"' in again


def test_steps_redirect_to_the_earliest_incomplete_one(client: Client, sandbox_demo: Any) -> None:
    assert client.get(reverse("shop:checkout_details"))["Location"] == reverse("shop:home")
    start(client, sandbox_demo.concert, 1)
    assert client.get(reverse("shop:checkout_review"))["Location"] == reverse(
        "shop:checkout_answers"
    )


def test_expired_hold_sends_the_buyer_back_with_answers_kept(
    client: Client, sandbox_demo: Any, sandbox_clock: Any, sandbox_settings: Any
) -> None:
    start(client, sandbox_demo.tour, 1)
    posted = answers_post(session_of(client))
    client.post(reverse("shop:checkout_hold"), posted)
    client.post(reverse("shop:checkout_details"), CUSTOMER)
    sandbox_clock.advance(sandbox_settings.hold_minutes * 60 + 1)

    response = client.post(reverse("shop:checkout_confirm"))

    assert response["Location"] == reverse("shop:checkout_answers")
    assert not sm.Order.objects.exists()
    page = client.get(reverse("shop:checkout_answers")).content.decode()
    text_value = next(v for v in posted.values() if isinstance(v, str) and v.startswith("Answer"))
    assert f'value="{text_value}"' in page


def test_sold_out_between_page_and_click_shows_what_is_left(
    client: Client, sandbox_demo: Any
) -> None:
    start(client, sandbox_demo.three_left, 4)
    response = hold(client)

    assert response.status_code == 409
    body = response.content.decode()
    assert "Only 3 tickets left." in body or "could not be reserved" in body or "Sold out" in body


def test_server_errors_on_reads_show_a_retryable_page_not_a_500(
    client: Client, sandbox_demo: Any, sandbox_faults: Any, settings: Any
) -> None:
    settings.KORUS_MAX_RETRIES = 0
    sandbox_faults.add("server_error", methods="GET")
    response = start(client, sandbox_demo.concert, 1)

    assert response.status_code == 503
    assert "try again" in response.content.decode().lower()


def test_timeouts_on_reads_during_the_hold_show_a_retryable_page_then_complete(
    client: Client, sandbox_demo: Any, sandbox_faults: Any, settings: Any
) -> None:
    settings.KORUS_MAX_RETRIES = 0
    start(client, sandbox_demo.concert, 1)
    rule = sandbox_faults.add("timeout", methods="GET", path="/availability$")

    assert hold(client).status_code == 503
    rule.delete()
    assert hold(client)["Location"] == reverse("shop:checkout_details")


def test_a_lost_order_response_still_lands_on_the_one_order(
    client: Client, sandbox_demo: Any, sandbox_faults: Any
) -> None:
    sandbox_faults.add("lost_response", methods="POST", path="/v1/booking/orders/_bulk$")
    response = purchase(client, sandbox_demo.concert, 1)

    order = Order.objects.get()
    assert response["Location"] == reverse("shop:order", args=[order.secret])
    assert order.status == Order.Status.CONFIRMED
    assert sm.Order.objects.count() == 1


def test_confirm_posted_again_after_the_order_goes_to_the_same_order(
    client: Client, sandbox_demo: Any
) -> None:
    first = purchase(client, sandbox_demo.concert, 1)
    second = client.post(reverse("shop:checkout_confirm"))

    assert second["Location"] == first["Location"]
    assert sm.Order.objects.count() == 1
