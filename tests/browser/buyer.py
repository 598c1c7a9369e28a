"""What a buyer does on the pages, as small steps the journeys share.

Selectors go by role and accessible name where the page offers them (what a screen-reader user
hears), so a journey also checks that the controls are named.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import Locator, Page, expect

from tests.browser.journey import Journey

PARIS = ZoneInfo("Europe/Paris")
BUYER = {
    "First name": "Ada",
    "Last name": "Lovelace",
    "Email": "ada@example.com",
    "Email (again)": "ada@example.com",
    "Phone (optional)": "+33 6 10 20 30 40",
}


def session_date(session_id: Any) -> dt.date:
    from sandbox import models as sm

    return sm.Session.objects.get(pk=session_id).occurs_at.astimezone(PARIS).date()


def day_session_id(case: Any) -> str:
    """The day "session" that lists a date-access offer (see sandbox/README.md)."""
    from sandbox import models as sm

    offer = sm.Offer.objects.get(pk=case.offer_id)
    session = next(
        s
        for s in sm.Session.objects.filter(event_id=case.event_id)
        if s.occurs_at.astimezone(PARIS).date() == offer.date
    )
    return str(session.pk)


def open_event_from_home(trip: Journey, home_url: str, event_name: str) -> None:
    page = trip.page
    page.goto(home_url)
    expect(page.get_by_role("heading", name="What's on", level=1)).to_be_visible()
    trip.step("home")
    page.get_by_role("link", name=event_name).click()
    expect(page.get_by_role("heading", name=event_name, level=1)).to_be_visible()
    trip.step("event")


def calendar_title(page: Page) -> str:
    return page.locator("#calendar-title").inner_text()


def show_month_of(trip: Journey, day: dt.date) -> None:
    """Page the calendar (htmx swaps, or links without JavaScript) to the month of `day`."""
    page = trip.page
    wanted = day.strftime("%B %Y")
    for _ in range(3):
        if calendar_title(page) == wanted:
            return
        page.get_by_role("link", name=re.compile("Next month")).click()
        expect(page.locator("#calendar-title")).not_to_have_text(calendar_title(page))
    expect(page.locator("#calendar-title")).to_have_text(wanted)


def pick_day(trip: Journey, day: dt.date) -> None:
    page = trip.page
    page.locator(f'#calendar a[href^="?day={day.isoformat()}"]').click()
    expect(page.locator("#sessions-title")).to_contain_text("Sessions on")
    trip.step("day sessions")


def open_session(trip: Journey, starts_at: str) -> None:
    """Follow the session link whose time reads `starts_at` (English format: "10 a.m.")."""
    page = trip.page
    link = page.locator("#sessions").get_by_role("link", name=re.compile(re.escape(starts_at)))
    link.first.click()
    expect(page.get_by_role("heading", name="Tickets", level=2)).to_be_visible()
    trip.step("session offers")


def choose_quantity(page: Page, offer_id: Any, quantity: int) -> None:
    page.locator(f"#qty-{offer_id}").fill(str(quantity))


def press_continue(trip: Journey) -> None:
    trip.page.get_by_role("button", name="Continue").click()
    expect(trip.page.get_by_role("heading", name="Your tickets", level=1)).to_be_visible()
    trip.step("tickets")


def hold_tickets(trip: Journey) -> None:
    page = trip.page
    page.get_by_role("button", name="Hold these tickets").click()
    expect(page.get_by_role("heading", name="Your details", level=1)).to_be_visible()
    if trip.javascript:
        see_the_countdown_tick(page)
    else:
        # Without JavaScript the time left is still there, as text rendered by the server.
        expect(page.locator("[data-countdown-display]")).to_have_text(
            re.compile(r"about \d+ minutes?")
        )
    trip.step("details with countdown")


def see_the_countdown_tick(page: Page) -> None:
    """The hold's time left is shown as m:ss and goes down by itself, second by second."""
    display = page.locator("[data-countdown-display]")
    expect(display).to_have_text(re.compile(r"^\d+:\d{2}$"))
    shown = display.inner_text()
    expect(display).not_to_have_text(shown, timeout=3000)
    assert _seconds(display.inner_text()) < _seconds(shown)


def _seconds(clock: str) -> int:
    minutes, seconds = clock.split(":")
    return int(minutes) * 60 + int(seconds)


def fill_details(page: Page, values: dict[str, str] | None = None) -> None:
    for label, value in (values or BUYER).items():
        page.get_by_label(label, exact=True).fill(value)


def submit_details(trip: Journey) -> None:
    page = trip.page
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Confirm your order", level=1)).to_be_visible()
    trip.step("review")


def confirm_order(trip: Journey) -> str:
    """Confirm, land on the order page, and return its order reference."""
    page = trip.page
    page.get_by_role("button", name="Confirm my order").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"Your order KT-ORD-\w+"))
    expect(page.get_by_text("Your order is confirmed.")).to_be_visible()
    trip.step("order confirmed")
    return heading.inner_text().removeprefix("Your order ").strip()


def checkout_from_session(trip: Journey, offer_id: Any, quantity: int) -> str:
    """Quantities -> tickets -> hold -> details -> review -> order; returns the reference."""
    choose_quantity(trip.page, offer_id, quantity)
    press_continue(trip)
    hold_tickets(trip)
    fill_details(trip.page)
    submit_details(trip)
    return confirm_order(trip)


def answers(page: Page) -> Locator:
    """The first ticket's answers fieldset."""
    return page.locator("fieldset.answers").first


def fill_tour_answers(page: Page, *, group_size: str) -> None:
    """The guided tour's nine field types, answered as a buyer would (keyboard and mouse)."""
    form = answers(page)
    form.get_by_label("Visitor name").fill("Ada Lovelace")
    form.get_by_role("group", name="Wheelchair access").get_by_label("No").check()
    form.get_by_label("Group size").fill(group_size)
    form.get_by_label(re.compile(r"^Shop budget \(EUR\)")).fill("12.50")
    form.get_by_label(re.compile(r"^Date of birth")).fill("1990-05-17")
    form.get_by_label(re.compile(r"^Arrival time")).fill("09:45")
    form.get_by_label(re.compile(r"^Call me back at")).fill("2030-01-02T10:30")
    form.get_by_role("group", name="Tour language").get_by_label("English").check()
    interests = form.get_by_role("group", name=re.compile(r"^Interests"))
    interests.get_by_label("History").check()
    interests.get_by_label("Food").check()


def expect_tour_answers_kept(page: Page, *, group_size: str) -> None:
    form = answers(page)
    expect(form.get_by_label("Visitor name")).to_have_value("Ada Lovelace")
    expect(form.get_by_role("group", name="Wheelchair access").get_by_label("No")).to_be_checked()
    expect(form.get_by_label("Group size")).to_have_value(group_size)
    expect(form.get_by_label(re.compile(r"^Shop budget \(EUR\)"))).to_have_value("12.50")
    expect(form.get_by_label(re.compile(r"^Date of birth"))).to_have_value("1990-05-17")
    expect(form.get_by_label(re.compile(r"^Arrival time"))).to_have_value("09:45")
    expect(form.get_by_label(re.compile(r"^Call me back at"))).to_have_value("2030-01-02T10:30")
    expect(form.get_by_role("group", name="Tour language").get_by_label("English")).to_be_checked()
    interests = form.get_by_role("group", name=re.compile(r"^Interests"))
    expect(interests.get_by_label("History")).to_be_checked()
    expect(interests.get_by_label("Food")).to_be_checked()
    expect(interests.get_by_label("Architecture")).not_to_be_checked()


def held_answers() -> dict[str, list[str]]:
    """The answers the sandbox stored with the latest hold that had any, by field code."""
    from sandbox import models as sm

    line = sm.HoldLine.objects.exclude(form_data=None).order_by("-id").first()
    assert line is not None, "no hold with answers reached the sandbox"
    stored: dict[str, list[str]] = {}
    for answer in line.form_data:
        stored.setdefault(answer["code"], []).append(answer["value"])
    return stored
