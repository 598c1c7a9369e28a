"""Whole rendered browse pages, shared by every visitor for SHOP_REALTIME_TTL seconds.

A warm page is then one cache read and a string substitution instead of a template render.
What differs between visitors is never stored: the page is rendered with placeholders where
the CSRF token and the CSP nonce go (the `placeholders` context processor), and every response,
the one that filled the cache included, gets its own visitor's values in their place.

Each process keeps the pages it served last in memory too (`_local`, at most LOCAL_PAGES of
them), until the time the shared entry expires: a warm page then costs no cache round trip.
`clear_local()` empties that copy (tests, the bench's cache reset).

A request that carries flash messages is neither served from nor stored in the cache, nor is a
page whose render read the session (it could hold something of that visitor's). The key holds
the language, the htmx headers, the full path and a digest of the operator's shop settings, so
an edit in the admin shows at once in its own process and within SETTINGS_MEMO_SECONDS (one)
in the others.
"""

from __future__ import annotations

import re
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from shop.services.cache import cache_key
from shop.services.operations import shop_settings_get

# Letters only: neither HTML escaping nor JSON quoting can change them inside the page.
CSRF_PLACEHOLDER = "pagecachecsrftokenplaceholder"
NONCE_PLACEHOLDER = "pagecachecspnonceplaceholder"
_CSRF = CSRF_PLACEHOLDER.encode()
_NONCE = NONCE_PLACEHOLDER.encode()
_RENDERING = "_page_cache_rendering"
# Every pending message has this cookie (the session fallback leaves a marker in it too).
_MESSAGES_COOKIE = CookieStorage.cookie_name
HEADER = "X-Page-Cache"
# Runs of blank space (template indentation), which a browser renders as one space anyway.
_BLANKS = re.compile(rb"[ \t\r\n]{2,}")
# Where blank space is content, the page is kept as rendered.
_VERBATIM = (b"<pre", b"<textarea")
LOCAL_PAGES = 256

View = Callable[..., HttpResponse]


@dataclass(frozen=True, slots=True)
class CachedPage:
    content: bytes
    content_type: str
    expires: float  # epoch seconds: no process may serve the page after this


_local: OrderedDict[str, CachedPage] = OrderedDict()
_local_lock = threading.Lock()


def clear_local() -> None:
    with _local_lock:
        _local.clear()


def _remember(key: str, page: CachedPage) -> None:
    with _local_lock:
        _local[key] = page
        _local.move_to_end(key)
        while len(_local) > LOCAL_PAGES:
            _local.popitem(last=False)


def page_get(key: str) -> CachedPage | None:
    now = time.time()
    with _local_lock:
        page = _local.get(key)
    if page is not None and page.expires > now:
        return page
    page = cache.get(key)
    if isinstance(page, CachedPage) and page.expires > now:
        _remember(key, page)
        return page
    return None


def compact(content: bytes) -> bytes:
    """The page with each run of blank space cut to one newline or space: a third of an event
    page is indentation, sent to every visitor of a shared page."""
    if any(tag in content for tag in _VERBATIM):
        return content
    return _BLANKS.sub(lambda blank: b"\n" if b"\n" in blank[0] else b" ", content)


def page_set(key: str, content: bytes, content_type: str) -> bytes:
    """Keep the page (compacted) for every visitor; the compacted page, to send this one."""
    ttl = settings.SHOP_REALTIME_TTL
    content = compact(content)
    if ttl <= 0:
        return content
    page = CachedPage(content, content_type, time.time() + ttl)
    cache.set(key, page, ttl)
    _remember(key, page)
    return content


def placeholders(request: HttpRequest) -> dict[str, str]:
    """Context processor (listed after the built-in `csrf` one, so it wins while a cacheable
    page renders): the placeholders `personalize` replaces."""
    if getattr(request, _RENDERING, False):
        return {"csrf_token": CSRF_PLACEHOLDER, "csp_nonce": NONCE_PLACEHOLDER}
    return {}


def personalize(content: bytes, request: HttpRequest) -> bytes:
    """The page with this request's CSRF token and CSP nonce in place of the placeholders."""
    if _CSRF in content:
        # get_token() also makes the CSRF middleware send the cookie that goes with the token.
        content = content.replace(_CSRF, get_token(request).encode())
    if _NONCE in content:
        content = content.replace(_NONCE, getattr(request, "csp_nonce", "").encode())
    return content


def page_key(request: HttpRequest) -> str:
    shop = shop_settings_get()
    return cache_key(
        "page",
        format(zlib.crc32(repr(shop).encode()), "x"),
        get_language(),
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-Target", ""),
        request.get_full_path(),
    )


def _session_read(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    return bool(session is not None and (session.accessed or session.modified))


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not _session_read(request)
    )


def cached_page(view: View) -> View:
    """Serve the view's GET responses from the shared page cache (see the module's doc)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "GET" or _MESSAGES_COOKIE in request.COOKIES:
            response = view(request, *args, **kwargs)
            response[HEADER] = "bypass"
            return response
        key = page_key(request)
        page = page_get(key)
        if page is not None:
            response = HttpResponse(personalize(page.content, request), page.content_type)
            response[HEADER] = "hit"
            return response
        setattr(request, _RENDERING, True)
        try:
            response = view(request, *args, **kwargs)
        finally:
            setattr(request, _RENDERING, False)
        if _storable(request, response):
            response.content = page_set(key, response.content, response["Content-Type"])
        if not response.streaming:
            response.content = personalize(response.content, request)
        response[HEADER] = "miss"
        return response

    return wrapper
