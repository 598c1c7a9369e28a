"""Admin actions with a confirmation step, as django.contrib.admin's delete_selected does."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from shop.services.operations import OperationRefused

Run = Callable[[int], str]


def confirm_then_run(
    modeladmin: admin.ModelAdmin[Model],
    request: HttpRequest,
    queryset: QuerySet[Model],
    *,
    action: str,
    title: str,
    explanation: str,
    run: Run,
) -> TemplateResponse | None:
    """First show what will happen to which rows; on confirmation run `run(pk)` for each and
    report every outcome (a refusal is a warning, not an error page)."""
    if request.POST.get("post") != "yes":
        opts = modeladmin.model._meta
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "explanation": explanation,
            "objects": list(queryset),
            "queryset": queryset,
            "opts": opts,
            "action_name": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": modeladmin.media,
        }
        request.current_app = modeladmin.admin_site.name
        return TemplateResponse(request, "admin/shop/action_confirmation.html", context)
    for pk in queryset.values_list("pk", flat=True):
        try:
            modeladmin.message_user(request, run(pk), messages.SUCCESS)
        except OperationRefused as exc:
            modeladmin.message_user(request, str(exc), messages.WARNING)
    return None
