"""The HTTP exposures: /sandbox/ on the shop's server and the standalone WSGI app."""

from __future__ import annotations

import pytest
from django.test import Client
from werkzeug.test import Client as WsgiClient

from sandbox.wsgi import application

pytestmark = pytest.mark.django_db(databases="__all__")
AUTH = {"HTTP_AUTHORIZATION": "sandbox"}


def test_shop_server_serves_the_api_under_sandbox(sandbox_demo):
    response = Client().get("/sandbox/v1/ticketing/catalogs", **AUTH)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    assert response.json()["member"][0]["@id"] == sandbox_demo.catalog_iri


def test_shop_server_posts_need_no_csrf_token(sandbox_demo):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/sandbox/v1/booking/reservations/_bulk",
        data={"items": [sandbox_demo.museum.reservation_item(1)]},
        content_type="application/ld+json",
        **AUTH,
    )
    assert response.status_code == 200
    assert len(response.json()["reservations"]) == 1


def test_shop_server_needs_credentials(sandbox_demo):
    assert Client().get("/sandbox/v1/ticketing/catalogs").status_code == 401


def test_temporary_url_is_served_on_the_request_base(sandbox_demo, sandbox_settings):
    sandbox_settings.document_delay = 0
    client = Client()
    item = sandbox_demo.museum.reservation_item(1)
    reservation = client.post(
        "/sandbox/v1/booking/reservations/_bulk",
        data={"items": [item]},
        content_type="application/ld+json",
        **AUTH,
    ).json()["reservations"][0]
    created = client.post(
        "/sandbox/v1/booking/orders/_bulk",
        data={
            "reservations": [reservation["@id"]],
            "externalReference": "HTTP-1",
            "customer": {"firstname": "a", "lastname": "b", "email": "a@example.com"},
        },
        content_type="application/ld+json",
        **AUTH,
    ).json()["orders"][0]
    document = client.get(f"/sandbox{created['@id']}/documents", **AUTH).json()["member"][0]
    url = client.patch(
        f"/sandbox{document['@id']}", data={}, content_type="application/merge-patch+json", **AUTH
    ).json()["temporaryUrl"]
    assert url.startswith("http://testserver/sandbox/_files/")
    pdf = client.get(url.removeprefix("http://testserver"))
    assert pdf.content.startswith(b"%PDF")


def test_lost_response_over_http_is_a_502(sandbox_demo, sandbox_faults):
    sandbox_faults.add("lost_response", methods="GET")
    assert Client().get("/sandbox/v1/ticketing/catalogs", **AUTH).status_code == 502


def test_timeout_over_http_holds_the_answer_then_504(sandbox_faults, settings):
    import time

    settings.SANDBOX_FAULT_TIMEOUT_SECONDS = 0.3
    sandbox_faults.add("timeout")
    started = time.monotonic()
    response = Client().get("/sandbox/v1/ticketing/catalogs", **AUTH)
    assert response.status_code == 504
    assert time.monotonic() - started >= 0.3


def test_standalone_wsgi_app_serves_v1_at_its_root(sandbox_demo):
    response = WsgiClient(application).get(
        "/v1/ticketing/catalogs", headers={"Authorization": "Bearer sandbox"}
    )
    assert response.status_code == 200
    assert response.json["member"][0]["@id"] == sandbox_demo.catalog_iri


def test_standalone_wsgi_app_issues_tokens(sandbox_faults):
    response = WsgiClient(application).post(
        "/realms/korusticket/protocol/openid-connect/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "sandbox",
            "client_secret": "sandbox",
        },
    )
    assert response.status_code == 200
    assert response.json["token_type"] == "Bearer"
