"""Local records of the shop, one module per concern; import each model here."""
from shop.models.booking import Order, Reservation  # noqa: F401
from shop.models.documents import EmailOutbox, OrderDocument, OrderFulfilment, Receipt  # noqa: F401
from shop.models.operations import ApiCallLog, ShopSettings  # noqa: F401
