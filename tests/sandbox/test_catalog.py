"""Catalog reads: catalogs, events, sessions, offers, forms, languages and paging."""

from __future__ import annotations

import httpx


def test_catalogs_lists_the_demo_catalog_first(sandbox_demo, sandbox_client: httpx.Client):
    body = sandbox_client.get("/v1/ticketing/catalogs").json()
    assert body["@type"] == "Collection"
    assert body["totalItems"] == 2
    assert body["member"][0]["@id"] == sandbox_demo.catalog_iri


def test_event_texts_follow_accept_language(sandbox_demo, sandbox_client: httpx.Client):
    iri = sandbox_demo.museum.event_iri
    fr = sandbox_client.get(iri, headers={"Accept-Language": "fr-FR,fr;q=0.9"}).json()
    en = sandbox_client.get(iri, headers={"Accept-Language": "en"}).json()
    assert fr["name"].startswith("Musée")
    assert en["name"].startswith("Museum")


def test_events_are_paged_with_a_hydra_view(sandbox_demo, sandbox_client: httpx.Client):
    body = sandbox_client.get(
        f"{sandbox_demo.catalog_iri}/events", params={"itemsPerPage": 2}
    ).json()
    assert body["totalItems"] == 6
    assert len(body["member"]) == 2
    assert body["view"]["next"].endswith("page=2")
    assert body["view"]["last"].endswith("page=3")


def test_museum_has_hundreds_of_sessions_ordered_by_time(
    sandbox_demo, sandbox_client: httpx.Client
):
    url = f"{sandbox_demo.museum.event_iri}/sessions"
    asc = sandbox_client.get(url, params={"itemsPerPage": 50}).json()
    desc = sandbox_client.get(url, params={"order[occursAt]": "desc"}).json()
    times = [s["occursAt"] for s in asc["member"]]
    assert asc["totalItems"] == 60 * 18
    assert times == sorted(times)
    assert desc["member"][0]["occursAt"] > times[-1]


def test_items_per_page_is_capped_at_fifty(sandbox_demo, sandbox_client: httpx.Client):
    body = sandbox_client.get(
        f"{sandbox_demo.museum.event_iri}/sessions", params={"itemsPerPage": 500}
    ).json()
    assert len(body["member"]) == 50


def test_offers_of_a_session_are_its_price_categories(sandbox_demo, sandbox_client: httpx.Client):
    concert = sandbox_demo.concert
    session_id = str(concert.session_id)
    body = sandbox_client.get(
        f"{sandbox_demo.catalog_iri}/offers",
        params={"session": session_id},
        headers={"Accept-Language": "en"},
    ).json()
    names = {o["product"]["name"]: o["price"] for o in body["member"]}
    assert set(names) == {"Adult", "Child (under 12)", "Concession"}
    assert names["Concession"] == {
        "amountInclTax": "30.00",
        "originalAmountInclTax": "45.00",
        "currency": "EUR",
    }


def test_sold_out_and_three_left_sessions_report_their_stock(
    sandbox_demo, sandbox_client: httpx.Client
):
    sold_out = sandbox_client.get(sandbox_demo.sold_out.session_iri).json()
    three = sandbox_client.get(f"{sandbox_demo.three_left.session_iri}/availability").json()
    assert sold_out["availableQuantity"] == 0
    assert three["availableQuantity"] == 3


def test_date_access_offer_is_found_from_its_day_session(
    sandbox_demo, sandbox_client: httpx.Client
):
    case = sandbox_demo.date_access
    offer = sandbox_client.get(case.offer_iri).json()
    sessions = sandbox_client.get(f"{case.event_iri}/sessions", params={"itemsPerPage": 50}).json()[
        "member"
    ]
    day = next(s for s in sessions if s["occursAt"].startswith(offer["date"]))
    listed = sandbox_client.get(
        f"{sandbox_demo.catalog_iri}/offers", params={"session": day["id"]}
    ).json()["member"]
    assert offer["tickets"][0]["dateAccess"] is True
    assert case.offer_iri in {o["@id"] for o in listed}
    assert day["availableQuantity"] == 1000


def test_realtime_price_differs_from_the_listed_price(sandbox_demo, sandbox_client: httpx.Client):
    offer = sandbox_client.get(sandbox_demo.realtime_price.offer_iri).json()
    price = sandbox_client.get(f"{sandbox_demo.realtime_price.offer_iri}/price").json()
    assert offer["realtimePriceRequired"] is True
    assert price["amountInclTax"] != offer["price"]["amountInclTax"]


def test_tour_form_has_all_nine_field_types(sandbox_demo, sandbox_client: httpx.Client):
    offer = sandbox_client.get(sandbox_demo.tour.offer_iri).json()
    form = sandbox_client.get(offer["tickets"][0]["form"]).json()
    types = {f["type"] for f in form["fields"]}
    assert form["@id"] == sandbox_demo.form_iri
    assert types == {
        "text",
        "bool",
        "integer",
        "decimal",
        "date",
        "time",
        "datetime",
        "single_choice",
        "multi_choice",
    }
    assert {f["required"] for f in form["fields"]} == {True, False}


def test_offer_ticket_sessions_share_the_event_session_ids(
    sandbox_demo, sandbox_client: httpx.Client
):
    case = sandbox_demo.museum
    body = sandbox_client.get(f"{case.ticket_iri}/sessions", params={"itemsPerPage": 50}).json()
    assert body["totalItems"] == 18
    assert case.ticket_session_iri in {s["@id"] for s in body["member"]}


def test_unknown_resource_is_a_json_ld_404(sandbox_demo, sandbox_client: httpx.Client):
    response = sandbox_client.get(
        f"{sandbox_demo.catalog_iri}/events/0190a000-0000-7000-8000-000000000099"
    )
    assert response.status_code == 404
    assert response.json()["@type"] == "Error"


def test_totals_are_right_on_last_past_the_end_and_empty_pages(
    sandbox_demo, sandbox_client: httpx.Client
):
    """A short page gives its total without a COUNT; the other pages still count."""
    url = f"{sandbox_demo.catalog_iri}/events"
    last = sandbox_client.get(url, params={"itemsPerPage": 4, "page": 2}).json()
    past = sandbox_client.get(url, params={"itemsPerPage": 4, "page": 9}).json()
    full = sandbox_client.get(url, params={"itemsPerPage": 6}).json()
    none = sandbox_client.get(
        f"{sandbox_demo.catalog_iri}/offers", params={"date[after]": "2199-01-01"}
    ).json()

    assert (last["totalItems"], len(last["member"])) == (6, 2)
    assert (past["totalItems"], past["member"]) == (6, [])
    assert full["totalItems"] == 6
    assert (none["totalItems"], none["member"]) == (0, [])


def test_offers_of_an_unknown_catalog_are_a_404(sandbox_demo, sandbox_client: httpx.Client):
    response = sandbox_client.get(
        "/v1/ticketing/catalogs/0190a000-0000-7000-8000-000000000099/offers"
    )

    assert response.status_code == 404
    assert response.json()["@type"] == "Error"
