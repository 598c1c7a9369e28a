"""One buyer journey in one browser context: numbered screenshots, an axe audit per step, and a
watch on the console (errors, uncaught exceptions, CSP violations).

Screenshots go to artifacts/screenshots/journeys/<journey>/<width>/NN-step.png (gitignored).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import BrowserContext, ConsoleMessage, Error, Page

from tests.browser.axe import AxeReport

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
SHOTS = ARTIFACTS / "screenshots" / "journeys"

# Chromium reports a CSP refusal on the console by itself; this init script (run through the
# DevTools protocol, so the policy does not apply to it) also reports the DOM event, which
# covers refusals that leave no console line (a blocked inline style attribute, say).
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (e) => {
  const where = e.target && e.target.outerHTML ? e.target.outerHTML.slice(0, 160) : e.sourceFile;
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}` +
                ` at ${where}`);
});
"""


@dataclass(frozen=True)
class Viewport:
    width: int
    height: int

    @property
    def size(self) -> dict[str, int]:
        return {"width": self.width, "height": self.height}


PHONE = Viewport(390, 844)
DESKTOP = Viewport(1280, 800)
VIEWPORTS = [PHONE, DESKTOP]
VIEWPORT_IDS = ["390", "1280"]


@dataclass(frozen=True)
class JourneyTime:
    journey: str
    width: int
    seconds: float
    steps: int
    javascript: bool


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:60]


class Journey:
    def __init__(
        self,
        name: str,
        viewport: Viewport,
        context: BrowserContext,
        *,
        axe: AxeReport | None,
        javascript: bool = True,
    ) -> None:
        self.name = name
        self.viewport = viewport
        self.context = context
        self.javascript = javascript
        self.axe = axe
        self.page: Page = context.new_page()
        self.problems: list[str] = []
        self.allowed: list[re.Pattern[str]] = []
        self.steps = 0
        self.started = time.perf_counter()
        self.folder = SHOTS / name / str(viewport.width)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.page.on("console", self._on_console)
        self.page.on("pageerror", self._on_page_error)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and not any(p.search(message.text) for p in self.allowed):
            source = message.location.get("url") or "-"
            self.problems.append(
                f"console error on {self.page.url}: {message.text} (source: {source})"
            )

    def _on_page_error(self, error: Error) -> None:
        self.problems.append(f"uncaught exception on {self.page.url}: {error}")

    def allow_console(self, pattern: str) -> None:
        """Accept a console error the journey provokes on purpose (e.g. an expected 4xx)."""
        self.allowed.append(re.compile(pattern))

    def step(self, label: str) -> Path:
        """Screenshot the page as it is now, audit it with axe, and check the console."""
        self.steps += 1
        self.page.wait_for_load_state("load")
        path = self.folder / f"{self.steps:02d}-{_slug(label)}.png"
        # caret="initial": hiding the caret leaves style="" on every input, which htmx then
        # copies onto swapped-in inputs and the page's CSP (rightly) refuses.
        self.page.screenshot(path=str(path), full_page=True, caret="initial")
        if self.axe is not None and self.javascript:
            audit = self.axe.audit(
                self.page, journey=self.name, width=self.viewport.width, step=label
            )
            assert not audit.blocking, (
                f"axe: serious/critical violations at step {label!r} ({self.page.url}):\n"
                + audit.describe_blocking()
            )
        self.assert_quiet_console()
        return path

    def assert_quiet_console(self) -> None:
        assert not self.problems, "\n".join(self.problems)

    def finish(self) -> JourneyTime:
        self.assert_quiet_console()
        return JourneyTime(
            self.name,
            self.viewport.width,
            time.perf_counter() - self.started,
            self.steps,
            self.javascript,
        )
