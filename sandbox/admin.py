"""The sandbox's tables in the admin, under their own section ("KorusTicket sandbox").

Fault rules are editable here at run time; every process using the sandbox DB sees them.
"""

from __future__ import annotations

from django.contrib import admin

from sandbox import models as m


@admin.register(m.FaultRule)
class FaultRuleAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "kind",
        "enabled",
        "rate",
        "methods",
        "path_pattern",
        "latency_ms",
        "status",
        "retry_after",
    )
    list_editable = ("enabled", "rate")
    list_filter = ("kind", "enabled")


@admin.register(m.Catalog)
class CatalogAdmin(admin.ModelAdmin):
    list_display = ("name_en", "id", "created_at")
    readonly_fields = ("id",)


@admin.register(m.Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("name_en", "catalog", "date_access", "disabled", "id")
    list_filter = ("catalog", "date_access", "disabled")
    search_fields = ("name_en", "name_fr")
    readonly_fields = ("id",)


@admin.register(m.Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ("occurs_at", "event", "capacity", "id")
    list_filter = ("event",)
    date_hierarchy = "occurs_at"
    readonly_fields = ("id",)


@admin.register(m.Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ("product", "date", "amount_incl_tax", "realtime_price_required", "stock", "id")
    list_filter = ("product__event", "realtime_price_required")
    list_select_related = ("product",)
    readonly_fields = ("id",)


@admin.register(m.Form)
class FormAdmin(admin.ModelAdmin):
    list_display = ("code", "id")
    readonly_fields = ("id",)


@admin.register(m.Reservation)
class ReservationAdmin(admin.ModelAdmin):
    list_display = ("id", "created_at", "expires_at", "ordered", "released")
    list_filter = ("ordered", "released")
    readonly_fields = ("id",)


@admin.register(m.Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("reference", "external_reference", "created_at", "status")
    search_fields = ("reference", "external_reference")
    readonly_fields = ("id", "reference")


@admin.register(m.OrderDocument)
class OrderDocumentAdmin(admin.ModelAdmin):
    list_display = ("id", "order", "downloadable_at")
    readonly_fields = ("id",)
