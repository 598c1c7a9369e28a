"""The standalone sandbox (sandbox.wsgi) plus the bench's own control endpoints, which exist
only in this app, never in the sandbox or the shop:

- every API request is appended, as one line `METHOD PATH MS` (the time the sandbox took to
  answer, injected latency included), to the file BENCH_CALL_LOG (O_APPEND writes of one
  short line are atomic, so every gunicorn worker can share it);
- GET  /_bench/calls?reset=1: the counts by kind since the last reset, and `slowest_ms`, the
  longest answer among them (then resets);
- PUT  /_bench/faults: replaces the fault rules named bench:* with the JSON list sent;
- GET  /_bench/documents?reference=KT-ORD-...: when the order's last document becomes
  downloadable (epoch seconds), to time the shop's "ready" against it.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from sandbox.wsgi import application as sandbox_application

StartResponse = Callable[..., Any]
CALL_LOG = os.environ.get("BENCH_CALL_LOG", "")


def call_kind(method: str, path: str) -> str:
    if "/documents" in path or path.startswith("/_files/"):
        return "documents"
    if path.endswith("/reservations/_bulk"):
        return "hold"
    if path.endswith("/orders/_bulk"):
        return "order"
    if path.startswith("/v1/booking/"):
        return "booking_read"
    return "catalog_read" if method == "GET" else "other"


def _record(method: str, path: str, ms: float) -> None:
    if not CALL_LOG:
        return
    fd = os.open(CALL_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, f"{method} {path} {ms:.1f}\n".encode("utf-8", "replace"))
    finally:
        os.close(fd)


def _calls(reset: bool) -> dict[str, float]:
    counts: Counter[str] = Counter()
    slowest = 0.0
    if CALL_LOG and os.path.exists(CALL_LOG):
        with open(CALL_LOG, encoding="utf-8", errors="replace") as log:
            for line in log:
                method, path, ms = line.rstrip("\n").split(" ", 2)
                counts[call_kind(method, path)] += 1
                counts["total"] += 1
                slowest = max(slowest, float(ms))
        if reset:
            os.truncate(CALL_LOG, 0)
    return {**counts, "slowest_ms": slowest}


def _timed(
    environ: dict[str, Any], start_response: StartResponse, method: str, path: str
) -> Iterable[bytes]:
    """The sandbox's answer, its time recorded once the whole body is built."""
    started = time.perf_counter()
    body = list(sandbox_application(environ, start_response))
    _record(method, path, (time.perf_counter() - started) * 1000)
    return body


def _faults(rules: list[dict[str, Any]]) -> int:
    from sandbox.faults import forget_rules
    from sandbox.models import FaultRule

    FaultRule.objects.filter(name__startswith="bench:").delete()
    made = FaultRule.objects.bulk_create(
        FaultRule(name=f"bench:{rule.get('kind')}:{n}", **rule) for n, rule in enumerate(rules)
    )
    forget_rules()  # bulk_create sends no post_save; the other workers follow on their own
    return len(made)


def _documents(reference: str) -> dict[str, float | None]:
    from sandbox.models import OrderDocument

    latest = (
        OrderDocument.objects.filter(order__reference=reference)
        .order_by("-downloadable_at")
        .values_list("downloadable_at", flat=True)
        .first()
    )
    return {"downloadable_at": latest.timestamp() if latest else None}


def _json(start_response: StartResponse, data: object) -> list[bytes]:
    body = json.dumps(data).encode()
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    path = environ.get("PATH_INFO", "/")
    method = environ["REQUEST_METHOD"].upper()
    if not path.startswith("/_bench/"):
        return _timed(environ, start_response, method, path)
    query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    if path == "/_bench/calls":
        return _json(start_response, _calls(query.get("reset") == "1"))
    if path == "/_bench/faults" and method == "PUT":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        rules = json.loads(environ["wsgi.input"].read(length) or b"[]")
        return _json(start_response, {"rules": _faults(rules)})
    if path == "/_bench/documents":
        return _json(start_response, _documents(query.get("reference", "")))
    start_response("404 Not Found", [("Content-Length", "0")])
    return [b""]
