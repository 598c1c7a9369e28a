"""Catalog reads: catalogs, events, sessions, product bases, products, option values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import respx

from shop.korus.client import KorusClient
from tests.korus.conftest import CAT, CATALOG_ID, jsonld

EVENT_ID = "0194cb3c-a7c7-7d3d-a335-f1b396083acd"
V4_SESSION = "337177bc-e513-444f-bcee-49a3e25b48a3"
PB_ID = "0197a1c2-5d2e-7b1a-9c3d-2e4f5a6b7c8d"
PRODUCT_ID = "0194ac3f-11aa-7cde-8f01-23456789abcd"


def test_catalogs_follow_view_next_across_pages(router: respx.Router, client: KorusClient) -> None:
    route = router.get("/v1/ticketing/catalogs").mock(
        side_effect=[jsonld("catalogs_page1.json"), jsonld("catalogs_page2.json")]
    )
    catalogs = client.catalogs()
    assert [c.name for c in catalogs] == [
        "Catalogue Puy du Fou - CSE 1",
        "Catalogue Puy du Fou - CSE 2",
        "Catalogue Puy du Fou - CSE 3",
    ]
    assert [c.request.url.params["page"] for c in route.calls] == ["1", "2"]
    assert route.calls[0].request.url.params["itemsPerPage"] == "50"


def test_catalogs_page_returns_one_page_with_its_navigation(
    router: respx.Router, client: KorusClient
) -> None:
    route = router.get("/v1/ticketing/catalogs").mock(return_value=jsonld("catalogs_page1.json"))
    page = client.catalogs_page(page=1, items_per_page=2)
    assert len(page.items) == 2
    assert (page.total_items, page.page, page.next_page, page.has_next) == (3, 1, 2, True)
    assert page.has_previous is False
    assert route.call_count == 1
    assert route.calls.last.request.url.params["itemsPerPage"] == "2"


def test_catalog_parses_dates_as_aware_datetimes(router: respx.Router, client: KorusClient) -> None:
    router.get(CAT).mock(return_value=jsonld("catalog.json"))
    catalog = client.catalog(CATALOG_ID)
    assert catalog.iri == CAT
    assert catalog.created_at == dt.datetime(2025, 1, 20, 10, 15, tzinfo=dt.UTC)
    assert catalog.last_synced_at is not None
    assert catalog.last_synced_at.tzinfo is not None


def test_events_without_view_are_paged_by_total_items(
    router: respx.Router, client: KorusClient
) -> None:
    route = router.get(f"{CAT}/events").mock(
        side_effect=[jsonld("events_page1_no_view.json"), jsonld("events_page2_no_view.json")]
    )
    events = client.events(CATALOG_ID)
    assert [e.name for e in events] == [
        "Billetterie - Puy du Fou 1",
        "Billetterie - Puy du Fou 2",
        "Billetterie - Puy du Fou 3",
    ]
    assert route.call_count == 2


def test_events_page_without_view_uses_total_items_for_has_next(
    router: respx.Router, client: KorusClient
) -> None:
    router.get(f"{CAT}/events").mock(return_value=jsonld("events_page1_no_view.json"))
    page = client.events_page(CATALOG_ID, items_per_page=2)
    assert page.has_next
    assert page.next_page == 2


def test_event(router: respx.Router, client: KorusClient) -> None:
    router.get(f"{CAT}/events/{EVENT_ID}").mock(return_value=jsonld("event.json"))
    event = client.event(CATALOG_ID, EVENT_ID)
    assert (event.id, event.name, event.description) == (
        EVENT_ID,
        "Billetterie - Puy du Fou 1",
        None,
    )


def test_sessions_with_object_context_null_duration_and_v4_id(
    router: respx.Router, client: KorusClient
) -> None:
    route = router.get(f"{CAT}/events/{EVENT_ID}/sessions").mock(
        return_value=jsonld("sessions.json")
    )
    first, second = client.sessions(CATALOG_ID, EVENT_ID)
    assert route.calls.last.request.url.params["order[occursAt]"] == "asc"
    assert (first.duration, first.available_quantity) == (100, 4000)
    assert first.occurs_at == dt.datetime(2025, 1, 27, 15, 15, 20, tzinfo=dt.UTC)
    assert second.id == V4_SESSION
    assert (second.duration, second.available_quantity) == (None, None)
    assert second.occurs_at is not None
    assert second.occurs_at.utcoffset() == dt.timedelta(hours=2)


def test_sessions_page_sends_the_order(router: respx.Router, client: KorusClient) -> None:
    route = router.get(f"{CAT}/events/{EVENT_ID}/sessions").mock(
        return_value=jsonld("sessions.json")
    )
    page = client.sessions_page(CATALOG_ID, EVENT_ID, page=1, items_per_page=5, order="desc")
    params = route.calls.last.request.url.params
    assert (params["order[occursAt]"], params["page"], params["itemsPerPage"]) == ("desc", "1", "5")
    assert page.total_items == 2
    assert not page.has_next


def test_session(router: respx.Router, client: KorusClient) -> None:
    router.get(f"{CAT}/events/{EVENT_ID}/sessions/{V4_SESSION}").mock(
        return_value=jsonld("session.json")
    )
    session = client.session(CATALOG_ID, EVENT_ID, V4_SESSION)
    assert (session.id, session.available_quantity, session.duration) == (V4_SESSION, 12, None)


def test_session_availability(router: respx.Router, client: KorusClient) -> None:
    router.get(f"{CAT}/events/{EVENT_ID}/sessions/{V4_SESSION}/availability").mock(
        return_value=jsonld("session_availability.json")
    )
    availability = client.session_availability(CATALOG_ID, EVENT_ID, V4_SESSION)
    assert availability.session_id == V4_SESSION
    assert availability.session_iri == f"{CAT}/events/{EVENT_ID}/sessions/{V4_SESSION}"
    assert availability.available_quantity == 10


def test_product_bases_leave_disabled_out_by_default(
    router: respx.Router, client: KorusClient
) -> None:
    route = router.get(f"{CAT}/product_bases").mock(return_value=jsonld("product_bases.json"))
    (base,) = client.product_bases(CATALOG_ID)
    assert "withDisabled" not in route.calls.last.request.url.params
    assert (base.id, base.disabled, base.venue) == (PB_ID, False, None)


def test_product_bases_can_include_disabled(router: respx.Router, client: KorusClient) -> None:
    route = router.get(f"{CAT}/product_bases").mock(return_value=jsonld("product_bases.json"))
    client.product_bases_page(CATALOG_ID, with_disabled=True)
    assert route.calls.last.request.url.params["withDisabled"] == "true"


def test_product_base_with_venue_medias_and_unknown_fields(
    router: respx.Router, client: KorusClient
) -> None:
    router.get(f"{CAT}/product_bases/{PB_ID}").mock(return_value=jsonld("product_base.json"))
    base = client.product_base(CATALOG_ID, PB_ID)
    assert base.use_session
    assert base.beneficiary_info_may_be_required
    assert not base.instant_document_delivery
    assert (base.timezone, base.max_amount_per_order, base.universe) == ("Europe/Paris", 6, "show")
    assert base.venue is not None
    assert base.venue.city == "Décines-Charpieu"
    assert base.venue.latitude == Decimal("45.765300")
    assert base.logo is not None
    assert base.logo.url == "https://cdn.example.org/logo.png"
    assert [m.url for m in base.gallery] == [
        "https://cdn.example.org/1.jpg",
        "https://cdn.example.org/2.jpg",
    ]


def test_products_of_a_base(router: respx.Router, client: KorusClient) -> None:
    router.get(f"{CAT}/product_bases/{PB_ID}/products").mock(return_value=jsonld("products.json"))
    (product,) = client.products(CATALOG_ID, PB_ID)
    assert product.id == PRODUCT_ID
    assert product.product_base_iri == f"{CAT}/product_bases/{PB_ID}"


def test_product(router: respx.Router, client: KorusClient) -> None:
    router.get(f"{CAT}/products/{PRODUCT_ID}").mock(return_value=jsonld("product.json"))
    product = client.product(CATALOG_ID, PRODUCT_ID)
    assert (product.iri, product.name) == (f"{CAT}/products/{PRODUCT_ID}", "A great product name")


def test_option_values(router: respx.Router, client: KorusClient) -> None:
    router.get(f"{CAT}/product_bases/{PB_ID}/options/seating_category/values").mock(
        return_value=jsonld("option_values.json")
    )
    values = client.option_values(CATALOG_ID, PB_ID, "seating_category")
    assert [(v.code, v.name) for v in values] == [("cat1", "Catégorie 1"), ("cat2", "Catégorie 2")]
