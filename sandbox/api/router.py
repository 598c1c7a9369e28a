"""The emulator's single entry point: `handle(SandboxRequest) -> SandboxResponse`.

Framework-free so that three thin adapters can share it: the in-process httpx transport,
the Django view under /sandbox/ and the standalone WSGI app.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

from sandbox import faults
from sandbox.api import auth, booking, documents, ticketing
from sandbox.api.http import ApiError, SandboxRequest, SandboxResponse, error_response

logger = logging.getLogger(__name__)

Handler = Callable[..., Any]
_ID = r"[^/]+"
_C = r"/v1/ticketing/catalogs/(?P<catalogId>[^/]+)"
_O = _C + r"/offers/(?P<offerId>[^/]+)"

ROUTES: list[tuple[str, str, Handler]] = [
    ("GET", r"/v1/ticketing/catalogs", ticketing.catalogs),
    ("GET", r"/v1/ticketing/catalogs/(?P<id>[^/]+)", ticketing.catalog_item),
    ("GET", _C + r"/events", ticketing.events),
    ("GET", _C + r"/events/(?P<id>[^/]+)", ticketing.event_item),
    ("GET", _C + r"/events/(?P<eventId>[^/]+)/sessions", ticketing.sessions),
    ("GET", _C + r"/events/(?P<eventId>[^/]+)/sessions/(?P<id>[^/]+)", ticketing.session_item),
    (
        "GET",
        _C + r"/events/(?P<eventId>[^/]+)/sessions/(?P<id>[^/]+)/availability",
        ticketing.session_availability,
    ),
    ("GET", _C + r"/product_bases", ticketing.product_bases),
    ("GET", _C + r"/product_bases/(?P<id>[^/]+)", ticketing.product_base_item),
    ("GET", _C + r"/product_bases/(?P<productBaseId>[^/]+)/products", ticketing.products),
    ("GET", _C + r"/product_bases/(?P<productBaseId>[^/]+)/options", ticketing.options),
    (
        "GET",
        _C + r"/product_bases/(?P<productBaseId>[^/]+)/options/(?P<code>[^/]+)/values",
        ticketing.option_values,
    ),
    (
        "GET",
        _C + r"/product_bases/(?P<productBaseId>[^/]+)/seat_maps/(?P<id>[^/]+)",
        ticketing.seat_map,
    ),
    ("GET", _C + r"/products/(?P<id>[^/]+)", ticketing.product_item),
    ("GET", _C + r"/offers", ticketing.offers),
    ("GET", _C + r"/offers/(?P<id>[^/]+)", ticketing.offer_item),
    ("GET", _C + r"/offers/(?P<id>[^/]+)/price", ticketing.offer_price),
    ("GET", _C + r"/offers/(?P<id>[^/]+)/availability", ticketing.offer_availability),
    ("GET", _O + r"/tickets", ticketing.offer_tickets),
    ("GET", _O + r"/tickets/(?P<id>[^/]+)", ticketing.offer_ticket_item),
    ("GET", _O + r"/tickets/(?P<ticketId>[^/]+)/sessions", ticketing.offer_ticket_sessions),
    (
        "GET",
        _O + r"/tickets/(?P<ticketId>[^/]+)/sessions/(?P<id>[^/]+)",
        ticketing.offer_ticket_session_item,
    ),
    ("GET", r"/v1/forms/(?P<id>[^/]+)", ticketing.form_item),
    ("GET", r"/v1/booking/reservations", booking.reservations),
    ("POST", r"/v1/booking/reservations/_bulk", booking.reservations_bulk),
    ("GET", r"/v1/booking/reservations/(?P<id>[^/]+)", booking.reservation_item),
    ("GET", r"/v1/booking/orders", booking.orders),
    ("POST", r"/v1/booking/orders/_bulk", booking.orders_bulk),
    ("GET", r"/v1/booking/orders/(?P<id>[^/]+)", booking.order_item),
    (
        "GET",
        r"/v1/booking/orders/(?P<orderId>[^/]+)/items/(?P<orderItemId>[^/]+)/tickets/"
        r"(?P<id>[^/]+)",
        booking.order_ticket,
    ),
    (
        "PATCH",
        r"/v1/booking/orders/(?P<orderId>[^/]+)/items/(?P<orderItemId>[^/]+)/tickets/"
        r"(?P<id>[^/]+)",
        booking.order_ticket_patch,
    ),
    ("GET", r"/v1/booking/orders/(?P<orderId>[^/]+)/documents", documents.documents),
    (
        "GET",
        r"/v1/booking/orders/(?P<orderId>[^/]+)/documents/(?P<id>[^/]+)",
        documents.document_item,
    ),
    (
        "PATCH",
        r"/v1/booking/orders/(?P<orderId>[^/]+)/documents/(?P<id>[^/]+)",
        documents.document_patch,
    ),
]
_COMPILED = [(method, re.compile(f"^{pattern}/?$"), fn) for method, pattern, fn in ROUTES]
TOKEN_PATH = "/realms/korusticket/protocol/openid-connect/token"  # noqa: S105
_FILE = re.compile(r"^/_files/(?P<document_id>[0-9a-fA-F-]{36})\.pdf$")
_UUID_PARAMS = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
    r"[0-9a-fA-F]{12}$"
)


def _resolve(method: str, path: str) -> tuple[Handler, dict[str, Any]]:
    allowed = False
    for route_method, regex, fn in _COMPILED:
        found = regex.match(path)
        if not found:
            continue
        if route_method != method:
            allowed = True
            continue
        params: dict[str, Any] = {}
        for name, value in found.groupdict().items():
            if name == "code":
                params[name] = value
            elif _UUID_PARAMS.match(value):
                params[name] = uuid.UUID(value)
            else:
                raise ApiError(404, "Not Found", title="Not Found")
        return fn, params
    if allowed:
        raise ApiError(
            405,
            f'No route found for "{method} {path}": Method Not Allowed',
            title="Method Not Allowed",
        )
    raise ApiError(404, f'No route found for "{method} {path}"', title="Not Found")


def _dispatch(request: SandboxRequest) -> SandboxResponse:
    if request.path == TOKEN_PATH:
        return auth.token(request)
    file_match = _FILE.match(request.path)
    if file_match and request.method == "GET":
        return documents.serve_file(request, file_match.group("document_id"))
    auth.check(request)
    fn, params = _resolve(request.method, request.path)
    result = fn(request, **params)
    return result if isinstance(result, SandboxResponse) else SandboxResponse.json(200, result)


def handle(request: SandboxRequest) -> SandboxResponse:
    """Answer one API call; fault injection wraps the real work."""
    decision = faults.decide(request.method, request.path)
    faults.sleep_ms(decision.latency_ms)
    if decision.fault == "timeout":
        return SandboxResponse(status=504, fault="timeout")
    if decision.status is not None:
        headers = {"Retry-After": str(decision.retry_after)} if decision.retry_after else {}
        title = "Too Many Requests" if decision.status == 429 else "Service Unavailable"
        return error_response(
            ApiError(decision.status, f"Injected fault: {title}.", title=title, headers=headers),
            request.path,
        )
    try:
        response = _dispatch(request)
    except ApiError as error:
        response = error_response(error, request.path)
    if decision.fault == "lost_response":
        response.fault = "lost_response"
    return response
