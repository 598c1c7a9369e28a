"""Cached read-only lookups of the catalog for the browse pages (and display data for checkout).

Catalog data (events, sessions, offers, forms) is cached with a soft TTL: stale data is served
while one refresh runs, and a refresh that fails on a transient API error keeps serving it. Real-
time availability and prices are cached only for SHOP_REALTIME_TTL seconds (a burst absorber).
Cache keys carry the API language: translated texts differ per language.

The translation language is thread-local, so every function takes it (or reads it once, in the
request's thread) before work moves to `parallel()` threads.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language

from shop.korus import get_client, parallel
from shop.korus.errors import KorusTransientError, NotFound
from shop.korus.models import (
    Event,
    Form,
    Money,
    Offer,
    OfferAvailability,
    OfferPrice,
    Page,
    ProductBase,
    Session,
)
from shop.services.cache import CacheMiss, cache_fetch, cache_key, cache_only
from shop.services.operations import shop_settings_get

T = TypeVar("T")

# The API's largest page: the fewest calls when a month of sessions must be read.
SCAN_PAGE_SIZE = 50
# A bound on the pages one month may span (50 * 24 = 1200 sessions, 40 a day).
MAX_MONTH_PAGES = 24
# A shop-wide cap on one offer's quantity, under any per-order maximum the API gives.
MAX_QUANTITY_PER_OFFER = 10
_STALE_ON: tuple[type[BaseException], ...] = (KorusTransientError,)


class CatalogNotFound(Exception):
    """The event or session asked for does not exist (or is no longer sold)."""


class CatalogEmpty(Exception):
    """The API lists no catalog for our organization."""


# ---------------------------------------------------------------------------------------------
# Cache plumbing
# ---------------------------------------------------------------------------------------------
def api_language() -> str:
    """The buyer's language if the API serves it, else the API's default language."""
    languages = list(settings.KORUS_LANGUAGES) or [settings.LANGUAGE_CODE]
    current = (get_language() or "").split("-")[0]
    return current if current in languages else languages[0]


def _catalog_read(loader: Callable[[], T], *parts: object) -> T:
    return cache_fetch(
        cache_key("catalog", *parts),
        loader,
        soft_ttl=settings.SHOP_CATALOG_SOFT_TTL,
        hard_ttl=settings.SHOP_CATALOG_HARD_TTL,
        stale_on=_STALE_ON,
    )


def _realtime_read(loader: Callable[[], T], *parts: object) -> T:
    # A TTL of 0 stores nothing but still shares one in-flight call between concurrent views.
    ttl = max(0, settings.SHOP_REALTIME_TTL)
    return cache_fetch(cache_key("realtime", *parts), loader, soft_ttl=ttl, hard_ttl=ttl)


def _gather(*calls: Callable[[], Any]) -> list[Any]:
    """Results of independent reads: from the cache in this thread when all are fresh there
    (no thread hand-off on a warm page), else from parallel upstream calls."""
    try:
        with cache_only():
            return [call() for call in calls]
    except CacheMiss:
        return parallel(*calls)


def _or_none(load: Callable[[], T]) -> Callable[[], T | None]:
    """A loader that turns a 404 into None, so that "not found" is cached too."""

    def wrapped() -> T | None:
        try:
            return load()
        except NotFound:
            return None

    return wrapped


# ---------------------------------------------------------------------------------------------
# Catalog, events
# ---------------------------------------------------------------------------------------------
def catalog_id() -> str:
    """KORUS_CATALOG_ID, or the first catalog the API lists for us."""
    if settings.KORUS_CATALOG_ID:
        return str(settings.KORUS_CATALOG_ID)

    def first() -> str | None:
        page = get_client().catalogs_page(page=1, items_per_page=1)
        return page.items[0].id if page.items else None

    found = _catalog_read(first, "catalog-id")
    if found is None:
        raise CatalogEmpty
    return found


def event_list(*, language: str | None = None) -> tuple[Event, ...]:
    """Every event of the catalog (one cached list: search and filters run on it)."""
    lang = language or api_language()
    cid = catalog_id()
    return _catalog_read(
        lambda: tuple(get_client().events(cid, language=lang)), "events", cid, lang
    )


def event_get(event_id: str, *, language: str | None = None) -> Event:
    lang = language or api_language()
    cid = catalog_id()
    event = _catalog_read(
        _or_none(lambda: get_client().event(cid, event_id, language=lang)),
        "event",
        cid,
        event_id,
        lang,
    )
    if event is None:
        raise CatalogNotFound(event_id)
    return event


def event_details(event_id: str, *, language: str | None = None) -> ProductBase | None:
    """The product base of the same id, when the API has one (timezone, venue, per-order cap).

    The older model's events carry neither; the sandbox serves each event as a product base too.
    """
    lang = language or api_language()
    cid = catalog_id()
    return _catalog_read(
        _or_none(lambda: get_client().product_base(cid, event_id, language=lang)),
        "event-base",
        cid,
        event_id,
        lang,
    )


def event_timezone(details: ProductBase | None) -> str:
    name = (details.timezone if details else None) or settings.SHOP_TIMEZONE
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return str(settings.SHOP_TIMEZONE)
    return name


# ---------------------------------------------------------------------------------------------
# Sessions
# ---------------------------------------------------------------------------------------------
def _sessions_page(
    cid: str, event_id: str, page: int, size: int, order: str = "asc"
) -> Page[Session]:
    # Sessions carry no translated text: one cache entry serves every language.
    def load() -> Page[Session]:
        return get_client().sessions_page(
            cid,
            event_id,
            page=page,
            items_per_page=size,
            order="desc" if order == "desc" else "asc",
        )

    return _catalog_read(load, "sessions", cid, event_id, order, size, page)


def _page_count(first: Page[Session], size: int) -> int:
    if first.total_items is None:
        return first.page + (1 if first.has_next else 0)
    return max(1, math.ceil(first.total_items / size))


def _page_holding(cid: str, event_id: str, when: dt.datetime, size: int) -> int:
    """The page (of `size`, ascending) holding the first session at or after `when`.

    A binary search over cached pages: log2(pages) reads instead of walking from page 1.
    """
    first = _sessions_page(cid, event_id, 1, size)
    low, high = 1, _page_count(first, size)
    while low < high:
        middle = (low + high) // 2
        items = _sessions_page(cid, event_id, middle, size).items
        last = items[-1].occurs_at if items else None
        if last is None or last >= when:
            high = middle
        else:
            low = middle + 1
    return low


def session_list_page(event_id: str, page: int | None = None) -> Page[Session]:
    """One page of the event's sessions (the API's page); by default the first upcoming one."""
    cid = catalog_id()
    size = settings.SHOP_SESSIONS_PER_PAGE
    if page is None:
        # Where "upcoming" starts moves only as sessions pass: cached like catalog data.
        page = _catalog_read(
            lambda: _page_holding(cid, event_id, timezone.now(), size),
            "upcoming-page",
            cid,
            event_id,
            size,
        )
    return _sessions_page(cid, event_id, max(1, page), size)


def session_get(event_id: str, session_id: str) -> Session:
    cid = catalog_id()
    session = _catalog_read(
        _or_none(lambda: get_client().session(cid, event_id, session_id)),
        "session",
        cid,
        event_id,
        session_id,
    )
    if session is None:
        raise CatalogNotFound(session_id)
    return session


def session_available(event_id: str, session_id: str) -> int | None:
    """Real-time seats left in a session (None: not tracked)."""
    cid = catalog_id()
    return _realtime_read(
        lambda: get_client().session_availability(cid, event_id, session_id).available_quantity,
        "session-availability",
        cid,
        event_id,
        session_id,
    )


@dataclass(frozen=True, slots=True)
class SessionBounds:
    first: Session | None
    last: Session | None
    next: Session | None
    total: int | None


def session_bounds(event_id: str) -> SessionBounds:
    """The event's first, last and next upcoming session (one small cached value)."""
    cid = catalog_id()
    return _catalog_read(lambda: _session_bounds(cid, event_id), "bounds", cid, event_id)


def _session_bounds(cid: str, event_id: str) -> SessionBounds:
    first_page = _sessions_page(cid, event_id, 1, SCAN_PAGE_SIZE)
    if not first_page.items:
        return SessionBounds(None, None, None, first_page.total_items or 0)
    last = _sessions_page(cid, event_id, 1, 1, order="desc").items
    now = timezone.now()
    page = _page_holding(cid, event_id, now, SCAN_PAGE_SIZE)
    upcoming = [
        s
        for s in _sessions_page(cid, event_id, page, SCAN_PAGE_SIZE).items
        if s.occurs_at and s.occurs_at >= now
    ]
    return SessionBounds(
        first=first_page.items[0],
        last=last[0] if last else first_page.items[-1],
        next=upcoming[0] if upcoming else None,
        total=first_page.total_items,
    )


# ---------------------------------------------------------------------------------------------
# Month calendar
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Availability:
    """What the buyer is told: a word (and a count when low), never a colour alone."""

    quantity: int | None
    threshold: int

    @property
    def sold_out(self) -> bool:
        return self.quantity is not None and self.quantity <= 0

    @property
    def low(self) -> bool:
        return self.quantity is not None and 0 < self.quantity <= self.threshold

    @property
    def level(self) -> str:
        return "out" if self.sold_out else "low" if self.low else "ok"


# A month grid or a session list asks for the threshold per row: shop_settings_get() answers
# from its per-process memo (at most a second old), not with a round trip each time.
def low_stock_threshold() -> int:
    """The operator's "only N left" threshold (ShopSettings; settings.SHOP_LOW_STOCK_THRESHOLD
    until an operator edits it). Call it in the request's thread, not in `parallel()` ones: a
    pool thread must not open a database connection of its own."""
    return shop_settings_get().low_stock_threshold


def availability(quantity: int | None, threshold: int | None = None) -> Availability:
    """What the buyer is told about `quantity` seats (the shop's threshold unless given)."""
    return Availability(quantity, low_stock_threshold() if threshold is None else threshold)


@dataclass(frozen=True, slots=True)
class CalendarDay:
    """One day of the month grid: how many sessions, how many seats (None: not tracked)."""

    date: dt.date
    in_month: bool
    count: int = 0
    available: int | None = None

    @property
    def availability(self) -> Availability | None:
        return availability(self.available) if self.count else None


@dataclass(frozen=True, slots=True)
class MonthCalendar:
    year: int
    month: int
    weeks: tuple[tuple[CalendarDay, ...], ...]
    previous: dt.date | None
    next: dt.date | None
    truncated: bool
    # When the data was read: rendered fragments of this month are cached under it.
    built_at: float = 0.0

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def session_days(self) -> tuple[CalendarDay, ...]:
        return tuple(d for week in self.weeks for d in week if d.in_month and d.count)


def _month_start(date: dt.date) -> dt.date:
    return date.replace(day=1)


def _add_month(date: dt.date, months: int) -> dt.date:
    index = date.year * 12 + date.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def default_month(event_id: str, zone: str) -> dt.date:
    """The month of the next upcoming session (or of the last one, when all are past)."""
    bounds = session_bounds(event_id)
    session = bounds.next or bounds.last
    if session is None or session.occurs_at is None:
        return _month_start(timezone.now().astimezone(ZoneInfo(zone)).date())
    return _month_start(session.occurs_at.astimezone(ZoneInfo(zone)).date())


def event_month(
    event_id: str, month: dt.date, zone: str, *, first_weekday: int = 0
) -> MonthCalendar:
    """The month's grid, each day with its sessions (days in the event's time zone).

    `first_weekday` follows Python's calendar (0 = Monday).
    """
    cid = catalog_id()
    month = _month_start(month)

    def load() -> MonthCalendar:
        return _build_month(cid, event_id, month, ZoneInfo(zone), first_weekday)

    return _catalog_read(load, "month", cid, event_id, month.isoformat(), zone, first_weekday)


def _build_month(
    cid: str, event_id: str, month: dt.date, zone: ZoneInfo, first_weekday: int
) -> MonthCalendar:
    start = dt.datetime.combine(month, dt.time(), zone)
    end = dt.datetime.combine(_add_month(month, 1), dt.time(), zone)
    sessions, truncated = _sessions_between(cid, event_id, start, end)
    by_day: dict[dt.date, list[Session]] = {}
    for session in sessions:
        if session.occurs_at is not None:
            by_day.setdefault(session.occurs_at.astimezone(zone).date(), []).append(session)
    bounds = session_bounds(event_id)
    first_at = bounds.first.occurs_at if bounds.first else None
    last_at = bounds.last.occurs_at if bounds.last else None
    weeks = tuple(
        tuple(_calendar_day(day, day.month == month.month, by_day.get(day, ())) for day in week)
        for week in calendar.Calendar(first_weekday).monthdatescalendar(month.year, month.month)
    )
    return MonthCalendar(
        year=month.year,
        month=month.month,
        weeks=weeks,
        previous=_add_month(month, -1) if first_at and first_at < start else None,
        next=_add_month(month, 1) if last_at and last_at >= end else None,
        truncated=truncated,
        built_at=time.time(),
    )


def _calendar_day(date: dt.date, in_month: bool, sessions: Sequence[Session]) -> CalendarDay:
    quantities = [s.available_quantity for s in sessions]
    available = None if any(q is None for q in quantities) else sum(q or 0 for q in quantities)
    return CalendarDay(date, in_month, len(sessions), available)


def _sessions_between(
    cid: str, event_id: str, start: dt.datetime, end: dt.datetime
) -> tuple[list[Session], bool]:
    """Sessions in [start, end), from the cached API pages that hold them (bounded)."""
    page = _page_holding(cid, event_id, start, SCAN_PAGE_SIZE)
    found: list[Session] = []
    for number in range(page, page + MAX_MONTH_PAGES):
        current = _sessions_page(cid, event_id, number, SCAN_PAGE_SIZE)
        found.extend(s for s in current.items if s.occurs_at and start <= s.occurs_at < end)
        last = current.items[-1].occurs_at if current.items else None
        if not current.has_next or last is None or last >= end:
            return found, False
    return found, True


def event_day(event_id: str, day: dt.date, zone: str) -> tuple[Session, ...]:
    """The sessions of one day (in the event's time zone)."""
    cid = catalog_id()
    start = dt.datetime.combine(day, dt.time(), ZoneInfo(zone))
    end = start + dt.timedelta(days=1)
    return _catalog_read(
        lambda: tuple(_sessions_between(cid, event_id, start, end)[0]),
        "day",
        cid,
        event_id,
        day.isoformat(),
        zone,
    )


@dataclass(frozen=True, slots=True)
class EventPage:
    event: Event
    details: ProductBase | None
    timezone: str
    month: MonthCalendar
    day: dt.date | None
    day_sessions: tuple[Session, ...]
    sessions: Page[Session]


def event_page(
    event_id: str,
    *,
    page: int | None = None,
    month: dt.date | None = None,
    day: dt.date | None = None,
    first_weekday: int = 0,
) -> EventPage:
    """The event page: the event, a month of its calendar, and one page of its sessions.

    The event, its details and the session page are read in parallel; the month (which needs
    the event's time zone) follows, from cached session pages.
    """
    lang = api_language()
    catalog_id()
    event, details, sessions = _gather(
        lambda: event_get(event_id, language=lang),
        lambda: event_details(event_id, language=lang),
        lambda: session_list_page(event_id, page),
    )
    zone = event_timezone(details)
    if day is not None:
        month = day
    shown = event_month(
        event_id, month or default_month(event_id, zone), zone, first_weekday=first_weekday
    )
    return EventPage(
        event=event,
        details=details,
        timezone=zone,
        month=shown,
        day=day,
        day_sessions=event_day(event_id, day, zone) if day else (),
        sessions=sessions,
    )


# ---------------------------------------------------------------------------------------------
# Offers of a session, with real-time price and availability
# ---------------------------------------------------------------------------------------------
def session_offers(
    event_id: str, session_id: str, *, language: str | None = None
) -> tuple[Offer, ...]:
    """The offers (price categories) valid for a session, as listed (cached catalog data)."""
    lang = language or api_language()
    cid = catalog_id()
    return _catalog_read(
        lambda: tuple(get_client().offers(cid, session=session_id, language=lang)),
        "session-offers",
        cid,
        session_id,
        lang,
    )


def offer_price(offer_id: str) -> OfferPrice:
    """The real-time price of an offer (a few seconds of cache at most)."""
    cid = catalog_id()
    return _realtime_read(lambda: get_client().offer_price(cid, offer_id), "price", cid, offer_id)


def offer_availability(offer_id: str) -> OfferAvailability:
    """The real-time availability of an offer (a few seconds of cache at most)."""
    cid = catalog_id()
    return _realtime_read(
        lambda: get_client().offer_availability(cid, offer_id), "availability", cid, offer_id
    )


def form_get(form_iri: str, *, language: str | None = None) -> Form:
    lang = language or api_language()
    return _catalog_read(lambda: get_client().form(form_iri, language=lang), "form", form_iri, lang)


@dataclass(frozen=True, slots=True)
class OfferLine:
    offer: Offer
    price: Money | None
    original_price: Money | None
    availability: Availability
    max_quantity: int

    @property
    def id(self) -> str:
        return self.offer.id

    @property
    def name(self) -> str:
        return self.offer.product.name if self.offer.product else ""

    @property
    def description(self) -> str | None:
        return self.offer.product.description if self.offer.product else None

    @property
    def date_access(self) -> bool:
        return bool(self.offer.tickets) and all(t.date_access for t in self.offer.tickets)

    @property
    def discounted(self) -> bool:
        return bool(
            self.price and self.original_price and self.original_price.amount > self.price.amount
        )


@dataclass(frozen=True, slots=True)
class SessionDetail:
    event: Event
    session: Session
    details: ProductBase | None
    timezone: str
    lines: tuple[OfferLine, ...]
    availability: Availability

    @property
    def bookable(self) -> bool:
        return any(line.max_quantity > 0 for line in self.lines)

    @property
    def all_day(self) -> bool:
        """Every offer is a full-day (date-access) ticket: the session's time means nothing."""
        return bool(self.lines) and all(line.date_access for line in self.lines)


def session_detail(event_id: str, session_id: str) -> SessionDetail:
    """Everything the session page shows, in at most two rounds of parallel reads.

    Round one: the event, its details, the session, its offers and its real-time availability.
    Round two, only for the offers that need it: real-time prices (`realtimePriceRequired`),
    and real-time availability of date-access offers (their stock is their own, not the
    session's) that require the check.
    """
    lang = api_language()
    catalog_id()  # resolved once here, not by every thread below
    # The offers first: the API takes longest to list them, so their request leaves first.
    offers, event, details, session, seats = _gather(
        lambda: session_offers(event_id, session_id, language=lang),
        lambda: event_get(event_id, language=lang),
        lambda: event_details(event_id, language=lang),
        lambda: session_get(event_id, session_id),
        lambda: session_available(event_id, session_id),
    )
    priced = [o for o in offers if o.realtime_price_required]
    checked = [o for o in offers if o.availability_check_required and _is_date_access(o)]
    results = _gather(
        *(lambda o=o: offer_price(o.id) for o in priced),
        *(lambda o=o: offer_availability(o.id) for o in checked),
    )
    prices: dict[str, OfferPrice] = {
        o.id: r for o, r in zip(priced, results[: len(priced)], strict=True)
    }
    stocks: dict[str, OfferAvailability] = {
        o.id: r for o, r in zip(checked, results[len(priced) :], strict=True)
    }
    per_order = details.max_amount_per_order if details else None
    lines = tuple(
        _offer_line(offer, prices.get(offer.id), stocks.get(offer.id), seats, per_order)
        for offer in offers
        if not (offer.product and offer.product.disabled)
    )
    return SessionDetail(
        event=event,
        session=session,
        details=details,
        timezone=event_timezone(details),
        lines=lines,
        availability=availability(seats if seats is not None else session.available_quantity),
    )


def _is_date_access(offer: Offer) -> bool:
    return bool(offer.tickets) and all(t.date_access for t in offer.tickets)


def _offer_line(
    offer: Offer,
    price: OfferPrice | None,
    stock: OfferAvailability | None,
    session_seats: int | None,
    per_order: int | None,
) -> OfferLine:
    if stock is not None:
        quantity = stock.available_quantity
    elif not _is_date_access(offer) and session_seats is not None:
        # Session tickets share the session's seats: its real-time count is the offer's.
        quantity = session_seats
        if offer.available_quantity is not None:
            quantity = min(quantity, offer.available_quantity)
    else:
        quantity = offer.available_quantity
    caps = [MAX_QUANTITY_PER_OFFER]
    if quantity is not None:
        caps.append(max(0, quantity))
    if per_order:
        caps.append(per_order)
    return OfferLine(
        offer=offer,
        price=price.incl_tax if price else offer.price,
        original_price=offer.original_price,
        availability=availability(quantity),
        max_quantity=min(caps),
    )


# ---------------------------------------------------------------------------------------------
# Home page: events with their next date, "from" price and availability hint
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class EventSummary:
    event: Event
    next_session: Session | None
    last_session: Session | None
    from_price: Money | None
    availability: Availability | None


def event_summary(event: Event, *, language: str, threshold: int | None = None) -> EventSummary:
    """The event's card; `threshold` must be given when called from a `parallel()` thread."""
    bounds = session_bounds(event.id)
    from_price: Money | None = None
    if bounds.next is not None:
        prices = [
            o.price
            for o in session_offers(event.id, bounds.next.id, language=language)
            if o.price is not None
        ]
        from_price = min(prices, key=lambda m: m.amount) if prices else None
    return EventSummary(
        event=event,
        next_session=bounds.next,
        last_session=bounds.last,
        from_price=from_price,
        availability=(
            availability(bounds.next.available_quantity, threshold) if bounds.next else None
        ),
    )


@dataclass(frozen=True, slots=True)
class EventSearch:
    query: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @property
    def by_date(self) -> bool:
        return self.date_from is not None or self.date_to is not None


@dataclass(frozen=True, slots=True)
class EventListPage:
    summaries: tuple[EventSummary, ...]
    page: int
    pages: int
    total: int

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def previous_page(self) -> int:
        return self.page - 1

    @property
    def next_page(self) -> int:
        return self.page + 1


def event_search(search: EventSearch, *, page: int = 1) -> EventListPage:
    """Events matching a text (name, description) and a date range, one page of them.

    The API has no event filters, so they run on the cached list. An event matches a date
    range when its span of sessions (next upcoming to last) overlaps it. The operator's
    featured events come first, in their configured order; the rest keep the API's order.
    """
    lang = api_language()
    catalog_id()
    shop = shop_settings_get()
    threshold = low_stock_threshold()  # here: the summaries are built in pool threads
    words = search.query.casefold().split()
    events = [
        e
        for e in events_featured_first(event_list(language=lang), shop.featured_event_ids)
        if all(w in f"{e.name} {e.description or ''}".casefold() for w in words)
    ]
    size = settings.SHOP_EVENTS_PER_PAGE
    if search.by_date:
        summaries = _summaries(events, lang, threshold)
        summaries = [s for s in summaries if _overlaps(s, search)]
        return _paginate(summaries, page, size)
    pages = max(1, math.ceil(len(events) / size))
    page = min(max(1, page), pages)
    chosen = events[(page - 1) * size : page * size]
    return EventListPage(tuple(_summaries(chosen, lang, threshold)), page, pages, len(events))


def events_featured_first(events: Sequence[Event], featured_ids: Sequence[str]) -> list[Event]:
    """`featured_ids` first, in that order (ids the catalog lacks are skipped), then the rest
    in their given order. Ids compare case-insensitively: the admin keeps what was typed."""
    rank = {str(i).lower(): n for n, i in enumerate(featured_ids)}
    featured = sorted((e for e in events if e.id.lower() in rank), key=lambda e: rank[e.id.lower()])
    return featured + [e for e in events if e.id.lower() not in rank]


def _summaries(events: Sequence[Event], lang: str, threshold: int) -> list[EventSummary]:
    return _gather(
        *(lambda e=e: event_summary(e, language=lang, threshold=threshold) for e in events)
    )


def _overlaps(summary: EventSummary, search: EventSearch) -> bool:
    start, end = summary.next_session, summary.last_session
    if start is None or end is None or start.occurs_at is None or end.occurs_at is None:
        return False
    zone = ZoneInfo(settings.SHOP_TIMEZONE)
    first, last = start.occurs_at.astimezone(zone).date(), end.occurs_at.astimezone(zone).date()
    if search.date_from and last < search.date_from:
        return False
    return not (search.date_to and first > search.date_to)


def _paginate(summaries: list[EventSummary], page: int, size: int) -> EventListPage:
    pages = max(1, math.ceil(len(summaries) / size))
    page = min(max(1, page), pages)
    return EventListPage(
        tuple(summaries[(page - 1) * size : page * size]), page, pages, len(summaries)
    )
