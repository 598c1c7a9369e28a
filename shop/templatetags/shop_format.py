"""Template filters that format money, times and durations for the buyer's locale."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import template
from django.conf import settings
from django.utils import formats
from django.utils.translation import get_language, gettext, ngettext

register = template.Library()

_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF"}
# Languages that write the symbol after the amount, separated by a no-break space.
_SYMBOL_AFTER = {"fr", "de", "es", "it", "nl"}
_NBSP = "\u00a0"


@register.filter
def money(value: object, currency: str | None = None) -> str:
    """Format a `Money` (or a Decimal plus a currency code) as "12,50 €" / "€12.50"."""
    amount = getattr(value, "amount", value)
    code = str(getattr(value, "currency", None) or currency or "EUR").upper()
    if amount is None or amount == "":
        return ""
    number = formats.number_format(Decimal(str(amount)), 2, use_l10n=True, force_grouping=True)
    symbol = _SYMBOLS.get(code, code)
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if language in _SYMBOL_AFTER or len(symbol) > 1:
        return f"{number}{_NBSP}{symbol}"
    return f"{symbol}{number}"


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or settings.SHOP_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.SHOP_TIMEZONE)


@register.filter
def in_tz(value: dt.datetime | None, zone: str | None = None) -> dt.datetime | None:
    """The date-time in the event's time zone (the shop's by default)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(_zone(zone))


@register.filter
def duration(minutes: int | None) -> str:
    """90 -> "1 h 30 min"; None -> ""."""
    if not minutes or minutes <= 0:
        return ""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return ngettext("%(m)d minute", "%(m)d minutes", rest) % {"m": rest}
    if not rest:
        return ngettext("%(h)d hour", "%(h)d hours", hours) % {"h": hours}
    return gettext("%(h)d h %(m)02d min") % {"h": hours, "m": rest}


@register.filter
def availability_of(quantity: int | None) -> object:
    """A seat count as the buyer-facing availability (sold out / only N left / available)."""
    from shop.services.catalog import availability

    return availability(quantity)
