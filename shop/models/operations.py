"""What operators need to run the shop: a bounded log of API calls and the editable settings.

`ApiCallLog` is written by the KorusTicket client's on_call hook (shop/services/operations.py)
and pruned by a periodic task, so it stays small enough to scan from the admin. `ShopSettings`
is a single row an operator edits in the admin instead of redeploying with new variables; its
defaults come from the environment (settings.SHOP_*).
"""

from __future__ import annotations

import hashlib
import secrets
from pathlib import PurePath

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiCallLog(models.Model):
    """One HTTP attempt to the KorusTicket API (never its key, query string or signed URLs)."""

    method = models.CharField(max_length=8)
    # Path only: the client strips host and query string, where signatures would live.
    path = models.CharField(max_length=500)
    # The first resource id in the path (an order's or a reservation's uuid), so an order's
    # timeline finds the calls made about it without scanning paths.
    resource_id = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.FloatField()
    error = models.CharField(max_length=500, blank=True)
    attempt = models.PositiveSmallIntegerField(default=1)
    order = models.ForeignKey(
        "shop.Order",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="api_calls",
        # The log is written on its own and pruned in bulk: no lock on the order row.
        db_constraint=False,
    )
    request_id = models.CharField(max_length=128, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("API call")
        verbose_name_plural = _("API call log")
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.method} {self.path} → {self.status or '-'}"

    @property
    def failed(self) -> bool:
        return bool(self.error) or self.status is None or self.status >= 400


def _default_shop_name() -> str:
    return str(settings.SHOP_NAME)


def _default_contact_email() -> str:
    return str(settings.SHOP_CONTACT_EMAIL)


def _default_low_stock_threshold() -> int:
    return int(settings.SHOP_LOW_STOCK_THRESHOLD)


def logo_upload_to(instance: ShopSettings, filename: str) -> str:
    # A fresh name per upload, so a browser's cached copy of the old logo never shows.
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"public/logo/{secrets.token_urlsafe(12)}{suffix}"


def shop_settings_cache_key() -> str:
    """Where shop_settings_get() caches the settings; dropped whenever the row changes.

    The environment's defaults are part of the key: before any edit the cached values are
    those defaults, and a process (or a test) with other defaults must not read them.
    """
    defaults = (
        settings.SHOP_NAME,
        settings.SHOP_CONTACT_EMAIL,
        settings.SHOP_LOW_STOCK_THRESHOLD,
    )
    digest = hashlib.sha256(repr(defaults).encode()).hexdigest()[:16]
    return f"shop:settings:v1:{digest}"


class ShopSettings(models.Model):
    """The shop's editable settings: one row, created with the environment's defaults."""

    SINGLETON_ID = 1

    shop_name = models.CharField(_("shop name"), max_length=100, default=_default_shop_name)
    logo = models.ImageField(
        _("logo"),
        upload_to=logo_upload_to,
        blank=True,
        max_length=200,
        help_text=_("PNG, JPEG, GIF or WebP, at most 1 MB. Shown in the page header."),
    )
    contact_email = models.EmailField(_("contact email"), default=_default_contact_email)
    terms_text = models.TextField(
        _("terms of sale"), blank=True, help_text=_("Shown in the footer and at checkout.")
    )
    privacy_text = models.TextField(
        _("privacy notice"), blank=True, help_text=_("Shown in the footer and at checkout.")
    )
    low_stock_threshold = models.PositiveIntegerField(
        _("low-stock threshold"),
        default=_default_low_stock_threshold,
        help_text=_('Show "only N left" when availability is at or below this number (0: never).'),
    )
    featured_event_ids = models.JSONField(
        _("featured events"),
        default=list,
        blank=True,
        help_text=_("Event ids, in the order the home page shows them first."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("shop settings")
        verbose_name_plural = _("shop settings")

    def __str__(self) -> str:
        return str(_("Shop settings"))

    def save(self, *args: object, **kwargs: object) -> None:
        # One row only: whatever the form or shell says, this is the singleton.
        self.pk = self.SINGLETON_ID
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        # After commit: a reader between the write and the commit would re-cache old values.
        key = shop_settings_cache_key()
        transaction.on_commit(lambda: cache.delete(key))
