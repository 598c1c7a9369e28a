"""The order page behind its secret URL, and "find my order"."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from shop.models import Order
from shop.services.booking import order_display_lines
from tests.services.booking_support import fresh_client_and_cache  # noqa: F401
from tests.views.test_checkout import purchase

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])


@pytest.fixture
def order(client: Client, sandbox_demo: Any) -> Order:
    purchase(client, sandbox_demo.concert, 2)
    return Order.objects.get()


@pytest.fixture
def eager_tasks(settings: Any) -> Any:
    # Celery reads its config from the Django settings object (CELERY_ namespace).
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from booking_site.celery import app

    assert app.conf.task_always_eager
    return None


def test_order_page_shows_the_order_and_is_not_stored(order: Order) -> None:
    response = Client().get(reverse("shop:order", args=[order.secret]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    for shown in (order.reference, "Lovelace", "ada@example.com", "90.00", "81.82"):
        assert shown in body
    assert order_display_lines(order)[0].name in body


def test_order_status_over_htmx_is_the_status_fragment(order: Order) -> None:
    response = Client().get(reverse("shop:order", args=[order.secret]), HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert 'id="order-status"' in body
    assert "<html" not in body


@pytest.mark.parametrize(
    "guess",
    ["truncated", "one_char_changed", "external_reference", "reference", "korus_id", "pk"],
)
def test_anything_but_the_exact_secret_is_not_found(order: Order, guess: str) -> None:
    last = "A" if order.secret[-1] != "A" else "B"
    secrets = {
        "truncated": order.secret[:-4],
        "one_char_changed": order.secret[:-1] + last,
        "external_reference": order.external_reference,
        "reference": order.reference,
        "korus_id": str(order.korus_id),
        "pk": str(order.pk),
    }
    response = Client().get(reverse("shop:order", args=[secrets[guess]]))

    body = response.content.decode()
    assert response.status_code == 404
    assert "Lovelace" not in body
    assert order.customer_email not in body


def test_another_orders_secret_shows_only_that_order(
    client: Client, sandbox_demo: Any, order: Order
) -> None:
    other_client = Client()
    purchase(other_client, sandbox_demo.museum, 1)
    other = Order.objects.exclude(pk=order.pk).get()
    body = Client().get(reverse("shop:order", args=[other.secret])).content.decode()

    assert other.reference in body
    assert order.reference not in body


def test_find_my_order_answers_the_same_with_or_without_orders(
    order: Order, eager_tasks: None
) -> None:
    url = reverse("shop:order_find")
    known = Client().post(url, {"email": "ada@example.com"})
    unknown = Client().post(url, {"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == 303
    assert known["Location"] == unknown["Location"]


def test_find_my_order_emails_the_links_of_the_addresses_orders(
    order: Order, eager_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("shop:order_find"), {"email": "ADA@example.com"})
        Client().post(reverse("shop:order_find"), {"email": "nobody@example.com"})

    assert [m.to for m in mail.outbox] == [["ada@example.com"]]
    assert reverse("shop:order", args=[order.secret]) in mail.outbox[0].body
