"""Issue 6, acceptance 2: arbitrary POST data to the ticket forms step never breaks it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shop.session import BookingSession
from tests.services.booking_support import answers_post, fresh_client_and_cache  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])

# Text a browser can send: anything but lone surrogates, which no request can encode.
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
HUGE = st.builds(lambda n, c: c * n, st.integers(1000, 20_000), st.sampled_from("x9é,"))


@pytest.fixture
def tour_checkout(client: Client, sandbox_demo: Any) -> tuple[Client, dict[str, Any]]:
    case = sandbox_demo.tour
    client.post(
        reverse("shop:checkout_start"),
        {"event": str(case.event_id), "session": str(case.session_id), f"qty_{case.offer_id}": "2"},
    )
    valid = answers_post(BookingSession(client.session))
    client.post(reverse("shop:checkout_answers"), valid)  # saved and complete
    return client, valid


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_arbitrary_answers_get_a_page_or_a_redirect_and_lose_nothing_saved(
    tour_checkout: tuple[Client, dict[str, Any]], data: st.DataObject
) -> None:
    client, valid = tour_checkout
    first_unit = sorted({key.rsplit("-q_", 1)[0] for key in valid})[0]
    unit_keys = [key for key in valid if key.startswith(first_unit + "-")]
    keys = st.one_of(st.sampled_from(unit_keys), TEXT, st.just("copy"))
    values = st.one_of(TEXT, HUGE, st.lists(TEXT, max_size=4), st.integers().map(str))
    posted = data.draw(st.dictionaries(keys, values, max_size=12))
    before = BookingSession(client.session)
    kept = {p: a for p, a in before.all_answers().items() if p != first_unit}

    response = client.post(reverse("shop:checkout_answers"), posted)

    assert response.status_code in (200, 303)
    after = BookingSession(client.session)
    assert after.lines == before.lines
    for prefix, answers in kept.items():
        assert after.answers(prefix) == answers
