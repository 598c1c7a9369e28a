"""A small closed-loop HTTP load generator (`python -m bench.load URL ...`), run in its own
process so that it does not share the server's interpreter.

Each of `--concurrency` threads (spread over `--processes` processes, to get past the GIL)
sends requests back to back on a keep-alive connection until `--duration` seconds have passed
or `--max-requests` were sent. Prints one JSON line: requests, errors, rps, p50/p99 in ms.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import threading
import time
from collections.abc import Sequence

import httpx


def _percentile(values: Sequence[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def _worker(
    url: str, threads: int, duration: float, budget: int, out: multiprocessing.Queue
) -> None:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    sent = 0
    # The clock starts once every thread has its client: on a busy machine, starting a process
    # and importing httpx can take longer than the run itself.
    ready = threading.Barrier(threads + 1)
    started = 0.0
    deadline = float("inf")

    def loop() -> None:
        nonlocal errors, sent
        with httpx.Client(timeout=30.0, headers={"Accept-Language": "en"}) as client:
            ready.wait()
            while time.monotonic() < deadline:
                with lock:
                    if sent >= budget:
                        return
                    sent += 1
                start = time.perf_counter()
                try:
                    response = client.get(url)
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                elapsed = time.perf_counter() - start
                with lock:
                    if ok:
                        latencies.append(elapsed)
                    else:
                        errors += 1

    pool = [threading.Thread(target=loop) for _ in range(threads)]
    for thread in pool:
        thread.start()
    started = time.monotonic()
    deadline = started + duration
    ready.wait()
    for thread in pool:
        thread.join()
    # CLOCK_MONOTONIC is one clock for every process of the machine.
    out.put((latencies, errors, started, time.monotonic()))


def run(
    url: str, *, concurrency: int, duration: float, max_requests: int, processes: int
) -> dict[str, float]:
    processes = max(1, min(processes, concurrency))
    queue: multiprocessing.Queue = multiprocessing.Queue()
    per_process = [
        concurrency // processes + (1 if i < concurrency % processes else 0)
        for i in range(processes)
    ]
    budget = max(1, max_requests // processes)
    workers = [
        multiprocessing.Process(target=_worker, args=(url, n, duration, budget, queue))
        for n in per_process
    ]
    for worker in workers:
        worker.start()
    latencies: list[float] = []
    errors = 0
    starts, ends = [], []
    for _ in workers:
        part, failed, started, ended = queue.get(timeout=duration + 120)
        latencies.extend(part)
        errors += failed
        starts.append(started)
        ends.append(ended)
    for worker in workers:
        worker.join()
    elapsed = max(ends) - min(starts)
    return {
        "requests": len(latencies),
        "errors": errors,
        "seconds": round(elapsed, 2),
        "rps": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(_percentile(latencies, 0.50) * 1000, 2),
        "p99_ms": round(_percentile(latencies, 0.99) * 1000, 2),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 2) if latencies else float("nan"),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--max-requests", type=int, default=50_000)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args(argv)
    result = run(
        args.url,
        concurrency=args.concurrency,
        duration=args.duration,
        max_requests=args.max_requests,
        processes=args.processes,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
