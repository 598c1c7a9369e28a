"""The choke point: headers, retries, error mapping, timeouts, logging and the call observer."""

from __future__ import annotations

import logging
from collections.abc import Callable

import httpx
import pytest
import respx

from shop.korus.calls import CallRecord
from shop.korus.client import KorusClient
from shop.korus.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    KorusConnectionError,
    KorusHTTPError,
    KorusPayloadError,
    KorusTimeout,
    KorusTransientError,
    NotFound,
    RateLimited,
    ServerError,
    Unauthorized,
    ValidationFailed,
)
from shop.korus.retry import RetryPolicy
from tests.korus.conftest import API_KEY, CAT, CATALOG_ID, Clock, Sleeps, jsonld

CATALOG = CAT


def test_every_call_sends_accept_auth_and_default_language(
    router: respx.Router, client: KorusClient
) -> None:
    route = router.get(CATALOG).mock(return_value=jsonld("catalog.json"))
    client.catalog(CATALOG_ID)
    request = route.calls.last.request
    assert request.headers["Accept"] == "application/ld+json"
    assert request.headers["Authorization"] == API_KEY
    assert request.headers["Accept-Language"] == "fr"


def test_language_argument_overrides_the_default(router: respx.Router, client: KorusClient) -> None:
    route = router.get(CATALOG).mock(return_value=jsonld("catalog.json"))
    client.catalog(CATALOG_ID, language="en")
    assert route.calls.last.request.headers["Accept-Language"] == "en"


def test_no_accept_language_without_any_language(
    router: respx.Router, make_client: Callable[..., KorusClient]
) -> None:
    route = router.get(CATALOG).mock(return_value=jsonld("catalog.json"))
    make_client(default_language=None).catalog(CATALOG_ID)
    assert "Accept-Language" not in route.calls.last.request.headers


def test_no_authorization_without_credentials(
    router: respx.Router, make_client: Callable[..., KorusClient]
) -> None:
    route = router.get(CATALOG).mock(return_value=jsonld("catalog.json"))
    make_client(api_key=None).catalog(CATALOG_ID)
    assert "Authorization" not in route.calls.last.request.headers


def test_get_is_retried_on_503_then_succeeds(
    router: respx.Router, client: KorusClient, sleeps: Sleeps
) -> None:
    route = router.get(CATALOG).mock(side_effect=[httpx.Response(503), jsonld("catalog.json")])
    catalog = client.catalog(CATALOG_ID)
    assert catalog.id == CATALOG_ID
    assert route.call_count == 2
    assert len(sleeps) == 1


def test_retry_after_is_honoured(router: respx.Router, client: KorusClient, sleeps: Sleeps) -> None:
    router.get(CATALOG).mock(
        side_effect=[httpx.Response(429, headers={"Retry-After": "2"}), jsonld("catalog.json")]
    )
    client.catalog(CATALOG_ID)
    assert sleeps == [2.0]


def test_retry_after_beyond_the_cap_raises_rate_limited_at_once(
    router: respx.Router, make_client: Callable[..., KorusClient], sleeps: Sleeps
) -> None:
    route = router.get(CATALOG).mock(
        return_value=httpx.Response(429, headers={"Retry-After": "120"})
    )
    client = make_client(retry_policy=RetryPolicy(retry_after_cap=10))
    with pytest.raises(RateLimited) as caught:
        client.catalog(CATALOG_ID)
    assert caught.value.retry_after == 120.0
    assert route.call_count == 1
    assert sleeps == []


def test_retries_stop_after_max_retries(
    router: respx.Router, make_client: Callable[..., KorusClient], sleeps: Sleeps
) -> None:
    route = router.get(CATALOG).mock(return_value=httpx.Response(502))
    with pytest.raises(ServerError) as caught:
        make_client(retry_policy=RetryPolicy(max_retries=2)).catalog(CATALOG_ID)
    assert caught.value.status == 502
    assert route.call_count == 3
    assert len(sleeps) == 2


def test_backoff_between_retries_grows(
    router: respx.Router, make_client: Callable[..., KorusClient], sleeps: Sleeps
) -> None:
    router.get(CATALOG).mock(return_value=httpx.Response(500))
    client = make_client(retry_policy=RetryPolicy(max_retries=3, backoff_base=1, backoff_cap=100))
    with pytest.raises(ServerError):
        client.catalog(CATALOG_ID)
    assert sleeps == pytest.approx([0.75, 1.5, 3.0])


def test_retries_stop_when_the_time_budget_is_spent(
    router: respx.Router, make_client: Callable[..., KorusClient], sleeps: Sleeps
) -> None:
    route = router.get(CATALOG).mock(return_value=httpx.Response(503))
    policy = RetryPolicy(max_retries=10, backoff_base=4, backoff_cap=4, total_budget=9)
    with pytest.raises(ServerError):
        make_client(retry_policy=policy).catalog(CATALOG_ID)
    assert sleeps == [3.0, 3.0, 3.0]
    assert route.call_count == 4


def test_read_timeout_raises_the_clients_own_error(
    router: respx.Router, make_client: Callable[..., KorusClient]
) -> None:
    router.get(CATALOG).mock(side_effect=httpx.ReadTimeout("timed out"))
    with pytest.raises(KorusTimeout) as caught:
        make_client(retry_policy=RetryPolicy(max_retries=0)).catalog(CATALOG_ID)
    assert isinstance(caught.value, KorusTransientError)
    assert not isinstance(caught.value, httpx.HTTPError)


def test_timeout_is_retried_for_a_get(
    router: respx.Router, client: KorusClient, sleeps: Sleeps
) -> None:
    route = router.get(CATALOG).mock(
        side_effect=[httpx.ConnectTimeout("slow"), jsonld("catalog.json")]
    )
    client.catalog(CATALOG_ID)
    assert route.call_count == 2


def test_connection_error_raises_korus_connection_error(
    router: respx.Router, make_client: Callable[..., KorusClient]
) -> None:
    router.get(CATALOG).mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(KorusConnectionError):
        make_client(retry_policy=RetryPolicy(max_retries=0)).catalog(CATALOG_ID)


def test_jsonld_404_becomes_not_found_with_its_fields(
    router: respx.Router, client: KorusClient
) -> None:
    router.get(CATALOG).mock(return_value=jsonld("error_404.json", 404, **{"X-Request-Id": "r-1"}))
    with pytest.raises(NotFound) as caught:
        client.catalog(CATALOG_ID)
    error = caught.value
    assert (error.status, error.request_id, error.title, error.detail) == (
        404,
        "r-1",
        "An error occurred",
        "Not Found",
    )
    assert error.path == CATALOG
    assert error.body["@type"] == "Error"


def test_jsonld_403_becomes_forbidden(router: respx.Router, client: KorusClient) -> None:
    router.get(CATALOG).mock(return_value=jsonld("error_403.json", 403))
    with pytest.raises(Forbidden) as caught:
        client.catalog(CATALOG_ID)
    assert caught.value.detail == "Access Denied."


def test_problem_json_409_becomes_conflict(router: respx.Router, client: KorusClient) -> None:
    router.get(CATALOG).mock(return_value=jsonld("problem_409.json", 409))
    with pytest.raises(Conflict) as caught:
        client.catalog(CATALOG_ID)
    assert caught.value.detail == "externalReference already used"


def test_400_becomes_bad_request(router: respx.Router, client: KorusClient) -> None:
    router.get(CATALOG).mock(return_value=httpx.Response(400, json={"title": "Bad", "status": 400}))
    with pytest.raises(BadRequest):
        client.catalog(CATALOG_ID)


def test_401_with_an_api_key_is_not_retried(router: respx.Router, client: KorusClient) -> None:
    route = router.get(CATALOG).mock(return_value=jsonld("problem_401.json", 401))
    with pytest.raises(Unauthorized) as caught:
        client.catalog(CATALOG_ID)
    assert caught.value.detail == "Invalid JWT Token"
    assert route.call_count == 1


def test_unlisted_status_is_a_plain_http_error(router: respx.Router, client: KorusClient) -> None:
    router.get(CATALOG).mock(return_value=httpx.Response(418, text="teapot"))
    with pytest.raises(KorusHTTPError) as caught:
        client.catalog(CATALOG_ID)
    assert type(caught.value) is KorusHTTPError
    assert caught.value.body == "teapot"


def test_422_keeps_detail_when_there_are_no_violations(
    router: respx.Router, client: KorusClient
) -> None:
    router.get(CATALOG).mock(return_value=jsonld("error_422_detail_only.json", 422))
    with pytest.raises(ValidationFailed) as caught:
        client.catalog(CATALOG_ID)
    assert caught.value.violations == ()
    assert caught.value.detail == "Reservation has expired"


def test_a_body_that_is_not_json_is_a_payload_error(
    router: respx.Router, client: KorusClient
) -> None:
    router.get(CATALOG).mock(return_value=httpx.Response(200, text="<html>proxy</html>"))
    with pytest.raises(KorusPayloadError):
        client.catalog(CATALOG_ID)


def test_a_json_array_body_is_a_payload_error(router: respx.Router, client: KorusClient) -> None:
    router.get(CATALOG).mock(return_value=httpx.Response(200, json=[1, 2]))
    with pytest.raises(KorusPayloadError):
        client.catalog(CATALOG_ID)


def test_a_resource_without_its_id_is_a_payload_error(
    router: respx.Router, client: KorusClient
) -> None:
    router.get(CATALOG).mock(return_value=httpx.Response(200, json={"name": "no @id"}))
    with pytest.raises(KorusPayloadError):
        client.catalog(CATALOG_ID)


def test_ids_cannot_change_the_shape_of_the_path(router: respx.Router, client: KorusClient) -> None:
    route = router.route(method="GET").mock(return_value=jsonld("event.json"))
    client.event(CATALOG_ID, "a/../b")
    assert route.calls.last.request.url.raw_path == f"{CATALOG}/events/a%2F..%2Fb".encode()


def test_dot_dot_is_refused_as_an_id(client: KorusClient) -> None:
    with pytest.raises(ValueError, match="invalid identifier"):
        client.event(CATALOG_ID, "..")


def test_every_attempt_is_reported_to_the_observer(
    router: respx.Router, make_client: Callable[..., KorusClient]
) -> None:
    records: list[CallRecord] = []
    router.get(f"{CATALOG}/offers").mock(
        side_effect=[httpx.Response(503), jsonld("offers_no_view.json")]
    )
    make_client(on_call=records.append).offers(CATALOG_ID, date_after="2025-06-01")
    assert [(r.method, r.path, r.status, r.attempt, r.error) for r in records] == [
        ("GET", f"{CATALOG}/offers", 503, 1, None),
        ("GET", f"{CATALOG}/offers", 200, 2, None),
    ]
    assert all(r.duration_ms >= 0 for r in records)


def test_a_failed_attempt_is_reported_with_its_error_class(
    router: respx.Router, make_client: Callable[..., KorusClient]
) -> None:
    records: list[CallRecord] = []
    router.get(CATALOG).mock(side_effect=httpx.ReadTimeout("slow"))
    client = make_client(on_call=records.append, retry_policy=RetryPolicy(max_retries=0))
    with pytest.raises(KorusTimeout):
        client.catalog(CATALOG_ID)
    assert [(r.status, r.error) for r in records] == [(None, "KorusTimeout")]


def test_one_log_line_per_call_without_the_key(
    router: respx.Router, client: KorusClient, caplog: pytest.LogCaptureFixture
) -> None:
    router.get(CATALOG).mock(return_value=jsonld("catalog.json"))
    with caplog.at_level(logging.INFO, logger="shop.korus"):
        client.catalog(CATALOG_ID)
    lines = [r.getMessage() for r in caplog.records if r.name == "shop.korus"]
    assert len(lines) == 1
    assert f"method=GET path={CATALOG} status=200" in lines[0]
    assert "test-api-key" not in caplog.text


def test_server_errors_are_logged_as_warnings(
    router: respx.Router, make_client: Callable[..., KorusClient], caplog: pytest.LogCaptureFixture
) -> None:
    router.get(CATALOG).mock(return_value=httpx.Response(500))
    with caplog.at_level(logging.INFO, logger="shop.korus"), pytest.raises(ServerError):
        make_client(retry_policy=RetryPolicy(max_retries=0)).catalog(CATALOG_ID)
    assert caplog.records[-1].levelno == logging.WARNING


def test_ping_asks_for_one_catalog_without_retrying(
    router: respx.Router, client: KorusClient
) -> None:
    route = router.get("/v1/ticketing/catalogs", params={"itemsPerPage": "1"}).mock(
        return_value=httpx.Response(503)
    )
    with pytest.raises(ServerError):
        client.ping()
    assert route.call_count == 1


def test_client_is_a_context_manager(router: respx.Router, clock: Clock) -> None:
    router.get(CATALOG).mock(return_value=jsonld("catalog.json"))
    with KorusClient("https://api.korus.test/", transport=httpx.MockTransport(router.handler)) as c:
        assert c.catalog(CATALOG_ID).id == CATALOG_ID
        assert repr(c) == "KorusClient(base_url='https://api.korus.test')"
