from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from shop.korus import concurrency, parallel


@pytest.fixture(autouse=True)
def fresh_pool() -> Iterator[None]:
    concurrency.shutdown()
    yield
    concurrency.shutdown()


def test_results_come_back_in_argument_order() -> None:
    assert parallel(lambda: "a", lambda: "b", lambda: "c") == ["a", "b", "c"]


def test_calls_run_at_the_same_time() -> None:
    # Each call waits for the other: only concurrent execution lets both finish.
    barrier = threading.Barrier(2, timeout=5)
    assert parallel(barrier.wait, barrier.wait) in ([0, 1], [1, 0])


def test_the_first_failure_is_raised_after_all_calls_ran() -> None:
    ran: list[str] = []

    def fail(name: str) -> None:
        ran.append(name)
        raise LookupError(name)

    with pytest.raises(LookupError, match="first"):
        parallel(lambda: fail("first"), lambda: ran.append("ok"), lambda: fail("second"))
    assert sorted(ran) == ["first", "ok", "second"]


def test_nested_parallel_runs_inline_instead_of_deadlocking(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(concurrency, "MAX_WORKERS", 1)

    def outer() -> list[int]:
        return parallel(lambda: 1, lambda: 2)

    assert parallel(outer, outer) == [[1, 2], [1, 2]]


def test_a_single_call_runs_in_the_caller() -> None:
    assert parallel(threading.current_thread) == [threading.current_thread()]


def test_the_pool_is_rebuilt_after_a_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    parallel(lambda: 1, lambda: 2)
    before = concurrency._pool
    monkeypatch.setattr(concurrency.os, "getpid", lambda: -1)
    parallel(lambda: 1, lambda: 2)
    assert concurrency._pool is not before
