"""`make bench`: the shop's speed, measured the same way every time, printed as one table.

One run (bounded: a few minutes, every load bounded in count and time):
1. prepares throw-away databases (PostgreSQL when DATABASE_URL is set: a database of this run
   on that server; SQLite files otherwise) with the demo catalog;
2. starts the sandbox as its own gunicorn (threads; bench/sandbox_app.py adds a call counter
   and fault control), the shop under the Procfile's gunicorn settings (gunicorn.conf.py) with
   KORUS_API_URL pointed at it and the Redis cache when REDIS_URL is set (local memory
   otherwise), and a real Celery worker (the Procfile's worker line);
3. warm cache, in rounds (medians): requests/s and p50/p99 of a constant-string Django view
   served the same way (the ceiling), then the home, event and session pages, each against its
   round's ceiling, from a load generator in other processes
   (bench/load.py);
4. cold cache, 100 ms injected upstream latency: session pages on a one-worker shop, the cache
   emptied before each request (parallel reads: ~1x the latency; serial would be several);
5. single flight: 200 concurrent cold requests for one event page, upstream calls counted at
   the sandbox, against the calls of one cold request alone;
6. the purchase flow over HTTP (start -> hold -> details -> confirm -> order page, bench/buyer.py)
   with the sandbox at 0 ms and at 50 ms, and upstream calls per purchase;
7. documents: from downloadable at the API to "ready" on the order page (the worker polls);
8. peak RSS (VmHWM) of the web workers and the Celery worker's processes after the run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench import stack
from bench.stack import PY, ROOT


@dataclass
class Results:
    warm: list[tuple[str, dict[str, float]]] = field(default_factory=list)
    cold: list[tuple[str, list[ColdSample]]] = field(default_factory=list)
    flight: dict[str, Any] = field(default_factory=dict)
    purchases: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    documents: list[float] = field(default_factory=list)
    rss: dict[str, stack.Peak] = field(default_factory=dict)


def _load(url: str, args: argparse.Namespace) -> dict[str, float]:
    result: dict[str, float] = stack.run_json(
        [
            PY,
            "-m",
            "bench.load",
            url,
            "--concurrency",
            str(args.concurrency),
            "--duration",
            str(args.duration),
            "--max-requests",
            str(args.max_requests),
            "--processes",
            str(args.load_processes),
        ],
        dict(os.environ),
    )
    return result


WARM_BURST = ("--duration", "1.5", "--processes", "1")
# What `--only` can pick; "purchases" includes the documents run and the memory figures.
SECTIONS = ("warm", "cold", "flight", "purchases")


def _warm(url: str, args: argparse.Namespace) -> None:
    for _ in range(3):
        httpx.get(url, timeout=30)
    # Every worker has its own local-memory cache: spread a short burst over all of them.
    subprocess.run(
        [PY, "-m", "bench.load", url, "--concurrency", str(args.concurrency), *WARM_BURST],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def _warm_rounds(
    shop: str, event_path: str, session_path: str, args: argparse.Namespace
) -> list[tuple[str, dict[str, float]]]:
    """Each page, the ceiling first, in `--rounds` short rounds: a shared machine's speed
    drifts over a minute, so each page is compared with the ceiling of its own round, and
    every figure is the median over the rounds."""
    pages = (
        ("ceiling: constant view", "/bench/ceiling"),
        ("home page (warm)", "/"),
        ("event page (warm)", event_path),
        ("session page (warm)", session_path),
    )
    for _, path in pages:
        _warm(shop + path, args)
    rounds: dict[str, list[dict[str, float]]] = {label: [] for label, _ in pages}
    for _ in range(args.rounds):
        ceiling = 0.0
        for label, path in pages:
            result = _load(shop + path, args)
            ceiling = ceiling or result["rps"]
            result["vs_ceiling"] = result["rps"] / ceiling if ceiling else float("nan")
            rounds[label].append(result)
    return [
        (label, {name: statistics.median(r[name] for r in runs) for name in runs[0]})
        for label, runs in rounds.items()
    ]


def _cache_clear(base: str) -> None:
    httpx.post(f"{base}/bench/cache-clear", timeout=30).raise_for_status()


@dataclass
class ColdSample:
    page_ms: float
    slowest_call_ms: float  # the sandbox's longest answer of the page's calls

    @property
    def own_ms(self) -> float:
        """The shop's share: the page's time beyond its slowest upstream answer."""
        return self.page_ms - self.slowest_call_ms


def _cold(base: str, path: str, samples: int, control: stack.SandboxControl) -> list[ColdSample]:
    import time

    timings = []
    with httpx.Client(base_url=base, timeout=30) as client:
        # Not counted: the worker's first view of a page type loads its code and templates,
        # which is a cold process, not a cold cache.
        client.post("/bench/cache-clear").raise_for_status()
        client.get(path).raise_for_status()
        for _ in range(samples):
            client.post("/bench/cache-clear").raise_for_status()
            control.calls(reset=True)
            start = time.perf_counter()
            client.get(path).raise_for_status()
            page_ms = (time.perf_counter() - start) * 1000
            timings.append(ColdSample(page_ms, control.calls(reset=True)["slowest_ms"]))
    return timings


def _single_flight(
    shop: str, cold_shop: str, path: str, control: stack.SandboxControl, n: int
) -> dict[str, Any]:
    """Upstream calls of one cold request alone, then of `n` cold requests at once."""
    _cache_clear(cold_shop)
    control.calls(reset=True)
    httpx.get(cold_shop + path, timeout=30).raise_for_status()
    alone = control.calls(reset=True).get("total", 0)
    _cache_clear(shop)
    control.calls(reset=True)
    burst = stack.run_json([PY, "-m", "bench.burst", shop + path, "-n", str(n)], dict(os.environ))
    burst["upstream_calls"] = control.calls(reset=True).get("total", 0)
    burst["alone_calls"] = alone
    return dict(burst)


def _purchases(
    shop: str,
    sessions_file: Path,
    control: stack.SandboxControl,
    args: argparse.Namespace,
    **extra: str,
) -> dict[str, Any]:
    control.calls(reset=True)
    command = [
        PY,
        "-m",
        "bench.buyer",
        shop,
        "--sessions",
        str(sessions_file),
        "--count",
        str(extra.pop("count", args.purchases)),
        "--concurrency",
        str(args.buyers),
        "--duration",
        "90",
    ]
    for key, value in extra.items():
        command += [f"--{key.replace('_', '-')}", value]
    result: dict[str, Any] = stack.run_json(command, dict(os.environ))
    calls = control.calls(reset=True)
    completed = result["outcomes"].get("completed", 0) or 1
    # The web's own calls: the Celery worker's document polling is counted apart.
    web = calls.get("total", 0) - calls.get("documents", 0)
    result["calls_per_purchase"] = round(web / completed, 1)
    result["calls"] = calls
    return result


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Benchmark the shop.")
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("BENCH_PORT", "8160")),
        help="first of three loopback ports (sandbox, shop, cold shop)",
    )
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=2.0, help="seconds per page and round")
    parser.add_argument("--rounds", type=int, default=5, help="warm-cache rounds (median)")
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument("--load-processes", type=int, default=2)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--cold-samples", type=int, default=20)
    parser.add_argument("--flight", type=int, default=200, help="concurrent cold requests")
    parser.add_argument("--purchases", type=int, default=24, help="per latency")
    parser.add_argument("--buyers", type=int, default=4, help="concurrent buyers")
    parser.add_argument("--document-orders", type=int, default=8)
    parser.add_argument("--keep", action="store_true", help="keep the run's folder (logs)")
    parser.add_argument(
        "--only",
        type=lambda raw: {part.strip() for part in raw.split(",") if part.strip()},
        default=set(SECTIONS),
        help=f"comma-separated sections to run, of: {', '.join(SECTIONS)} (default: all)",
    )
    args = parser.parse_args(argv)
    if unknown := args.only - set(SECTIONS):
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")

    run_id = str(os.getpid())
    var_dir = Path(tempfile.mkdtemp(prefix="korus-bench-"))
    try:
        with stack.databases(run_id) as db_env:
            results = _run(args, run_id, var_dir, db_env)
        _print(results, args)
    finally:
        if args.keep:
            print(f"logs kept in {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


def _run(args: argparse.Namespace, run_id: str, var_dir: Path, db_env: dict[str, str]) -> Results:
    base = {**stack.base_env(var_dir, run_id), **db_env, **stack.sandbox_database(var_dir)}
    ids = stack.prepare(base)
    sessions_file = var_dir / "sessions.json"
    sessions_file.write_text(json.dumps(ids["buy"]))
    sandbox_port, shop_port, cold_port = args.port, args.port + 1, args.port + 2
    sandbox = f"http://127.0.0.1:{sandbox_port}"
    shop = f"http://127.0.0.1:{shop_port}"
    cold_shop = f"http://127.0.0.1:{cold_port}"
    shop_env = stack.shop_env(base, sandbox, ids, args.workers)
    control = stack.SandboxControl(sandbox)
    results = Results()
    event_path = f"/events/{ids['museum'][0]}/"
    session_path = "/events/{}/sessions/{}/".format(*ids["concert"])
    cold_cases = [
        ("concert session (3 offers)", session_path),
        ("museum session (2 offers)", "/events/{}/sessions/{}/".format(*ids["museum"])),
        (
            "realtime-price session (+/price)",
            "/events/{}/sessions/{}/".format(*ids["realtime_price"]),
        ),
        ("date-access day (+/availability)", "/events/{}/sessions/{}/".format(*ids["date_access"])),
    ]
    with (
        stack.server(
            stack.gunicorn_sandbox(sandbox_port),
            base,
            f"{sandbox}/v1/ticketing/catalogs",
            var_dir / "sandbox.log",
            {"Authorization": stack.SANDBOX_KEY},
        ),
        stack.server(
            stack.gunicorn_shop(shop_port, args.workers),
            shop_env,
            f"{shop}/bench/ceiling",
            var_dir / "shop.log",
        ) as web,
    ):
        control.faults([])
        worker = stack.celery_worker(shop_env, var_dir / "worker.log")
        try:
            stack.wait_worker_ready(shop)
            if "warm" in args.only:
                results.warm = _warm_rounds(shop, event_path, session_path, args)

            if args.only & {"cold", "flight"}:
                control.faults([{"kind": "latency", "latency_ms": args.latency_ms}])
                with stack.server(
                    stack.gunicorn_shop(cold_port, 1),
                    stack.env_with(shop_env, WEB_CONCURRENCY="1"),
                    f"{cold_shop}/bench/ceiling",
                    var_dir / "cold.log",
                ):
                    if "cold" in args.only:
                        results.cold = [
                            (label, _cold(cold_shop, path, args.cold_samples, control))
                            for label, path in cold_cases
                        ]
                    if "flight" in args.only:
                        tour_path = f"/events/{ids['tour'][0]}/"
                        results.flight = _single_flight(
                            shop, cold_shop, tour_path, control, args.flight
                        )
                    _cache_clear(cold_shop)

            if "purchases" in args.only:
                # Documents first, while the worker is idle: the figure is the pipeline's
                # delay, not the backlog of the purchases below.
                control.faults([])
                docs = _purchases(
                    shop,
                    sessions_file,
                    control,
                    args,
                    count=str(args.document_orders),
                    offset="0",
                    documents=sandbox,
                )
                results.documents = docs.get("documents_ready_s", [])
                for n, latency in enumerate((0, 50)):
                    faults = [{"kind": "latency", "latency_ms": latency}] if latency else []
                    control.faults(faults)
                    # Sessions nobody bought yet: their offers are not in the cache either.
                    offset = str(args.document_orders + n * args.purchases)
                    results.purchases.append(
                        (
                            f"{latency} ms",
                            _purchases(shop, sessions_file, control, args, offset=offset),
                        )
                    )
                results.rss["web"] = stack.peak_of(web.pid)
                results.rss["worker"] = stack.peak_of(worker.pid)
        finally:
            stack.stop(worker, group=True)
            stack.celery_purge(shop_env)
            # Leave nothing behind in a shared Redis (the keys carry this run's prefix).
            _cache_clear(shop)
    return results


def _fmt(value: float, digits: int = 1) -> str:
    return "-" if value != value else f"{value:.{digits}f}"  # NaN: no sample


def _print(results: Results, args: argparse.Namespace) -> None:
    lines = [
        f"make bench: {stack.stack_label()}, sandbox on SQLite; {args.workers} gunicorn workers "
        f"(gunicorn.conf.py), 1 Celery worker; {stack.machine()}; "
        f"load average at the end {stack.load_average()}",
    ]
    if results.warm:
        lines += _warm_lines(results, args)
    if results.cold:
        lines += _cold_lines(results, args)
    if results.flight:
        lines += _flight_lines(results, args)
    if results.purchases:
        lines += _purchase_lines(results, args)
    print("\n".join(lines))


def _warm_lines(results: Results, args: argparse.Namespace) -> list[str]:
    lines = [
        f"warm cache: {args.concurrency} concurrent clients, {args.rounds} rounds of "
        f"{args.duration:g} s per page (medians; each page against its round's ceiling)",
        f"{'page':<40}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'vs ceiling':>12}",
    ]
    for label, r in results.warm:
        lines.append(
            f"{label:<40}{r['rps']:>9.1f}{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}"
            f"{int(r['errors']):>8}{r['vs_ceiling']:>11.0%}"
        )
    return lines


def _cold_lines(results: Results, args: argparse.Namespace) -> list[str]:
    lines = [
        f"{f'cold session page, {args.latency_ms} ms upstream':<40}{'p50 ms':>9}{'max ms':>9}"
        f"{'min ms':>9}{'n':>8}{'target':>12}{'API p50':>9}{'own p50':>9}"
    ]
    target = f"< {int(args.latency_ms * 1.3)} ms"
    for label, samples in results.cold:
        pages = [s.page_ms for s in samples]
        lines.append(
            f"  {label:<38}{statistics.median(pages):>9.1f}{max(pages):>9.1f}"
            f"{min(pages):>9.1f}{len(pages):>8}{target:>12}"
            f"{statistics.median(s.slowest_call_ms for s in samples):>9.1f}"
            f"{statistics.median(s.own_ms for s in samples):>9.1f}"
        )
    lines.append(
        "  (API p50: the slowest answer of the page's calls, timed in the sandbox; own p50: the"
        " page's time beyond it)"
    )
    return lines


def _flight_lines(results: Results, args: argparse.Namespace) -> list[str]:
    f = results.flight
    flight_ms = f"{f['p50_ms']:.0f}/{f['max_ms']:.0f}"
    return [
        f"{'single flight: cold event page':<40}{'requests':>9}{'errors':>9}{'calls':>9}"
        f"{'alone':>8}{'p50/max ms':>12}",
        f"  {f'{args.flight} at once, {args.latency_ms} ms upstream':<38}{f['requests']:>9}"
        f"{f['errors']:>9}{f['upstream_calls']:>9}{f['alone_calls']:>8}{flight_ms:>12}",
    ]


def _purchase_lines(results: Results, args: argparse.Namespace) -> list[str]:
    lines = [
        f"{'purchase flow (start -> order page)':<40}{'done':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'failed':>8}{'calls/buy':>12}"
    ]
    for label, p in results.purchases:
        done = p["outcomes"].get("completed", 0)
        ratio = f"{done}/{p['attempted']}"
        lines.append(
            f"  {f'sandbox at {label}, {args.buyers} buyers':<38}{ratio:>9}"
            f"{_fmt(p['p50_ms']):>9}{_fmt(p['p99_ms']):>9}{p['attempted'] - done:>8}"
            f"{p['calls_per_purchase']:>12}"
        )
        for reason, count in p["failures"].items():
            lines.append(f"    failed {count}x at {reason}")
    docs = results.documents
    lines.append(f"{'documents: downloadable -> ready':<40}{'orders':>9}{'p50 s':>9}{'max s':>9}")
    lines.append(
        f"  {'order page says ready (Celery polls)':<38}{len(docs):>9}"
        f"{_fmt(statistics.median(docs) if docs else float('nan'), 2):>9}"
        f"{_fmt(max(docs) if docs else float('nan'), 2):>9}"
    )
    web, worker = results.rss["web"], results.rss["worker"]
    lines.append(f"{'peak RSS after the run (VmHWM)':<40}{'MiB':>9}")
    lines.append(
        f"  {f'web worker (largest of {len(web.children_mb)})':<38}{_fmt(web.worst_child_mb):>9}"
    )
    lines.append(f"  {'Celery worker (main process)':<38}{_fmt(worker.main_mb):>9}")
    lines.append(
        f"  {'Celery pool child (largest of ' + str(len(worker.children_mb)) + ')':<38}"
        f"{_fmt(worker.worst_child_mb):>9}"
    )
    return lines


if __name__ == "__main__":
    main()
