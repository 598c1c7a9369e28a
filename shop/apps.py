from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = _("Shop")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from shop import receivers, signals

        # dispatch_uid: connected once even if ready() runs again (tests, reloads).
        signals.order_confirmed.connect(
            receivers.on_order_confirmed, dispatch_uid="shop.documents.on_order_confirmed"
        )
