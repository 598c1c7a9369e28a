"""The per-process client built from settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from shop.korus import get_client, reset_client, wiring
from shop.korus.auth import OIDCClientCredentials, StaticAuth


@pytest.fixture(autouse=True)
def fresh_client() -> Iterator[None]:
    reset_client()
    yield
    reset_client()


@pytest.fixture
def real_api(settings: Any) -> Any:
    settings.KORUS_API_URL = "https://api.korus.test"
    settings.KORUS_API_KEY = "Bearer live-key"
    settings.KORUS_LANGUAGES = ["en", "fr"]
    settings.KORUS_CONNECT_TIMEOUT = 1.5
    settings.KORUS_READ_TIMEOUT = 7.0
    settings.KORUS_MAX_RETRIES = 5
    return settings


def test_get_client_is_created_once_per_process(real_api: Any) -> None:
    assert get_client() is get_client()


def test_get_client_is_rebuilt_in_a_forked_child(
    real_api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = get_client()
    monkeypatch.setattr(wiring.os, "getpid", lambda: -1)
    child = get_client()
    assert child is not parent
    assert get_client() is child


def test_reset_client_drops_the_client(real_api: Any) -> None:
    first = get_client()
    reset_client()
    assert get_client() is not first


def test_real_api_settings(real_api: Any) -> None:
    client = get_client()
    assert client.base_url == "https://api.korus.test"
    assert client.default_language == "en"
    assert client.retry_policy.max_retries == 5
    assert isinstance(client._auth, StaticAuth)
    assert client._auth.authorization() == "Bearer live-key"
    timeout = client._http.timeout
    assert (timeout.connect, timeout.read) == (1.5, 7.0)


def test_oidc_settings_when_there_is_no_api_key(real_api: Any) -> None:
    real_api.KORUS_API_KEY = ""
    real_api.KORUS_CLIENT_ID = "shop"
    real_api.KORUS_CLIENT_SECRET = "s3cret"
    real_api.KORUS_TOKEN_URL = "https://auth.korus.test/token"
    assert isinstance(get_client()._auth, OIDCClientCredentials)


def test_no_languages_means_no_default_language(real_api: Any) -> None:
    real_api.KORUS_LANGUAGES = []
    assert get_client().default_language is None


def test_without_api_url_the_client_talks_to_the_sandbox(settings: Any, sandbox_demo: Any) -> None:
    settings.KORUS_API_URL = ""
    client = get_client()
    assert client.base_url == wiring.SANDBOX_BASE_URL
    catalogs = client.catalogs()
    assert catalogs
    assert all(c.iri == f"/v1/ticketing/catalogs/{c.id}" for c in catalogs)
