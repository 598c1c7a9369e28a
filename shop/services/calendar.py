"""iCalendar (.ics) files for an order: one VEVENT per session the buyer has tickets for.

Written by hand (RFC 5545 is small for this use): TEXT escaping (§3.3.11), CRLF line ends and
folding at 75 octets without splitting a UTF-8 character (§3.1), UTC date-times, all-day
events for date-access tickets.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch
from django.utils import timezone

from shop.models import Order
from shop.services.receipts import item_label, order_items

_FOLD_OCTETS = 75


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    uid: str
    # A timezone-aware datetime for a timed session, a date for a full-day access.
    start: dt.datetime | dt.date
    summary: str
    end: dt.datetime | dt.date | None = None
    location: str = ""
    description: str = ""
    url: str = ""


def ics_escape(text: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and newlines."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def ics_fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets joined by CRLF + space."""
    encoded = line.encode("utf-8")
    if len(encoded) <= _FOLD_OCTETS:
        return line
    parts: list[str] = []
    current = b""
    # The first line holds 75 octets; continuation lines start with a space, so 74 more.
    limit = _FOLD_OCTETS
    for char in line:
        octets = char.encode("utf-8")
        if len(current) + len(octets) > limit:
            parts.append(current.decode("utf-8"))
            current = b""
            limit = _FOLD_OCTETS - 1
        current += octets
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _utc_stamp(value: dt.datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("calendar date-times must be timezone-aware")
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _date_property(name: str, value: dt.datetime | dt.date) -> str:
    if isinstance(value, dt.datetime):
        return f"{name}:{_utc_stamp(value)}"
    return f"{name};VALUE=DATE:{value.strftime('%Y%m%d')}"


def _event_lines(event: CalendarEvent, stamp: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"DTSTAMP:{stamp}",
        _date_property("DTSTART", event.start),
    ]
    end = event.end
    if end is None and not isinstance(event.start, dt.datetime):
        # An all-day event's DTEND is exclusive: the next day.
        end = event.start + dt.timedelta(days=1)
    if end is not None:
        lines.append(_date_property("DTEND", end))
    lines.append(f"SUMMARY:{ics_escape(event.summary)}")
    if event.location:
        lines.append(f"LOCATION:{ics_escape(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{ics_escape(event.description)}")
    if event.url:
        # URL is of type URI, not TEXT: no escaping (§3.8.4.6).
        lines.append(f"URL:{event.url}")
    lines.append("END:VEVENT")
    return lines


def ics_render(events: Iterable[CalendarEvent], *, product_id: str, now: dt.datetime) -> str:
    """The whole VCALENDAR text, CRLF-terminated."""
    stamp = _utc_stamp(now)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{ics_escape(product_id)}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    for event in events:
        lines.extend(_event_lines(event, stamp))
    lines.append("END:VCALENDAR")
    return "".join(ics_fold(line) + "\r\n" for line in lines)


def order_calendar_events(*, order: Order) -> list[CalendarEvent]:
    """One event per distinct (label, start) among the order's tickets."""
    seen: dict[tuple[str, str], CalendarEvent] = {}
    url = ""
    try:
        from shop.services.emails import order_url

        url = order_url(order)
    except NoReverseMatch:
        pass
    reference = order.reference or order.external_reference
    for item in order_items(order=order):
        label = item_label(order, item)
        starts: list[dt.datetime | dt.date] = sorted(
            {t.occurs_at for t in item.tickets if t.occurs_at}
        )
        if not starts and item.date:
            starts = [item.date]
        for start in starts:
            key = (label, start.isoformat())
            if key in seen:
                continue
            digest = hashlib.sha256("|".join(key).encode()).hexdigest()[:16]
            seen[key] = CalendarEvent(
                uid=f"{order.external_reference}-{digest}@korus-shop",
                start=start,
                summary=label,
                description=f"{settings.SHOP_NAME} · {reference}",
                url=url,
            )
    return sorted(seen.values(), key=_sort_key)


def _sort_key(event: CalendarEvent) -> str:
    start = event.start
    if isinstance(start, dt.datetime):
        return start.astimezone(dt.UTC).isoformat()
    return start.isoformat()


def order_ics(*, order: Order) -> str:
    """The order's .ics text, or "" when it has no dated ticket."""
    events = order_calendar_events(order=order)
    if not events:
        return ""
    return ics_render(
        events, product_id=f"-//{settings.SHOP_NAME}//Tickets//EN", now=timezone.now()
    )
