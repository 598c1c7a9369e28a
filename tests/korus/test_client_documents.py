"""Order documents: list, item, the PATCH for a temporaryUrl, and the download itself."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable

import httpx
import pytest
import respx

from shop.korus.calls import CallRecord
from shop.korus.client import KorusClient
from shop.korus.errors import NotFound, ValidationFailed
from tests.korus.conftest import API_KEY, Sleeps, jsonld, load

ORDER_ID = "0197cb40-2a1b-7c3d-8e4f-5a6b7c8d9e0f"
DOC_ID = "0197cb41-0000-7000-8000-000000000003"
DOC = f"/v1/booking/orders/{ORDER_ID}/documents/{DOC_ID}"
STORAGE_HOST = "storage.googleapis.com"
SIGNED = load("order_document_link.json")["temporaryUrl"]


def test_order_documents(router: respx.Router, client: KorusClient) -> None:
    router.get(f"/v1/booking/orders/{ORDER_ID}/documents").mock(
        return_value=jsonld("order_documents.json")
    )
    (document,) = client.order_documents(ORDER_ID)
    assert (document.id, document.order_id) == (DOC_ID, ORDER_ID)
    assert document.downloadable_at == dt.datetime(2025, 6, 1, 10, 6, tzinfo=dt.UTC)
    assert document.is_downloadable(dt.datetime(2025, 6, 1, 10, 7, tzinfo=dt.UTC))
    assert not document.is_downloadable(dt.datetime(2025, 6, 1, 10, 5, tzinfo=dt.UTC))


def test_order_document(router: respx.Router, client: KorusClient) -> None:
    router.get(DOC).mock(return_value=jsonld("order_document.json"))
    assert client.order_document(ORDER_ID, DOC_ID).iri == DOC


def test_document_link_patches_an_empty_object(router: respx.Router, client: KorusClient) -> None:
    route = router.patch(DOC).mock(return_value=jsonld("order_document_link.json"))
    link = client.document_link(ORDER_ID, DOC_ID, language="en")
    request = route.calls.last.request
    assert request.headers["Content-Type"] == "application/merge-patch+json"
    assert json.loads(request.content) == {}
    assert request.headers["Accept-Language"] == "en"
    temporary_url, cached_language = link
    assert (temporary_url, cached_language) == (SIGNED, "fr")
    assert "Signature" not in repr(link)


def test_document_link_is_retried_because_it_is_idempotent(
    router: respx.Router, client: KorusClient, sleeps: Sleeps
) -> None:
    route = router.patch(DOC).mock(
        side_effect=[httpx.Response(502), jsonld("order_document_link.json")]
    )
    assert client.document_link(ORDER_ID, DOC_ID).cached_language == "fr"
    assert route.call_count == 2


def test_document_link_before_it_is_ready_is_a_validation_error(
    router: respx.Router, client: KorusClient
) -> None:
    router.patch(DOC).mock(return_value=jsonld("error_422_detail_only.json", 422))
    with pytest.raises(ValidationFailed):
        client.document_link(ORDER_ID, DOC_ID)


def test_document_link_without_url_is_a_payload_error(
    router: respx.Router, client: KorusClient
) -> None:
    from shop.korus.errors import KorusPayloadError

    router.patch(DOC).mock(return_value=httpx.Response(200, json={"@id": DOC}))
    with pytest.raises(KorusPayloadError):
        client.document_link(ORDER_ID, DOC_ID)


@pytest.fixture
def storage() -> respx.Router:
    return respx.Router(assert_all_mocked=True)


@pytest.fixture
def two_hosts(router: respx.Router, storage: respx.Router) -> httpx.MockTransport:
    """The API and the signed-URL storage host behind one transport, as in production."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == STORAGE_HOST:
            return storage.handler(request)
        return router.handler(request)

    return httpx.MockTransport(handler)


def test_download_fetches_the_url_without_our_authorization(
    storage: respx.Router,
    make_client: Callable[..., KorusClient],
    two_hosts: httpx.MockTransport,
) -> None:
    route = storage.get(host=STORAGE_HOST).mock(
        return_value=httpx.Response(200, content=b"%PDF-1.7 ...")
    )
    client = make_client(transport=two_hosts)
    assert client.download(SIGNED) == b"%PDF-1.7 ..."
    request = route.calls.last.request
    assert "Authorization" not in request.headers
    assert API_KEY not in str(request.headers)
    assert request.url.params["Signature"] == "c2VjcmV0LXNpZw=="


def test_download_is_retried_on_transient_errors(
    storage: respx.Router,
    make_client: Callable[..., KorusClient],
    two_hosts: httpx.MockTransport,
) -> None:
    route = storage.get(host=STORAGE_HOST).mock(
        side_effect=[httpx.ConnectError("reset"), httpx.Response(200, content=b"%PDF")]
    )
    assert make_client(transport=two_hosts).download(SIGNED) == b"%PDF"
    assert route.call_count == 2


def test_an_expired_signed_url_is_an_http_error(
    storage: respx.Router,
    make_client: Callable[..., KorusClient],
    two_hosts: httpx.MockTransport,
) -> None:
    storage.get(host=STORAGE_HOST).mock(
        return_value=httpx.Response(404, text="<Error>NoSuchKey</Error>")
    )
    with pytest.raises(NotFound):
        make_client(transport=two_hosts).download(SIGNED)


def test_download_never_logs_the_query_string(
    storage: respx.Router,
    make_client: Callable[..., KorusClient],
    two_hosts: httpx.MockTransport,
    caplog: pytest.LogCaptureFixture,
) -> None:
    records: list[CallRecord] = []
    storage.get(host=STORAGE_HOST).mock(return_value=httpx.Response(200, content=b"%PDF"))
    with caplog.at_level(logging.DEBUG):
        make_client(transport=two_hosts, on_call=records.append).download(SIGNED)
    assert "Signature" not in caplog.text
    assert "GoogleAccessId" not in caplog.text
    assert records[0].path == f"/korus-docs/orders/{ORDER_ID}/tickets.pdf"


def test_download_refuses_other_schemes(client: KorusClient) -> None:
    with pytest.raises(ValueError, match="http"):
        client.download("file:///etc/passwd")
