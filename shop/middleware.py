"""Turn "the ticketing API is down" into a friendly 503 page instead of a traceback."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from shop.korus.errors import (
    Forbidden,
    KorusError,
    KorusHTTPError,
    KorusPayloadError,
    KorusTransientError,
    Unauthorized,
)

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30


def is_outage(exc: BaseException) -> bool:
    """Errors a buyer can only wait out: the API unreachable, failing, or refusing our key.

    Other API errors (404, 409, 422) mean a bug when they get this far, so they stay 500s.
    """
    if isinstance(exc, KorusTransientError | KorusPayloadError | Unauthorized | Forbidden):
        return True
    return isinstance(exc, KorusHTTPError) and exc.status >= 500


class KorusUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, KorusError) or not is_outage(exception):
            return None
        logger.warning("ticketing API unavailable for %s: %s", request.path, exception)
        response = render(request, "shop/unavailable.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
