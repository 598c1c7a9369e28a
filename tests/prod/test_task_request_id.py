"""The request id travels from the web process to Celery tasks, and their logs carry it."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from celery import signals

from booking_site.celery import app as celery_app
from booking_site.request_id import TASK_HEADER, bind_request_id, get_request_id
from booking_site.tasks import ping

task_logger = logging.getLogger("tests.prod.task")


@celery_app.task(name="tests.prod.log_request_id")
def log_request_id() -> str | None:
    task_logger.info("task ran")
    return get_request_id()


@pytest.fixture
def stdout_log() -> Iterator[io.StringIO]:
    handler = next(h for h in logging.getLogger().handlers if h.name == "stdout")
    assert isinstance(handler, logging.StreamHandler)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(previous)


def test_task_sees_the_request_id_from_its_headers() -> None:
    result = log_request_id.apply(headers={TASK_HEADER: "req-task-7"})
    assert result.get() == "req-task-7"


def test_task_log_lines_carry_the_request_id(stdout_log: io.StringIO) -> None:
    log_request_id.apply(headers={TASK_HEADER: "req-task-8"})
    lines = [json.loads(line) for line in stdout_log.getvalue().splitlines()]
    (line,) = [line for line in lines if line["logger"] == "tests.prod.task"]
    assert line["request_id"] == "req-task-8"


def test_request_id_is_cleared_after_the_task() -> None:
    log_request_id.apply(headers={TASK_HEADER: "req-task-9"})
    assert get_request_id() is None


def test_task_queued_outside_a_request_gets_its_own_id() -> None:
    first = log_request_id.apply().get()
    second = log_request_id.apply().get()
    assert first
    assert second
    assert first != second


def test_publishing_inside_a_request_puts_its_id_in_the_message_headers() -> None:
    sent: list[dict[str, Any]] = []

    def capture(headers: dict[str, Any] | None = None, **_: Any) -> None:
        sent.append(dict(headers or {}))

    signals.before_task_publish.connect(capture, weak=False)
    try:
        # An in-memory broker: the message goes nowhere a worker could pick it up.
        with (
            celery_app.connection_for_write("memory://") as connection,
            bind_request_id("req-publish-1"),
        ):
            ping.apply_async(connection=connection)
    finally:
        signals.before_task_publish.disconnect(capture)
    assert sent[-1][TASK_HEADER] == "req-publish-1"
