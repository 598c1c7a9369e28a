"""KorusClient: every KorusTicket operation the shop uses, returning typed models.

Collections are returned as lists holding every item of every Hydra page (so that an error is
raised by the call, in a service, not later while a template iterates); `*_page` methods return
one `Page` for paginated screens. Every read takes `language` (sent as Accept-Language; None =
the client's default language).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, TypeVar

from shop.korus._parse import mappings, opt_iri
from shop.korus.core import MERGE_PATCH, KorusHTTP, Params, iri_path, segment
from shop.korus.models import (
    Beneficiary,
    Catalog,
    CustomerInput,
    DocumentLink,
    Event,
    FailedOrder,
    FailedReservation,
    Form,
    Offer,
    OfferAvailability,
    OfferPrice,
    OfferTicket,
    OptionValue,
    Order,
    OrderBulkResult,
    OrderDocument,
    OrderItemTicket,
    Page,
    Product,
    ProductBase,
    Reservation,
    ReservationBulkResult,
    ReservationRequestItem,
    Session,
    SessionAvailability,
)
from shop.korus.pagination import iterate_pages, parse_page

T = TypeVar("T")
Order_ = Literal["asc", "desc"]
OptionCode = Literal["seating_category", "zone", "price_type", "days_count"]

CATALOGS = "/v1/ticketing/catalogs"
FORMS = "/v1/forms/"
RESERVATIONS = "/v1/booking/reservations"
ORDERS = "/v1/booking/orders"
# The API's maximum: the fewest round trips when walking a whole collection.
WALK_PAGE_SIZE = 50


def _catalog(catalog_id: str) -> str:
    return f"{CATALOGS}/{segment(catalog_id)}"


def _offer(catalog_id: str, offer_id: str) -> str:
    return f"{_catalog(catalog_id)}/offers/{segment(offer_id)}"


def _event(catalog_id: str, event_id: str) -> str:
    return f"{_catalog(catalog_id)}/events/{segment(event_id)}"


def _order(order_id: str) -> str:
    return f"{ORDERS}/{segment(order_id)}"


def _id_of(value: str) -> str:
    """An id from an id or an IRI (the filters take ids)."""
    return value.rstrip("/").rsplit("/", 1)[-1]


def _date(value: dt.date | str) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


class KorusClient(KorusHTTP):
    # ----------------------------------------------------------------------------------------
    # Collections
    # ----------------------------------------------------------------------------------------
    def _page(
        self,
        path: str,
        parse: Callable[[Mapping[str, Any]], T],
        *,
        page: int,
        items_per_page: int | None,
        params: Params = (),
        language: str | None = None,
    ) -> Page[T]:
        query: list[tuple[str, str | int]] = [*params, ("page", page)]
        if items_per_page is not None:
            query.append(("itemsPerPage", items_per_page))
        return self._get(
            path,
            lambda data: parse_page(data, parse, page=page, items_per_page=items_per_page),
            params=query,
            language=language,
        )

    def _all(
        self,
        path: str,
        parse: Callable[[Mapping[str, Any]], T],
        *,
        params: Params = (),
        language: str | None = None,
        paginated: bool = True,
    ) -> list[T]:
        # Endpoints documented without pagination parameters get none but `page` (harmless),
        # and a `view.next` is still followed if one appears.
        size = WALK_PAGE_SIZE if paginated else None
        return list(
            iterate_pages(
                lambda n: self._page(
                    path, parse, page=n, items_per_page=size, params=params, language=language
                )
            )
        )

    # ----------------------------------------------------------------------------------------
    # Catalogs, events, sessions
    # ----------------------------------------------------------------------------------------
    def catalogs(self, *, language: str | None = None) -> list[Catalog]:
        return self._all(CATALOGS, Catalog.from_api, language=language)

    def catalogs_page(
        self, *, page: int = 1, items_per_page: int | None = None, language: str | None = None
    ) -> Page[Catalog]:
        return self._page(
            CATALOGS, Catalog.from_api, page=page, items_per_page=items_per_page, language=language
        )

    def catalog(self, catalog_id: str, *, language: str | None = None) -> Catalog:
        return self._get(_catalog(catalog_id), Catalog.from_api, language=language)

    def events(self, catalog_id: str, *, language: str | None = None) -> list[Event]:
        return self._all(f"{_catalog(catalog_id)}/events", Event.from_api, language=language)

    def events_page(
        self,
        catalog_id: str,
        *,
        page: int = 1,
        items_per_page: int | None = None,
        language: str | None = None,
    ) -> Page[Event]:
        return self._page(
            f"{_catalog(catalog_id)}/events",
            Event.from_api,
            page=page,
            items_per_page=items_per_page,
            language=language,
        )

    def event(self, catalog_id: str, event_id: str, *, language: str | None = None) -> Event:
        return self._get(_event(catalog_id, event_id), Event.from_api, language=language)

    def sessions(
        self,
        catalog_id: str,
        event_id: str,
        *,
        order: Order_ = "asc",
        language: str | None = None,
    ) -> list[Session]:
        return self._all(
            f"{_event(catalog_id, event_id)}/sessions",
            Session.from_api,
            params=[("order[occursAt]", order)],
            language=language,
        )

    def sessions_page(
        self,
        catalog_id: str,
        event_id: str,
        *,
        page: int = 1,
        items_per_page: int | None = None,
        order: Order_ = "asc",
        language: str | None = None,
    ) -> Page[Session]:
        return self._page(
            f"{_event(catalog_id, event_id)}/sessions",
            Session.from_api,
            page=page,
            items_per_page=items_per_page,
            params=[("order[occursAt]", order)],
            language=language,
        )

    def session(
        self, catalog_id: str, event_id: str, session_id: str, *, language: str | None = None
    ) -> Session:
        return self._get(
            f"{_event(catalog_id, event_id)}/sessions/{segment(session_id)}",
            Session.from_api,
            language=language,
        )

    def session_availability(
        self, catalog_id: str, event_id: str, session_id: str, *, language: str | None = None
    ) -> SessionAvailability:
        return self._get(
            f"{_event(catalog_id, event_id)}/sessions/{segment(session_id)}/availability",
            SessionAvailability.from_api,
            language=language,
        )

    # ----------------------------------------------------------------------------------------
    # Product bases, products, option values
    # ----------------------------------------------------------------------------------------
    def product_bases(
        self, catalog_id: str, *, with_disabled: bool = False, language: str | None = None
    ) -> list[ProductBase]:
        return self._all(
            f"{_catalog(catalog_id)}/product_bases",
            ProductBase.from_api,
            params=[("withDisabled", "true")] if with_disabled else (),
            language=language,
        )

    def product_bases_page(
        self,
        catalog_id: str,
        *,
        page: int = 1,
        items_per_page: int | None = None,
        with_disabled: bool = False,
        language: str | None = None,
    ) -> Page[ProductBase]:
        return self._page(
            f"{_catalog(catalog_id)}/product_bases",
            ProductBase.from_api,
            page=page,
            items_per_page=items_per_page,
            params=[("withDisabled", "true")] if with_disabled else (),
            language=language,
        )

    def product_base(
        self, catalog_id: str, product_base_id: str, *, language: str | None = None
    ) -> ProductBase:
        return self._get(
            f"{_catalog(catalog_id)}/product_bases/{segment(product_base_id)}",
            ProductBase.from_api,
            language=language,
        )

    def products(
        self, catalog_id: str, product_base_id: str, *, language: str | None = None
    ) -> list[Product]:
        return self._all(
            f"{_catalog(catalog_id)}/product_bases/{segment(product_base_id)}/products",
            Product.from_api,
            language=language,
        )

    def product(self, catalog_id: str, product_id: str, *, language: str | None = None) -> Product:
        return self._get(
            f"{_catalog(catalog_id)}/products/{segment(product_id)}",
            Product.from_api,
            language=language,
        )

    def option_values(
        self,
        catalog_id: str,
        product_base_id: str,
        code: OptionCode | str,
        *,
        language: str | None = None,
    ) -> list[OptionValue]:
        return self._all(
            f"{_catalog(catalog_id)}/product_bases/{segment(product_base_id)}"
            f"/options/{segment(code)}/values",
            OptionValue.from_api,
            language=language,
        )

    # ----------------------------------------------------------------------------------------
    # Offers
    # ----------------------------------------------------------------------------------------
    @staticmethod
    def _offer_filters(
        products: Sequence[str],
        session: str | None,
        date_after: dt.date | str | None,
        date_before: dt.date | str | None,
        order_date: Order_ | None,
        product_base_id: str | None,
        option_values: Sequence[str],
    ) -> list[tuple[str, str | int]]:
        params: list[tuple[str, str | int]] = [("product[]", p) for p in products]
        if session:
            params.append(("session", _id_of(session)))
        if date_after is not None:
            params.append(("date[after]", _date(date_after)))
        if date_before is not None:
            params.append(("date[before]", _date(date_before)))
        if order_date:
            params.append(("order[date]", order_date))
        if product_base_id:
            params.append(("productBaseId", _id_of(product_base_id)))
        params.extend(("optionValuesContext[]", v) for v in option_values)
        return params

    def offers(
        self,
        catalog_id: str,
        *,
        products: Sequence[str] = (),
        session: str | None = None,
        date_after: dt.date | str | None = None,
        date_before: dt.date | str | None = None,
        order_date: Order_ | None = None,
        product_base_id: str | None = None,
        option_values: Sequence[str] = (),
        language: str | None = None,
    ) -> list[Offer]:
        """Every offer matching the filters (`products` are IRIs or ids; `session` an id or IRI)."""
        return self._all(
            f"{_catalog(catalog_id)}/offers",
            Offer.from_api,
            params=self._offer_filters(
                products,
                session,
                date_after,
                date_before,
                order_date,
                product_base_id,
                option_values,
            ),
            language=language,
        )

    def offers_page(
        self,
        catalog_id: str,
        *,
        page: int = 1,
        items_per_page: int | None = None,
        products: Sequence[str] = (),
        session: str | None = None,
        date_after: dt.date | str | None = None,
        date_before: dt.date | str | None = None,
        order_date: Order_ | None = None,
        product_base_id: str | None = None,
        option_values: Sequence[str] = (),
        language: str | None = None,
    ) -> Page[Offer]:
        return self._page(
            f"{_catalog(catalog_id)}/offers",
            Offer.from_api,
            page=page,
            items_per_page=items_per_page,
            params=self._offer_filters(
                products,
                session,
                date_after,
                date_before,
                order_date,
                product_base_id,
                option_values,
            ),
            language=language,
        )

    def offer(self, catalog_id: str, offer_id: str, *, language: str | None = None) -> Offer:
        return self._get(_offer(catalog_id, offer_id), Offer.from_api, language=language)

    def offer_price(
        self, catalog_id: str, offer_id: str, *, language: str | None = None
    ) -> OfferPrice:
        """The real-time price: call it before reserving an offer with `realtime_price_required`."""
        return self._get(
            f"{_offer(catalog_id, offer_id)}/price", OfferPrice.from_api, language=language
        )

    def offer_availability(
        self, catalog_id: str, offer_id: str, *, language: str | None = None
    ) -> OfferAvailability:
        """Real-time availability of the offer and of each of its sessions."""
        return self._get(
            f"{_offer(catalog_id, offer_id)}/availability",
            OfferAvailability.from_api,
            language=language,
        )

    def offer_tickets(
        self, catalog_id: str, offer_id: str, *, language: str | None = None
    ) -> list[OfferTicket]:
        return self._all(
            f"{_offer(catalog_id, offer_id)}/tickets",
            OfferTicket.from_api,
            language=language,
            paginated=False,
        )

    def offer_ticket(
        self, catalog_id: str, offer_id: str, ticket_id: str, *, language: str | None = None
    ) -> OfferTicket:
        return self._get(
            f"{_offer(catalog_id, offer_id)}/tickets/{segment(ticket_id)}",
            OfferTicket.from_api,
            language=language,
        )

    def offer_ticket_sessions(
        self, catalog_id: str, offer_id: str, ticket_id: str, *, language: str | None = None
    ) -> list[Session]:
        return self._all(
            f"{_offer(catalog_id, offer_id)}/tickets/{segment(ticket_id)}/sessions",
            Session.from_api,
            language=language,
        )

    def offer_ticket_session(
        self,
        catalog_id: str,
        offer_id: str,
        ticket_id: str,
        session_id: str,
        *,
        language: str | None = None,
    ) -> Session:
        return self._get(
            f"{_offer(catalog_id, offer_id)}/tickets/{segment(ticket_id)}"
            f"/sessions/{segment(session_id)}",
            Session.from_api,
            language=language,
        )

    # ----------------------------------------------------------------------------------------
    # Forms
    # ----------------------------------------------------------------------------------------
    def form(self, form_id_or_iri: str, *, language: str | None = None) -> Form:
        """A form by id or by the IRI an offer ticket gives (`/v1/forms/{id}`)."""
        if form_id_or_iri.startswith("/"):
            path = iri_path(form_id_or_iri, FORMS)
        else:
            path = FORMS + segment(form_id_or_iri)
        return self._get(path, Form.from_api, language=language)

    # ----------------------------------------------------------------------------------------
    # Reservations
    # ----------------------------------------------------------------------------------------
    def create_reservations(
        self, items: Sequence[ReservationRequestItem], *, language: str | None = None
    ) -> ReservationBulkResult:
        """POST reservations/_bulk. Never retried; items may succeed or fail one by one.

        Raises ValidationFailed (422) when the synchronous consistency check rejects the call.
        """
        if not items:
            raise ValueError("at least one reservation item is required")
        response = self._request(
            "POST",
            f"{RESERVATIONS}/_bulk",
            body={"items": [item.to_api() for item in items]},
            language=language,
            retry=False,
        )
        data = self._json(response)
        return self._parse(lambda d: _reservation_result(d, items), data)

    def reservation(self, reservation_id: str, *, language: str | None = None) -> Reservation:
        return self._get(
            f"{RESERVATIONS}/{segment(_id_of(reservation_id))}",
            Reservation.from_api,
            language=language,
        )

    def reservations_page(
        self,
        *,
        page: int = 1,
        items_per_page: int | None = None,
        order: Order_ = "desc",
        language: str | None = None,
    ) -> Page[Reservation]:
        return self._page(
            RESERVATIONS,
            Reservation.from_api,
            page=page,
            items_per_page=items_per_page,
            params=[("order[createdAt]", order)],
            language=language,
        )

    # ----------------------------------------------------------------------------------------
    # Orders
    # ----------------------------------------------------------------------------------------
    def create_orders(
        self,
        *,
        reservations: Sequence[str],
        customer: CustomerInput,
        external_reference: str,
        notes: str | None = None,
        language: str | None = None,
    ) -> OrderBulkResult:
        """POST orders/_bulk. Never retried: after a timeout, connection error or 5xx the order
        may exist, so call `find_order_by_external_reference` before trying again.

        `reservations` are reservation IRIs (or ids).
        """
        if not reservations:
            raise ValueError("at least one reservation is required")
        if not 1 <= len(external_reference) <= 50:
            raise ValueError("external_reference must be 1 to 50 characters long")
        body: dict[str, Any] = {
            "reservations": [
                r if r.startswith("/") else f"{RESERVATIONS}/{segment(r)}" for r in reservations
            ],
            "customer": customer.to_api(),
            "externalReference": external_reference,
        }
        if notes:
            body["notes"] = notes
        response = self._request(
            "POST", f"{ORDERS}/_bulk", body=body, language=language, retry=False
        )
        return self._parse(_order_result, self._json(response))

    def order(self, order_id: str, *, language: str | None = None) -> Order:
        return self._get(_order(_id_of(order_id)), Order.from_api, language=language)

    @staticmethod
    def _order_filters(
        external_reference: str | None,
        created_after: dt.date | str | None,
        created_before: dt.date | str | None,
        order: Order_,
    ) -> list[tuple[str, str | int]]:
        params: list[tuple[str, str | int]] = [("order[createdAt]", order)]
        if external_reference is not None:
            params.append(("external_reference", external_reference))
        if created_after is not None:
            params.append(("createdAt[after]", _date(created_after)))
        if created_before is not None:
            params.append(("createdAt[before]", _date(created_before)))
        return params

    def orders(
        self,
        *,
        external_reference: str | None = None,
        created_after: dt.date | str | None = None,
        created_before: dt.date | str | None = None,
        order: Order_ = "desc",
        language: str | None = None,
    ) -> list[Order]:
        return self._all(
            ORDERS,
            Order.from_api,
            params=self._order_filters(external_reference, created_after, created_before, order),
            language=language,
        )

    def orders_page(
        self,
        *,
        page: int = 1,
        items_per_page: int | None = None,
        external_reference: str | None = None,
        created_after: dt.date | str | None = None,
        created_before: dt.date | str | None = None,
        order: Order_ = "desc",
        language: str | None = None,
    ) -> Page[Order]:
        return self._page(
            ORDERS,
            Order.from_api,
            page=page,
            items_per_page=items_per_page,
            params=self._order_filters(external_reference, created_after, created_before, order),
            language=language,
        )

    def find_order_by_external_reference(
        self, external_reference: str, *, language: str | None = None
    ) -> Order | None:
        """The reconcile call: the order created with this reference of ours, if any.

        Compared exactly on our side too, in case the server's filter is a partial match.
        """
        matches = [
            o
            for o in self.orders(external_reference=external_reference, language=language)
            if o.external_reference == external_reference
        ]
        return matches[0] if matches else None

    def order_item_ticket(
        self, order_id: str, order_item_id: str, ticket_id: str, *, language: str | None = None
    ) -> OrderItemTicket:
        return self._get(
            f"{_order(order_id)}/items/{segment(order_item_id)}/tickets/{segment(ticket_id)}",
            OrderItemTicket.from_api,
            language=language,
        )

    def set_beneficiary(
        self,
        order_id: str,
        order_item_id: str,
        ticket_id: str,
        beneficiary: Beneficiary,
        *,
        language: str | None = None,
    ) -> OrderItemTicket:
        """PATCH a ticket's beneficiary (raises ValidationFailed when refused)."""
        response = self._request(
            "PATCH",
            f"{_order(order_id)}/items/{segment(order_item_id)}/tickets/{segment(ticket_id)}",
            body={"beneficiary": beneficiary.to_api()},
            content_type=MERGE_PATCH,
            language=language,
            retry=False,
        )
        return self._parse(OrderItemTicket.from_api, self._json(response))

    # ----------------------------------------------------------------------------------------
    # Documents
    # ----------------------------------------------------------------------------------------
    def order_documents(self, order_id: str, *, language: str | None = None) -> list[OrderDocument]:
        return self._all(
            f"{_order(order_id)}/documents",
            OrderDocument.from_api,
            language=language,
            paginated=False,
        )

    def order_document(
        self, order_id: str, document_id: str, *, language: str | None = None
    ) -> OrderDocument:
        return self._get(
            f"{_order(order_id)}/documents/{segment(document_id)}",
            OrderDocument.from_api,
            language=language,
        )

    def document_link(
        self, order_id: str, document_id: str, *, language: str | None = None
    ) -> DocumentLink:
        """A fresh short-lived `temporaryUrl` for a document (PATCH {}, idempotent: retried)."""
        response = self._request(
            "PATCH",
            f"{_order(order_id)}/documents/{segment(document_id)}",
            body={},
            content_type=MERGE_PATCH,
            language=language,
            retry=True,
        )
        return self._parse(_document_link, self._json(response))

    def download(self, url: str) -> bytes:
        """GET a `temporaryUrl`: through the same pool and retry policy, but without our
        Authorization header (it is a third-party signed URL). Its query string is never logged.
        """
        if urlsplit_scheme(url) not in {"http", "https"}:
            raise ValueError("only http(s) URLs can be downloaded")
        response = self._request(
            "GET", url, retry=True, authenticate=False, accept="*/*", language=None
        )
        return response.content

    # ----------------------------------------------------------------------------------------
    # Health
    # ----------------------------------------------------------------------------------------
    def ping(self) -> None:
        """The cheapest authenticated call, not retried (a readiness probe must answer fast)."""
        self._request("GET", CATALOGS, params=[("itemsPerPage", 1)], retry=False)


def urlsplit_scheme(url: str) -> str:
    return url.split(":", 1)[0].lower() if ":" in url else ""


def _document_link(data: Mapping[str, Any]) -> DocumentLink:
    url = data.get("temporaryUrl")
    if not isinstance(url, str) or not url:
        raise ValueError("document without a temporaryUrl")
    language = data.get("cachedLanguage")
    return DocumentLink(temporary_url=url, cached_language=str(language) if language else None)


def _message(entry: Mapping[str, Any], default: str) -> str:
    for key in ("message", "detail", "error", "title", "reason"):
        value = entry.get(key)
        if isinstance(value, str) and value:
            return value
    return default


def _code(entry: Mapping[str, Any]) -> str | None:
    value = entry.get("code")
    return str(value) if value is not None else None


def _reservation_result(
    data: Mapping[str, Any], items: Sequence[ReservationRequestItem]
) -> ReservationBulkResult:
    failed: list[FailedReservation] = []
    for entry in mappings(data.get("failedReservations")):
        raw_item = entry.get("item")
        offer_iri = opt_iri(raw_item.get("offer") if isinstance(raw_item, Mapping) else None)
        offer_iri = offer_iri or opt_iri(entry.get("offer"))
        index = entry.get("index")
        match: ReservationRequestItem | None = None
        if isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(items):
            match = items[index]
        elif offer_iri:
            match = next((i for i in items if i.offer_iri == offer_iri), None)
        failed.append(
            FailedReservation(
                message=_message(entry, "reservation failed"),
                code=_code(entry),
                offer_iri=offer_iri or (match.offer_iri if match else None),
                item=match,
                raw=dict(entry),
            )
        )
    return ReservationBulkResult(
        reservations=tuple(Reservation.from_api(r) for r in mappings(data.get("reservations"))),
        failed=tuple(failed),
    )


def _order_result(data: Mapping[str, Any]) -> OrderBulkResult:
    return OrderBulkResult(
        orders=tuple(Order.from_api(o) for o in mappings(data.get("orders"))),
        failed=tuple(
            FailedOrder(
                message=_message(entry, "order failed"),
                code=_code(entry),
                reservation_iri=opt_iri(entry.get("reservation")),
                raw=dict(entry),
            )
            for entry in mappings(data.get("failedOrders"))
        ),
    )
