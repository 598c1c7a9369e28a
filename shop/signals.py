"""Domain signals that let one area of the shop react to another without importing it."""

from __future__ import annotations

from django.dispatch import Signal

# Sent (on commit) when an order has been confirmed by the KorusTicket API.
# Keyword arguments: order_id (our Order's primary key).
order_confirmed = Signal()
