"""`make bench`: how fast are the browse pages, against what a Django view can do at all?

One run:
1. prepares throw-away databases (SQLite in a temp folder) with the demo catalog;
2. starts the sandbox as its own gunicorn (threads) with SANDBOX_FAULT_LATENCY_MS injected;
3. starts the shop under gunicorn with the production gunicorn.conf.py, KORUS_API_URL pointed
   at that sandbox, and the Redis cache when REDIS_URL is set (local memory otherwise);
4. with a warm cache, measures requests per second and p50/p99 latency of a constant-string
   Django view served the same way (the ceiling), the event page and the session page, each
   with a load generator in a separate process (bench/load.py), bounded in time and count;
5. measures the cold-cache latency of session pages (the cache is emptied before each
   request) on a one-worker shop: with the latency injected, one round of parallel reads
   costs ~1x the latency, serial reads would cost several times it;
6. prints one table and stops every process it started.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def _env(base: dict[str, str], **extra: str) -> dict[str, str]:
    env = {**base, **extra}
    return {k: v for k, v in env.items() if v is not None}


def _base_env(var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    # The bench owns its data: never the developer's database.
    env.pop("DATABASE_URL", None)
    env.pop("SANDBOX_DATABASE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="booking_site.settings",
        SECRET_KEY="bench-only-secret-key-" + "b" * 30,
        DEBUG="false",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        VAR_DIR=str(var_dir),
        STATIC_ROOT=str(var_dir / "static"),
        LOG_LEVEL="WARNING",
        GUNICORN_ACCESS_LOG="off",
        # Recycling a worker mid-run would empty its local-memory cache.
        GUNICORN_MAX_REQUESTS="0",
        CACHE_KEY_PREFIX=f"bench{os.getpid()}",
        PYTHONUNBUFFERED="1",
    )
    return env


@contextmanager
def _server(
    args: Sequence[str],
    env: dict[str, str],
    ready_url: str,
    log: Path,
    headers: dict[str, str] | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_ready(process, ready_url, log, headers or {})
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(
    process: subprocess.Popen[bytes], url: str, log: Path, headers: dict[str, str]
) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited early; its log:\n{log.read_text()[-3000:]}")
        with suppress(httpx.HTTPError):
            if httpx.get(url, headers=headers, timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise SystemExit(f"server not ready at {url}; its log:\n{log.read_text()[-3000:]}")


def _gunicorn_shop(port: int, workers: int) -> list[str]:
    return [
        PY,
        "-m",
        "gunicorn",
        "booking_site.wsgi:application",
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
    ]


def _load(url: str, args: argparse.Namespace) -> dict[str, float]:
    out = subprocess.run(
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
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _warm(url: str, args: argparse.Namespace) -> None:
    for _ in range(3):
        httpx.get(url, timeout=30)
    # Every worker has its own local-memory cache: spread a short burst over all of them.
    subprocess.run(
        [
            PY,
            "-m",
            "bench.load",
            url,
            "--concurrency",
            str(args.concurrency),
            "--duration",
            "1.5",
            "--processes",
            "1",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def _cold(base: str, path: str, samples: int) -> list[float]:
    timings = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for _ in range(samples):
            client.post("/bench/cache-clear").raise_for_status()
            start = time.perf_counter()
            client.get(path).raise_for_status()
            timings.append((time.perf_counter() - start) * 1000)
    return timings


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Benchmark the browse pages.")
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("BENCH_PORT", "8160")),
        help="first of three loopback ports (sandbox, shop, cold shop)",
    )
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument("--load-processes", type=int, default=2)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--cold-samples", type=int, default=15)
    args = parser.parse_args(argv)

    var_dir = Path(tempfile.mkdtemp(prefix="korus-bench-"))
    base_env = _base_env(var_dir)
    try:
        prepared = subprocess.run(
            [PY, "-m", "bench.prepare"],
            cwd=ROOT,
            env=base_env,
            check=True,
            capture_output=True,
            text=True,
        )
        ids = json.loads(prepared.stdout.strip().splitlines()[-1])
        sandbox_port, shop_port, cold_port = args.port, args.port + 1, args.port + 2
        sandbox_url = f"http://127.0.0.1:{sandbox_port}"
        sandbox_env = _env(base_env, SANDBOX_FAULT_LATENCY_MS=str(args.latency_ms))
        shop_env = _env(
            base_env,
            DJANGO_SETTINGS_MODULE="bench.settings",
            KORUS_API_URL=sandbox_url,
            KORUS_API_KEY="sandbox",
            KORUS_CATALOG_ID=ids["catalog_id"],
            SANDBOX_ENABLED="false",
            WEB_CONCURRENCY=str(args.workers),
        )
        event_path = f"/events/{ids['museum'][0]}/"
        session_path = "/events/{}/sessions/{}/".format(*ids["concert"])
        cold_cases = [
            ("concert session (3 offers)", session_path),
            ("museum session (2 offers)", "/events/{}/sessions/{}/".format(*ids["museum"])),
            (
                "realtime-price session (+/price)",
                "/events/{}/sessions/{}/".format(*ids["realtime_price"]),
            ),
            (
                "date-access day (+/availability)",
                "/events/{}/sessions/{}/".format(*ids["date_access"]),
            ),
        ]
        sandbox_cmd = [
            PY,
            "-m",
            "gunicorn",
            "sandbox.wsgi:application",
            "--config",
            str(ROOT / "bench" / "gunicorn_sandbox.py"),
            "--bind",
            f"127.0.0.1:{sandbox_port}",
        ]
        with _server(
            sandbox_cmd,
            sandbox_env,
            f"{sandbox_url}/v1/ticketing/catalogs",
            var_dir / "sandbox.log",
            {"Authorization": "sandbox"},
        ):
            shop = f"http://127.0.0.1:{shop_port}"
            with _server(
                _gunicorn_shop(shop_port, args.workers),
                shop_env,
                f"{shop}/bench/ceiling",
                var_dir / "shop.log",
            ):
                rows = []
                for label, path in (
                    ("ceiling: constant view", "/bench/ceiling"),
                    ("event page (warm)", event_path),
                    ("session page (warm)", session_path),
                ):
                    _warm(shop + path, args)
                    rows.append((label, _load(shop + path, args)))
            cold_shop = f"http://127.0.0.1:{cold_port}"
            with _server(
                _gunicorn_shop(cold_port, 1),
                _env(shop_env, WEB_CONCURRENCY="1"),
                f"{cold_shop}/bench/ceiling",
                var_dir / "cold.log",
            ):
                colds = [
                    (label, _cold(cold_shop, path, args.cold_samples)) for label, path in cold_cases
                ]
                # Leave nothing behind in a shared Redis (the keys carry this run's prefix).
                httpx.post(f"{cold_shop}/bench/cache-clear", timeout=30)
        _print(rows, colds, args, bool(os.environ.get("REDIS_URL")))
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"{exc.cmd} failed:\n{exc.stdout}\n{exc.stderr}") from None
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


def _print(
    rows: list[tuple[str, dict[str, float]]],
    colds: list[tuple[str, list[float]]],
    args: argparse.Namespace,
    redis: bool,
) -> None:
    ceiling = rows[0][1]["rps"] or 1.0
    cache = "Redis" if redis else "local memory"
    lines = [
        f"make bench: {args.workers} gunicorn workers, cache {cache}, {args.concurrency} "
        f"concurrent clients for {args.duration:g} s, sandbox latency {args.latency_ms} ms, "
        f"{os.cpu_count()} CPUs",
        f"{'page':<38}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'vs ceiling':>12}",
    ]
    for label, r in rows:
        lines.append(
            f"{label:<38}{r['rps']:>9.1f}{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}"
            f"{int(r['errors']):>8}{r['rps'] / ceiling:>11.0%}"
        )
    lines.append(
        f"{'cold session page (cache emptied)':<38}{'p50 ms':>9}{'max ms':>9}"
        f"{'min ms':>9}{'n':>8}{'target':>12}"
    )
    for label, timings in colds:
        lines.append(
            f"  {label:<36}{statistics.median(timings):>9.1f}{max(timings):>9.1f}"
            f"{min(timings):>9.1f}{len(timings):>8}{'< 130 ms':>12}"
        )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
