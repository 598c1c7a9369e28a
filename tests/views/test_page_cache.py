"""Whole browse pages shared between visitors (shop/views/page_cache.py): a warm page makes no
upstream call and no render, yet every visitor gets their own CSRF token and nonce, their own
messages, and the language and htmx region they asked for."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.sessions.backends.cache import SessionStore
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from shop.services import catalog
from shop.views import page_cache
from shop.views.page_cache import CachedPage, cached_page

HTMX = {"HTTP_HX_REQUEST": "true"}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def _session_url(case: Any) -> str:
    return f"/events/{case.event_id}/sessions/{case.session_id}/"


def _no_more_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("the page was built again instead of coming from the page cache")

    for name in ("session_detail", "event_page", "event_search"):
        monkeypatch.setattr(catalog, name, fail)


def test_a_warm_page_comes_from_the_cache_without_reading_the_catalog(
    client: Client, sandbox_demo: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = _session_url(sandbox_demo.concert)
    first = client.get(url)
    _no_more_reads(monkeypatch)

    second = Client().get(url)

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.status_code == 200
    assert "Symphonie fantastique" in second.content.decode()


def test_every_visitor_gets_their_own_working_csrf_token(sandbox_demo: Any) -> None:
    url = _session_url(sandbox_demo.concert)
    visitors = [Client(enforce_csrf_checks=True) for _ in range(2)]
    pages = [visitor.get(url) for visitor in visitors]
    tokens = [TOKEN.findall(page.content.decode()) for page in pages]

    assert [page["X-Page-Cache"] for page in pages] == ["miss", "hit"]
    assert tokens[0]
    assert tokens[1]
    assert set(tokens[0]).isdisjoint(tokens[1])
    for page, found in zip(pages, tokens, strict=True):
        html = page.content.decode()
        assert page_cache.CSRF_PLACEHOLDER not in html
        assert f'"X-CSRFToken": "{found[0]}"' in html  # htmx sends the same one
    # The token on the shared page is the visitor's own: the language form accepts it.
    for visitor, found in zip(visitors, tokens, strict=True):
        answer = visitor.post("/i18n/setlang/", {"language": "fr", "csrfmiddlewaretoken": found[0]})
        assert answer.status_code == 302


def test_a_visitors_message_is_shown_to_them_only(sandbox_demo: Any) -> None:
    url = _session_url(sandbox_demo.concert)
    Client().get(url)  # warm
    buyer = Client()
    event_id, session_id = sandbox_demo.concert.event_id, sandbox_demo.concert.session_id
    buyer.post("/checkout/start/", {"event": event_id, "session": session_id})

    with_message = buyer.get(url)
    other = Client().get(url)
    after = buyer.get(url)

    assert with_message["X-Page-Cache"] == "bypass"
    assert "Please choose at least one ticket." in with_message.content.decode()
    assert "Please choose at least one ticket." not in other.content.decode()
    assert "Please choose at least one ticket." not in after.content.decode()


def test_languages_and_htmx_regions_are_kept_apart(client: Client, sandbox_demo: Any) -> None:
    url = f"/events/{sandbox_demo.concert.event_id}/"
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    region = client.get(url, HTTP_HX_TARGET="sessions", **HTMX).content.decode()

    assert "National Orchestra" in english
    assert "Orchestre national" in french
    assert region.lstrip().startswith('<section id="sessions"')
    assert "<html" not in region


def test_a_not_found_page_is_not_kept(client: Client, sandbox_demo: Any) -> None:
    url = f"/events/{sandbox_demo.concert.event_id}/sessions/{sandbox_demo.museum.session_id}/"
    answers = [client.get(url) for _ in range(2)]

    assert [(a.status_code, a["X-Page-Cache"]) for a in answers] == [(404, "miss")] * 2


def test_with_no_realtime_ttl_nothing_is_kept(
    client: Client, sandbox_demo: Any, settings: Any
) -> None:
    settings.SHOP_REALTIME_TTL = 0
    url = _session_url(sandbox_demo.concert)

    assert [client.get(url)["X-Page-Cache"] for _ in range(2)] == ["miss", "miss"]


# --- the decorator and its parts, on their own --------------------------------------------------
def _request(path: str = "/page/") -> HttpRequest:
    request = RequestFactory().get(path)
    request.session = SessionStore()
    request.csp_nonce = "n0nce"  # type: ignore[attr-defined]
    return request


@pytest.mark.django_db
def test_a_page_whose_render_read_the_session_is_not_kept() -> None:
    @cached_page
    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse(f"cart of {request.session.get('who', 'nobody')}")

    answers = [view(_request()) for _ in range(2)]

    assert [a["X-Page-Cache"] for a in answers] == ["miss", "miss"]


def test_placeholders_become_this_requests_token_and_nonce() -> None:
    request = _request()
    csrf, nonce = page_cache.CSRF_PLACEHOLDER, page_cache.NONCE_PLACEHOLDER
    page = f'<body data-t="{csrf}"><script nonce="{nonce}">'

    html = page_cache.personalize(page.encode(), request).decode()

    assert page_cache.CSRF_PLACEHOLDER not in html
    assert page_cache.NONCE_PLACEHOLDER not in html
    assert 'nonce="n0nce"' in html
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"]  # the matching cookie goes out too


def test_an_expired_page_is_not_served_from_either_copy() -> None:
    key = "page-test"
    stale = CachedPage(b"old", "text/html", time.time() - 1)
    cache.set(key, stale, 60)
    page_cache._remember(key, stale)

    assert page_cache.page_get(key) is None


def test_a_page_another_process_stored_is_served_and_kept_here() -> None:
    key = "page-test"
    cache.set(key, CachedPage(b"shared", "text/html", time.time() + 60), 60)

    first = page_cache.page_get(key)
    cache.delete(key)
    again = page_cache.page_get(key)

    assert first is not None
    assert first.content == b"shared"
    assert again == first  # this process's copy, until the shared entry's expiry


def test_a_kept_page_loses_its_indentation_but_not_its_words() -> None:
    page = b"<ul>\n    <li>One</li>\n\n    <li>Two  words</li>\n</ul>\n<p>a \t b</p>"

    assert page_cache.compact(page) == b"<ul>\n<li>One</li>\n<li>Two words</li>\n</ul>\n<p>a b</p>"
    verbatim = b"<pre>  keep\n\n  this</pre>"
    assert page_cache.compact(verbatim) == verbatim


def test_the_shared_event_page_is_smaller_than_the_template_renders_it(
    client: Client, sandbox_demo: Any
) -> None:
    url = f"/events/{sandbox_demo.museum.event_id}/"
    first, again = client.get(url), client.get(url)

    assert first.content == again.content.replace(
        TOKEN.findall(again.content.decode())[0].encode(),
        TOKEN.findall(first.content.decode())[0].encode(),
    )
    assert b"\n\n" not in first.content
    assert b"    " not in first.content
