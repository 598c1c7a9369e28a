"""Fault injection, as the shop's client sees it through the in-process transport."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.sandbox.helpers import hold, order

CATALOGS = "/v1/ticketing/catalogs"


def test_no_fault_by_default(sandbox_demo, sandbox_faults, sandbox_client: httpx.Client):
    statuses = {sandbox_client.get(CATALOGS).status_code for _ in range(20)}
    assert statuses == {200}


def test_server_error_fault_answers_5xx(sandbox_faults, sandbox_client: httpx.Client):
    sandbox_faults.add("server_error", status=502)
    response = sandbox_client.get(CATALOGS)
    assert response.status_code == 502
    assert response.json()["status"] == 502


def test_rate_limit_fault_answers_429_with_retry_after(
    sandbox_faults, sandbox_client: httpx.Client
):
    sandbox_faults.add("rate_limit", retry_after=7)
    response = sandbox_client.get(CATALOGS)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"


def test_latency_fault_delays_the_answer(sandbox_faults, sandbox_client: httpx.Client):
    sandbox_faults.add("latency", latency_ms=150)
    started = time.monotonic()
    response = sandbox_client.get(CATALOGS)
    assert response.status_code == 200
    assert time.monotonic() - started >= 0.15


def test_timeout_fault_raises_read_timeout_after_the_client_timeout(
    sandbox_faults, sandbox_client: httpx.Client
):
    sandbox_faults.add("timeout")
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        sandbox_client.get(CATALOGS, timeout=httpx.Timeout(1.0, read=0.2))
    assert time.monotonic() - started >= 0.2


def test_lost_response_commits_the_write_then_fails(
    sandbox_demo, sandbox_faults, sandbox_client: httpx.Client
):
    reservation = hold(sandbox_client, sandbox_demo.museum.reservation_item(1))
    sandbox_faults.add("lost_response", methods="POST", path=r"^/v1/booking/orders/_bulk$")
    with pytest.raises(httpx.RemoteProtocolError):
        order(sandbox_client, reservation["@id"], ref="LOST-1")
    sandbox_faults.clear()
    found = sandbox_client.get("/v1/booking/orders", params={"external_reference": "LOST-1"})
    assert found.json()["totalItems"] == 1


def test_fault_is_limited_to_its_methods_and_path(
    sandbox_demo, sandbox_faults, sandbox_client: httpx.Client
):
    sandbox_faults.add("server_error", methods="POST", path="_bulk$")
    assert sandbox_client.get(CATALOGS).status_code == 200
    response = sandbox_client.post("/v1/booking/reservations/_bulk", json={"items": []})
    assert response.status_code == 503


def test_fault_rate_hits_a_share_of_requests(sandbox_faults, sandbox_client: httpx.Client):
    sandbox_faults.add("server_error", rate=0.5)
    statuses = [sandbox_client.get(CATALOGS).status_code for _ in range(200)]
    assert 40 < statuses.count(503) < 160


def test_env_settings_become_fault_rules(settings):
    from sandbox import faults

    settings.SANDBOX_FAULT_5XX_RATE = 0.2
    settings.SANDBOX_FAULT_METHODS = "GET"
    settings.SANDBOX_FAULT_LATENCY_MS = 0
    rules = faults.env_rules()
    assert [(r.kind, r.rate, r.methods) for r in rules] == [("server_error", 0.2, "GET")]


def test_a_rule_saved_here_applies_to_the_next_call(sandbox_faults, sandbox_client: httpx.Client):
    assert sandbox_client.get(CATALOGS).status_code == 200  # the rules are now remembered
    rule = sandbox_faults.add("server_error", status=502)

    assert sandbox_client.get(CATALOGS).status_code == 502
    rule.delete()
    assert sandbox_client.get(CATALOGS).status_code == 200


def test_a_rule_written_by_another_process_applies_within_the_memo_time(
    sandbox_faults, sandbox_client: httpx.Client, monkeypatch: pytest.MonkeyPatch
):
    from sandbox import faults
    from sandbox.models import FaultRule

    assert sandbox_client.get(CATALOGS).status_code == 200
    # Another process's write: no signal reaches this one (bulk_create sends none anyway).
    FaultRule.objects.bulk_create([FaultRule(name="other", kind=FaultRule.SERVER_ERROR)])
    assert sandbox_client.get(CATALOGS).status_code == 200  # still the remembered rules

    later = time.monotonic() + faults.RULES_MEMO_SECONDS
    monkeypatch.setattr(faults.time, "monotonic", lambda: later)
    assert sandbox_client.get(CATALOGS).status_code == 503


def test_the_bench_waits_longer_than_the_rules_are_remembered():
    from bench.stack import FAULT_RULES_SETTLE_S
    from sandbox.faults import RULES_MEMO_SECONDS

    assert FAULT_RULES_SETTLE_S > RULES_MEMO_SECONDS
