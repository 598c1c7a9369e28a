"""The retry policy as small pure functions, so that each rule is tested on its own."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_retries: int = 3
    backoff_base: float = 0.25
    backoff_cap: float = 4.0
    # A Retry-After longer than this is not waited for: the caller gets RateLimited at once
    # (a buyer should not stare at a spinner for a minute).
    retry_after_cap: float = 10.0
    # No retry starts once this much time has passed since the first attempt.
    total_budget: float = 20.0


def should_retry(status: int | None) -> bool:
    """Whether an idempotent call is worth trying again. None = connection error or timeout."""
    return status is None or status in {408, 429} or status >= 500


def backoff_delay(
    attempt: int, policy: RetryPolicy, jitter: Callable[[], float] = random.random
) -> float:
    """Exponential backoff with "equal jitter" before retry number `attempt` (1-based).

    Half the delay is fixed and half random, so that clients which failed together do not all
    come back together, while every wait still grows with the attempt number.
    """
    ceiling = min(policy.backoff_cap, policy.backoff_base * (2.0 ** max(attempt - 1, 0)))
    return ceiling / 2 + ceiling / 2 * jitter()


def parse_retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP-date)."""
    if not value:
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    current = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - current).total_seconds())


def retry_delay(
    attempt: int,
    retry_after: float | None,
    policy: RetryPolicy,
    jitter: Callable[[], float] = random.random,
) -> float | None:
    """The wait before retry number `attempt`, or None when the call should not be retried."""
    if attempt > policy.max_retries:
        return None
    if retry_after is not None:
        return retry_after if retry_after <= policy.retry_after_cap else None
    return backoff_delay(attempt, policy, jitter)


def within_budget(elapsed: float, delay: float, policy: RetryPolicy) -> bool:
    """Whether waiting `delay` more seconds keeps the whole call inside its time budget."""
    return elapsed + delay <= policy.total_budget
