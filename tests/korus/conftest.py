"""Fixtures for the client tests: payloads from fixtures/ and a client on a mocked transport.

HTTP is mocked only at the client's edge (an httpx transport), with payloads shaped as API.md
shows them; the client's own parts all run for real. Sleeps are recorded, not slept.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from shop.korus.client import KorusClient
from shop.korus.retry import RetryPolicy

BASE = "https://api.korus.test"
API_KEY = "Bearer test-api-key-123"
FIXTURES = Path(__file__).parent / "fixtures"
CATALOG_ID = "0194abdc-3a71-72b0-a9b9-89d4be0cd73e"
CAT = f"/v1/ticketing/catalogs/{CATALOG_ID}"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def jsonld(name: str, status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(
        status,
        content=(FIXTURES / name).read_bytes(),
        headers={"Content-Type": "application/ld+json", **headers},
    )


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


class Clock:
    """A monotonic clock that only moves when told to (or when the client sleeps)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def router() -> respx.Router:
    return respx.Router(base_url=BASE, assert_all_mocked=True, assert_all_called=False)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_client(
    router: respx.Router, sleeps: Sleeps, clock: Clock
) -> Iterator[Callable[..., KorusClient]]:
    made: list[KorusClient] = []

    def sleep(seconds: float) -> None:
        sleeps(seconds)
        clock.now += seconds

    def make(**overrides: Any) -> KorusClient:
        options: dict[str, Any] = {
            "api_key": API_KEY,
            "transport": httpx.MockTransport(router.handler),
            "default_language": "fr",
            "retry_policy": RetryPolicy(max_retries=3),
            "sleep": sleep,
            "clock": clock,
            "jitter": lambda: 0.5,
        }
        options.update(overrides)
        client = KorusClient(BASE, **options)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def client(make_client: Callable[..., KorusClient]) -> KorusClient:
    return make_client()
