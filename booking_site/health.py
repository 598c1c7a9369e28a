"""Liveness (/healthz) and readiness (/readyz) probes for the PaaS router and operators."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from booking_site.celery import app as celery_app

BROKER_TIMEOUT_S = 5.0


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is alive: touches nothing else."""
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache() -> None:
    key, value = f"readyz:{uuid.uuid4().hex}", "1"
    cache.set(key, value, 10)
    if cache.get(key) != value:
        raise RuntimeError("value written to the cache was not read back")
    cache.delete(key)


def _check_broker() -> None:
    """A round trip through the broker and a worker: proves a worker is consuming."""
    result = celery_app.send_task("booking_site.ping")
    try:
        if result.get(timeout=BROKER_TIMEOUT_S) != "pong":
            raise RuntimeError("unexpected answer from the worker")
    finally:
        result.forget()


def _check_korus() -> None:
    from shop.services.health import korus_ping

    korus_ping()


CHECKS: dict[str, Callable[[], None]] = {
    "database": _check_database,
    "cache": _check_cache,
    "broker": _check_broker,
    "korus_api": _check_korus,
}


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Each dependency checked; 503 with the names of those that failed."""
    report: dict[str, dict[str, object]] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as exc:
            report[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
        else:
            report[name] = {"ok": True}
        report[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    failed = [name for name, row in report.items() if not row["ok"]]
    body = {"status": "fail" if failed else "ok", "failed": failed, "checks": report}
    return JsonResponse(body, status=503 if failed else 200)
