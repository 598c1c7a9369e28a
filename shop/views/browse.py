"""Browse pages: the events, one event's sessions, one session's offers.

Each page is one template; htmx requests get only the region they target (a partial), so every
link and form also works as a plain full-page request without JavaScript.
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import formats, timezone
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from shop.services import catalog
from shop.views.page_cache import cached_page


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class EventSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def search(self) -> catalog.EventSearch:
        if not self.is_valid():
            return catalog.EventSearch()
        data = self.cleaned_data
        return catalog.EventSearch(data["q"].strip(), data["date_from"], data["date_to"])


def _positive_int(raw: str | None) -> int | None:
    if raw and raw.isdigit() and 0 < len(raw) < 7:
        return int(raw)
    return None


def _month(raw: str | None) -> dt.date | None:
    try:
        return dt.datetime.strptime(raw or "", "%Y-%m").date()
    except ValueError:
        return None


def _day(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw or "")
    except ValueError:
        return None


def _first_weekday() -> int:
    # Django counts from Sunday (0), Python's calendar from Monday (0).
    return (int(formats.get_format("FIRST_DAY_OF_WEEK")) - 1) % 7


def _weekday_names(first: int) -> list[tuple[str, str]]:
    return [(WEEKDAYS_ABBR[(first + i) % 7], WEEKDAYS[(first + i) % 7]) for i in range(7)]


def not_found(request: HttpRequest, back_url: str, back_label: str) -> HttpResponse:
    context = {"back_url": back_url, "back_label": back_label}
    return render(request, "404.html", context, status=404)


@require_GET
@vary_on_headers("HX-Request", "HX-Target")
@cached_page
def home(request: HtmxHttpRequest) -> HttpResponse:
    form = EventSearchForm(request.GET or None)
    search = form.search()
    try:
        result = catalog.event_search(search, page=_positive_int(request.GET.get("page")) or 1)
    except catalog.CatalogEmpty:
        result = catalog.EventListPage((), 1, 1, 0)
    template = "shop/home.html#results" if request.htmx else "shop/home.html"
    searching = bool(search.query or search.by_date)
    return render(request, template, {"form": form, "result": result, "searching": searching})


@require_GET
@vary_on_headers("HX-Request", "HX-Target")
@cached_page
def event(request: HtmxHttpRequest, event_id: UUID) -> HttpResponse:
    first_weekday = _first_weekday()
    try:
        page = catalog.event_page(
            str(event_id),
            page=_positive_int(request.GET.get("page")),
            month=_month(request.GET.get("month")),
            day=_day(request.GET.get("day")),
            first_weekday=first_weekday,
        )
    except (catalog.CatalogNotFound, catalog.CatalogEmpty):
        return not_found(request, reverse("shop:home"), str(_("See all events")))
    context = {"page": page, "weekday_names": _weekday_names(first_weekday)}
    if request.htmx and request.htmx.target in ("calendar", "sessions"):
        return render(request, f"shop/event.html#{request.htmx.target}", context)
    return render(request, "shop/event.html", context)


@require_GET
@vary_on_headers("HX-Request", "HX-Target")
@cached_page
def session(request: HtmxHttpRequest, event_id: UUID, session_id: UUID) -> HttpResponse:
    event_url = reverse("shop:event", args=[event_id])
    try:
        detail = catalog.session_detail(str(event_id), str(session_id))
    except (catalog.CatalogNotFound, catalog.CatalogEmpty):
        return not_found(request, event_url, str(_("See the event's other dates")))
    # Quantities already chosen survive an availability refresh (htmx sends the inputs along).
    rows = [
        (line, min(_positive_int(request.GET.get(f"qty_{line.id}")) or 0, line.max_quantity))
        for line in detail.lines
    ]
    context = {
        "detail": detail,
        "rows": rows,
        "event_url": event_url,
        "past": bool(detail.session.occurs_at and detail.session.occurs_at < timezone.now()),
    }
    template = "shop/session.html#offers" if request.htmx else "shop/session.html"
    return render(request, template, context)


urlpatterns: list[URLPattern] = [
    path("", home, name="home"),
    path("events/<uuid:event_id>/", event, name="event"),
    path("events/<uuid:event_id>/sessions/<uuid:session_id>/", session, name="session"),
]
