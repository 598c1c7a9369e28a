"""Structured logs: one JSON line per request and per API call, each with the request id."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from django.test import Client

from booking_site.request_id import bind_request_id
from tests.prod.conftest import PYTHON, Run

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])


class Captured:
    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    def lines(self) -> list[dict[str, object]]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines() if line]

    def by_logger(self, name: str) -> list[dict[str, object]]:
        return [line for line in self.lines() if line["logger"] == name]


@pytest.fixture
def stdout_log() -> Iterator[Captured]:
    """The handler that settings.LOGGING installed, writing to a buffer for the test."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "stdout")
    assert isinstance(handler, logging.StreamHandler)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield Captured(stream)
    finally:
        handler.setStream(previous)


def test_request_line_is_json_with_the_routers_request_id(
    client: Client, stdout_log: Captured
) -> None:
    client.get("/healthz", headers={"X-Request-ID": "router-id-42"})
    (line,) = stdout_log.by_logger("booking_site.access")
    assert line["request_id"] == "router-id-42"
    assert line["method"] == "GET"
    assert line["path"] == "/healthz"
    assert line["status"] == 200
    assert isinstance(line["ms"], float)


def test_request_without_an_id_gets_one_echoed_in_the_response(
    client: Client, stdout_log: Captured
) -> None:
    response = client.get("/healthz")
    (line,) = stdout_log.by_logger("booking_site.access")
    assert len(response["X-Request-ID"]) == 32
    assert line["request_id"] == response["X-Request-ID"]


def test_an_unsafe_request_id_is_replaced(client: Client, stdout_log: Captured) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": 'x" forged=1'})
    assert response["X-Request-ID"] != 'x" forged=1'
    assert stdout_log.by_logger("booking_site.access")[0]["request_id"] == response["X-Request-ID"]


def test_api_call_line_is_json_with_the_request_id_and_its_fields(stdout_log: Captured) -> None:
    with bind_request_id("req-api-1"):
        logging.getLogger("shop.korus").info(
            "GET /v1/ticketing/catalogs 200", extra={"status": 200, "ms": 12.5}
        )
    (line,) = stdout_log.by_logger("shop.korus")
    assert line["request_id"] == "req-api-1"
    assert line["status"] == 200
    assert line["level"] == "INFO"


def test_an_exception_stays_on_one_line(stdout_log: Captured) -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("shop.korus").exception("call failed")
    assert len(stdout_log.stream.getvalue().splitlines()) == 1
    assert "ValueError: boom" in str(stdout_log.lines()[0]["exc_info"])


@pytest.mark.parametrize(("debug", "expected"), [("false", "json"), ("true", "plain")])
def test_log_format_defaults_to_json_unless_debug(run_prod: Run, debug: str, expected: str) -> None:
    code = (
        "from django.conf import settings; "
        "print(settings.LOGGING['handlers']['stdout']['formatter'])"
    )
    result = run_prod([PYTHON, "-c", code], DEBUG=debug)
    assert result.stdout.strip() == expected, result.stderr
