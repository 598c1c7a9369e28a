"""Authentication: the API key (verbatim or Bearer), tokens from the token endpoint, 401s."""

from __future__ import annotations

import httpx
import pytest

from tests.sandbox_fixtures import SANDBOX_BASE_URL

TOKEN_PATH = "/realms/korusticket/protocol/openid-connect/token"
pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def anonymous():
    from sandbox.transport import SandboxTransport

    with httpx.Client(transport=SandboxTransport(), base_url=SANDBOX_BASE_URL) as client:
        yield client


def _token(client: httpx.Client, secret: str = "sandbox") -> httpx.Response:  # noqa: S107
    return client.post(
        TOKEN_PATH,
        data={"grant_type": "client_credentials", "client_id": "sandbox", "client_secret": secret},
    )


@pytest.mark.parametrize("value", ["sandbox", "Bearer sandbox"])
def test_api_key_is_accepted_verbatim_or_as_bearer(anonymous: httpx.Client, value: str):
    response = anonymous.get("/v1/ticketing/catalogs", headers={"Authorization": value})
    assert response.status_code == 200


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}, {"Authorization": "x"}])
def test_missing_or_wrong_credentials_get_401(anonymous: httpx.Client, headers):
    response = anonymous.get("/v1/ticketing/catalogs", headers=headers)
    assert response.status_code == 401
    assert response.json()["status"] == 401


def test_api_key_comes_from_settings(anonymous: httpx.Client, settings):
    settings.KORUS_SANDBOX_API_KEY = "other-key"
    assert (
        anonymous.get("/v1/ticketing/catalogs", headers={"Authorization": "sandbox"}).status_code
        == 401
    )
    assert (
        anonymous.get("/v1/ticketing/catalogs", headers={"Authorization": "other-key"}).status_code
        == 200
    )


def test_token_endpoint_issues_a_usable_bearer_token(anonymous: httpx.Client):
    body = _token(anonymous).json()
    response = anonymous.get(
        "/v1/ticketing/catalogs", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 1800
    assert response.status_code == 200


def test_token_endpoint_refuses_a_wrong_secret(anonymous: httpx.Client):
    assert _token(anonymous, secret="wrong").status_code == 401


def test_refresh_grant_issues_a_new_token(anonymous: httpx.Client):
    refresh = _token(anonymous).json()["refresh_token"]
    response = anonymous.post(
        TOKEN_PATH,
        data={"grant_type": "refresh_token", "refresh_token": refresh, "client_id": "sandbox"},
    )
    assert response.status_code == 200
    assert response.json()["access_token"]


def test_token_expires_after_expires_in(anonymous: httpx.Client, sandbox_clock, settings):
    settings.SANDBOX_TOKEN_EXPIRES_IN = 60
    token = _token(anonymous).json()["access_token"]
    sandbox_clock.advance(61)
    response = anonymous.get("/v1/ticketing/catalogs", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
