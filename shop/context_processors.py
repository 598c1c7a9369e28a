"""Values every page's layout needs (shop name, contact address)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def shop(request: HttpRequest) -> dict[str, object]:
    return {"shop_name": settings.SHOP_NAME, "shop_contact_email": settings.SHOP_CONTACT_EMAIL}
