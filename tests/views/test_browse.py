"""Browse pages (issue 5) against the sandbox's demo catalog, with and without htmx."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client

from shop.korus import reset_client

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def _text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _event_url(case) -> str:
    return f"/events/{case.event_id}/"


def _session_url(case) -> str:
    return f"/events/{case.event_id}/sessions/{case.session_id}/"


# --- home -------------------------------------------------------------------------------------
def test_home_lists_the_demo_events_with_their_from_price(client: Client, sandbox_demo) -> None:
    text = _text(client.get("/"))
    assert "National Orchestra — Symphonie fantastique" in text
    assert "Museum of Light — timed entry" in text
    assert "From €20.00" in text  # the concert's cheapest category: child
    assert "Pottery workshop" not in text  # the second catalog is not the default one


def test_home_with_htmx_returns_only_the_results_region(client: Client, sandbox_demo) -> None:
    response = client.get("/", **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="results"')
    assert "<html" not in html
    assert "Old Lyon guided tour" in html


def test_home_search_by_text_keeps_matching_events_only(client: Client, sandbox_demo) -> None:
    text = _text(client.get("/", {"q": "orchestra"}))
    assert "National Orchestra" in text
    assert "Museum of Light" not in text


def test_home_date_range_without_sessions_says_nothing_matches(
    client: Client, sandbox_demo
) -> None:
    text = _text(client.get("/", {"date_from": "2099-01-01"}))
    assert "No event matches your search." in text


def test_home_with_an_empty_catalog_says_nothing_is_on_sale(client: Client, sandbox_client) -> None:
    assert "No events are on sale at the moment" in _text(client.get("/"))


# --- event ------------------------------------------------------------------------------------
def test_event_page_lists_sessions_with_local_times_and_availability(
    client: Client, sandbox_demo
) -> None:
    text = _text(client.get(_event_url(sandbox_demo.concert)))
    assert "Berlioz by the National Orchestra." in text
    assert "8 p.m." in text  # 20:00 Europe/Paris, whatever the server's zone
    assert "2 hours" in text
    assert "Only 3 left" in text
    assert "Sold out" in text


def test_event_page_shows_the_month_calendar_with_availability_words(
    client: Client, sandbox_demo
) -> None:
    html = client.get(_event_url(sandbox_demo.concert)).content.decode()
    calendar = html[html.index('id="calendar"') : html.index('id="sessions"')]
    assert "<table>" in calendar
    assert "Few left" in calendar or "Sold out" in calendar or "Available" in calendar
    assert 'hx-target="#calendar"' in calendar or "month" in calendar


def test_event_page_in_french_formats_times_and_asks_the_api_in_french(
    client: Client, sandbox_demo
) -> None:
    text = _text(client.get(_event_url(sandbox_demo.concert), HTTP_ACCEPT_LANGUAGE="fr"))
    assert "Orchestre national — Symphonie fantastique" in text
    assert "20:00" in text


def test_event_calendar_navigation_with_htmx_returns_only_the_calendar(
    client: Client, sandbox_demo
) -> None:
    response = client.get(
        _event_url(sandbox_demo.museum), {"month": "2099-01"}, HTTP_HX_TARGET="calendar", **HTMX
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="calendar"')
    assert 'id="sessions"' not in html
    assert "No sessions this month." in html


def test_event_session_paging_with_htmx_returns_only_the_session_list(
    client: Client, sandbox_demo
) -> None:
    url = _event_url(sandbox_demo.museum)
    first = client.get(url, {"page": 1}, HTTP_HX_TARGET="sessions", **HTMX).content.decode()
    second = client.get(url, {"page": 2}, HTTP_HX_TARGET="sessions", **HTMX).content.decode()
    assert first.lstrip().startswith('<section id="sessions"')
    assert 'rel="next"' in first
    assert first != second


def test_event_day_link_lists_that_days_sessions(client: Client, sandbox_demo) -> None:
    from sandbox.models import Session

    session = Session.objects.get(pk=sandbox_demo.museum.session_id)
    text = _text(client.get(_event_url(sandbox_demo.museum), {"day": session.local_date}))
    assert "Sessions on" in text
    assert text.count("30 minutes") == 18  # one museum slot every 30 minutes, 09:00-17:30


def test_unknown_event_is_a_404_with_a_way_back(client: Client, sandbox_demo) -> None:
    response = client.get(f"/events/{uuid.uuid4()}/")
    assert response.status_code == 404
    assert 'href="/"' in response.content.decode()


# --- session ----------------------------------------------------------------------------------
def test_session_page_lists_offers_with_prices_and_crossed_out_original(
    client: Client, sandbox_demo
) -> None:
    html = client.get(_session_url(sandbox_demo.concert)).content.decode()
    text = _text(client.get(_session_url(sandbox_demo.concert)))
    assert "Adult €45.00 incl. tax" in text
    assert "Child (under 12) €20.00" in text
    assert re.search(r"<del>.*€45.00</del>\s*€30.00", html, re.S)
    assert f'name="qty_{sandbox_demo.concert.offer_id}"' in html
    assert f'value="{sandbox_demo.concert.session_id}"' in html


def test_session_with_three_seats_left_says_so_and_bounds_the_quantity(
    client: Client, sandbox_demo
) -> None:
    html = client.get(_session_url(sandbox_demo.three_left)).content.decode()
    assert "Only 3 left" in _text(client.get(_session_url(sandbox_demo.three_left)))
    assert 'max="3"' in html


def test_sold_out_session_disables_the_quantities_and_the_button(
    client: Client, sandbox_demo
) -> None:
    html = client.get(_session_url(sandbox_demo.sold_out)).content.decode()
    assert "Sold out" in html
    assert re.search(r'<input type="number"[^>]*disabled', html)
    assert re.search(r'<button type="submit" class="btn" disabled', html)


def test_session_with_realtime_price_shows_the_price_endpoints_amount(
    client: Client, sandbox_demo
) -> None:
    text = _text(client.get(_session_url(sandbox_demo.realtime_price)))
    assert "€61.50" in text
    assert "€55.00" not in text


def test_date_access_day_shows_full_day_passes_without_a_time(client: Client, sandbox_demo) -> None:
    from sandbox.models import Session

    day = Session.objects.filter(event_id=sandbox_demo.date_access.event_id).order_by("occurs_at")[
        2
    ]
    response = client.get(f"/events/{sandbox_demo.date_access.event_id}/sessions/{day.pk}/")
    text = _text(response)
    assert "Adult day pass €25.00" in text
    assert "10 a.m." not in text


def test_session_page_in_french_formats_money_for_the_locale(client: Client, sandbox_demo) -> None:
    response = client.get(_session_url(sandbox_demo.concert), HTTP_ACCEPT_LANGUAGE="fr")
    assert "45,00\u00a0€" in response.content.decode()


def test_session_refresh_with_htmx_returns_the_offers_and_keeps_chosen_quantities(
    client: Client, sandbox_demo
) -> None:
    offer = sandbox_demo.concert.offer_id
    response = client.get(_session_url(sandbox_demo.concert), {f"qty_{offer}": "2"}, **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="offers"')
    assert re.search(rf'name="qty_{offer}" value="2"', html)


def test_unknown_session_is_a_404_linking_back_to_the_event(client: Client, sandbox_demo) -> None:
    response = client.get(f"/events/{sandbox_demo.concert.event_id}/sessions/{uuid.uuid4()}/")
    assert response.status_code == 404
    assert f'href="/events/{sandbox_demo.concert.event_id}/"' in response.content.decode()


# --- API down ---------------------------------------------------------------------------------
@pytest.fixture
def no_retries(settings) -> Iterator[None]:
    settings.KORUS_MAX_RETRIES = 0
    reset_client()
    yield
    reset_client()


@pytest.mark.usefixtures("no_retries")
def test_api_down_gives_a_friendly_503_page(client: Client, sandbox_demo, sandbox_faults) -> None:
    sandbox_faults.add("server_error")
    response = client.get(_event_url(sandbox_demo.concert))
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "Try again" in _text(response)
    assert "Traceback" not in response.content.decode()
