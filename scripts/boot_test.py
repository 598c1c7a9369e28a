"""Boot the production stack on this machine and buy a ticket through it over HTTP.

    .venv/bin/python scripts/boot_test.py [--api http|inprocess] [--port 8230] [--keep]

Needs DATABASE_URL (PostgreSQL) and REDIS_URL: a fresh database is created beside the one
DATABASE_URL names (and dropped at the end), and an empty Redis DB number is claimed (and
flushed at the end). Then, as a PaaS would: collectstatic (a buildpack does it at build
time), the Procfile's `release` line, its `web` (gunicorn) and `worker` (Celery) lines, each
exactly as written, through `sh -c`. The sandbox demo catalog is loaded, /readyz must say ok,
the home page's security headers are checked, and a buyer with a cookie jar and no JavaScript
goes home -> event -> session -> tickets -> hold -> details -> review -> order page, waits for
the tickets and downloads every PDF, the receipt and the .ics. Exit code 0 only if every step
passed. Each step prints its duration; on a failure the tails of the web and worker logs follow.

--api http (the default) points KORUS_API_URL at the stack's own /sandbox/ with
KORUS_API_KEY=sandbox, so the shop's real network client runs: sockets, the Authorization
header, timeouts, one connection pool per forked gunicorn/Celery process, the worker fetching
each document's temporaryUrl over HTTP. That is the path a real KorusTicket deployment takes;
--api inprocess (KORUS_API_URL unset) only proves the embedded demo setup.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from types import FrameType
from typing import IO
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx
import psycopg
import redis
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
PORTS = range(8230, 8240)
TOTAL_SECONDS = 150.0
STOP_SECONDS = 15.0
DOCUMENT_DELAY_SECONDS = 3
QUANTITY = 2
EVENT_NAME = "Museum of Light"
BUYER = {
    "firstname": "Ada",
    "lastname": "Lovelace",
    "email": "ada@example.com",
    "email_confirm": "ada@example.com",
}
REDIS_CLAIM_KEY = "korus-boot-test:claim"


class StepFailed(Exception):
    """A step's check did not hold; the message says what was expected and what came."""


# ---------------------------------------------------------------------------------------------
# Steps: each printed with its duration, every wait capped by the run's overall deadline.
# ---------------------------------------------------------------------------------------------
class Clock:
    def __init__(self, total: float) -> None:
        self.started = time.monotonic()
        self.deadline = self.started + total

    def budget(self, wanted: float) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise StepFailed(f"the run's overall limit of {TOTAL_SECONDS:.0f} s is spent")
        return min(wanted, left)

    def elapsed(self) -> float:
        return time.monotonic() - self.started


@contextlib.contextmanager
def step(name: str) -> Iterator[list[str]]:
    """Times a step; what the body appends to the yielded list is printed after its name."""
    notes: list[str] = []
    started = time.monotonic()
    try:
        yield notes
    except BaseException:
        print(f"FAIL {time.monotonic() - started:6.2f}s  {name}", flush=True)
        raise
    detail = f"  ({'; '.join(notes)})" if notes else ""
    print(f"ok   {time.monotonic() - started:6.2f}s  {name}{detail}", flush=True)


def expect(condition: object, message: str) -> None:
    if not condition:
        raise StepFailed(message)


# ---------------------------------------------------------------------------------------------
# Isolated services: a fresh PostgreSQL database and an empty Redis DB number.
# ---------------------------------------------------------------------------------------------
def _with_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, parts.fragment))


def database_create(base_url: str) -> tuple[str, str]:
    """A new database named after DATABASE_URL's; returns (its name, its URL)."""
    base_name = urlsplit(base_url).path.lstrip("/") or "postgres"
    name = f"{base_name[:40]}_boot_{secrets.token_hex(4)}"
    with psycopg.connect(base_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name, _with_path(base_url, f"/{name}")


def database_drop(base_url: str, name: str) -> None:
    with psycopg.connect(base_url, autocommit=True, connect_timeout=5) as conn:
        # FORCE: a process that survived its SIGKILL's reaping must not keep the drop waiting.
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def redis_claim(base_url: str, wanted: int | None) -> tuple[int, str]:
    """An empty Redis DB number, claimed with a key so that two boot tests never share one.

    The suite's own DB (REDIS_URL's) is never taken: a Celery worker of the test session
    would otherwise consume this stack's tasks, and this worker the suite's.
    """
    own = int(urlsplit(base_url).path.strip("/") or 0)
    candidates = [wanted] if wanted is not None else [n for n in range(15, -1, -1) if n != own]
    for number in candidates:
        url = _with_path(base_url, f"/{number}")
        client = redis.Redis.from_url(url, socket_timeout=5)
        try:
            if not client.set(REDIS_CLAIM_KEY, "1", nx=True, ex=int(TOTAL_SECONDS * 3)):
                continue
            if client.dbsize() == 1:
                return number, url
            client.delete(REDIS_CLAIM_KEY)
        except redis.ResponseError:  # past the server's `databases` count
            continue
        finally:
            client.close()
    raise StepFailed(f"no empty Redis DB number among {candidates} at {base_url}")


def redis_release(url: str) -> None:
    client = redis.Redis.from_url(url, socket_timeout=5)
    try:
        # The DB was empty when claimed: everything in it is this stack's.
        client.flushdb()
    finally:
        client.close()


def free_port(wanted: int | None) -> int:
    for port in [wanted] if wanted else PORTS:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise StepFailed(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


# ---------------------------------------------------------------------------------------------
# The platform: the Procfile's processes, with the environment a PaaS would give them.
# ---------------------------------------------------------------------------------------------
def procfile() -> dict[str, str]:
    processes: dict[str, str] = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9_-]+):\s*(.+)$", line):
            processes[match.group(1)] = match.group(2).strip()
    return processes


def secret_key() -> str:
    alphabet = string.ascii_letters + string.digits + "!#%&()*+,-./:;<=>?@[]^_{|}~"
    return "".join(secrets.choice(alphabet) for _ in range(50))


def stack_env(
    *, api: str, port: int, database_url: str, redis_url: str, var: Path
) -> dict[str, str]:
    """Only what a PaaS gives a dyno: no variable of the caller's (test settings) leaks in."""
    env = {k: os.environ[k] for k in ("HOME", "LANG", "LC_ALL", "TMPDIR") if k in os.environ}
    # The venv first, so that the Procfile's `python`, `gunicorn` and `celery` are its own.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    base = f"http://127.0.0.1:{port}"
    env |= {
        "DJANGO_SETTINGS_MODULE": "booking_site.settings",
        "PYTHONUNBUFFERED": "1",
        "DEBUG": "false",
        "SECRET_KEY": secret_key(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Only because this test speaks plain http on loopback: the redirect would send the
        # buyer to https, and Secure / __Host- cookies are never sent back over http. Both stay
        # on in production (the headers step checks HSTS as a router's https request sees it).
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "VAR_DIR": str(var / "var"),
        "MEDIA_ROOT": str(var / "media"),
        "STATIC_ROOT": str(var / "staticfiles"),
        "PORT": str(port),
        # The shop calls the sandbox on its own server (--api http): while one sync worker
        # serves a page, another answers its API calls, and a third the Celery worker's.
        "WEB_CONCURRENCY": "3",
        "CELERY_CONCURRENCY": "2",
        # Stops bounded well under STOP_SECONDS (defaults suit a platform's 30 s grace).
        "GUNICORN_GRACEFUL_TIMEOUT": "5",
        "CELERY_SOFT_SHUTDOWN_TIMEOUT": "3",
        "SANDBOX_DOCUMENT_DELAY_SECONDS": str(DOCUMENT_DELAY_SECONDS),
        "DOCUMENTS_POLL_MIN_SECONDS": "1",
        "SHOP_BASE_URL": base,
    }
    if api == "http":
        env |= {
            "KORUS_API_URL": f"{base}/sandbox",
            "KORUS_API_KEY": "sandbox",
            "SANDBOX_ENABLED": "true",
        }
    return env


@dataclass
class Process:
    name: str
    command: str
    log: Path
    popen: subprocess.Popen[bytes]
    _out: IO[bytes]
    stop_started: float = 0.0

    @classmethod
    def start(cls, name: str, command: str, env: dict[str, str], logs: Path) -> Process:
        log = logs / f"{name}.log"
        out = log.open("wb")
        popen = subprocess.Popen(
            ["sh", "-c", command],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            # Its own process group: the platform signals every process of the dyno, and so do
            # we (gunicorn's workers, Celery's pool children).
            start_new_session=True,
        )
        return cls(name, command, log, popen, out)

    def check_alive(self) -> None:
        if (code := self.popen.poll()) is not None:
            raise StepFailed(f"the {self.name} process exited with code {code}")

    def terminate(self) -> None:
        """SIGTERM to the whole group, as a platform signals every process of a dyno."""
        self.stop_started = time.monotonic()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGTERM)

    def finish(self) -> str:
        """Waits for the group to end, SIGKILL to what is left after STOP_SECONDS; says how.

        `sh` dies at once: what counts is how long gunicorn's and Celery's processes take to
        end their graceful shutdown."""
        started = self.stop_started
        how = "SIGTERM"
        while _group_alive(self.popen.pid) and time.monotonic() - started < STOP_SECONDS:
            time.sleep(0.1)
        if _group_alive(self.popen.pid):
            how = "SIGKILL"
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=5)
        self._out.close()
        return f"{self.name} {how}, stopped in {time.monotonic() - started:.1f}s"

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(errors="replace").splitlines()
        except OSError as error:
            return f"(no log: {error})"
        return "\n".join(text[-lines:])


def _group_alive(pgid: int) -> bool:
    """Whether a process of the group still runs (zombies awaiting their reaper do not)."""
    proc = Path("/proc")
    if not proc.is_dir():
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        return True
    for stat in proc.glob("[0-9]*/stat"):
        try:
            # "pid (comm) state ppid pgrp ...": comm may hold spaces, so split after ")".
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def run_logged(name: str, command: str, env: dict[str, str], logs: Path, timeout: float) -> None:
    log = logs / f"{name}.log"
    with log.open("wb") as out:
        try:
            result = subprocess.run(
                ["sh", "-c", command],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise StepFailed(f"{name} did not finish within {timeout:.0f} s") from None
    if result.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        raise StepFailed(f"{name} exited with code {result.returncode}:\n{tail}")


# ---------------------------------------------------------------------------------------------
# The buyer: a browser without JavaScript (forms, links, a cookie jar).
# ---------------------------------------------------------------------------------------------
@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[dict[str, str]] = field(default_factory=list)
    text_inputs: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class Link:
    href: str
    text: str = ""
    datetime: str = ""


class PageParser(HTMLParser):
    """Forms (with what a browser would submit), links, and script tags of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[Link] = []
        self.scripts: list[dict[str, str]] = []
        self.stylesheets: list[str] = []
        self._form: Form | None = None
        self._link: Link | None = None
        self._button: dict[str, str] | None = None
        self._select: tuple[str, list[tuple[str, bool]]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
        elif tag == "a" and "href" in a:
            self._link = Link(href=a["href"])
            self.links.append(self._link)
        elif tag == "time" and self._link is not None:
            self._link.datetime = a.get("datetime", "")
        elif tag == "script":
            self.scripts.append(a)
        elif tag == "link" and a.get("rel") == "stylesheet":
            self.stylesheets.append(a.get("href", ""))
        if self._form is None:
            return
        if tag == "input":
            self._input(a)
        elif tag == "button" and a.get("type", "submit") == "submit":
            self._button = {**a, "text": ""}
            self._form.buttons.append(self._button)
        elif tag == "select" and "name" in a and "disabled" not in a:
            self._select = (a["name"], [])
        elif tag == "option" and self._select is not None:
            self._select[1].append((a.get("value", ""), "selected" in a))

    def _input(self, a: dict[str, str]) -> None:
        assert self._form is not None
        kind, name = a.get("type", "text"), a.get("name")
        if not name or "disabled" in a:
            return
        if kind in {"submit", "image"}:
            self._form.buttons.append({**a, "text": a.get("value", "")})
        elif kind in {"checkbox", "radio"}:
            if "checked" in a:
                self._form.fields.append((name, a.get("value", "on")))
        elif kind not in {"file", "reset", "button"}:
            self._form.fields.append((name, a.get("value", "")))
            self._form.text_inputs[name] = a

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "a":
            self._link = None
        elif tag == "button":
            self._button = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, options = self._select
            chosen = [v for v, selected in options if selected] or [v for v, _ in options[:1]]
            self._form.fields.extend((name, v) for v in chosen[:1])
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._link.text += data
        if self._button is not None:
            self._button["text"] += data


@dataclass
class Page:
    url: str
    response: httpx.Response
    parsed: PageParser

    @property
    def text(self) -> str:
        return self.response.text

    def form(self, action_path: str) -> Form:
        for form in self.parsed.forms:
            if urlsplit(urljoin(self.url, form.action)).path == action_path:
                return form
        actions = [f.action for f in self.parsed.forms]
        raise StepFailed(f"{self.url}: no form posting to {action_path} (forms: {actions})")

    def link(self, pattern: str) -> Link:
        for link in self.parsed.links:
            if re.search(pattern, link.text) or re.search(pattern, link.href):
                return link
        raise StepFailed(f"{self.url}: no link matching {pattern!r}")


class Browser:
    def __init__(self, base_url: str, clock: Clock) -> None:
        self.base_url = base_url
        self.clock = clock
        self.client = httpx.Client(
            base_url=base_url,
            follow_redirects=True,
            headers={"Accept": "text/html", "Accept-Language": "en", "User-Agent": "boot-test"},
        )

    def close(self) -> None:
        self.client.close()

    def _page(self, response: httpx.Response) -> Page:
        url = str(response.url)
        expect(
            response.status_code == 200,
            f"{response.request.method} {url}: HTTP {response.status_code}, expected 200",
        )
        expect(
            response.headers.get("content-type", "").startswith("text/html"),
            f"{url}: {response.headers.get('content-type')!r} is not an HTML page",
        )
        parser = PageParser()
        parser.feed(response.text)
        return Page(url, response, parser)

    def get(self, url: str, **headers: str) -> httpx.Response:
        return self.client.get(url, headers=headers, timeout=self.clock.budget(20))

    def open(self, url: str) -> Page:
        return self._page(self.get(url))

    def submit(self, page: Page, form: Form, values: dict[str, str], button: str = "") -> Page:
        """Submits like a browser: the form's fields, the values typed, the button pressed."""
        data: dict[str, list[str]] = {}
        for name, value in form.fields:
            data.setdefault(name, []).append(value)
        data |= {name: [value] for name, value in values.items()}
        action = form.action
        if button:
            pressed = next((b for b in form.buttons if button in b["text"]), None)
            expect(pressed, f"{page.url}: no button {button!r} in {form.buttons}")
            assert pressed is not None
            action = pressed.get("formaction") or action
            if pressed.get("name"):
                data[pressed["name"]] = [pressed.get("value", "")]
        expect(form.method == "post", f"{page.url}: the form to {action} is not a POST")
        response = self.client.post(
            urljoin(page.url, action),
            data=data,
            # What a browser sends with a same-origin form; Django's CSRF check reads Origin.
            headers={"Origin": self.base_url, "Referer": page.url},
            timeout=self.clock.budget(30),
        )
        return self._page(response)


# ---------------------------------------------------------------------------------------------
# The checks
# ---------------------------------------------------------------------------------------------
def wait_ready(browser: Browser, processes: list[Process], notes: list[str]) -> None:
    deadline = time.monotonic() + browser.clock.budget(60)
    last = "no answer"
    while time.monotonic() < deadline:
        for process in processes:
            process.check_alive()
        try:
            response = browser.client.get("/readyz", timeout=10)
        except httpx.TransportError as error:
            last = f"{type(error).__name__}"
        else:
            body = response.json()
            if response.status_code == 200 and body.get("status") == "ok":
                checks = body["checks"]
                expect(
                    set(checks) >= {"database", "cache", "broker", "korus_api"},
                    f"/readyz checks {sorted(checks)}",
                )
                notes.append(", ".join(f"{k} {v['ms']:.0f}ms" for k, v in checks.items()))
                return
            last = f"HTTP {response.status_code} {body}"
        time.sleep(0.5)
    raise StepFailed(f"/readyz never said ok; last: {last}")


def check_security_headers(browser: Browser, notes: list[str]) -> None:
    plain = browser.get("/")
    expect(plain.status_code == 200, f"home page: HTTP {plain.status_code}")
    h = plain.headers
    csp = h.get("content-security-policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    expect(directives.get("default-src") == ["'self'"], f"CSP default-src in {csp!r}")
    expect(directives.get("frame-ancestors") == ["'none'"], f"CSP frame-ancestors in {csp!r}")
    script_src = directives.get("script-src", [])
    nonces = [s[len("'nonce-") : -1] for s in script_src if s.startswith("'nonce-")]
    expect(len(nonces) == 1, f"CSP script-src has no nonce: {csp!r}")
    expect("unsafe" not in csp, f"CSP allows unsafe sources: {csp!r}")
    expect(h.get("x-content-type-options") == "nosniff", "X-Content-Type-Options is not nosniff")
    expect(h.get("referrer-policy") == "same-origin", f"Referrer-Policy {h.get('referrer-policy')}")
    expect(h.get("x-frame-options") == "DENY", f"X-Frame-Options {h.get('x-frame-options')}")
    # HSTS only over https: none on plain http, and behind a router that says https, one.
    expect("strict-transport-security" not in h, "HSTS sent over plain http")
    routed = browser.get("/", **{"X-Forwarded-Proto": "https"})
    hsts = routed.headers.get("strict-transport-security", "")
    max_age = int(m.group(1)) if (m := re.search(r"max-age=(\d+)", hsts)) else 0
    expect(max_age >= 60 * 60 * 24 * 180, f"HSTS with X-Forwarded-Proto: https is {hsts!r}")
    parser = PageParser()
    parser.feed(plain.text)
    inline = [s for s in parser.scripts if "src" not in s]
    expect(
        all(s.get("nonce") == nonces[0] for s in inline),
        "an inline script lacks the response's nonce",
    )
    # The page's own assets: hashed names from collectstatic's manifest, served by whitenoise.
    assets = [s["src"] for s in parser.scripts if "src" in s] + parser.stylesheets
    expect(assets, "the home page links no script or stylesheet")
    for asset in assets:
        expect(re.search(r"\.[0-9a-f]{12}\.\w+$", asset), f"{asset} has no hashed name")
        response = browser.get(asset)
        expect(response.status_code == 200, f"{asset}: HTTP {response.status_code}")
        expect("immutable" in response.headers.get("cache-control", ""), f"{asset} not immutable")
    notes.append(f"CSP, HSTS max-age={max_age}, nosniff, same-origin; {len(assets)} assets")


def pick_session(page: Page) -> Link:
    """A session at least an hour away, so that it cannot start while the test buys."""
    soon = datetime.now().astimezone() + timedelta(hours=1)
    for link in page.parsed.links:
        starts = datetime.fromisoformat(link.datetime) if link.datetime else None
        if "/sessions/" in link.href and starts is not None and starts > soon:
            return link
    raise StepFailed(f"{page.url}: no session link an hour or more away")


def buy(browser: Browser) -> tuple[Page, list[str]]:
    with step("home page"):
        home = browser.open("/")
        event_link = home.link(EVENT_NAME)
    with step("event page") as notes:
        event = browser.open(event_link.href)
        session_link = pick_session(event)
        notes.append(session_link.datetime)
    with step("session page: quantities") as notes:
        session = browser.open(session_link.href)
        offer_form = session.form("/checkout/start/")
        quantities = [n for n in offer_form.text_inputs if n.startswith("qty_")]
        expect(quantities, f"{session.url}: no quantity input")
        notes.append(f"{len(quantities)} offers, {QUANTITY} x the first")
    with step("checkout_start -> ticket answers"):
        chosen = {name: "0" for name in quantities} | {quantities[0]: str(QUANTITY)}
        answers = browser.submit(session, offer_form, chosen)
        expect(urlsplit(answers.url).path == "/checkout/tickets/", f"landed on {answers.url}")
    with step("hold"):
        details = browser.submit(
            answers, answers.form("/checkout/hold/"), {}, button="Hold these tickets"
        )
        expect(urlsplit(details.url).path == "/checkout/details/", f"landed on {details.url}")
    with step("details"):
        review = browser.submit(details, details.form("/checkout/details/"), BUYER)
        expect(urlsplit(review.url).path == "/checkout/review/", f"landed on {review.url}")
        expect(BUYER["email"] in review.text, "the review page does not show the buyer")
    with step("review -> confirm -> order page") as notes:
        order = browser.submit(review, review.form("/checkout/confirm/"), {})
        expect(re.match(r"^/orders/[^/]+/$", urlsplit(order.url).path), f"landed on {order.url}")
        expect("Your order is confirmed." in order.text, "the order page does not say confirmed")
        reference = re.search(r"KT-ORD-[A-Z0-9]+", order.text)
        expect(reference, "the order page shows no KorusTicket reference")
        assert reference is not None
        notes.append(reference.group(0))
    with step("documents ready (status partial polled)") as notes:
        status_url = urlsplit(order.url).path + "documents/status/"
        deadline = time.monotonic() + browser.clock.budget(60)
        polls = 0
        while True:
            polls += 1
            status = browser.open(status_url)
            expect("documents-status--failed" not in status.text, "documents failed")
            if "documents-status--ready" in status.text:
                break
            expect(time.monotonic() < deadline, f"tickets not ready after {polls} polls")
            time.sleep(1)
        documents = sorted(
            {link.href for link in status.parsed.links if re.search(r"/documents/\d+/$", link.href)}
        )
        expect(len(documents) == QUANTITY, f"{len(documents)} PDFs listed, {QUANTITY} expected")
        notes.append(f"{polls} polls, {len(documents)} PDFs")
    return order, documents


def download(browser: Browser, order: Page, documents: list[str]) -> None:
    with step("download tickets, receipt and calendar") as notes:
        # The order page itself now lists the same downloads (a reload without JavaScript).
        order = browser.open(order.url)
        base = urlsplit(order.url).path
        for url in [*documents, f"{base}receipt/"]:
            response = browser.get(url)
            expect(response.status_code == 200, f"{url}: HTTP {response.status_code}")
            expect(response.headers.get("content-type") == "application/pdf", f"{url}: not a PDF")
            expect(response.content.startswith(b"%PDF"), f"{url}: body is not a PDF")
            expect(url in order.text, f"the order page has no link to {url}")
            notes.append(
                f"{urlsplit(url).path.rstrip('/').rsplit('/', 1)[-1]} "
                f"{len(response.content) // 1024} KiB"
            )
        ics = browser.get(f"{base}calendar.ics")
        expect(ics.status_code == 200, f"calendar.ics: HTTP {ics.status_code}")
        expect(ics.text.startswith("BEGIN:VCALENDAR"), "calendar.ics is not an iCalendar file")
        expect(ics.text.count("BEGIN:VEVENT") >= 1, "calendar.ics has no event")
        notes.append(f"ics {ics.text.count('BEGIN:VEVENT')} event(s)")


def check_logs(processes: list[Process], notes: list[str]) -> None:
    """No ERROR line and no traceback: a failure the pages hid (a task, a 500 caught
    somewhere) still fails the boot test."""
    for process in processes:
        lines = process.log.read_text(errors="replace").splitlines()
        bad = [
            line
            for line in lines
            if "Traceback (most recent call last)" in line
            or re.search(r'"level": "(ERROR|CRITICAL)"', line)
        ]
        expect(not bad, f"{process.name} log:\n" + "\n".join(bad[:5]))
        notes.append(f"{process.name} {len(lines)} lines")


# ---------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------
def _terminate(signum: int, frame: FrameType | None) -> None:
    # A SIGTERM (a CI timeout, the pytest wrapper) still runs the cleanup below.
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--api", choices=["http", "inprocess"], default="http")
    parser.add_argument("--port", type=int, default=None, help="default: a free one of 8230-8239")
    parser.add_argument("--redis-db", type=int, default=None, help="default: an empty one")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs)")
    args = parser.parse_args(argv)
    database_url, redis_url = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    if not (database_url and redis_url and database_url.startswith(("postgres", "postgresql"))):
        print("boot test: set DATABASE_URL (PostgreSQL) and REDIS_URL", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _terminate)

    clock = Clock(TOTAL_SECONDS)
    tmp = Path(tempfile.mkdtemp(prefix="kt-boot-"))
    logs = tmp / "logs"
    logs.mkdir()
    processes: list[Process] = []
    db_name: str | None = None
    stack_redis: str | None = None
    browser: Browser | None = None
    ok = False
    try:
        with step("isolated database, Redis DB, port and folders") as notes:
            port = free_port(args.port)
            db_name, stack_db = database_create(database_url)
            redis_db, stack_redis = redis_claim(redis_url, args.redis_db)
            env = stack_env(
                api=args.api, port=port, database_url=stack_db, redis_url=stack_redis, var=tmp
            )
            processes_of = procfile()
            notes.append(f"db {db_name}, redis db {redis_db}, port {port}, api {args.api}")
        with step("collectstatic (a buildpack runs it at build time)"):
            # Not DEBUG: the manifest storage serves hashed names and refuses unknown files.
            run_logged(
                "collectstatic",
                "python manage.py collectstatic --noinput",
                env,
                logs,
                clock.budget(60),
            )
        with step(f"release: {processes_of['release']}"):
            run_logged("release", processes_of["release"], env, logs, clock.budget(60))
        with step(f"web: {processes_of['web']}"):
            processes.append(Process.start("web", processes_of["web"], env, logs))
        with step(f"worker: {processes_of['worker']}"):
            processes.append(Process.start("worker", processes_of["worker"], env, logs))
        with step("sandbox demo catalog"):
            run_logged(
                "demo",
                "python manage.py sandbox_load_demo --if-empty",
                env,
                logs,
                clock.budget(60),
            )
        browser = Browser(f"http://127.0.0.1:{port}", clock)
        with step("/readyz ok") as notes:
            wait_ready(browser, processes, notes)
        with step("home page security headers and static files") as notes:
            check_security_headers(browser, notes)
        order, documents = buy(browser)
        download(browser, order, documents)
        for process in processes:
            process.check_alive()
        with step("web and worker logs: no ERROR line, no traceback") as notes:
            check_logs(processes, notes)
        ok = True
    except (
        StepFailed,
        httpx.HTTPError,
        subprocess.SubprocessError,
        OSError,
        psycopg.Error,
        redis.RedisError,
        KeyboardInterrupt,
    ) as error:
        print(f"\nboot test failed: {type(error).__name__}: {error}", flush=True)
        for process in processes:
            print(f"\n----- last lines of the {process.name} log ({process.log}) -----")
            print(process.tail(), flush=True)
    finally:
        if browser is not None:
            browser.close()
        stopped = _stop_all(processes)
        ok = ok and stopped
        with step("clean up (database, Redis DB, folders)"):
            if db_name:
                database_drop(database_url, db_name)
            if stack_redis:
                redis_release(stack_redis)
            if args.keep or not ok:
                print(f"     kept {tmp}")
            else:
                shutil.rmtree(tmp, ignore_errors=True)
    print(f"\nboot test {'PASSED' if ok else 'FAILED'} in {clock.elapsed():.1f}s", flush=True)
    return 0 if ok else 1


def _stop_all(processes: list[Process]) -> bool:
    """Stops every process; False when one needed SIGKILL (a platform would have killed it)."""
    if not processes:
        return True
    graceful = True
    with step("stop web and worker (SIGTERM, SIGKILL after 15 s)") as notes:
        for process in processes:
            process.terminate()
        for process in processes:
            how = process.finish()
            graceful = graceful and "SIGKILL" not in how
            notes.append(how)
    return graceful


if __name__ == "__main__":
    sys.exit(main())
