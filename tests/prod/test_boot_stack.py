"""Issue 10, acceptance 1: the Procfile's stack boots in production mode and sells a ticket.

The work is scripts/boot_test.py (also run by hand); this test runs it as CI does, in its own
process: it starts gunicorn and Celery from the Procfile against a fresh PostgreSQL database
and an empty Redis DB number, so it needs both services.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "boot_test.py"
# The script bounds its own waits (about two minutes at most); this only catches a hang.
TIMEOUT_SECONDS = 300

_DATABASE_URL = os.environ.get("DATABASE_URL", "")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (_DATABASE_URL.startswith("postgres") and os.environ.get("REDIS_URL")),
        reason="the boot test needs PostgreSQL and Redis: set DATABASE_URL (postgres://...) "
        "and REDIS_URL (.ci/run sets both)",
    ),
]


def test_the_procfile_stack_boots_and_sells_a_ticket_over_http() -> None:
    process = subprocess.Popen(
        [sys.executable, str(SCRIPT)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output, _ = process.communicate(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        # SIGTERM, not kill(): the script then stops its processes and drops its database.
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
        pytest.fail(f"the boot test hung past {TIMEOUT_SECONDS} s:\n{output}")
    print(output)
    assert process.returncode == 0, output
