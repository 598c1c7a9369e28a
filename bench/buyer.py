"""Buyers over HTTP (`python -m bench.buyer BASE_URL --count N ...`), in their own process.

Each buyer is a fresh browser (its own cookies): it opens a session page, reads the price
categories from the form, and goes through the checkout as a person would: start -> ticket
forms -> hold -> details -> review -> confirm -> order page. After a "please try again" page on
confirm it tries again (the page's own advice), at most `--confirm-retries` times.

The time of a purchase runs from the start POST to the order page. Prints one JSON line with
the outcomes, p50/p99 of completed purchases, the order references and, with `--documents`,
how long after its documents became downloadable at the API each order page said "ready".
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import httpx

from bench.load import _percentile

QTY = re.compile(r'name="qty_([0-9a-f-]{36})"(?![^>]*disabled)')
REFERENCE = re.compile(r"KT-ORD-[A-Z0-9]+")
ORDER_PATH = re.compile(r"/orders/([A-Za-z0-9_-]{40,64})/$")
READY = "documents-status--ready"
CUSTOMER = {
    "title": "mrs",
    "firstname": "Ada",
    "lastname": "Lovelace",
    "email": "ada@example.com",
    "email_confirm": "ada@example.com",
    "phone": "+33 6 10 20 30 40",
    "country": "FR",
    "language": "en",
}


@dataclass
class Purchase:
    outcome: str  # completed | failed_clear | failed_unclear
    seconds: float = 0.0
    order_path: str = ""
    reference: str = ""
    detail: str = ""
    confirm_attempts: int = 0


class Unclear(Exception):
    """An answer no buyer should get: a 5xx other than our "please try again" page, a
    dropped connection, or a page that says nothing."""


def _explains(response: httpx.Response) -> bool:
    """The page tells the buyer what happened (our error page or a message), not a 500."""
    body = response.text
    if response.status_code == 503:
        return 'class="error-page"' in body
    if response.status_code >= 500:
        return False
    return 'class="messages"' in body or 'class="error-page"' in body or "error-summary" in body


def _post(client: httpx.Client, path: str, data: dict[str, str] | None = None) -> httpx.Response:
    token = client.cookies.get("csrftoken") or ""
    return client.post(path, data=data or {}, headers={"X-CSRFToken": token})


def _stop(response: httpx.Response, step: str) -> Purchase:
    if _explains(response):
        return Purchase("failed_clear", detail=f"{step}: {response.status_code}")
    raise Unclear(f"{step}: {response.status_code} at {response.url.path}")


def buy(client: httpx.Client, event_id: str, session_id: str, confirm_retries: int) -> Purchase:
    page = client.get(f"/events/{event_id}/sessions/{session_id}/")
    offers = QTY.findall(page.text)
    if page.status_code != 200 or not offers:
        return _stop(page, "session page")
    started = time.perf_counter()
    form = {"event": event_id, "session": session_id, f"qty_{offers[0]}": "1"}
    response = _post(client, "/checkout/start/", form)
    if not response.url.path.endswith("/checkout/tickets/"):
        return _stop(response, "start")
    response = _post(client, "/checkout/hold/")
    if not response.url.path.endswith("/checkout/details/"):
        return _stop(response, "hold")
    response = _post(client, "/checkout/details/", CUSTOMER)
    if not response.url.path.endswith("/checkout/review/"):
        return _stop(response, "details")
    attempts = 0
    while True:
        attempts += 1
        response = _post(client, "/checkout/confirm/")
        if ORDER_PATH.search(response.url.path) and response.status_code == 200:
            found = REFERENCE.search(response.text)
            return Purchase(
                "completed",
                seconds=time.perf_counter() - started,
                order_path=response.url.path,
                reference=found.group(0) if found else "",
                confirm_attempts=attempts,
            )
        if response.status_code == 503 and attempts <= confirm_retries and _explains(response):
            time.sleep(0.5)
            continue
        purchase = _stop(response, "confirm")
        purchase.confirm_attempts = attempts
        return purchase


def _buyer(
    base: str,
    plan: list[tuple[str, str]],
    results: list[Purchase],
    lock: threading.Lock,
    deadline: float,
    confirm_retries: int,
) -> None:
    while time.monotonic() < deadline:
        with lock:
            if not plan:
                return
            event_id, session_id = plan.pop()
        with httpx.Client(base_url=base, timeout=60, follow_redirects=True) as client:
            try:
                result = buy(client, event_id, session_id, confirm_retries)
            except Unclear as exc:
                result = Purchase("failed_unclear", detail=str(exc))
            except httpx.HTTPError as exc:
                result = Purchase("failed_unclear", detail=f"{type(exc).__name__}")
        with lock:
            results.append(result)


def documents_ready(
    base: str, sandbox: str, purchases: Sequence[Purchase], timeout: float
) -> list[float]:
    """Seconds from each order's documents becoming downloadable at the API to its order page
    saying "ready" (pages polled every 50 ms, as fast as a buyer could notice)."""
    pending = {p.order_path: p.reference for p in purchases if p.outcome == "completed"}
    ready_at: dict[str, float] = {}
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=base, timeout=30) as client:
        while pending and time.monotonic() < deadline:
            for path in list(pending):
                if READY in client.get(path).text:
                    ready_at[path] = time.time()
                    del pending[path]
            time.sleep(0.05)
    delays = []
    with httpx.Client(base_url=sandbox, timeout=30) as api:
        for purchase in purchases:
            if purchase.order_path not in ready_at:
                continue
            answer = api.get("/_bench/documents", params={"reference": purchase.reference})
            downloadable = answer.json()["downloadable_at"]
            if downloadable is not None:
                delays.append(ready_at[purchase.order_path] - downloadable)
    return delays


def run(
    base: str,
    sessions: Sequence[Sequence[str]],
    *,
    count: int,
    concurrency: int,
    duration: float,
    confirm_retries: int,
    offset: int = 0,
) -> list[Purchase]:
    plan = [(str(s[0]), str(s[1])) for s in (list(sessions) * (count // len(sessions) + 2))]
    plan = plan[offset % len(sessions) :][:count]
    plan.reverse()
    results: list[Purchase] = []
    lock = threading.Lock()
    deadline = time.monotonic() + duration
    threads = [
        threading.Thread(target=_buyer, args=(base, plan, results, lock, deadline, confirm_retries))
        for _ in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def summary(results: Sequence[Purchase]) -> dict[str, object]:
    done = [r.seconds for r in results if r.outcome == "completed"]
    return {
        "attempted": len(results),
        "outcomes": dict(Counter(r.outcome for r in results)),
        "p50_ms": round(_percentile(done, 0.5) * 1000, 1),
        "p99_ms": round(_percentile(done, 0.99) * 1000, 1),
        "mean_ms": round(statistics.fmean(done) * 1000, 1) if done else float("nan"),
        "confirm_retries": sum(max(0, r.confirm_attempts - 1) for r in results),
        "failures": dict(Counter(r.detail for r in results if r.outcome != "completed")),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("base")
    parser.add_argument("--sessions", required=True, help="JSON list of [event id, session id]")
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--duration", type=float, default=120.0)
    parser.add_argument("--confirm-retries", type=int, default=0)
    parser.add_argument("--offset", type=int, default=0, help="first session of the list to use")
    parser.add_argument("--documents", default="", help="sandbox URL: time documents 'ready'")
    parser.add_argument("--documents-timeout", type=float, default=60.0)
    args = parser.parse_args(argv)
    with open(args.sessions, encoding="utf-8") as handle:
        sessions = json.load(handle)
    results = run(
        args.base,
        sessions,
        count=args.count,
        concurrency=args.concurrency,
        duration=args.duration,
        confirm_retries=args.confirm_retries,
        offset=args.offset,
    )
    out = summary(results)
    out["references"] = [r.reference for r in results if r.outcome == "completed"]
    out["purchases"] = [asdict(r) for r in results]
    if args.documents:
        delays = documents_ready(args.base, args.documents, results, args.documents_timeout)
        out["documents_ready_s"] = [round(d, 3) for d in delays]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
