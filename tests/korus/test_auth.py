"""OIDC client credentials: cached token, refresh before expiry, one refetch after a 401."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from shop.korus.auth import OIDCClientCredentials, StaticAuth
from shop.korus.client import KorusClient
from shop.korus.errors import KorusPayloadError, Unauthorized
from tests.korus.conftest import CAT, CATALOG_ID, Clock, jsonld

TOKEN_URL = "https://api.korus.test/realms/korusticket/protocol/openid-connect/token"


def token(value: str, expires_in: int = 1800) -> httpx.Response:
    return httpx.Response(
        200, json={"access_token": value, "expires_in": expires_in, "token_type": "Bearer"}
    )


@pytest.fixture
def oidc_client(make_client: Callable[..., KorusClient]) -> KorusClient:
    return make_client(api_key=None, client_id="shop", client_secret="s3cret", token_url=TOKEN_URL)


def test_token_is_fetched_with_client_credentials(
    router: respx.Router, oidc_client: KorusClient
) -> None:
    grant = router.post(TOKEN_URL).mock(return_value=jsonld("token.json"))
    api = router.get(CAT).mock(return_value=jsonld("catalog.json"))
    oidc_client.catalog(CATALOG_ID)
    form = parse_qs(grant.calls.last.request.content.decode())
    assert form == {
        "grant_type": ["client_credentials"],
        "client_id": ["shop"],
        "client_secret": ["s3cret"],
    }
    assert grant.calls.last.request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert "Authorization" not in grant.calls.last.request.headers
    assert api.calls.last.request.headers["Authorization"] == "Bearer eyJhbGciOiJSUzI1NiJ9.first"


def test_token_is_cached_between_calls(router: respx.Router, oidc_client: KorusClient) -> None:
    grant = router.post(TOKEN_URL).mock(return_value=token("t1"))
    router.get(CAT).mock(return_value=jsonld("catalog.json"))
    oidc_client.catalog(CATALOG_ID)
    oidc_client.catalog(CATALOG_ID)
    assert grant.call_count == 1


def test_token_is_refreshed_shortly_before_it_expires(
    router: respx.Router, oidc_client: KorusClient, clock: Clock
) -> None:
    router.post(TOKEN_URL).mock(side_effect=[token("t1", 1800), token("t2", 1800)])
    api = router.get(CAT).mock(return_value=jsonld("catalog.json"))
    oidc_client.catalog(CATALOG_ID)
    clock.now += 1800 - 29
    oidc_client.catalog(CATALOG_ID)
    assert [c.request.headers["Authorization"] for c in api.calls] == ["Bearer t1", "Bearer t2"]


def test_a_401_gets_one_new_token_then_succeeds(
    router: respx.Router, oidc_client: KorusClient
) -> None:
    grant = router.post(TOKEN_URL).mock(side_effect=[token("old"), token("new")])
    api = router.get(CAT).mock(
        side_effect=[jsonld("problem_401.json", 401), jsonld("catalog.json")]
    )
    assert oidc_client.catalog(CATALOG_ID).id == CATALOG_ID
    assert grant.call_count == 2
    assert [c.request.headers["Authorization"] for c in api.calls] == ["Bearer old", "Bearer new"]


def test_a_second_401_is_raised(router: respx.Router, oidc_client: KorusClient) -> None:
    grant = router.post(TOKEN_URL).mock(side_effect=[token("a"), token("b")])
    api = router.get(CAT).mock(return_value=jsonld("problem_401.json", 401))
    with pytest.raises(Unauthorized):
        oidc_client.catalog(CATALOG_ID)
    assert (grant.call_count, api.call_count) == (2, 2)


def test_a_401_on_a_post_is_also_answered_by_a_new_token(
    router: respx.Router, oidc_client: KorusClient
) -> None:
    router.post(TOKEN_URL).mock(side_effect=[token("old"), token("new")])
    bulk = router.post("/v1/booking/orders/_bulk").mock(
        side_effect=[jsonld("problem_401.json", 401), jsonld("orders_bulk.json")]
    )
    from shop.korus.models import CustomerInput

    result = oidc_client.create_orders(
        reservations=["/v1/booking/reservations/0197cb3f-f1dd-7246-9660-d1613775333f"],
        customer=CustomerInput(firstname="john", lastname="doe", email="john.doe@example.com"),
        external_reference="KS-01JXAMPLE",
    )
    assert len(result.orders) == 1
    assert bulk.call_count == 2


def test_rejected_client_credentials_raise_unauthorized(
    router: respx.Router, oidc_client: KorusClient
) -> None:
    router.post(TOKEN_URL).mock(
        return_value=httpx.Response(
            401, json={"error": "unauthorized_client", "error_description": "Invalid secret"}
        )
    )
    api = router.get(CAT).mock(return_value=jsonld("catalog.json"))
    with pytest.raises(Unauthorized):
        oidc_client.catalog(CATALOG_ID)
    assert not api.called


def test_token_endpoint_outage_is_retried_like_the_call(
    router: respx.Router, oidc_client: KorusClient
) -> None:
    router.post(TOKEN_URL).mock(side_effect=[httpx.Response(503), token("t1")])
    router.get(CAT).mock(return_value=jsonld("catalog.json"))
    assert oidc_client.catalog(CATALOG_ID).id == CATALOG_ID


def test_token_response_without_access_token_is_a_payload_error(
    router: respx.Router, oidc_client: KorusClient
) -> None:
    router.post(TOKEN_URL).mock(return_value=httpx.Response(200, json={"expires_in": 60}))
    with pytest.raises(KorusPayloadError):
        oidc_client.catalog(CATALOG_ID)


def test_missing_expires_in_still_caches_for_a_minute() -> None:
    now = [0.0]
    calls: list[int] = []

    def fetch(form: object) -> dict[str, object]:
        calls.append(1)
        return {"access_token": f"t{len(calls)}", "expires_in": "soon"}

    auth = OIDCClientCredentials("id", "secret", fetch, clock=lambda: now[0])
    assert auth.authorization() == "Bearer t1"
    now[0] = 29
    assert auth.authorization() == "Bearer t1"
    now[0] = 31
    assert auth.authorization() == "Bearer t2"


def test_invalidating_a_token_already_replaced_keeps_the_new_one() -> None:
    tokens = iter(["a", "b"])
    auth = OIDCClientCredentials(
        "id", "secret", lambda form: {"access_token": next(tokens), "expires_in": 600}
    )
    first = auth.authorization()
    auth.invalidate(first)
    second = auth.authorization()
    auth.invalidate(first)  # a late thread reporting the old token
    assert auth.authorization() == second == "Bearer b"


def test_credentials_never_appear_in_reprs() -> None:
    assert "key" not in repr(StaticAuth("Bearer key"))
    auth = OIDCClientCredentials("shop", "s3cret", lambda form: {})
    assert "s3cret" not in repr(auth)
    assert StaticAuth("x").invalidate("x") is False
