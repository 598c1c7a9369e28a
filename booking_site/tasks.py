"""Infrastructure tasks (not business ones: those live in shop/tasks.py)."""

from __future__ import annotations

from booking_site.celery import app


@app.task(name="booking_site.ping")
def ping() -> str:
    """Answer the readiness probe's round trip."""
    return "pong"
