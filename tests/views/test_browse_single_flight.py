"""Acceptance 2 of issue 5: 50 concurrent requests for a cold event page make one upstream
call per resource they need (counted at the client's edge, on the wire to the sandbox)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from sandbox.transport import SandboxTransport
from shop.korus import KorusClient
from shop.korus.wiring import SANDBOX_BASE_URL

CONCURRENT_REQUESTS = 50


class CountingTransport(httpx.BaseTransport):
    """The sandbox transport, counting each request by method, path and query."""

    def __init__(self) -> None:
        self.inner = SandboxTransport()
        self.calls: Counter[str] = Counter()
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.calls[f"{request.method} {request.url.raw_path.decode()}"] += 1
        return self.inner.handle_request(request)


@pytest.fixture
def counting_client(monkeypatch: pytest.MonkeyPatch) -> Iterator[CountingTransport]:
    transport = CountingTransport()
    client = KorusClient(
        SANDBOX_BASE_URL,
        api_key=settings.KORUS_SANDBOX_API_KEY,
        transport=transport,
        default_language="en",
    )
    monkeypatch.setattr("shop.services.catalog.get_client", lambda: client)
    cache.clear()
    yield transport
    client.close()
    cache.clear()


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_cold_event_page_views_make_one_upstream_call_per_resource(
    sandbox_demo, counting_client: CountingTransport
) -> None:
    url = f"/events/{sandbox_demo.museum.event_id}/"
    barrier = threading.Barrier(CONCURRENT_REQUESTS)
    statuses: list[int] = []

    def view() -> None:
        client = Client()
        barrier.wait()
        statuses.append(client.get(url).status_code)

    threads = [threading.Thread(target=view) for _ in range(CONCURRENT_REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert statuses == [200] * CONCURRENT_REQUESTS
    repeated = {call: n for call, n in counting_client.calls.items() if n > 1}
    assert repeated == {}
    # The page needs several resources (catalog, event, its details, session pages).
    assert len(counting_client.calls) >= 4
