"""Print the fuzz run's figures (requests sent, 5xx answers) at the end of the session."""

from __future__ import annotations

from typing import Any


def pytest_terminal_summary(terminalreporter: Any) -> None:
    from tests.fuzz.test_fuzz_shop import STATS

    if STATS["requests"]:
        terminalreporter.write_line(
            f"fuzz: {STATS['requests']} requests to the shop, {STATS['5xx']} answered 5xx"
        )
