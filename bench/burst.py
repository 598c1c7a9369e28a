"""N requests for one URL released at the same instant (`python -m bench.burst URL -n 200`).

Each request has its own connection and thread, all waiting on one barrier, so the server sees
them together. Prints one JSON line: requests, non-200 answers, p50/max latency in ms.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections.abc import Sequence

import httpx

from bench.load import _percentile


def burst(url: str, n: int, timeout: float) -> dict[str, float]:
    barrier = threading.Barrier(n)
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def one() -> None:
        nonlocal errors
        with httpx.Client(timeout=timeout) as client:
            barrier.wait()
            start = time.perf_counter()
            try:
                ok = client.get(url).status_code == 200
            except httpx.HTTPError:
                ok = False
            with lock:
                latencies.append(time.perf_counter() - start)
                errors += not ok

    threads = [threading.Thread(target=one) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "requests": n,
        "errors": errors,
        "p50_ms": round(_percentile(latencies, 0.5) * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("url")
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args(argv)
    print(json.dumps(burst(args.url, args.n, args.timeout)))


if __name__ == "__main__":
    main()
