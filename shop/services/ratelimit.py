"""Cache-based rate limits, so bots cannot hoard stock or flood the order finder.

Fixed windows counted in the default cache (Redis in production, so every web process
shares the counts; process-local otherwise). `cache.add` creates the counter with its
expiry only once per window and `cache.incr` is atomic in Redis, so concurrent hits are
all counted.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True, slots=True)
class Rate:
    limit: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """'10/m' -> 10 per 60 s; also '/s', '/h', '/d' or '/<seconds>'."""
        count, _, period = text.partition("/")
        units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
        seconds = units[period] if period in units else int(period)
        return cls(limit=int(count), seconds=seconds)


def ratelimit_hit(*, scope: str, key: str, rate: Rate) -> bool:
    """Count one hit of `key` in `scope`; True when it is over the limit."""
    if rate.limit <= 0:
        return False
    window = int(time.time() // rate.seconds)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"rl:{scope}:{window}:{digest}"
    # A little longer than the window so the key outlives its last increment.
    cache.add(cache_key, 0, timeout=rate.seconds + 5)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # evicted between add and incr: start again
        cache.set(cache_key, 1, timeout=rate.seconds + 5)
        count = 1
    return count > rate.limit


def client_ip(request: HttpRequest) -> str:
    """The client's address, trusting X-Forwarded-For only for the configured proxy count.

    A PaaS router appends the real address to X-Forwarded-For; anything to its left was
    sent by the client and may be forged, so we count from the right.
    """
    proxies = int(getattr(settings, "CHECKOUT_TRUSTED_PROXY_COUNT", 0))
    remote = str(request.META.get("REMOTE_ADDR") or "")
    if proxies > 0:
        forwarded = [
            p.strip() for p in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        ]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= proxies:
            remote = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(remote))
    except ValueError:
        return "unknown"
