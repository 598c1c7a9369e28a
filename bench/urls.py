"""The shop's URLs plus two bench-only endpoints.

- /bench/ceiling: a constant string through the same middleware stack and server, the upper
  bound any page of the shop could reach;
- /bench/cache-clear (POST): empties the cache so the next page view is a cold one.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from booking_site.urls import urlpatterns as shop_urlpatterns
from shop.views.page_cache import clear_local


@require_GET
def ceiling(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ceiling", content_type="text/plain")


@csrf_exempt
@require_POST
def cache_clear(request: HttpRequest) -> HttpResponse:
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        # Only our own keys: flushing the whole Redis database would hit other users of it.
        client = backend._cache.get_client(None, write=True)
        prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)
    else:
        backend.clear()
    # This worker's in-memory copy of the pages too (the cold-cache runs use a one-worker
    # shop). The shop settings' one-second memo stays: it is not catalog data, and a busy shop,
    # where cold catalog reads matter, always has it.
    clear_local()
    return HttpResponse("cleared", content_type="text/plain")


urlpatterns = [
    path("bench/ceiling", ceiling),
    path("bench/cache-clear", cache_clear),
    *shop_urlpatterns,
]
