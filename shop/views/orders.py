"""The order page behind its secret URL, and "find my order"."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.middleware import HtmxDetails

from shop.forms.customer import FindOrderForm
from shop.services import booking as booking_svc
from shop.services.ratelimit import client_ip


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@never_cache  # no-store: the page shows a customer's details to whoever holds the link
@require_GET
def order(request: HtmxHttpRequest, secret: str) -> HttpResponse:
    found = booking_svc.order_get_by_secret(secret)
    if found is None:
        raise Http404
    template = "shop/order.html#order-status" if request.htmx else "shop/order.html"
    context = {"order": found, "lines": booking_svc.order_display_lines(found)}
    response = render(request, template, context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def order_find(request: HtmxHttpRequest) -> HttpResponse:
    form = FindOrderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        booking_svc.order_find_request(
            email=form.cleaned_data["email"],
            client_ip=client_ip(request),
            language=request.LANGUAGE_CODE,
        )
        # The same answer whether or not the address has orders.
        return HttpResponseRedirect(reverse("shop:order_find") + "?sent=1", status=303)
    sent = request.method == "GET" and request.GET.get("sent") == "1"
    return render(request, "shop/order_find.html", {"form": form, "sent": sent})


urlpatterns: list[URLPattern] = [
    path("orders/find/", order_find, name="order_find"),
    path("orders/<str:secret>/", order, name="order"),
]
