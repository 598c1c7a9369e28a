"""The operator-chosen logo, served from private storage under a name that changes with it."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from shop.services.operations import shop_logo_file


@require_GET
def shop_logo(request: HttpRequest, name: str) -> FileResponse:
    found = shop_logo_file(name=name)
    if found is None:
        raise Http404
    handle, content_type = found
    response = FileResponse(handle, content_type=content_type)
    # Each upload gets a new random name, so a cached copy can never be stale.
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


urlpatterns: list[URLPattern] = [
    path("logo/<str:name>", shop_logo, name="shop_logo"),
]
