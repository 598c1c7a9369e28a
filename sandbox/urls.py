from __future__ import annotations

from django.urls import URLPattern, re_path

from sandbox import views

app_name = "sandbox"
urlpatterns: list[URLPattern] = [re_path(r"^(?P<path>.*)$", views.api, name="api")]
