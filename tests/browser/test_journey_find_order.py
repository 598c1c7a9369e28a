"""Journey: a buyer who lost their order link asks for it by email from the footer, and the
emailed link opens their order."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from shop.forms.customer import CustomerForm
from shop.models import Order
from shop.services import booking as booking_svc
from tests.browser.journey import VIEWPORT_IDS, VIEWPORTS, Viewport
from tests.services.booking_support import CUSTOMER, answers_post, new_booking

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "grace@example.com"


def place_order(case) -> Order:
    """An earlier purchase, made through the checkout services (the journey is what follows)."""
    booking = new_booking()
    booking_svc.booking_start(
        booking=booking,
        event_id=str(case.event_id),
        session_id=str(case.session_id),
        data={f"qty_{case.offer_id}": "1"},
    )
    booking_svc.booking_hold(booking=booking, data=answers_post(booking), client_ip="127.0.0.1")
    details = {**CUSTOMER, "firstname": "Grace", "email": EMAIL, "email_confirm": EMAIL}
    assert booking_svc.booking_save_details(booking=booking, form=CustomerForm(data=details))
    order = booking_svc.booking_confirm(booking=booking, language="en")
    assert order.status == Order.Status.CONFIRMED, order.failure_reason
    return order


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=VIEWPORT_IDS)
def test_a_buyer_finds_their_order_by_email(
    shop, journey, mailoutbox, settings, viewport: Viewport
):
    order = place_order(shop.demo.concert)
    # The links email is a Celery task: run it in the server's thread, where the test's
    # in-memory mailbox is (Celery reads this Django setting when a task is sent).
    settings.CELERY_TASK_ALWAYS_EAGER = True
    trip = journey("find-my-order", viewport)
    page = trip.page
    page.goto(shop.url + "/")
    trip.step("home")
    page.get_by_role("contentinfo").get_by_role("link", name="Find my order").click()
    expect(page.get_by_role("heading", name="Find my order", level=1)).to_be_visible()
    trip.step("find my order")

    page.get_by_label("Email used for the order").fill(EMAIL)
    page.get_by_role("button", name="Send me the links").click()
    expect(page.get_by_role("status")).to_contain_text("we have sent their links")
    trip.step("links sent")

    assert [message.to for message in mailoutbox] == [[EMAIL]]
    link = re.search(r"https?://\S+/orders/\S+/", mailoutbox[0].body)
    assert link is not None, mailoutbox[0].body
    page.goto(shop.url + urlsplit(link.group(0)).path)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Your order {order.reference}")
    expect(page.get_by_text("Grace Lovelace")).to_be_visible()
    trip.step("order from the emailed link")
