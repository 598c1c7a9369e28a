"""Local records of the shop, one module per concern; import each model here."""

from shop.models.booking import Order, Reservation
from shop.models.documents import EmailOutbox, OrderDocument, OrderFulfilment, Receipt
from shop.models.operations import ApiCallLog, ShopSettings

__all__ = [
    "ApiCallLog",
    "EmailOutbox",
    "Order",
    "OrderDocument",
    "OrderFulfilment",
    "Receipt",
    "Reservation",
    "ShopSettings",
]
