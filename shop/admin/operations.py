"""The API call log (read-only) and the shop settings (a single row, edited in place)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from shop.models import ApiCallLog, ShopSettings
from shop.services.operations import LOGO_CONTENT_TYPES, shop_settings_row


class StatusClassFilter(admin.SimpleListFilter):
    title = _("outcome")
    parameter_name = "outcome"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("2xx", _("Success (2xx)")),
            ("4xx", _("Client error (4xx)")),
            ("5xx", _("Server error (5xx)")),
            ("none", _("No answer (timeout, connection)")),
        ]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[ApiCallLog]
    ) -> QuerySet[ApiCallLog]:
        value = self.value()
        if value == "none":
            return queryset.filter(status__isnull=True)
        if value in {"2xx", "4xx", "5xx"}:
            low = int(value[0]) * 100
            return queryset.filter(status__gte=low, status__lt=low + 100)
        return queryset


@admin.register(ApiCallLog)
class ApiCallLogAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "created_at",
        "method",
        "path",
        "status",
        "duration_ms",
        "attempt",
        "error",
        "order_link",
    )
    list_filter = (StatusClassFilter, "method", ("created_at", admin.DateFieldListFilter))
    search_fields = ("path", "=request_id", "=resource_id", "error")
    search_help_text = _("Path (or part of it), request id, API id or error.")
    date_hierarchy = "created_at"
    list_per_page = 100
    # Counting a large log on every page view is the slow part of a changelist.
    show_full_result_count = False
    fields = (
        "created_at",
        "method",
        "path",
        "resource_id",
        "status",
        "duration_ms",
        "attempt",
        "error",
        "order_link",
        "request_id",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiCallLog | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiCallLog | None = None) -> bool:
        return False

    @admin.display(description=_("order"))
    def order_link(self, obj: ApiCallLog) -> SafeString | str:
        if obj.order_id is None:
            return "—"
        url = reverse("admin:shop_order_change", args=[obj.order_id])
        return format_html('<a href="{}">#{}</a>', url, obj.order_id)


# ---------------------------------------------------------------------------------------------
# Shop settings
# ---------------------------------------------------------------------------------------------
MAX_LOGO_BYTES = 1024 * 1024
# Event ids are UUIDs at the API; an IRI pasted from elsewhere is accepted for its last part.
_EVENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


class ShopSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    featured_events = forms.CharField(
        label=_("featured events"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One event id per line, in the order the home page shows them first."),
    )

    class Meta:
        model = ShopSettings
        fields = (
            "shop_name",
            "logo",
            "contact_email",
            "terms_text",
            "privacy_text",
            "low_stock_threshold",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["featured_events"].initial = "\n".join(
            str(i) for i in self.instance.featured_event_ids or ()
        )

    def clean_featured_events(self) -> list[str]:
        ids: list[str] = []
        for line in str(self.cleaned_data.get("featured_events") or "").splitlines():
            value = line.strip().rstrip("/").rsplit("/", 1)[-1]
            if not value:
                continue
            if not _EVENT_ID.match(value):
                raise ValidationError(_("“%(value)s” is not an event id."), params={"value": value})
            if value not in ids:
                ids.append(value)
        if len(ids) > 50:
            raise ValidationError(_("At most 50 featured events."))
        return ids

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):
            if logo.size is not None and logo.size > MAX_LOGO_BYTES:
                raise ValidationError(_("The logo must be at most 1 MB."))
            suffix = "." + (logo.name or "").rsplit(".", 1)[-1].lower()
            if suffix not in LOGO_CONTENT_TYPES:
                raise ValidationError(_("Use a PNG, JPEG, GIF or WebP image."))
        return logo

    def save(self, commit: bool = True) -> ShopSettings:
        self.instance.featured_event_ids = self.cleaned_data.get("featured_events") or []
        return super().save(commit)


@admin.register(ShopSettings)
class ShopSettingsAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = ShopSettingsForm
    fieldsets = (
        (None, {"fields": ("shop_name", "logo", "contact_email")}),
        (_("Legal texts (footer and checkout)"), {"fields": ("terms_text", "privacy_text")}),
        (_("Catalog display"), {"fields": ("low_stock_threshold", "featured_events")}),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ShopSettings | None = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # A list of one row is noise: go straight to the form (the row is made on first use).
        row = shop_settings_row()
        return HttpResponseRedirect(reverse("admin:shop_shopsettings_change", args=[row.pk]))

    def response_change(self, request: HttpRequest, obj: ShopSettings) -> HttpResponse:
        response = super().response_change(request, obj)
        # "Save" would go to the list, which redirects here anyway: stay on the form.
        if "_continue" not in request.POST and "_addanother" not in request.POST:
            return HttpResponseRedirect(reverse("admin:shop_shopsettings_change", args=[obj.pk]))
        return response
