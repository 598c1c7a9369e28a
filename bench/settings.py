"""Settings of the benchmarked shop: the production settings plus the bench's own URLs."""

from __future__ import annotations

import os

from booking_site.settings import *  # noqa: F403

# The ceiling view and the cache reset exist only here, never in the shop's URLconf.
ROOT_URLCONF = "bench.urls"
# Each run's tasks go to a queue of its own: a shared Redis may hold other runs' tasks, whose
# order ids would point at rows of a database that is gone.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("BENCH_CELERY_QUEUE", "celery")
