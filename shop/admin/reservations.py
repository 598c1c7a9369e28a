"""Reservations (holds): active ones with the time they have left, expired, converted; and
what each contained. A read-only mirror of what the API holds for us."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from shop.models import Order, Reservation


class HoldStateFilter(admin.SimpleListFilter):
    title = _("hold")
    parameter_name = "hold"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("active", _("Active")),
            ("expired", _("Expired")),
            ("converted", _("Converted to an order")),
            ("released", _("Released")),
        ]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Reservation]
    ) -> QuerySet[Reservation]:
        now = timezone.now()
        value = self.value()
        if value == "active":
            return queryset.filter(status=Reservation.Status.RESERVED, expires_at__gt=now)
        if value == "expired":
            return queryset.filter(status=Reservation.Status.RESERVED, expires_at__lte=now)
        if value == "converted":
            return queryset.filter(status=Reservation.Status.ORDERED)
        if value == "released":
            return queryset.filter(status=Reservation.Status.RELEASED)
        return queryset


def hold_state(reservation: Reservation, now: Any = None) -> tuple[str, int | None]:
    """('active'|'expired'|'converted'|'released', seconds left when active)."""
    now = now or timezone.now()
    if reservation.status == Reservation.Status.ORDERED:
        return "converted", None
    if reservation.status == Reservation.Status.RELEASED:
        return "released", None
    left = int((reservation.expires_at - now).total_seconds())
    return ("active", left) if left > 0 else ("expired", None)


@admin.register(Reservation)
class ReservationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "korus_id",
        "state",
        "expires_at",
        "amount",
        "contents",
        "order_link",
        "created_at",
    )
    list_filter = (HoldStateFilter, "status", ("created_at", admin.DateFieldListFilter))
    search_fields = ("=korus_id", "=hold_key", "order__external_reference", "order__reference")
    search_help_text = _("Reservation id, hold key, or its order's reference.")
    date_hierarchy = "created_at"
    list_select_related = ("order",)
    list_per_page = 50
    show_full_result_count = False
    fields = (
        "korus_id",
        "iri",
        "hold_key",
        "state",
        "status",
        "expires_at",
        "created_at",
        "total_incl_tax",
        "total_excl_tax",
        "currency",
        "contents_table",
        "order_link",
        "items",
    )
    readonly_fields = fields

    class Media:
        css = {"all": ("shop/admin/operations.css",)}

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Reservation | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Reservation | None = None) -> bool:
        return False

    @admin.display(description=_("state"))
    def state(self, obj: Reservation) -> SafeString:
        state, left = hold_state(obj)
        if state == "active" and left is not None:
            minutes, seconds = divmod(left, 60)
            css = "shop-time-left--short" if left < 120 else ""
            return format_html(
                '<span class="{}">{}</span>',
                css,
                _("active, %(m)d min %(s)02d s left") % {"m": minutes, "s": seconds},
            )
        labels = {
            "expired": _("expired"),
            "converted": _("converted"),
            "released": _("released"),
        }
        return format_html("{}", labels[state])

    @admin.display(description=_("amount"), ordering="total_incl_tax")
    def amount(self, obj: Reservation) -> str:
        return f"{obj.total_incl_tax:.2f} {obj.currency}"

    @admin.display(description=_("contents"))
    def contents(self, obj: Reservation) -> str:
        items = obj.items if isinstance(obj.items, list) else []
        tickets = sum(int(i.get("tickets") or 0) for i in items if isinstance(i, dict))
        return _("%(items)d item(s), %(tickets)d ticket(s)") % {
            "items": len(items),
            "tickets": tickets,
        }

    @admin.display(description=_("what it held"))
    def contents_table(self, obj: Reservation) -> str:
        raw = obj.items if isinstance(obj.items, list) else []
        items = [i for i in raw if isinstance(i, dict)]
        return render_to_string(
            "admin/shop/reservation/contents.html", {"items": items, "currency": obj.currency}
        )

    @admin.display(description=_("order"))
    def order_link(self, obj: Reservation) -> SafeString | str:
        try:
            order = obj.order
        except Order.DoesNotExist:
            return "—"
        url = reverse("admin:shop_order_change", args=[order.pk])
        return format_html('<a href="{}">{}</a> ({})', url, order, order.get_status_display())
