"""Contract: the sandbox's HTTP exposure against openapi.yaml, with schemathesis.

Two runs over every operation the sandbox implements (all of openapi.yaml's):
- generated requests (bounded examples): status codes, content types, response schemas,
  no server errors, and authentication enforced (`ignored_auth`);
- the same checks on requests built from the demo catalog's real ids, so the 200 answers
  of item endpoints are validated too, not only their 404s.
The schema is the repository's copy (sandbox/contract/openapi.yaml), so a CI clone needs no
sibling folder. The standalone WSGI app (`sandbox.wsgi`) is the HTTP exposure under test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

import sandbox
from sandbox.wsgi import application
from tests.sandbox import hypothesis_compat

hypothesis_compat.install()

SCHEMA_PATH = Path(sandbox.__file__).parent / "contract" / "openapi.yaml"
AUTH = {"Authorization": "sandbox"}
CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    ignored_auth,
)

# openapi.yaml is OpenAPI 3.1: schemathesis 3.x supports it behind this switch.
schemathesis.experimental.OPEN_API_3_1.enable()
schema = schemathesis.from_path(str(SCHEMA_PATH), app=application, base_url="http://localhost")


@pytest.fixture
def contract_demo(sandbox_demo, sandbox_settings):
    sandbox_settings.document_delay = 0
    return sandbox_demo


GENERATION = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
}
# Generating reservation bodies (nested IRIs and form data) is slow: fewer examples there.
SLOW = "^/v1/booking/reservations/_bulk$"


@schema.exclude(path_regex=SLOW).parametrize()
@settings(max_examples=4, **GENERATION)
@pytest.mark.django_db(databases="__all__")
def test_generated_requests_conform(case, sandbox_faults):
    # Generated ids name nothing: an empty sandbox answers the same, and faster.
    case.call_and_validate(headers=AUTH, checks=CHECKS)


@schema.include(path_regex=SLOW).parametrize()
@settings(max_examples=2, **GENERATION)
@pytest.mark.django_db(databases="__all__")
def test_generated_reservation_requests_conform(case, sandbox_faults):
    case.call_and_validate(headers=AUTH, checks=CHECKS)


def _real_cases(demo, client) -> list[tuple[str, str, dict[str, str], dict[str, Any], Any]]:
    from tests.sandbox.helpers import hold, order

    reservation = hold(client, demo.concert.reservation_item(1))
    created = order(client, reservation["@id"], ref="CONTRACT").json()["orders"][0]
    item = created["items"][0]
    ticket = item["tickets"][0]
    document = client.get(f"{created['@id']}/documents").json()["member"][0]
    ben_res = hold(client, demo.beneficiary.reservation_item(1))
    ben = order(client, ben_res["@id"], ref="CONTRACT-B").json()["orders"][0]
    ben_item, ben_ticket = ben["items"][0], ben["items"][0]["tickets"][0]
    c, m, tour = str(demo.catalog_id), demo.museum, demo.tour
    offer_id, ticket_id = str(m.offer_id), str(m.ticket_id)
    session_id, event_id = str(m.session_id), str(m.event_id)
    new = demo.concert.reservation_item(1)
    customer = {"firstname": "a", "lastname": "b", "email": "a@example.com"}
    fresh = hold(client, demo.museum.reservation_item(1))
    return [
        ("/v1/ticketing/catalogs", "GET", {}, {}, None),
        ("/v1/ticketing/catalogs/{id}", "GET", {"id": c}, {}, None),
        ("/v1/ticketing/catalogs/{catalogId}/product_bases", "GET", {"catalogId": c}, {}, None),
        (
            "/v1/ticketing/catalogs/{catalogId}/product_bases/{id}",
            "GET",
            {"catalogId": c, "id": event_id},
            {},
            None,
        ),
        (
            "/v1/ticketing/catalogs/{catalogId}/product_bases/{productBaseId}/products",
            "GET",
            {"catalogId": c, "productBaseId": event_id},
            {},
            None,
        ),
        (
            "/v1/ticketing/catalogs/{catalogId}/product_bases/{productBaseId}/options",
            "GET",
            {"catalogId": c, "productBaseId": event_id},
            {},
            None,
        ),
        (
            "/v1/ticketing/catalogs/{catalogId}/product_bases/{productBaseId}/options/{code}/values",
            "GET",
            {"catalogId": c, "productBaseId": event_id, "code": "zone"},
            {},
            None,
        ),
        (
            "/v1/ticketing/catalogs/{catalogId}/products/{id}",
            "GET",
            {"catalogId": c, "id": item["product"].rsplit("/", 1)[-1]},
            {},
            None,
        ),
        (
            "/v1/ticketing/catalogs/{catalogId}/offers",
            "GET",
            {"catalogId": c},
            {"session": session_id, "itemsPerPage": 2},
            None,
        ),
        (
            "/v1/ticketing/catalogs/{catalogId}/offers/{id}",
            "GET",
            {"catalogId": c, "id": str(demo.concert_concession.offer_id)},
            {},
            None,
        ),
        (
            "/v1/ticketing/catalogs/{catalogId}/offers/{id}/price",
            "GET",
            {"catalogId": c, "id": str(demo.realtime_price.offer_id)},
            {},
            None,
        ),
        (
            "/v1/ticketing/catalogs/{catalogId}/offers/{id}/availability",
            "GET",
            {"catalogId": c, "id": offer_id},
            {},
            None,
        ),
        (
            "/v1/ticketing/catalogs/{catalogId}/offers/{offerId}/tickets",
            "GET",
            {"catalogId": c, "offerId": str(tour.offer_id)},
            {},
            None,
        ),
        (
            "/v1/ticketing/catalogs/{catalogId}/offers/{offerId}/tickets/{id}",
            "GET",
            {"catalogId": c, "offerId": str(tour.offer_id), "id": str(tour.ticket_id)},
            {},
            None,
        ),
        (
            "/v1/ticketing/catalogs/{catalogId}/offers/{offerId}/tickets/{ticketId}/sessions",
            "GET",
            {"catalogId": c, "offerId": offer_id, "ticketId": ticket_id},
            {},
            None,
        ),
        (
            "/v1/ticketing/catalogs/{catalogId}/offers/{offerId}/tickets/{ticketId}/sessions/{id}",
            "GET",
            {"catalogId": c, "offerId": offer_id, "ticketId": ticket_id, "id": session_id},
            {},
            None,
        ),
        (
            "/v1/ticketing/catalogs/{catalogId}/events",
            "GET",
            {"catalogId": c},
            {"itemsPerPage": 2, "page": 2},
            None,
        ),
        (
            "/v1/ticketing/catalogs/{catalogId}/events/{id}",
            "GET",
            {"catalogId": c, "id": event_id},
            {},
            None,
        ),
        (
            "/v1/ticketing/catalogs/{catalogId}/events/{eventId}/sessions",
            "GET",
            {"catalogId": c, "eventId": event_id},
            {"order[occursAt]": "desc"},
            None,
        ),
        (
            "/v1/ticketing/catalogs/{catalogId}/events/{eventId}/sessions/{id}",
            "GET",
            {"catalogId": c, "eventId": event_id, "id": session_id},
            {},
            None,
        ),
        (
            "/v1/ticketing/catalogs/{catalogId}/events/{eventId}/sessions/{id}/availability",
            "GET",
            {"catalogId": c, "eventId": event_id, "id": session_id},
            {},
            None,
        ),
        ("/v1/forms/{id}", "GET", {"id": str(demo.form_id)}, {}, None),
        ("/v1/booking/reservations", "GET", {}, {}, None),
        ("/v1/booking/reservations/_bulk", "POST", {}, {}, {"items": [new]}),
        ("/v1/booking/reservations/{id}", "GET", {"id": reservation["id"]}, {}, None),
        ("/v1/booking/orders", "GET", {}, {"external_reference": "CONTRACT"}, None),
        (
            "/v1/booking/orders/_bulk",
            "POST",
            {},
            {},
            {"reservations": [fresh["@id"]], "customer": customer, "externalReference": "C2"},
        ),
        ("/v1/booking/orders/{id}", "GET", {"id": created["id"]}, {}, None),
        (
            "/v1/booking/orders/{orderId}/items/{orderItemId}/tickets/{id}",
            "GET",
            {"orderId": created["id"], "orderItemId": item["id"], "id": ticket["id"]},
            {},
            None,
        ),
        (
            "/v1/booking/orders/{orderId}/items/{orderItemId}/tickets/{id}",
            "PATCH",
            {"orderId": ben["id"], "orderItemId": ben_item["id"], "id": ben_ticket["id"]},
            {},
            {"beneficiary": {"firstname": "A", "lastname": "B", "dateOfBirth": "2000-01-01"}},
        ),
        ("/v1/booking/orders/{orderId}/documents", "GET", {"orderId": created["id"]}, {}, None),
        (
            "/v1/booking/orders/{orderId}/documents/{id}",
            "GET",
            {"orderId": created["id"], "id": document["id"]},
            {},
            None,
        ),
        (
            "/v1/booking/orders/{orderId}/documents/{id}",
            "PATCH",
            {"orderId": created["id"], "id": document["id"]},
            {},
            {},
        ),
    ]


@pytest.mark.django_db(databases="__all__")
def test_real_answers_conform(contract_demo, sandbox_client):
    cases = _real_cases(contract_demo, sandbox_client)
    covered = set()
    for path, method, path_parameters, query, body in cases:
        operation = schema[path][method]
        kwargs: dict[str, Any] = {
            "path_parameters": path_parameters,
            "query": query,
            "headers": dict(AUTH),
        }
        if body is not None:
            kwargs["body"] = body
        case = operation.make_case(**kwargs)
        response = case.call(headers=AUTH)
        assert response.status_code == 200, (path, method, response.text[:300])
        case.validate_response(
            response, checks=CHECKS, headers=AUTH, transport_kwargs={"headers": AUTH}
        )
        covered.add((path, method))
    seat_maps = "/v1/ticketing/catalogs/{catalogId}/product_bases/{productBaseId}/seat_maps/{id}"
    every = {
        (op.path, op.method.upper())
        for op in (result.ok() for result in schema.get_all_operations())
    }
    assert every - covered == {(seat_maps, "GET")}  # no seat maps: always a documented 404
