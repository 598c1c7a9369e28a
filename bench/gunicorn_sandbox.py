"""gunicorn settings for the sandbox in the bench: threads, so that injected latency (a sleep)
does not limit how many upstream calls can be in flight at once."""

from __future__ import annotations

workers = 2
worker_class = "gthread"
threads = 16
accesslog = None
loglevel = "warning"
timeout = 60
