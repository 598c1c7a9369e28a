"""The shop's URLs, one list per area (each area's view module owns its patterns)."""

from __future__ import annotations

from shop.views import browse, checkout, documents, legal, operations, orders

app_name = "shop"
urlpatterns = [
    *browse.urlpatterns,
    *checkout.urlpatterns,
    *orders.urlpatterns,
    *documents.urlpatterns,
    *operations.urlpatterns,
    *legal.urlpatterns,
]
