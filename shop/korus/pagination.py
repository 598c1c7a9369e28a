"""Hydra collections: one page at a time, or every item of every page."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

from shop.korus._parse import mappings
from shop.korus.models import Page

T = TypeVar("T")
logger = logging.getLogger("shop.korus")

# A guard against a server that keeps announcing a next page: far beyond any real catalog.
MAX_PAGES = 1000


def _page_number(link: Any) -> int | None:
    if not isinstance(link, str) or not link:
        return None
    values = parse_qs(urlsplit(link).query).get("page")
    try:
        return int(values[0]) if values else None
    except ValueError:
        return None


def parse_page(
    data: Mapping[str, Any],
    parse: Callable[[Mapping[str, Any]], T],
    *,
    page: int,
    items_per_page: int | None,
) -> Page[T]:
    """A Page from a collection body.

    With a `view`, its `next`/`previous` links decide. Without one (unpaginated or an older
    server), `totalItems` decides: more pages follow while fewer items than that were seen.
    """
    members = mappings(data.get("member", data.get("hydra:member")))
    items = tuple(parse(m) for m in members)
    total = data.get("totalItems", data.get("hydra:totalItems"))
    total_items = int(total) if isinstance(total, int | float) else None
    view = data.get("view", data.get("hydra:view"))
    if isinstance(view, Mapping):
        nxt = view.get("next", view.get("hydra:next"))
        prev = view.get("previous", view.get("hydra:previous"))
        next_page = (_page_number(nxt) or page + 1) if nxt else None
        previous_page = (_page_number(prev) or page - 1) if prev else None
    else:
        size = items_per_page or len(items)
        seen = (page - 1) * size + len(items)
        more = bool(items) and total_items is not None and seen < total_items
        next_page = page + 1 if more else None
        previous_page = page - 1 if page > 1 else None
    return Page(
        items=items,
        total_items=total_items,
        page=page,
        items_per_page=items_per_page,
        next_page=next_page,
        previous_page=previous_page,
    )


def iterate_pages(fetch_page: Callable[[int], Page[T]], *, first_page: int = 1) -> Iterator[T]:
    """Every item of every page, fetching pages lazily as the caller consumes items."""
    page_number: int | None = first_page
    fetched = 0
    while page_number is not None:
        if fetched >= MAX_PAGES:
            logger.warning("korus collection truncated after %d pages", fetched)
            return
        page = fetch_page(page_number)
        fetched += 1
        yield from page.items
        if not page.items or page.next_page is None or page.next_page <= page_number:
            return
        page_number = page.next_page
