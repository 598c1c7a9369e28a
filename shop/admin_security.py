"""Brute-force protection for the admin login: a lockout after repeated failures.

Failures are counted in the default cache (Redis in production, so every web process shares
the counts) per username+IP pair, and per IP across usernames (password spraying). Once a
counter reaches its limit, POSTs to the login are refused with 429 until the window, which
starts at the first failure, runs out. A success clears the pair's counter. Keys hold hashes,
never a username or address in clear.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from shop.services.ratelimit import client_ip

PREFIX = "admin-login-failures"


def _key(*parts: str) -> str:
    digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:40]
    return f"{PREFIX}:{digest}"


def _keys(username: str, ip: str) -> tuple[str, str]:
    # Usernames are matched case-insensitively by most backends' users: count them so too.
    return _key("user", username.strip().lower(), ip), _key("ip", ip)


def _count(key: str) -> int:
    value = cache.get(key)
    return value if isinstance(value, int) else 0


def login_locked(*, username: str, ip: str) -> bool:
    pair, per_ip = _keys(username, ip)
    return (
        _count(pair) >= settings.ADMIN_LOGIN_MAX_FAILURES
        or _count(per_ip) >= settings.ADMIN_LOGIN_MAX_FAILURES_PER_IP
    )


def login_failed(*, username: str, ip: str) -> None:
    timeout = settings.ADMIN_LOGIN_LOCKOUT_SECONDS
    for key in _keys(username, ip):
        # add() starts the window once; incr() is atomic in Redis.
        cache.add(key, 0, timeout=timeout)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=timeout)


def login_succeeded(*, username: str, ip: str) -> None:
    cache.delete(_keys(username, ip)[0])


def _locked_response(request: HttpRequest) -> HttpResponse:
    minutes = max(1, round(settings.ADMIN_LOGIN_LOCKOUT_SECONDS / 60))
    message = ngettext(
        "Too many failed login attempts. Try again in %(minutes)d minute.",
        "Too many failed login attempts. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    context = {**admin.site.each_context(request), "title": _("Log in"), "message": message}
    response = TemplateResponse(request, "admin/shop/login_locked.html", context, status=429)
    response["Retry-After"] = str(settings.ADMIN_LOGIN_LOCKOUT_SECONDS)
    return response


def guard_login(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap an admin site's login view with the lockout."""

    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        username = str(request.POST.get("username", ""))[:150]
        ip = client_ip(request)
        if login_locked(username=username, ip=ip):
            return _locked_response(request)
        response = view(request, *args, **kwargs)
        # The admin's login redirects on success and re-renders the form (200) on failure.
        if response.status_code in (301, 302) and request.user.is_authenticated:
            login_succeeded(username=username, ip=ip)
        else:
            login_failed(username=username, ip=ip)
        return response

    guarded.__wrapped__ = view  # type: ignore[attr-defined]
    guarded.login_lockout = True  # type: ignore[attr-defined]
    return guarded


def protect_admin_site(site: admin.AdminSite) -> admin.AdminSite:
    """Put the lockout on `site`'s login view; returns the site (for one-line wiring)."""
    # Its own marker: Django's login is already decorated (and so has a __wrapped__).
    if not getattr(site.login, "login_lockout", False):
        site.login = guard_login(site.login)  # type: ignore[method-assign]
    return site
