"""Response headers in production mode (DEBUG off), through the real middleware stack."""

from __future__ import annotations

import re

import pytest
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.test import Client

from booking_site.csp import ContentSecurityPolicyMiddleware

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])

NONCE = re.compile(r"script-src 'self' 'nonce-([A-Za-z0-9_-]{16,})'")


def test_home_page_has_a_csp_allowing_only_our_own_assets(client: Client) -> None:
    policy = client.get("/", secure=True)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert NONCE.search(policy)
    assert directives["style-src"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["form-action"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in policy


def test_csp_nonce_changes_on_every_request(client: Client) -> None:
    first = NONCE.search(client.get("/", secure=True)["Content-Security-Policy"])
    second = NONCE.search(client.get("/", secure=True)["Content-Security-Policy"])
    assert first
    assert second
    assert first.group(1) != second.group(1)


def test_home_page_over_https_has_hsts(client: Client) -> None:
    hsts = client.get("/", secure=True)["Strict-Transport-Security"]
    assert hsts.startswith("max-age=31536000")
    assert "includeSubDomains" in hsts


def test_home_page_has_nosniff_and_a_referrer_policy(client: Client) -> None:
    response = client.get("/", secure=True)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.fixture
def https_redirect(settings: object) -> Client:
    settings.SECURE_SSL_REDIRECT = True  # type: ignore[attr-defined]
    # A new client builds its middleware chain now, with the redirect on.
    return Client()


def test_plain_http_page_is_redirected_to_https(https_redirect: Client) -> None:
    response = https_redirect.get("/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_request_forwarded_as_https_by_the_router_is_not_redirected(
    https_redirect: Client,
) -> None:
    response = https_redirect.get("/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code != 301


def test_healthz_is_not_redirected_to_https(https_redirect: Client) -> None:
    response = https_redirect.get("/healthz")
    assert response.status_code == 200


def test_template_nonce_matches_the_header(rf: object) -> None:
    template = engines["django"].from_string('<script nonce="{{ csp_nonce }}"></script>')

    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse(template.render(request=request))

    response = ContentSecurityPolicyMiddleware(view)(rf.get("/"))  # type: ignore[attr-defined]
    match = NONCE.search(response["Content-Security-Policy"])
    assert match
    assert f'nonce="{match.group(1)}"' in response.content.decode()


def test_a_policy_set_by_the_view_is_kept(rf: object) -> None:
    def view(request: HttpRequest) -> HttpResponse:
        response = HttpResponse()
        response["Content-Security-Policy"] = "default-src 'none'"
        return response

    response = ContentSecurityPolicyMiddleware(view)(rf.get("/"))  # type: ignore[attr-defined]
    assert response["Content-Security-Policy"] == "default-src 'none'"
