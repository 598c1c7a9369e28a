"""Prices: the listed one, and the real-time one of dynamically priced offers."""

from __future__ import annotations

from decimal import Decimal

from sandbox import models as m


def current_price(offer: m.Offer) -> Decimal:
    """What /price answers and what a reservation locks in until it expires."""
    if offer.realtime_price_required and offer.realtime_amount_incl_tax is not None:
        return offer.realtime_amount_incl_tax
    return offer.amount_incl_tax
