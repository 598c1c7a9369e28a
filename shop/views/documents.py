"""The buyer's documents, behind the order's secret URL: status, downloads, receipt, calendar."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseStopPolling

from shop.forms.beneficiary import beneficiary_forms
from shop.models import Order, OrderDocument
from shop.services.booking import order_get_by_secret
from shop.services.calendar import order_ics
from shop.services.documents import (
    BeneficiaryRejected,
    DocumentUnavailable,
    beneficiary_submit,
    document_for_download,
    documents_state,
)
from shop.services.receipts import receipt_render


def _order_or_404(secret: str) -> Order:
    order = order_get_by_secret(secret)
    if order is None or order.status != Order.Status.CONFIRMED:
        raise Http404
    return order


@require_GET
@never_cache
def order_status(request: HttpRequest, secret: str) -> HttpResponse:
    """The documents partial; htmx polls it and stops (HTTP 286) once nothing will change."""
    order = _order_or_404(secret)
    response = render(request, "shop/partials/order_documents.html", {"order": order})
    if getattr(request, "htmx", False) and documents_state(order=order).done:
        return HttpResponseStopPolling(response.content)
    return response


@require_GET
@never_cache
def order_document(request: HttpRequest, secret: str, document_id: int) -> HttpResponse:
    order = _order_or_404(secret)
    try:
        document = document_for_download(order=order, document_id=document_id)
    except OrderDocument.DoesNotExist:
        raise Http404 from None
    except DocumentUnavailable:
        message = _(
            "This ticket cannot be downloaded right now. Please try again in a few minutes."
        )
        return render(
            request,
            "shop/document_unavailable.html",
            {"order": order, "message": message},
            status=503,
        )
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.filename,
        content_type="application/pdf",
    )


@require_GET
@never_cache
def order_receipt(request: HttpRequest, secret: str) -> HttpResponse:
    order = _order_or_404(secret)
    receipt = receipt_render(order_id=order.pk)
    if receipt is None:
        raise Http404
    reference = order.reference or order.external_reference
    return FileResponse(
        receipt.file.open("rb"),
        as_attachment=True,
        filename=f"receipt-{reference}.pdf",
        content_type="application/pdf",
    )


@require_GET
@never_cache
def order_calendar(request: HttpRequest, secret: str) -> HttpResponse:
    order = _order_or_404(secret)
    text = order_ics(order=order)
    if not text:
        raise Http404
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    reference = order.reference or order.external_reference
    response["Content-Disposition"] = f'attachment; filename="{reference}.ics"'
    return response


@require_http_methods(["GET", "POST"])
@never_cache
def order_beneficiaries(request: HttpRequest, secret: str) -> HttpResponse:
    """A form per ticket that needs beneficiary details; each is sent to the API on its own."""
    order = _order_or_404(secret)
    tickets = documents_state(order=order).beneficiary_tickets
    forms = beneficiary_forms(tickets, data=request.POST if request.method == "POST" else None)
    if request.method == "POST":
        submitted = [f for f in forms if f.has_changed() and not f.expired]
        for form in submitted:
            if not form.is_valid():
                continue
            try:
                beneficiary_submit(
                    order=order,
                    item_id=form.ticket["item_id"],
                    ticket_id=form.ticket["ticket_id"],
                    values=form.api_values(),
                )
            except BeneficiaryRejected as exc:
                form.apply_rejection(exc.errors)
        if submitted and all(f.is_valid() and not f.rejected for f in submitted):
            return redirect("shop:order", secret=order.secret)
    return render(request, "shop/beneficiaries.html", {"order": order, "forms": forms})


urlpatterns: list[URLPattern] = [
    path("orders/<str:secret>/documents/status/", order_status, name="order_status"),
    path("orders/<str:secret>/documents/<int:document_id>/", order_document, name="order_document"),
    path("orders/<str:secret>/receipt/", order_receipt, name="order_receipt"),
    path("orders/<str:secret>/calendar.ics", order_calendar, name="order_ics"),
    path("orders/<str:secret>/beneficiaries/", order_beneficiaries, name="order_beneficiaries"),
]
