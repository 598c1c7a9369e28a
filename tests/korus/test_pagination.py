from __future__ import annotations

from typing import Any

import pytest

from shop.korus import pagination
from shop.korus.models import Page
from shop.korus.pagination import iterate_pages, parse_page


def ident(data: Any) -> Any:
    return data["n"]


def test_view_links_give_next_and_previous_pages() -> None:
    page = parse_page(
        {
            "totalItems": 30,
            "member": [{"n": 1}],
            "view": {"next": "/x?page=3&itemsPerPage=10", "previous": "/x?page=1"},
        },
        ident,
        page=2,
        items_per_page=10,
    )
    assert (page.items, page.next_page, page.previous_page) == ((1,), 3, 1)


def test_view_link_without_page_number_means_the_adjacent_page() -> None:
    page = parse_page(
        {"member": [{"n": 1}], "view": {"next": "/x?cursor=abc", "previous": "/x?page=zz"}},
        ident,
        page=4,
        items_per_page=None,
    )
    assert (page.next_page, page.previous_page, page.total_items) == (5, 3, None)


def test_last_page_of_a_view_has_no_next() -> None:
    page = parse_page(
        {"totalItems": 3, "member": [{"n": 3}], "view": {"previous": "/x?page=1"}},
        ident,
        page=2,
        items_per_page=2,
    )
    assert not page.has_next
    assert page.has_previous


def test_without_view_total_items_decides() -> None:
    first = parse_page(
        {"totalItems": 3, "member": [{"n": 1}, {"n": 2}]}, ident, page=1, items_per_page=2
    )
    last = parse_page({"totalItems": 3, "member": [{"n": 3}]}, ident, page=2, items_per_page=2)
    assert first.next_page == 2
    assert last.next_page is None


def test_without_view_or_total_there_is_no_next_page() -> None:
    page = parse_page({"member": [{"n": 1}]}, ident, page=1, items_per_page=None)
    assert page.next_page is None


def test_hydra_prefixed_keys_of_older_servers() -> None:
    page = parse_page(
        {
            "hydra:totalItems": 2,
            "hydra:member": [{"n": 1}],
            "hydra:view": {"hydra:next": "/x?page=2"},
        },
        ident,
        page=1,
        items_per_page=1,
    )
    assert (page.items, page.total_items, page.next_page) == ((1,), 2, 2)


def _pages(*pages: Page[int]) -> Any:
    by_number = {p.page: p for p in pages}
    fetched: list[int] = []

    def fetch(n: int) -> Page[int]:
        fetched.append(n)
        return by_number[n]

    return fetch, fetched


def page(n: int, items: tuple[int, ...], next_page: int | None) -> Page[int]:
    return Page(items, None, n, None, next_page, None)


def test_iteration_stops_on_an_empty_page() -> None:
    fetch, fetched = _pages(page(1, (), 2))
    assert list(iterate_pages(fetch)) == []
    assert fetched == [1]


def test_iteration_stops_when_next_does_not_move_forward() -> None:
    fetch, fetched = _pages(page(1, (1,), 2), page(2, (2,), 1))
    assert list(iterate_pages(fetch)) == [1, 2]
    assert fetched == [1, 2]


def test_iteration_is_lazy() -> None:
    fetch, fetched = _pages(page(1, (1, 2), 2), page(2, (3,), None))
    items = iterate_pages(fetch)
    assert next(items) == 1
    assert fetched == [1]


def test_runaway_collections_are_cut_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(pagination, "MAX_PAGES", 3)
    items = list(iterate_pages(lambda n: page(n, (n,), n + 1)))
    assert items == [1, 2, 3]
    assert "truncated after 3 pages" in caplog.text
