"""gunicorn settings for the sandbox in the bench: threads, so that injected latency (a sleep)
does not limit how many upstream calls can be in flight at once, over a few processes, so that
the calls of one page are not all queued behind one interpreter lock."""

from __future__ import annotations

workers = 4
worker_class = "gthread"
threads = 8
accesslog = None
loglevel = "warning"
timeout = 60
