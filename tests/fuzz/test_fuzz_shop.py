"""Bad input (issue 12): every form and query parameter of the shop's own URLs, fuzzed with
Hypothesis through the Django test client against the in-process sandbox. Whatever comes in,
the shop answers a page, a redirect or a 4xx: never a 5xx.

Bounded here (FUZZ_EXAMPLES examples per test, 25 by default); `make fuzz` runs it bigger and
prints how many requests were sent and how many got a 5xx.
"""

from __future__ import annotations

import os
import uuid
from collections import Counter
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shop.models import Order
from shop.services.documents import documents_poll, fulfilment_start
from tests.services.booking_support import CUSTOMER, fresh_client_and_cache  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
STATS: Counter[str] = Counter()

# Text a browser can send (no lone surrogates, which no request can encode), and the values
# that break parsers: empty, signs, overflow, NUL, bad dates, path tricks, markup, long runs.
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
NASTY = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "1e9",
        "9" * 40,
        "NaN",
        "\x00",
        "a\x00b",
        "2025-13-45",
        "2025-02",
        "0000-00",
        "9999-12",
        "2025-02-30",
        "../../etc/passwd",
        "%00",
        "<script>alert(1)</script>",
        "é" * 300,
        "x" * 5000,
        "true",
        "[]",
        str(uuid.UUID(int=0)),
    ]
)
VALUE = st.one_of(TEXT, NASTY, st.integers().map(str))
VALUES = st.one_of(VALUE, st.lists(VALUE, min_size=1, max_size=3))
HEADERS = st.sampled_from(
    [
        {},
        {"HTTP_HX_REQUEST": "true"},
        {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "calendar"},
        {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "sessions"},
        {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "\x00<>"},
        {"HTTP_ACCEPT_LANGUAGE": "fr"},
        {"HTTP_ACCEPT_LANGUAGE": "zz-ZZ;q=2, *"},
    ]
)


def fields(names: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """A form as anyone could post it: known field names and unknown ones, any values."""
    return st.dictionaries(st.one_of(st.sampled_from(names), TEXT), VALUES, max_size=8)


def send(client: Client, method: str, path: str, data: dict[str, Any], headers: dict[str, str]):
    STATS["requests"] += 1
    call = client.post if method == "POST" else client.get
    response = call(path, data, **headers)
    if response.status_code >= 500:
        STATS["5xx"] += 1
    assert response.status_code < 500, f"{method} {path} {data!r} -> {response.status_code}"
    return response


def _ids(case: Any) -> tuple[str, str]:
    return str(case.event_id), str(case.session_id)


@FUZZ
@given(data=st.data())
def test_browse_pages_never_answer_bad_query_strings_with_a_server_error(
    client: Client, sandbox_demo: Any, data: st.DataObject
) -> None:
    event_id, session_id = _ids(
        data.draw(st.sampled_from([sandbox_demo.concert, sandbox_demo.museum, sandbox_demo.tour]))
    )
    unknown = str(data.draw(st.uuids()))
    path = data.draw(
        st.sampled_from(
            [
                "/",
                f"/events/{event_id}/",
                f"/events/{unknown}/",
                f"/events/{event_id}/sessions/{session_id}/",
                f"/events/{event_id}/sessions/{unknown}/",
                "/terms/",
                "/privacy/",
                "/orders/find/",
                "/healthz",
                f"/logo/{data.draw(TEXT.filter(lambda s: '/' not in s and s))}",
            ]
        )
    )
    names = [
        "q",
        "date_from",
        "date_to",
        "page",
        "month",
        "day",
        "sent",
        f"qty_{sandbox_demo.concert.offer_id}",
        f"qty_{sandbox_demo.museum.offer_id}",
    ]
    send(client, "GET", path, data.draw(fields(names)), data.draw(HEADERS))


@FUZZ
@given(data=st.data())
def test_checkout_steps_never_answer_bad_forms_with_a_server_error(
    client: Client, sandbox_demo: Any, data: st.DataObject
) -> None:
    # The buyer may be anywhere in the checkout: nowhere, quantities chosen, or holding tickets.
    case = data.draw(st.sampled_from([sandbox_demo.concert, sandbox_demo.tour]))
    event_id, session_id = _ids(case)
    depth = data.draw(st.integers(0, 2))
    if depth:
        client.post(
            reverse("shop:checkout_start"),
            {"event": event_id, "session": session_id, f"qty_{case.offer_id}": "1"},
        )
    if depth == 2 and case is sandbox_demo.concert:
        client.post(reverse("shop:checkout_hold"), {})
    step = data.draw(st.sampled_from(["start", "answers", "hold", "details", "review", "confirm"]))
    method = "GET" if step == "review" else data.draw(st.sampled_from(["GET", "POST"]))
    names = {
        "start": ["event", "session", f"qty_{case.offer_id}"],
        "details": list(CUSTOMER),
    }.get(step, ["copy", "event", f"qty_{case.offer_id}"])
    form = data.draw(fields(names))
    if step == "start" and data.draw(st.booleans()):
        form = {"event": event_id, "session": session_id, **form}
    path = {
        "start": "/checkout/start/",
        "answers": "/checkout/tickets/",
        "hold": "/checkout/hold/",
        "details": "/checkout/details/",
        "review": "/checkout/review/",
        "confirm": "/checkout/confirm/",
    }[step]
    send(client, method, path, form, data.draw(HEADERS))


@pytest.fixture
def cruise_order(client: Client, sandbox_demo: Any) -> Order:
    """A confirmed order of the river cruise, whose tickets wait for beneficiary details."""
    case = sandbox_demo.beneficiary
    event_id, session_id = _ids(case)
    client.post(
        reverse("shop:checkout_start"),
        {"event": event_id, "session": session_id, f"qty_{case.offer_id}": "2"},
    )
    client.post(reverse("shop:checkout_hold"), {})
    client.post(reverse("shop:checkout_details"), CUSTOMER)
    client.post(reverse("shop:checkout_confirm"))
    order = Order.objects.get(status=Order.Status.CONFIRMED)
    fulfilment_start(order_id=order.pk)
    documents_poll(order_id=order.pk)
    return order


@FUZZ
@given(data=st.data())
def test_order_pages_never_answer_bad_input_with_a_server_error(
    client: Client, cruise_order: Order, data: st.DataObject
) -> None:
    secret = data.draw(
        st.one_of(
            st.just(cruise_order.secret),
            st.just(cruise_order.secret[:-1] + "A"),
            TEXT.filter(lambda s: s and "/" not in s and "\\" not in s),
        )
    )
    document = data.draw(st.integers(0, 10**12))
    path = data.draw(
        st.sampled_from(
            [
                f"/orders/{secret}/",
                f"/orders/{secret}/documents/status/",
                f"/orders/{secret}/documents/{document}/",
                f"/orders/{secret}/receipt/",
                f"/orders/{secret}/calendar.ics",
                f"/orders/{secret}/beneficiaries/",
                "/orders/find/",
                "/i18n/setlang/",
            ]
        )
    )
    method = data.draw(st.sampled_from(["GET", "POST"]))
    tickets = cruise_order.fulfilment.beneficiary_tickets or []
    names = ["email", "language", "next", "sent"] + [
        f"t{n}-{name}"
        for n in range(len(tickets))
        for name in ("firstname", "lastname", "dateOfBirth", "title", "email")
    ]
    send(client, method, path, data.draw(fields(names)), data.draw(HEADERS))
