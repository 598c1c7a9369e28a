"""Settings of the benchmarked shop: the production settings plus the bench's own URLs."""

from __future__ import annotations

from booking_site.settings import *  # noqa: F403

# The ceiling view and the cache reset exist only here, never in the shop's URLconf.
ROOT_URLCONF = "bench.urls"
