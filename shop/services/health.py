"""The KorusTicket check of the readiness probe (/readyz)."""

from __future__ import annotations

from shop.korus import get_client


def korus_ping() -> None:
    """One cheap authenticated call; raises a KorusError when the API cannot serve the shop."""
    get_client().ping()
