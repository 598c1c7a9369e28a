"""axe-core in the browser suite: injection into a page, one audit per step, and the report.

axe-core comes from npm (tests/browser/vendor, pinned in its package.json; `make test` installs
it). The shop never serves it: the browser context answers one made-up same-origin URL with
the vendored file, so `page.add_script_tag` loads it under the shop's strict CSP
(script-src 'self') and the policy stays enforced, which lets the journeys catch real CSP
violations.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page, Route

VENDOR = Path(__file__).resolve().parent / "vendor"
AXE_JS = VENDOR / "node_modules" / "axe-core" / "axe.min.js"
# Answered by the browser context itself (see route_axe), never by the shop.
AXE_URL_PATH = "/__browser-tests__/axe.min.js"
BLOCKING_IMPACTS = frozenset({"serious", "critical"})
INSTALL_HINT = f"axe-core is not installed in {VENDOR}: run `make test`, or `npm ci` in that folder"


def axe_version() -> str:
    package = json.loads((AXE_JS.parent / "package.json").read_text())
    return str(package["version"])


def route_axe(context: BrowserContext) -> None:
    def fulfil(route: Route) -> None:
        route.fulfill(path=AXE_JS, content_type="application/javascript; charset=utf-8")

    context.route(f"**{AXE_URL_PATH}", fulfil)


@dataclass
class PageAudit:
    journey: str
    width: int
    step: str
    url: str
    violations: list[dict[str, Any]]

    @property
    def blocking(self) -> list[dict[str, Any]]:
        return [v for v in self.violations if v.get("impact") in BLOCKING_IMPACTS]

    def describe_blocking(self) -> str:
        lines = []
        for violation in self.blocking:
            targets = [" ".join(node["target"]) for node in violation["nodes"][:5]]
            lines.append(
                f"{violation['impact']}: {violation['id']} ({violation['help']}) on {targets}"
            )
        return "\n".join(lines)


@dataclass
class AxeReport:
    """Every audit of the run, written to artifacts/axe-report.json and .txt at the end."""

    audits: list[PageAudit] = field(default_factory=list)

    def audit(self, page: Page, *, journey: str, width: int, step: str) -> PageAudit:
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.add_script_tag(url=AXE_URL_PATH)
        result = page.evaluate(
            "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
            " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " helpUrl: v.helpUrl, nodes: v.nodes.map(n => ({target: n.target,"
            " html: n.html.slice(0, 300), summary: n.failureSummary}))})); }"
        )
        audit = PageAudit(journey, width, step, page.url, result)
        self.audits.append(audit)
        return audit

    def totals(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for audit in self.audits:
            for violation in audit.violations:
                impact = violation.get("impact") or "unknown"
                counts[impact] = counts.get(impact, 0) + len(violation["nodes"])
        return counts

    def write(self, folder: Path) -> tuple[Path, Path]:
        folder.mkdir(parents=True, exist_ok=True)
        json_path, text_path = folder / "axe-report.json", folder / "axe-report.txt"
        pages = [
            {
                "journey": a.journey,
                "width": a.width,
                "step": a.step,
                "url": a.url,
                "violations": a.violations,
            }
            for a in self.audits
        ]
        body = {"axe_core": axe_version(), "pages_audited": len(pages), "pages": pages}
        json_path.write_text(json.dumps(body, indent=2))
        text_path.write_text("\n".join(self.summary_lines(detailed=True)) + "\n")
        return json_path, text_path

    def summary_lines(self, *, detailed: bool = False) -> list[str]:
        blocking = [a for a in self.audits if a.blocking]
        totals = self.totals()
        lines = [
            f"axe-core {axe_version()}: {len(self.audits)} page states audited, "
            f"{sum(len(a.blocking) for a in self.audits)} serious/critical violations",
            "nodes by impact: "
            + (", ".join(f"{k} {v}" for k, v in sorted(totals.items())) or "none"),
        ]
        for audit in blocking:
            lines.append(f"BLOCKING {audit.journey} {audit.width}px {audit.step} {audit.url}")
            lines.append(audit.describe_blocking())
        if detailed:
            for audit in self.audits:
                ids = ", ".join(f"{v['id']}({v['impact']})" for v in audit.violations) or "-"
                lines.append(f"{audit.journey:<22} {audit.width:>4}px {audit.step:<34} {ids}")
        return lines
