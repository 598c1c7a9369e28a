"""The in-process transport: usable from the client's worker threads inside a test."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx


def test_worker_threads_see_the_test_transaction(sandbox_demo, sandbox_client: httpx.Client):
    urls = [
        sandbox_demo.museum.event_iri,
        sandbox_demo.concert.event_iri,
        sandbox_demo.tour.event_iri,
        sandbox_demo.date_access.event_iri,
    ]
    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(lambda url: sandbox_client.get(url).status_code, urls))
    assert statuses == [200, 200, 200, 200]


def test_base_url_of_the_client_is_kept_in_links(
    sandbox_demo, sandbox_client: httpx.Client, sandbox_settings, sandbox_clock
):
    from tests.sandbox.helpers import hold, order

    sandbox_settings.document_delay = 0
    reservation = hold(sandbox_client, sandbox_demo.museum.reservation_item(1))
    created = order(sandbox_client, reservation["@id"]).json()["orders"][0]
    document = sandbox_client.get(f"{created['@id']}/documents").json()["member"][0]
    url = sandbox_client.patch(document["@id"], json={}).json()["temporaryUrl"]
    assert httpx.URL(url).host == "sandbox.korus.invalid"
