"""The KorusTicket client: the only code in the shop that speaks HTTP to the API.

from shop.korus import get_client, parallel
offers, availability = parallel(
    lambda: client.offers(catalog_id, session=session_id),
    lambda: client.offer_availability(catalog_id, offer_id),
)
"""

from __future__ import annotations

from shop.korus.calls import CallRecord
from shop.korus.client import KorusClient
from shop.korus.concurrency import parallel
from shop.korus.wiring import get_client, reset_client

__all__ = ["CallRecord", "KorusClient", "get_client", "parallel", "reset_client"]
