"""`make soak`: the reliability run. Does the shop lose or double anything when things fail?

On the production-like stack of `make bench` (bench/stack.py) plus a Celery beat (the
reconciliation sweep and the documents resume sweep), with the sandbox injecting
20% 5xx on reads, 5% lost responses on order creation and 2% timeouts on every call:
1. `--purchases` buyers' purchases over HTTP (bench/buyer.py), `--buyers` at a time; a buyer
   shown "please try again" on confirm tries again, as the page says, at most twice;
2. mid-run, the Celery worker is killed (SIGKILL, its whole process group) and restarted;
3. after the buyers, the faults stay on while the sweeps settle what is left, until every
   order is settled and every confirmed order's documents are ready or failed (bounded);
4. bench/audit.py compares the shop's orders with the API's.

Prints one table; exits 1 when there is any duplicate order, any order the API has that the
shop does not record as confirmed (or the reverse), or any purchase that failed without a
clear message.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

from bench import stack
from bench.stack import PY, ROOT

FAULTS: list[dict[str, Any]] = [
    {"kind": "server_error", "rate": 0.20, "methods": "GET", "status": 503},
    {
        "kind": "lost_response",
        "rate": 0.05,
        "methods": "POST",
        "path_pattern": r"^/v1/booking/orders/_bulk$",
    },
    {"kind": "timeout", "rate": 0.02},
]

# Short timers, so that what the sweeps do in minutes in production happens within the run.
SOAK_ENV = {
    "KORUS_READ_TIMEOUT": "2",
    "SANDBOX_FAULT_TIMEOUT_SECONDS": "3",
    "SANDBOX_DOCUMENT_DELAY_SECONDS": "2",
    # A killed worker's late-acked tasks come back from Redis after this.
    "CELERY_VISIBILITY_TIMEOUT": "20",
    "CELERY_SOFT_SHUTDOWN_TIMEOUT": "5",
    "DOCUMENTS_POLL_MAX_SECONDS": "5",
    "DOCUMENTS_RESUME_EVERY_SECONDS": "10",
    "CHECKOUT_RECONCILE_AFTER_SECONDS": "10",
    "CHECKOUT_RECONCILE_EVERY_SECONDS": "5",
}


def _audit(env: dict[str, str]) -> dict[str, int]:
    result: dict[str, int] = stack.run_json([PY, "-m", "bench.audit"], env, timeout=120)
    return result


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Reliability run: faults, a killed worker.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("SOAK_PORT", "8170")))
    parser.add_argument("--purchases", type=int, default=200)
    parser.add_argument("--buyers", type=int, default=12)
    parser.add_argument("--workers", type=int, default=2)
    # Requests spend most of their time waiting on a failing upstream (timeouts, backoff):
    # threads keep the two workers busy meanwhile (GUNICORN_THREADS, read by gunicorn.conf.py).
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--kill-after", type=float, default=0.5, help="share of the orders sent before the kill"
    )
    parser.add_argument("--buy-seconds", type=float, default=300.0, help="buying time bound")
    parser.add_argument("--settle-seconds", type=float, default=150.0)
    parser.add_argument("--keep", action="store_true", help="keep the run's folder (logs)")
    args = parser.parse_args(argv)

    run_id = str(os.getpid())
    var_dir = Path(tempfile.mkdtemp(prefix="korus-soak-"))
    try:
        with stack.databases(run_id) as db_env:
            report = _run(args, run_id, var_dir, db_env)
    finally:
        if args.keep:
            print(f"logs kept in {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)
    print(_table(report, args))
    audit, buys = report["audit"], report["buys"]
    bad = (
        audit["duplicates"]
        + audit["api_without_local"]
        + audit["local_without_api"]
        + buys["outcomes"].get("failed_unclear", 0)
    )
    raise SystemExit(1 if bad else 0)


def _run(
    args: argparse.Namespace, run_id: str, var_dir: Path, db_env: dict[str, str]
) -> dict[str, Any]:
    base = {**stack.base_env(var_dir, run_id), **db_env, **SOAK_ENV}
    ids = stack.prepare(base)
    sessions_file = var_dir / "sessions.json"
    sessions_file.write_text(json.dumps(ids["buy"]))
    sandbox = f"http://127.0.0.1:{args.port}"
    shop = f"http://127.0.0.1:{args.port + 1}"
    shop_env = stack.env_with(
        stack.shop_env(base, sandbox, ids, args.workers), GUNICORN_THREADS=str(args.threads)
    )
    control = stack.SandboxControl(sandbox)
    report: dict[str, Any] = {"worker_killed": False}
    with (
        stack.server(
            stack.gunicorn_sandbox(args.port),
            base,
            f"{sandbox}/v1/ticketing/catalogs",
            var_dir / "sandbox.log",
            {"Authorization": stack.SANDBOX_KEY},
        ),
        stack.server(
            stack.gunicorn_shop(args.port + 1, args.workers),
            shop_env,
            f"{shop}/bench/ceiling",
            var_dir / "shop.log",
        ),
    ):
        control.faults(FAULTS)
        worker = stack.celery_worker(shop_env, var_dir / "worker.log")
        beat = stack.celery_beat(shop_env, var_dir / "beat.log", var_dir)
        try:
            started = time.monotonic()
            buyers = subprocess.Popen(
                [
                    PY,
                    "-m",
                    "bench.buyer",
                    shop,
                    "--sessions",
                    str(sessions_file),
                    "--count",
                    str(args.purchases),
                    "--concurrency",
                    str(args.buyers),
                    "--duration",
                    str(args.buy_seconds),
                    "--confirm-retries",
                    "2",
                ],
                cwd=ROOT,
                env=dict(os.environ),
                stdout=subprocess.PIPE,
                text=True,
            )
            # Mid-run: once the API has been asked for half of the orders.
            kill_at = max(1, int(args.purchases * args.kill_after))
            while buyers.poll() is None and control.calls().get("order", 0) < kill_at:
                time.sleep(1)
            if buyers.poll() is None:
                # No warning and no soft shutdown: what an out-of-memory kill or a lost host does.
                with suppress(ProcessLookupError):
                    os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
                report["worker_killed"] = True
                report["killed_at_s"] = round(time.monotonic() - started, 1)
                report["killed_after_orders"] = control.calls().get("order", 0)
                time.sleep(3)
                worker = stack.celery_worker(shop_env, var_dir / "worker.log")
            out, _ = buyers.communicate(timeout=args.buy_seconds + 120)
            report["buy_seconds"] = round(time.monotonic() - started, 1)
            report["buys"] = json.loads(out.strip().splitlines()[-1])
            report["audit"] = _settle(shop_env, args.settle_seconds)
            report["settle_seconds"] = round(time.monotonic() - started - report["buy_seconds"], 1)
            report["calls"] = control.calls()
        finally:
            stack.stop(beat, group=True)
            stack.stop(worker, group=True)
            stack.celery_purge(shop_env)
    return report


def _settle(env: dict[str, str], seconds: float) -> dict[str, int]:
    """Audit until nothing is left to settle (the sweeps run meanwhile), or time is up."""
    deadline = time.monotonic() + seconds
    while True:
        audit = _audit(env)
        if (audit["unsettled"] == 0 and audit["documents_waiting"] == 0) or (
            time.monotonic() >= deadline
        ):
            return audit
        time.sleep(3)


def _table(report: dict[str, Any], args: argparse.Namespace) -> str:
    buys, audit = report["buys"], report["audit"]
    outcomes = buys["outcomes"]
    rules = "20% 5xx on GET, 5% lost responses on POST orders/_bulk, 2% timeouts on every call"
    killed = (
        f"Celery worker SIGKILLed at {report['killed_at_s']} s (after "
        f"{report['killed_after_orders']} order calls) and restarted 3 s later"
        if report["worker_killed"]
        else "Celery worker NOT killed (buying ended first)"
    )
    rows = [
        ("purchases attempted", buys["attempted"], ""),
        ("completed (order page shown)", outcomes.get("completed", 0), ""),
        ("failed with a clear error", outcomes.get("failed_clear", 0), ""),
        ("failed without a clear error", outcomes.get("failed_unclear", 0), "must be 0"),
        ("confirm retried after 'try again'", buys["confirm_retries"], ""),
        ("orders at the API", audit["api_orders"], ""),
        ("orders confirmed in the shop", audit["confirmed"], ""),
        ("duplicate orders", audit["duplicates"], "must be 0"),
        ("API orders the shop has not confirmed", audit["api_without_local"], "must be 0"),
        ("confirmed orders the API lacks", audit["local_without_api"], "must be 0"),
        ("orders still pending/reconciling", audit["unsettled"], ""),
        ("documents delivered (orders ready)", audit["documents_ready"], ""),
        (
            "documents failed / still waiting",
            (f"{audit['documents_failed']} / {audit['documents_waiting']}"),
            "",
        ),
        ("document files stored", audit["document_files"], ""),
        ("upstream calls (all processes)", report["calls"].get("total", 0), ""),
    ]
    lines = [
        f"make soak: {stack.stack_label()}; {args.workers} gunicorn workers x "
        f"{args.threads} threads, {args.buyers} "
        f"concurrent buyers; {stack.machine()}; load average at the end {stack.load_average()}",
        f"faults: {rules}; {killed}",
        f"buying took {report['buy_seconds']} s, settling {report['settle_seconds']} s",
        f"{'':<42}{'count':>10}  check",
    ]
    lines += [f"{label:<42}{value!s:>10}  {check}" for label, value, check in rows]
    for reason, count in buys["failures"].items():
        lines.append(f"  failed {count}x at {reason}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
