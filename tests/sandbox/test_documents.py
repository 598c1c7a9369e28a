"""Order documents: downloadable after their delay, a short-lived URL to a real PDF."""

from __future__ import annotations

import httpx
import pytest

from tests.sandbox.helpers import hold, order


@pytest.fixture
def ordered(sandbox_demo, sandbox_client: httpx.Client, sandbox_settings):
    sandbox_settings.document_delay = 5
    reservation = hold(sandbox_client, sandbox_demo.concert.reservation_item(2))
    return order(sandbox_client, reservation["@id"]).json()["orders"][0]


def _documents(client: httpx.Client, order_iri: str) -> list[dict]:
    return client.get(f"{order_iri}/documents").json()["member"]


def _patch(client: httpx.Client, document_iri: str) -> httpx.Response:
    return client.patch(
        document_iri, json={}, headers={"Content-Type": "application/merge-patch+json"}
    )


def test_each_ticket_gets_a_document(ordered, sandbox_client: httpx.Client):
    assert len(_documents(sandbox_client, ordered["@id"])) == 2


def test_document_is_not_downloadable_before_its_time(ordered, sandbox_client: httpx.Client):
    document = _documents(sandbox_client, ordered["@id"])[0]
    response = _patch(sandbox_client, document["@id"])
    assert response.status_code == 422
    assert response.json()["violations"][0]["code"] == "not_yet_downloadable"


def test_document_is_downloadable_after_its_delay(
    ordered, sandbox_client: httpx.Client, sandbox_clock
):
    document = _documents(sandbox_client, ordered["@id"])[0]
    sandbox_clock.advance(6)
    body = _patch(sandbox_client, document["@id"]).json()
    assert body["temporaryUrl"].startswith("http://sandbox.korus.invalid/_files/")
    assert body["cachedLanguage"] == "fr"


def test_temporary_url_yields_a_pdf(ordered, sandbox_client: httpx.Client, sandbox_clock):
    document = _documents(sandbox_client, ordered["@id"])[0]
    sandbox_clock.advance(6)
    url = _patch(sandbox_client, document["@id"]).json()["temporaryUrl"]
    response = sandbox_client.get(url, headers={"Authorization": ""})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_temporary_url_expires(
    ordered, sandbox_client: httpx.Client, sandbox_clock, sandbox_settings
):
    sandbox_settings.url_seconds = 60
    document = _documents(sandbox_client, ordered["@id"])[0]
    sandbox_clock.advance(6)
    url = _patch(sandbox_client, document["@id"]).json()["temporaryUrl"]
    sandbox_clock.advance(61)
    assert sandbox_client.get(url).status_code == 400


def test_tampered_url_is_refused(ordered, sandbox_client: httpx.Client, sandbox_clock):
    document = _documents(sandbox_client, ordered["@id"])[0]
    sandbox_clock.advance(6)
    url = _patch(sandbox_client, document["@id"]).json()["temporaryUrl"]
    tampered_signature = url[:-1] + ("A" if url[-1] != "A" else "B")
    assert sandbox_client.get(tampered_signature).status_code == 403
    other_document = url.replace(document["id"], "0" * 8 + document["id"][8:])
    assert sandbox_client.get(other_document).status_code == 403


def test_zero_delay_makes_documents_downloadable_at_once(
    sandbox_demo, sandbox_settings, sandbox_client: httpx.Client
):
    sandbox_settings.document_delay = 0
    reservation = hold(sandbox_client, sandbox_demo.museum.reservation_item(1))
    created = order(sandbox_client, reservation["@id"]).json()["orders"][0]
    document = _documents(sandbox_client, created["@id"])[0]
    assert _patch(sandbox_client, document["@id"]).status_code == 200


def test_beneficiary_tickets_hold_their_documents_back(
    sandbox_demo, sandbox_settings, sandbox_client: httpx.Client
):
    sandbox_settings.document_delay = 0
    reservation = hold(sandbox_client, sandbox_demo.beneficiary.reservation_item(1))
    created = order(sandbox_client, reservation["@id"]).json()["orders"][0]
    before = _documents(sandbox_client, created["@id"])
    ticket = created["items"][0]["tickets"][0]
    sandbox_client.patch(
        ticket["@id"],
        json={
            "beneficiary": {"firstname": "Ada", "lastname": "Lovelace", "dateOfBirth": "1815-12-10"}
        },
    )
    after = _documents(sandbox_client, created["@id"])
    assert before == []
    assert len(after) == 1
    assert _patch(sandbox_client, after[0]["@id"]).status_code == 200


def test_pdf_names_order_event_and_holder(ordered, sandbox_client: httpx.Client):
    from sandbox import models, pdf

    document = models.OrderDocument.objects.select_related(
        "order", "ticket__session", "ticket__item", "ticket__offer_ticket__offer__product__event"
    ).first()
    html = pdf.ticket_html(document, "en")
    assert ordered["reference"] in html
    assert "National Orchestra" in html
    assert "Ada Lovelace" in html
    assert "<svg" in html
