"""Checkout steps: quantities → ticket forms → hold → customer details → review → order.

Each view parses its input, calls one service, picks a template and returns. Each step first
checks its preconditions and redirects to the earliest step that is incomplete.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from shop.forms.customer import CustomerForm
from shop.services import booking as booking_svc
from shop.services.booking_answers import AnswersStep
from shop.services.errors import (
    BookingError,
    BookingRejected,
    HoldExpired,
    InvalidAnswers,
    InvalidSelection,
    RateLimited,
    ServiceUnavailable,
    SoldOut,
    StepIncomplete,
    TooManyHolds,
)
from shop.services.ratelimit import client_ip
from shop.session import BookingSession, Step


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


STEP_URLS = {
    Step.ANSWERS: "shop:checkout_answers",
    Step.HOLD: "shop:checkout_answers",
    Step.DETAILS: "shop:checkout_details",
    Step.CONFIRM: "shop:checkout_review",
}


def _go(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """After a successful POST: a client-side redirect for htmx, a 303 otherwise."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url, status=303)


def _precondition(request: HtmxHttpRequest, needed: Step) -> HttpResponse | None:
    """Redirect to the earliest incomplete step when `needed` cannot be shown yet."""
    booking = BookingSession(request.session)
    hold = booking_svc.booking_current_hold(booking=booking)
    hold_valid = hold is not None and not hold.is_expired()
    first = booking.first_incomplete_step(hold_valid=hold_valid)
    if first >= needed:
        return None
    if first == Step.START:
        messages.info(request, _("Choose your tickets first."))
        return redirect("shop:home")
    if first == Step.HOLD and booking.hold_key:
        messages.warning(request, str(HoldExpired.default_message))
    return redirect(STEP_URLS[first])


def _unavailable(request: HtmxHttpRequest, error: BookingError) -> HttpResponse:
    return render(
        request,
        "shop/checkout/unavailable.html",
        {"message": error.message, "retry_url": request.get_full_path()},
        status=503,
    )


def _answers_page(
    request: HtmxHttpRequest, step: AnswersStep | None = None, *, status: int = 200, **extra: Any
) -> HttpResponse:
    booking = BookingSession(request.session)
    try:
        step = step or booking_svc.booking_answers(booking=booking)
        summary = booking_svc.booking_summary(booking=booking)
    except ServiceUnavailable as error:
        return _unavailable(request, error)
    hold = booking_svc.booking_current_hold(booking=booking)
    context = {
        "step": step,
        "summary": summary,
        "hold": hold if hold and not hold.is_expired() else None,
        **extra,
    }
    template = (
        "shop/checkout/answers.html#answers-form"
        if request.htmx
        else ("shop/checkout/answers.html")
    )
    return render(request, template, context, status=status)


def _session_url(event_id: str, session_id: str) -> str:
    """The session page to go back to; the home page when the posted ids are not uuids (the
    URL pattern only takes canonical ones, so reversing raw input could fail)."""
    try:
        return reverse("shop:session", args=[uuid.UUID(event_id), uuid.UUID(session_id)])
    except ValueError:
        return "/"


@require_POST
def checkout_start(request: HtmxHttpRequest) -> HttpResponse:
    event_id, session_id = str(request.POST.get("event", "")), str(request.POST.get("session", ""))
    try:
        booking_svc.booking_start(
            booking=BookingSession(request.session),
            event_id=event_id,
            session_id=session_id,
            data=request.POST,
        )
    except InvalidSelection as error:
        messages.error(request, str(error.message))
        back = _session_url(event_id, session_id)
        return _go(request, back if error.message == InvalidSelection.default_message else "/")
    except ServiceUnavailable as error:
        return _unavailable(request, error)
    return _go(request, reverse("shop:checkout_answers"))


@never_cache
@require_http_methods(["GET", "POST"])
def checkout_answers(request: HtmxHttpRequest) -> HttpResponse:
    if (response := _precondition(request, Step.ANSWERS)) is not None:
        return response
    if request.method == "GET":
        return _answers_page(request)
    try:
        step = booking_svc.booking_save_answers(
            booking=BookingSession(request.session), data=request.POST
        )
    except ServiceUnavailable as error:
        return _unavailable(request, error)
    if step.is_valid() and not step.copy_request:
        return _go(request, reverse("shop:checkout_answers"))
    return _answers_page(request, step)


@require_POST
def checkout_hold(request: HtmxHttpRequest) -> HttpResponse:
    if (response := _precondition(request, Step.ANSWERS)) is not None:
        return response
    booking = BookingSession(request.session)
    try:
        outcome = booking_svc.booking_hold(
            booking=booking, data=request.POST, client_ip=client_ip(request)
        )
    except InvalidAnswers as error:
        return _answers_page(request, getattr(error, "step", None), error=error.message)
    except SoldOut as error:
        return _answers_page(request, error=error.message, available=error.available, status=409)
    except BookingRejected as error:
        return _answers_page(
            request, error=error.message, line_errors=error.line_errors, status=409
        )
    except (RateLimited, TooManyHolds) as error:
        return _answers_page(request, error=error.message, status=429)
    except (ServiceUnavailable, StepIncomplete) as error:
        return _unavailable(request, error)
    for notice in outcome.notices:
        messages.info(request, notice)
    if outcome.line_errors:
        return _answers_page(
            request,
            outcome.answers,
            error=_("Some tickets could not be reserved; the others are held for you."),
            line_errors=outcome.line_errors,
        )
    return _go(request, reverse("shop:checkout_details"))


def _countdown_context(booking: BookingSession) -> dict[str, Any]:
    hold = booking_svc.booking_current_hold(booking=booking)
    now = timezone.now()
    seconds_left = max(0, int((hold.expires_at - now).total_seconds())) if hold else 0
    return {
        "hold": hold,
        "server_now_ms": int(now.timestamp() * 1000),
        "expires_ms": int(hold.expires_at.timestamp() * 1000) if hold else 0,
        "seconds_left": seconds_left,
        "minutes_left": -(-seconds_left // 60),
    }


@never_cache
@require_http_methods(["GET", "POST"])
def checkout_details(request: HtmxHttpRequest) -> HttpResponse:
    if (response := _precondition(request, Step.DETAILS)) is not None:
        return response
    booking = BookingSession(request.session)
    if request.method == "POST":
        form = CustomerForm(request.POST)
        if booking_svc.booking_save_details(booking=booking, form=form):
            return _go(request, reverse("shop:checkout_review"))
    else:
        form = CustomerForm(initial=booking.details or {"language": request.LANGUAGE_CODE})
    template = (
        "shop/checkout/details.html#details-form"
        if request.htmx
        else ("shop/checkout/details.html")
    )
    return render(request, template, {"form": form, **_countdown_context(booking)})


@never_cache
def checkout_review(request: HtmxHttpRequest) -> HttpResponse:
    if (response := _precondition(request, Step.CONFIRM)) is not None:
        return response
    booking = BookingSession(request.session)
    try:
        summary = booking_svc.booking_summary(booking=booking)
    except ServiceUnavailable as error:
        return _unavailable(request, error)
    context = {"summary": summary, "details": booking.details, **_countdown_context(booking)}
    return render(request, "shop/checkout/review.html", context)


@require_POST
def checkout_confirm(request: HtmxHttpRequest) -> HttpResponse:
    booking = BookingSession(request.session)
    try:
        order = booking_svc.booking_confirm(booking=booking, language=request.LANGUAGE_CODE)
    except HoldExpired as error:
        messages.error(request, str(error.message))
        return _go(request, reverse("shop:checkout_answers"))
    except StepIncomplete:
        return _precondition(request, Step.CONFIRM) or _go(request, reverse("shop:home"))
    except ServiceUnavailable as error:
        return _unavailable(request, error)
    except BookingError as error:
        messages.error(request, str(error.message))
        return _go(request, reverse("shop:checkout_review"))
    return _go(request, reverse("shop:order", args=[order.secret]))


urlpatterns: list[URLPattern] = [
    path("checkout/start/", checkout_start, name="checkout_start"),
    path("checkout/tickets/", checkout_answers, name="checkout_answers"),
    path("checkout/hold/", checkout_hold, name="checkout_hold"),
    path("checkout/details/", checkout_details, name="checkout_details"),
    path("checkout/review/", checkout_review, name="checkout_review"),
    path("checkout/confirm/", checkout_confirm, name="checkout_confirm"),
]
