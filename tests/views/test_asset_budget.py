"""Every page loads the shop's CSS and JavaScript and htmx: together they stay under 60 KB.

A phone on a slow network pays for each byte before the first page renders, so the budget is
checked on the files as served (no compression counted); make room by tightening rules.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

BUDGET_BYTES = 60 * 1024
PATTERNS = ("shop/*.css", "shop/*.js", "vendor/htmx*")


def budgeted_assets() -> dict[str, int]:
    static = Path(settings.STATICFILES_DIRS[0])
    return {
        str(path.relative_to(static)): path.stat().st_size
        for pattern in PATTERNS
        for path in static.glob(pattern)
    }


def test_the_budget_counts_the_stylesheet_the_scripts_and_htmx():
    assets = budgeted_assets()
    assert {"shop/shop.css", "shop/countdown.js", "vendor/htmx.min.js"} <= assets.keys()


def test_shop_css_and_js_with_htmx_stay_under_60_kb():
    assets = budgeted_assets()
    total = sum(assets.values())
    assert total <= BUDGET_BYTES, f"{total} bytes, over the {BUDGET_BYTES}-byte budget: {assets}"
