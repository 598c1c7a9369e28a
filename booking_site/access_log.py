"""One log line per request (logger "booking_site.access"): method, path, route, status, ms.

This is the shop's access log: the id set by RequestIdMiddleware is on it, which gunicorn's
own access log cannot know. The query string is left out: it may carry tokens.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

logger = logging.getLogger("booking_site.access")


class AccessLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response = self.get_response(request)
        ms = round((time.perf_counter() - started) * 1000, 1)
        match = getattr(request, "resolver_match", None)
        logger.info(
            "%s %s %s %.1fms",
            request.method,
            request.path,
            response.status_code,
            ms,
            extra={
                "method": request.method,
                "path": request.path,
                # The URL pattern groups lines per page without the secret parts of the path.
                "route": match.route if match else None,
                "status": response.status_code,
                "ms": ms,
            },
        )
        return response
