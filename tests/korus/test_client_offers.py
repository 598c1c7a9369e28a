"""Offers: the filtered collection, item, real-time price and availability, tickets, slots."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import respx

from shop.korus.client import KorusClient
from shop.korus.models import Money
from tests.korus.conftest import CAT, CATALOG_ID, jsonld

OFFER_ID = "0194ac40-fda7-78c1-8fcb-26fc2df25894"
OFFER = f"{CAT}/offers/{OFFER_ID}"
T_DAY = "0194ac40-fda7-78c1-8fcb-26fc2e2612d4"
T_SHOW = "7522b8de-37a2-458d-b099-6d515b0739be"
V4_SESSION = "337177bc-e513-444f-bcee-49a3e25b48a3"
FORM_IRI = "/v1/forms/0195197f-7918-7285-bb4b-7df2b682c3eb"


def test_offers_send_every_filter(router: respx.Router, client: KorusClient) -> None:
    route = router.get(f"{CAT}/offers").mock(return_value=jsonld("offers_no_view.json"))
    client.offers(
        CATALOG_ID,
        products=[f"{CAT}/products/p1", "p2"],
        session=f"{CAT}/events/e/sessions/{V4_SESSION}",
        date_after=dt.date(2025, 6, 1),
        date_before="2025-06-30",
        order_date="asc",
        product_base_id="pb-1",
        option_values=["cat1", "zoneA"],
    )
    params = route.calls.last.request.url.params
    assert params.get_list("product[]") == [f"{CAT}/products/p1", "p2"]
    assert params["session"] == V4_SESSION
    assert (params["date[after]"], params["date[before]"]) == ("2025-06-01", "2025-06-30")
    assert (params["order[date]"], params["productBaseId"]) == ("asc", "pb-1")
    assert params.get_list("optionValuesContext[]") == ["cat1", "zoneA"]


def test_offers_without_filters_send_only_paging(router: respx.Router, client: KorusClient) -> None:
    route = router.get(f"{CAT}/offers").mock(return_value=jsonld("offers_no_view.json"))
    client.offers(CATALOG_ID)
    assert set(route.calls.last.request.url.params.keys()) == {"page", "itemsPerPage"}


def test_offer_prices_are_decimals_with_upper_cased_currency(
    router: respx.Router, client: KorusClient
) -> None:
    router.get(f"{CAT}/offers").mock(return_value=jsonld("offers_no_view.json"))
    first, second = client.offers(CATALOG_ID)
    assert first.price == Money(Decimal("100.00"), "EUR")
    assert first.original_price == Money(Decimal("120.00"), "EUR")
    assert second.price == Money(Decimal("35.50"), "EUR")
    assert first.price.currency == second.price.currency
    assert second.original_price is None


def test_offer_fields_and_embedded_tickets(router: respx.Router, client: KorusClient) -> None:
    router.get(f"{CAT}/offers").mock(return_value=jsonld("offers_no_view.json"))
    first, second = client.offers(CATALOG_ID)
    assert first.date == dt.date(2025, 6, 7)
    assert first.availability_check_required
    assert not first.realtime_price_required
    assert first.available_quantity == 4000
    assert first.product is not None
    assert first.product.id == "0194ac3f-11aa-7cde-8f01-23456789abcd"
    day, show = first.tickets
    assert (day.id, day.date_access, day.form_iri) == (T_DAY, True, None)
    assert (show.id, show.date_access, show.form_iri) == (T_SHOW, False, FORM_IRI)
    assert show.form_id == "0195197f-7918-7285-bb4b-7df2b682c3eb"
    assert (second.date, second.available_quantity, second.tickets) == (None, None, ())
    assert second.product is not None
    assert (second.product.iri, second.product.id) == (None, None)


def test_offers_page(router: respx.Router, client: KorusClient) -> None:
    route = router.get(f"{CAT}/offers").mock(return_value=jsonld("offers_no_view.json"))
    page = client.offers_page(CATALOG_ID, page=1, items_per_page=10, order_date="desc")
    assert route.calls.last.request.url.params["order[date]"] == "desc"
    assert (len(page.items), page.total_items, page.has_next) == (2, 2, False)


def test_offer(router: respx.Router, client: KorusClient) -> None:
    router.get(OFFER).mock(return_value=jsonld("offer.json"))
    offer = client.offer(CATALOG_ID, OFFER_ID)
    assert (offer.iri, offer.id) == (OFFER, OFFER_ID)


def test_offer_price_in_real_time(router: respx.Router, client: KorusClient) -> None:
    router.get(f"{OFFER}/price").mock(return_value=jsonld("offer_price.json"))
    price = client.offer_price(CATALOG_ID, OFFER_ID)
    assert price.incl_tax == Money(Decimal("100.00"), "EUR")
    assert price.excl_tax == Money(Decimal("80.00"), "EUR")
    assert (price.offer_iri, price.offer_id) == (OFFER, OFFER_ID)


def test_offer_availability_with_sessions(router: respx.Router, client: KorusClient) -> None:
    router.get(f"{OFFER}/availability").mock(return_value=jsonld("offer_availability.json"))
    availability = client.offer_availability(CATALOG_ID, OFFER_ID)
    assert availability.available_quantity == 41301
    assert [(s.session_id, s.available_quantity) for s in availability.sessions] == [
        ("01987481-3906-78d5-80bb-08dce0ce49fd", 4000),
        (V4_SESSION, 0),
    ]
    v4 = availability.for_session(V4_SESSION)
    assert v4 is not None
    assert v4.session_iri.endswith(f"/tickets/{T_SHOW}/sessions/{V4_SESSION}")
    assert availability.for_session("unknown") is None


def test_offer_tickets(router: respx.Router, client: KorusClient) -> None:
    router.get(f"{OFFER}/tickets").mock(return_value=jsonld("offer_tickets.json"))
    tickets = client.offer_tickets(CATALOG_ID, OFFER_ID)
    assert [(t.id, t.date_access) for t in tickets] == [(T_DAY, True), (T_SHOW, False)]


def test_offer_ticket(router: respx.Router, client: KorusClient) -> None:
    router.get(f"{OFFER}/tickets/{T_SHOW}").mock(return_value=jsonld("offer_ticket.json"))
    ticket = client.offer_ticket(CATALOG_ID, OFFER_ID, T_SHOW)
    assert (ticket.name, ticket.description) == (
        "A great offer's ticket name",
        "A great offer's ticket description",
    )


def test_offer_ticket_sessions(router: respx.Router, client: KorusClient) -> None:
    router.get(f"{OFFER}/tickets/{T_SHOW}/sessions").mock(
        return_value=jsonld("offer_ticket_sessions.json")
    )
    (slot,) = client.offer_ticket_sessions(CATALOG_ID, OFFER_ID, T_SHOW)
    assert (slot.id, slot.available_quantity, slot.duration) == (V4_SESSION, 150, None)


def test_offer_ticket_session(router: respx.Router, client: KorusClient) -> None:
    router.get(f"{OFFER}/tickets/{T_SHOW}/sessions/{V4_SESSION}").mock(
        return_value=jsonld("offer_ticket_session.json")
    )
    slot = client.offer_ticket_session(CATALOG_ID, OFFER_ID, T_SHOW, V4_SESSION)
    assert slot.occurs_at == dt.datetime(2025, 6, 7, 18, 0, tzinfo=dt.UTC)
