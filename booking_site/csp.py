"""Content-Security-Policy with a fresh nonce per request.

Django 5.2 has no CSP support of its own (6.0 adds it). Templates read the nonce as
`{{ csp_nonce }}` (context processor) or `request.csp_nonce`; see docs/SECURITY.md.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

HEADER = "Content-Security-Policy"
# The placeholder used in settings.CSP_DIRECTIVES, replaced by 'nonce-<value>' per response.
NONCE = "'nonce'"


def build_policy(directives: dict[str, list[str]], nonce: str) -> str:
    parts = []
    for name, sources in directives.items():
        values = [f"'nonce-{nonce}'" if source == NONCE else source for source in sources]
        parts.append(" ".join([name, *values]))
    return "; ".join(parts)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.directives: dict[str, list[str]] = settings.CSP_DIRECTIVES

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        # A view may set a stricter policy of its own (a PDF, say): keep it.
        if HEADER not in response:
            response[HEADER] = build_policy(self.directives, nonce)
        return response


def csp_nonce(request: HttpRequest) -> dict[str, str]:
    """Context processor: `<script nonce="{{ csp_nonce }}">`."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
