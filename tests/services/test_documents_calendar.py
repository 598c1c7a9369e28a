"""The .ics file: RFC 5545 escaping and folding, one event per session."""

from __future__ import annotations

import datetime as dt

import pytest

from shop.services.calendar import CalendarEvent, ics_escape, ics_fold, ics_render, order_ics
from tests.services.documents_support import make_order

NOW = dt.datetime(2030, 1, 1, 12, 0, tzinfo=dt.UTC)


def test_text_values_escape_backslash_semicolon_comma_and_newline():
    assert ics_escape("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"


def test_long_lines_fold_at_75_octets_without_splitting_a_character():
    line = "SUMMARY:" + "é" * 100

    folded = ics_fold(line)

    parts = folded.split("\r\n ")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert "".join(parts) == line


def test_a_timed_session_is_written_in_utc():
    event = CalendarEvent(
        uid="u1@test",
        start=dt.datetime(2030, 6, 7, 20, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        summary="Show",
    )

    text = ics_render([event], product_id="-//t//EN", now=NOW)

    assert "DTSTART:20300607T180000Z\r\n" in text
    assert text.endswith("END:VCALENDAR\r\n")


def test_a_full_day_ticket_is_an_all_day_event_ending_the_next_day():
    event = CalendarEvent(uid="u2@test", start=dt.date(2030, 6, 7), summary="Park")

    text = ics_render([event], product_id="-//t//EN", now=NOW)

    assert "DTSTART;VALUE=DATE:20300607\r\n" in text
    assert "DTEND;VALUE=DATE:20300608\r\n" in text


@pytest.mark.django_db
def test_an_order_with_two_tickets_for_one_session_has_one_event():
    order = make_order(tickets=2)

    text = order_ics(order=order)

    assert text.count("BEGIN:VEVENT") == 1
    assert "SUMMARY:Cinéscénie\\, night show" in text
