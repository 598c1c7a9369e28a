"""One id per request: accepted from the PaaS router or generated, kept in a contextvar,
echoed in the response, added to every log record and carried into Celery tasks.

A contextvar (not a thread-local) so that the id follows async code and is reset cleanly
after each request and task.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import Any

from celery import signals
from django.http import HttpRequest, HttpResponseBase

HEADER = "X-Request-ID"
# The key under which the id travels in a Celery message's headers.
TASK_HEADER = "request_id"
# Router ids (Heroku, Scalingo: UUIDs) pass; anything that could forge a log line does not.
_VALID_ID = re.compile(r"^[A-Za-z0-9._:+=@/-]{1,128}$")

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
_task_tokens: dict[str, Token[str | None]] = {}


def get_request_id() -> str | None:
    return _request_id.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


def clean_request_id(raw: str | None) -> str | None:
    """The caller's id if it is safe to log verbatim, else None."""
    if raw and _VALID_ID.match(raw):
        return raw
    return None


@contextmanager
def bind_request_id(request_id: str) -> Iterator[str]:
    token = _request_id.set(request_id)
    try:
        yield request_id
    finally:
        _request_id.reset(token)


class RequestIdMiddleware:
    """Outermost middleware, so that every log line of the request carries the id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request_id = clean_request_id(request.headers.get(HEADER)) or new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        with bind_request_id(request_id):
            response = self.get_response(request)
        response[HEADER] = request_id
        return response


# --- Celery: the publisher puts the id in the message headers, the worker binds it -------------


def _on_before_task_publish(headers: dict[str, Any] | None = None, **_: Any) -> None:
    request_id = get_request_id()
    if request_id and headers is not None:
        headers.setdefault(TASK_HEADER, request_id)


def _task_request_id(task: Any) -> str | None:
    request = task.request
    # A worker exposes message headers as attributes; Task.apply() keeps them in .headers.
    raw = getattr(request, TASK_HEADER, None) or (getattr(request, "headers", None) or {}).get(
        TASK_HEADER
    )
    return clean_request_id(raw) if isinstance(raw, str) else None


def _on_task_prerun(task_id: str | None = None, task: Any = None, **_: Any) -> None:
    if task_id is None or task is None:
        return
    request_id = _task_request_id(task)
    if request_id is None and get_request_id() is None:
        # A task queued outside any request (beat, shell) still gets an id to group its lines.
        request_id = new_request_id()
    if request_id is not None:
        _task_tokens[task_id] = _request_id.set(request_id)


def _on_task_postrun(task_id: str | None = None, **_: Any) -> None:
    token = _task_tokens.pop(task_id or "", None)
    if token is not None:
        _request_id.reset(token)


def _keep_django_logging(**_: Any) -> None:
    """Having a receiver stops Celery from replacing the handlers that Django's LOGGING set up,
    so worker lines use the same (JSON) format as the web's."""


def connect_celery_signals() -> None:
    # weak=False: the receivers are module functions, but be explicit that they must stay.
    signals.before_task_publish.connect(_on_before_task_publish, weak=False)
    signals.task_prerun.connect(_on_task_prerun, weak=False)
    signals.task_postrun.connect(_on_task_postrun, weak=False)
    signals.setup_logging.connect(_keep_django_logging, weak=False)
