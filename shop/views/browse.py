from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    # Placeholder until the browse pages (issue 5) replace it.
    return HttpResponse("Korus shop")


urlpatterns: list[URLPattern] = [path("", home, name="home")]
