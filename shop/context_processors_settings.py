"""Template context: the operator-editable shop settings (name, logo, legal texts...)."""

from __future__ import annotations

from django.http import HttpRequest

from shop.services.operations import shop_settings_get


def shop_settings(request: HttpRequest) -> dict[str, object]:
    """`shop_settings` for every template; it also overrides the layout's `shop_name` and
    `shop_contact_email` (listed after shop.context_processors.shop) with the edited values."""
    values = shop_settings_get()
    return {
        "shop_settings": values,
        "shop_name": values.shop_name,
        "shop_contact_email": values.contact_email,
    }
