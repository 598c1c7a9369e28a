"""The sandbox over HTTP on the shop's own server, under /sandbox/."""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from sandbox.api import SandboxRequest, handle


@csrf_exempt
def api(request: HttpRequest, path: str) -> HttpResponse:
    prefix = request.path[: len(request.path) - len(path)].rstrip("/")
    sandbox_request = SandboxRequest(
        method=request.method or "GET",
        path="/" + path,
        query=[(k, v) for k, values in request.GET.lists() for v in values],
        headers={k.lower(): v for k, v in request.headers.items()},
        body=request.body,
        base_url=request.build_absolute_uri(prefix or "/").rstrip("/"),
    )
    response = handle(sandbox_request)
    if response.fault == "timeout":
        # Keep the client waiting past its read timeout, then give up as a gateway would.
        time.sleep(settings.SANDBOX_FAULT_TIMEOUT_SECONDS)
        return HttpResponse(status=504)
    if response.fault == "lost_response":
        return HttpResponse(status=502)
    out = HttpResponse(response.body, status=response.status)
    for name, value in response.headers.items():
        out[name] = value
    return out
