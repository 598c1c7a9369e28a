from __future__ import annotations

import datetime as dt

import pytest

from shop.korus.retry import (
    RetryPolicy,
    backoff_delay,
    parse_retry_after,
    retry_delay,
    should_retry,
    within_budget,
)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (None, True),
        (408, True),
        (429, True),
        (500, True),
        (502, True),
        (503, True),
        (504, True),
        (400, False),
        (401, False),
        (403, False),
        (404, False),
        (409, False),
        (422, False),
    ],
)
def test_should_retry_only_transient_statuses(status: int | None, expected: bool) -> None:
    assert should_retry(status) is expected


def test_backoff_grows_exponentially_with_fixed_jitter() -> None:
    policy = RetryPolicy(backoff_base=0.2, backoff_cap=100)
    delays = [backoff_delay(n, policy, jitter=lambda: 1.0) for n in (1, 2, 3, 4)]
    assert delays == pytest.approx([0.2, 0.4, 0.8, 1.6])


def test_backoff_is_capped() -> None:
    policy = RetryPolicy(backoff_base=1, backoff_cap=3)
    assert backoff_delay(10, policy, jitter=lambda: 1.0) == pytest.approx(3)


def test_backoff_jitter_keeps_at_least_half_the_delay() -> None:
    policy = RetryPolicy(backoff_base=1, backoff_cap=100)
    assert backoff_delay(3, policy, jitter=lambda: 0.0) == pytest.approx(2.0)
    assert backoff_delay(3, policy, jitter=lambda: 1.0) == pytest.approx(4.0)


def test_parse_retry_after_seconds() -> None:
    assert parse_retry_after("7") == 7.0


def test_parse_retry_after_http_date() -> None:
    now = dt.datetime(2025, 6, 1, 12, 0, 0, tzinfo=dt.UTC)
    assert parse_retry_after("Sun, 01 Jun 2025 12:00:30 GMT", now=now) == pytest.approx(30)


def test_parse_retry_after_http_date_without_zone_is_utc() -> None:
    now = dt.datetime(2025, 6, 1, 12, 0, 0, tzinfo=dt.UTC)
    assert parse_retry_after("Sun, 01 Jun 2025 12:00:10 -0000", now=now) == pytest.approx(10)


def test_parse_retry_after_in_the_past_is_zero() -> None:
    now = dt.datetime(2025, 6, 1, 12, 0, 0, tzinfo=dt.UTC)
    assert parse_retry_after("Sun, 01 Jun 2025 11:00:00 GMT", now=now) == 0.0


@pytest.mark.parametrize("value", [None, "", "soon"])
def test_parse_retry_after_missing_or_garbage_is_none(value: str | None) -> None:
    assert parse_retry_after(value) is None


def test_retry_delay_honours_retry_after_under_the_cap() -> None:
    assert retry_delay(1, 4.0, RetryPolicy(retry_after_cap=5)) == 4.0


def test_retry_delay_gives_up_when_retry_after_exceeds_the_cap() -> None:
    assert retry_delay(1, 60.0, RetryPolicy(retry_after_cap=5)) is None


def test_retry_delay_gives_up_after_max_retries() -> None:
    assert retry_delay(3, None, RetryPolicy(max_retries=2)) is None


def test_retry_delay_uses_backoff_without_retry_after() -> None:
    policy = RetryPolicy(backoff_base=0.5)
    assert retry_delay(2, None, policy, jitter=lambda: 1.0) == pytest.approx(1.0)


def test_within_budget() -> None:
    policy = RetryPolicy(total_budget=10)
    assert within_budget(8, 2, policy)
    assert not within_budget(8, 2.5, policy)
