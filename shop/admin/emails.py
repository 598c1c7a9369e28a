"""The email outbox: what each buyer was sent, what failed and why; send one again."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from shop.admin.actions import confirm_then_run
from shop.models import EmailOutbox
from shop.services import operations as ops


@admin.action(description=_("Send again"), permissions=["change"])
def send_again(
    modeladmin: EmailOutboxAdmin, request: HttpRequest, queryset: QuerySet[EmailOutbox]
) -> TemplateResponse | None:
    """Send the selected emails again, each to its order's current address."""
    return confirm_then_run(
        modeladmin,
        request,
        queryset,
        action="send_again",
        title=str(_("Send emails again")),
        explanation=str(_("Each email is sent again to its order's current address.")),
        run=lambda pk: ops.email_outbox_resend(outbox_id=pk),
    )


@admin.register(EmailOutbox)
class EmailOutboxAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("kind", "order_link", "to", "status", "attempts", "sent_at", "created_at")
    list_filter = ("status", "kind", ("created_at", admin.DateFieldListFilter))
    search_fields = ("to", "order__reference", "order__external_reference")
    search_help_text = _("Address, or the order's reference or our id.")
    list_select_related = ("order",)
    date_hierarchy = "created_at"
    actions = (send_again,)
    fields = (
        "order_link",
        "kind",
        "to",
        "language",
        "status",
        "attempts",
        "last_error",
        "claimed_at",
        "sent_at",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: EmailOutbox | None = None) -> bool:
        return False

    @admin.display(description=_("order"), ordering="order__created_at")
    def order_link(self, obj: EmailOutbox) -> SafeString:
        url = reverse("admin:shop_order_change", args=[obj.order_id])
        return format_html('<a href="{}">{}</a>', url, obj.order)
