"""Fixtures of the real-browser suite: Debian's Chromium through Playwright, the shop on a live
server with the sandbox's demo catalog, and journeys that screenshot, audit (axe-core) and
watch the console at every step.

At the end of the run the terminal summary lists each journey's duration, and the axe report
is written to artifacts/axe-report.json and artifacts/axe-report.txt.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from shop.korus import reset_client
from tests.browser.axe import AXE_JS, INSTALL_HINT, AxeReport, route_axe
from tests.browser.journey import ARTIFACTS, CSP_LISTENER, Journey, JourneyTime, Viewport

CHROMIUM = "/usr/bin/chromium"
# A closed network: nothing that phones home, no QUIC, no GPU in a container.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

AXE_REPORT = AxeReport()
JOURNEY_TIMES: list[tuple[JourneyTime, str]] = []
_OUTCOME = pytest.StashKey[str]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[_OUTCOME] = report.outcome
    return report


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """One Chromium per test module (the admin's screenshot test starts its own Playwright)."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed: run `make deps-test` (Debian package chromium)")
    if not AXE_JS.exists():
        pytest.fail(INSTALL_HINT)
    # Playwright's sync API runs an event loop in this thread; the test's own database work
    # (demo catalog, orders, clock) is synchronous and safe here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@dataclass(frozen=True)
class Shop:
    """The shop on the live server, and the demo catalog it sells."""

    url: str
    demo: Any

    def path(self, name: str, *args: Any) -> str:
        return self.url + reverse(name, args=args)

    def event_url(self, case: Any) -> str:
        return self.path("shop:event", case.event_id)

    def session_url(self, case: Any, session_id: Any = None) -> str:
        return self.path("shop:session", case.event_id, session_id or case.session_id)


def _make_broker_folders(settings: Any) -> None:
    # Orders queue their fulfilment on commit; the embedded broker needs its folders to exist.
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
    backend = str(getattr(settings, "CELERY_RESULT_BACKEND", "") or "")
    if backend.startswith("file://"):
        Path(backend.removeprefix("file://")).mkdir(parents=True, exist_ok=True)


@pytest.fixture
def shop(live_server: Any, sandbox_demo: Any, settings: Any, tmp_path: Path) -> Iterator[Shop]:
    """A fresh demo catalog behind the live server; no cached reads of an earlier test's ids."""
    settings.MEDIA_ROOT = tmp_path / "media"  # the same folder as the real worker's
    _make_broker_folders(settings)
    cache.clear()
    reset_client()
    yield Shop(live_server.url, sandbox_demo)
    cache.clear()
    reset_client()


@pytest.fixture
def screenshot_dir() -> Path:
    """artifacts/screenshots (gitignored), for tests that save their own screenshots."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def browser_page(chromium: Browser) -> Generator[Callable[..., Page]]:
    """A page in a fresh context: `browser_page(width=390, height=844)`, desktop by default."""
    contexts: list[BrowserContext] = []

    def open_page(*, width: int = 1280, height: int = 800) -> Page:
        context = chromium.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


OpenJourney = Callable[..., Journey]


@pytest.fixture
def journey(chromium: Browser, request: pytest.FixtureRequest) -> Generator[OpenJourney]:
    """Open a journey: a fresh browser context (own cookies) at a viewport size."""
    opened: list[Journey] = []
    unrecorded: set[int] = set()

    def open_journey(
        name: str,
        viewport: Viewport,
        *,
        javascript: bool = True,
        locale: str = "en-GB",
        record: bool = True,
    ) -> Journey:
        """record=False: a journey of the suite's self-checks, kept out of the axe report and
        the durations (it provokes violations on purpose)."""
        context = chromium.new_context(
            viewport=viewport.size,
            locale=locale,
            java_script_enabled=javascript,
            accept_downloads=True,
        )
        context.set_default_timeout(15_000)
        route_axe(context)
        context.add_init_script(CSP_LISTENER)
        report = AXE_REPORT if record else AxeReport()
        opened.append(Journey(name, viewport, context, axe=report, javascript=javascript))
        if not record:
            unrecorded.add(id(opened[-1]))
        return opened[-1]

    yield open_journey
    outcome = request.node.stash.get(_OUTCOME, "failed")
    for trip in opened:
        if trip.steps and id(trip) not in unrecorded:
            JOURNEY_TIMES.append((trip.finish() if outcome == "passed" else _time(trip), outcome))
        trip.context.close()


def _time(trip: Journey) -> JourneyTime:
    import time

    return JourneyTime(
        trip.name,
        trip.viewport.width,
        time.perf_counter() - trip.started,
        trip.steps,
        trip.javascript,
    )


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not JOURNEY_TIMES and not AXE_REPORT.audits:
        return
    write = terminalreporter.write_line
    terminalreporter.section("browser journeys")
    total = 0.0
    for timing, outcome in JOURNEY_TIMES:
        total += timing.seconds
        mode = "" if timing.javascript else " (JavaScript off)"
        write(
            f"{timing.journey:<28} {timing.width:>4}px {timing.seconds:6.1f}s "
            f"{timing.steps:>3} steps  {outcome}{mode}"
        )
    write(f"{len(JOURNEY_TIMES)} journeys, {total:.1f}s in the browser")
    if AXE_REPORT.audits:
        json_path, text_path = AXE_REPORT.write(ARTIFACTS)
        for line in AXE_REPORT.summary_lines():
            write(line)
        write(
            f"axe report: {json_path.relative_to(ARTIFACTS.parent)}, "
            f"{text_path.relative_to(ARTIFACTS.parent)}"
        )
