"""Orders: find one in seconds (reference, our id, email, name), see everything that happened to
it, and act on it (refresh from the API, retry documents, resend emails, re-render the receipt).

Everything that came from the API is read-only: the API is the source of truth for an order.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from shop.admin.actions import confirm_then_run
from shop.models import EmailOutbox, Order, OrderDocument, OrderFulfilment, Receipt
from shop.services import operations as ops


# ---------------------------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------------------------
class DocumentsStatusFilter(admin.SimpleListFilter):
    title = _("documents")
    parameter_name = "documents"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [*OrderFulfilment.Status.choices, ("none", _("Not started"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Order]) -> QuerySet[Order]:
        value = self.value()
        if value == "none":
            return queryset.filter(fulfilment__isnull=True)
        if value in OrderFulfilment.Status.values:
            return queryset.filter(fulfilment__status=value)
        return queryset


class EventFilter(admin.SimpleListFilter):
    """By event, as named at checkout (orders keep that name, so no catalog call is needed)."""

    title = _("event")
    parameter_name = "event"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        names = (
            Order.objects.exclude(summary__event__isnull=True)
            .values_list("summary__event", flat=True)
            .distinct()
            .order_by("summary__event")[:100]
        )
        return [(str(n), str(n)) for n in names if n]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Order]) -> QuerySet[Order]:
        value = self.value()
        return queryset.filter(summary__event=value) if value else queryset


class NeedsAttentionFilter(admin.SimpleListFilter):
    title = _("needs attention")
    parameter_name = "attention"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", _("Needs attention"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Order]) -> QuerySet[Order]:
        if self.value() == "yes":
            return queryset.filter(ops.attention_order_q()).distinct()
        return queryset


# ---------------------------------------------------------------------------------------------
# Actions: a short function each, a confirmation step, a message
# ---------------------------------------------------------------------------------------------
@admin.action(description=_("Refresh from the API"), permissions=["change"])
def refresh_from_api(
    modeladmin: OrderAdmin, request: HttpRequest, queryset: QuerySet[Order]
) -> TemplateResponse | None:
    """Read the selected orders again from the API and update our copies."""
    return confirm_then_run(
        modeladmin,
        request,
        queryset,
        action="refresh_from_api",
        title=str(_("Refresh orders from the API")),
        explanation=str(
            _(
                "Each order is read again from the API. An order the API has but we never "
                "saw confirmed becomes confirmed, and its documents are then fetched."
            )
        ),
        run=lambda pk: ops.order_refresh(order_id=pk),
    )


@admin.action(description=_("Retry document retrieval"), permissions=["change"])
def retry_documents(
    modeladmin: OrderAdmin, request: HttpRequest, queryset: QuerySet[Order]
) -> TemplateResponse | None:
    """Poll the API for the selected orders' documents again, with a new deadline."""
    return confirm_then_run(
        modeladmin,
        request,
        queryset,
        action="retry_documents",
        title=str(_("Retry document retrieval")),
        explanation=str(_("The documents are polled again, with a fresh deadline.")),
        run=lambda pk: ops.order_documents_retry(order_id=pk),
    )


@admin.action(description=_("Resend the confirmation email"), permissions=["change"])
def resend_confirmation(
    modeladmin: OrderAdmin, request: HttpRequest, queryset: QuerySet[Order]
) -> TemplateResponse | None:
    """Send the order confirmation email again, to the order's address."""
    return confirm_then_run(
        modeladmin,
        request,
        queryset,
        action="resend_confirmation",
        title=str(_("Resend the confirmation email")),
        explanation=str(_("The order confirmation email is sent again to each buyer.")),
        run=lambda pk: ops.order_email_resend(order_id=pk, kind=EmailOutbox.Kind.ORDER_CONFIRMED),
    )


@admin.action(description=_("Resend the tickets email"), permissions=["change"])
def resend_tickets(
    modeladmin: OrderAdmin, request: HttpRequest, queryset: QuerySet[Order]
) -> TemplateResponse | None:
    """Send the "tickets ready" email again (with the tickets) to the order's address."""
    return confirm_then_run(
        modeladmin,
        request,
        queryset,
        action="resend_tickets",
        title=str(_("Resend the tickets email")),
        explanation=str(
            _("The tickets email is sent again to each buyer whose tickets are ready.")
        ),
        run=lambda pk: ops.order_email_resend(order_id=pk, kind=EmailOutbox.Kind.TICKETS_READY),
    )


@admin.action(description=_("Regenerate the receipt"), permissions=["change"])
def regenerate_receipt(
    modeladmin: OrderAdmin, request: HttpRequest, queryset: QuerySet[Order]
) -> TemplateResponse | None:
    """Render the selected orders' receipts again and replace the stored PDFs."""
    return confirm_then_run(
        modeladmin,
        request,
        queryset,
        action="regenerate_receipt",
        title=str(_("Regenerate the receipt")),
        explanation=str(_("Each receipt PDF is rendered again and replaces the stored one.")),
        run=lambda pk: ops.order_receipt_regenerate(order_id=pk),
    )


# ---------------------------------------------------------------------------------------------
# The order admin
# ---------------------------------------------------------------------------------------------
API_FIELDS = (
    "korus_id",
    "korus_ids",
    "reference",
    "status",
    "reservation_link",
    "reservation_iris",
    "total_incl_tax",
    "total_excl_tax",
    "currency",
    "items",
    "confirmed_at",
)


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "display_reference",
        "external_reference",
        "customer",
        "customer_email",
        "event_label",
        "amount",
        "status",
        "documents_status",
        "created_at",
    )
    list_display_links = ("display_reference", "external_reference")
    list_select_related = ("fulfilment",)
    search_fields = (
        "reference",
        "external_reference",
        "customer_email",
        "customer_firstname",
        "customer_lastname",
    )
    search_help_text = _("Reference, our id (KS-…), email or name.")
    list_filter = (
        NeedsAttentionFilter,
        "status",
        DocumentsStatusFilter,
        ("created_at", admin.DateFieldListFilter),
        EventFilter,
    )
    date_hierarchy = "created_at"
    list_per_page = 50
    show_full_result_count = False
    actions = (
        refresh_from_api,
        retry_documents,
        resend_confirmation,
        resend_tickets,
        regenerate_receipt,
    )
    fieldsets = (
        (
            _("Order"),
            {
                "fields": (
                    "external_reference",
                    "reference",
                    "status",
                    "failure_reason",
                    "created_at",
                    "confirmed_at",
                    "attempts",
                    "submitting_since",
                    "order_page_link",
                )
            },
        ),
        (
            _("Customer"),
            {
                "fields": (
                    "customer_title",
                    "customer_firstname",
                    "customer_lastname",
                    "customer_email",
                    "customer_phone",
                    "customer_country",
                    "customer_optin",
                    "language",
                )
            },
        ),
        (
            _("Amounts"),
            {
                "fields": (
                    "total_incl_tax",
                    "total_excl_tax",
                    "currency",
                    "payment_provider",
                    "payment_reference",
                )
            },
        ),
        (_("Items and tickets"), {"fields": ("items_table", "tickets_table")}),
        (_("Documents, receipt and emails"), {"fields": ("documents_table", "emails_table")}),
        (_("Timeline"), {"fields": ("timeline_table",)}),
        (
            _("API data"),
            {
                "classes": ("collapse",),
                "fields": (
                    "korus_id",
                    "korus_ids",
                    "reservation_link",
                    "reservation_iris",
                    "items",
                ),
            },
        ),
    )
    readonly_fields = (
        *API_FIELDS,
        "external_reference",
        "failure_reason",
        "created_at",
        "attempts",
        "submitting_since",
        "order_page_link",
        "customer_title",
        "customer_firstname",
        "customer_lastname",
        "customer_email",
        "customer_phone",
        "customer_country",
        "customer_optin",
        "language",
        "payment_provider",
        "payment_reference",
        "items_table",
        "tickets_table",
        "documents_table",
        "emails_table",
        "timeline_table",
    )

    class Media:
        css = {"all": ("shop/admin/operations.css",)}

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Orders are made by buyers at checkout, through the API: never by hand.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        # Deleting our copy would not cancel anything at the API; it would only hide it.
        return False

    # --- list columns -----------------------------------------------------------------------
    @admin.display(description=_("reference"), ordering="reference")
    def display_reference(self, obj: Order) -> str:
        return obj.reference or "—"

    @admin.display(description=_("customer"), ordering="customer_lastname")
    def customer(self, obj: Order) -> str:
        return f"{obj.customer_firstname} {obj.customer_lastname}".strip()

    @admin.display(description=_("event / session"))
    def event_label(self, obj: Order) -> str:
        return ops.order_event_label(obj)

    @admin.display(description=_("amount"), ordering="total_incl_tax")
    def amount(self, obj: Order) -> str:
        return ops.money(obj.total_incl_tax, obj.currency)

    @admin.display(description=_("documents"), ordering="fulfilment__status")
    def documents_status(self, obj: Order) -> str:
        fulfilment = _fulfilment(obj)
        return fulfilment.get_status_display() if fulfilment else "—"

    # --- detail sections --------------------------------------------------------------------
    @admin.display(description=_("reservation"))
    def reservation_link(self, obj: Order) -> SafeString:
        url = reverse("admin:shop_reservation_change", args=[obj.reservation_id])
        return format_html('<a href="{}">{}</a>', url, obj.reservation)

    @admin.display(description=_("buyer's order page"))
    def order_page_link(self, obj: Order) -> SafeString:
        url = reverse("shop:order", kwargs={"secret": obj.secret})
        return format_html('<a href="{}" rel="noreferrer" target="_blank">{}</a>', url, _("open"))

    @admin.display(description=_("items"))
    def items_table(self, obj: Order) -> str:
        from shop.services.receipts import order_lines

        lines = order_lines(order=obj)
        return _render("admin/shop/order/items.html", {"lines": lines, "order": obj})

    @admin.display(description=_("tickets"))
    def tickets_table(self, obj: Order) -> str:
        return _render("admin/shop/order/tickets.html", {"tickets": ops.order_ticket_rows(obj)})

    @admin.display(description=_("documents"))
    def documents_table(self, obj: Order) -> str:
        documents = list(obj.documents.all())
        receipt = Receipt.objects.filter(order=obj).first()
        return _render(
            "admin/shop/order/documents.html",
            {
                "order": obj,
                "fulfilment": _fulfilment(obj),
                "documents": documents,
                "receipt": receipt,
            },
        )

    @admin.display(description=_("emails"))
    def emails_table(self, obj: Order) -> str:
        return _render(
            "admin/shop/order/emails.html", {"emails": list(obj.emails.order_by("created_at"))}
        )

    @admin.display(description=_("what happened"))
    def timeline_table(self, obj: Order) -> str:
        return _render("admin/shop/order/timeline.html", {"entries": ops.order_timeline(obj)})

    # --- extra views: needs attention, downloads --------------------------------------------
    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path(
                "needs-attention/",
                wrap(self.needs_attention_view),
                name="shop_order_needs_attention",
            ),
            path(
                "<int:order_id>/documents/<int:document_id>/",
                wrap(self.document_download_view),
                name="shop_order_document",
            ),
            path(
                "<int:order_id>/receipt/",
                wrap(self.receipt_download_view),
                name="shop_order_receipt",
            ),
            *super().get_urls(),
        ]

    def needs_attention_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise Http404
        context = {
            **self.admin_site.each_context(request),
            "title": _("Needs attention"),
            "opts": self.model._meta,
            "items": ops.attention_items(),
        }
        return TemplateResponse(request, "admin/shop/needs_attention.html", context)

    def document_download_view(
        self, request: HttpRequest, order_id: int, document_id: int
    ) -> HttpResponse:
        if not self.has_view_permission(request):
            raise Http404
        document = (
            OrderDocument.objects.select_related("order")
            .filter(pk=document_id, order_id=order_id, status=OrderDocument.Status.READY)
            .exclude(file="")
            .first()
        )
        if document is None:
            raise Http404
        return _stream(document.file, document.filename)

    def receipt_download_view(self, request: HttpRequest, order_id: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise Http404
        receipt = Receipt.objects.select_related("order").filter(order_id=order_id).first()
        if receipt is None or not receipt.file:
            raise Http404
        return _stream(receipt.file, f"receipt-{receipt.order}.pdf")

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # The detail page offers each action as a button for this one order.
        choices = [
            (name, description)
            for name, (_func, _name, description) in self.get_actions(request).items()
        ]
        extra_context = {**(extra_context or {}), "shop_order_actions": choices}
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "needs_attention_count": Order.objects.filter(ops.attention_order_q())
            .distinct()
            .count(),
        }
        return super().changelist_view(request, extra_context)


def _fulfilment(order: Order) -> OrderFulfilment | None:
    try:
        return order.fulfilment
    except OrderFulfilment.DoesNotExist:
        return None


def _render(template: str, context: dict[str, Any]) -> str:
    # render_to_string autoescapes; its result is safe HTML for a readonly field.
    return render_to_string(template, context)


def _stream(field_file: Any, filename: str) -> FileResponse:
    try:
        handle = field_file.storage.open(field_file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response
