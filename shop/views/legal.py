"""The shop's terms of sale and privacy notice, as the operator wrote them in the admin."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from shop.services.operations import shop_settings_get


def _legal_page(request: HttpRequest, title: str, text: str) -> HttpResponse:
    # Plain text, escaped by the template (linebreaks): the operator's text is never trusted as
    # HTML. An empty text is a page that says so, not a 404: checkout links to it regardless.
    return render(request, "shop/legal.html", {"title": title, "text": text.strip()})


@require_GET
def terms(request: HttpRequest) -> HttpResponse:
    return _legal_page(request, str(_("Terms of sale")), shop_settings_get().terms_text)


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return _legal_page(request, str(_("Privacy notice")), shop_settings_get().privacy_text)


urlpatterns: list[URLPattern] = [
    path("terms/", terms, name="terms"),
    path("privacy/", privacy, name="privacy"),
]
