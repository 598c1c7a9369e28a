"""Keyboard-only use of a page: Tab through every control, check each shows where focus is, and
move focus to a control to operate it with Enter or Space."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

# The controls a buyer operates. Radio groups count once: Tab enters a group at one radio.
CONTROLS = (
    "a[href], button:not([disabled]), select:not([disabled]), textarea:not([disabled]),"
    " input:not([type=hidden]):not([disabled])"
)

MARK_CONTROLS = """
(selector) => {
  const seen = new Set();
  const keys = [];
  document.querySelectorAll(selector).forEach((el, i) => {
    const rect = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') return;
    if (!rect.width && !rect.height && !el.classList.contains('skip-link')) return;
    const key = el.type === 'radio' ? `radio:${el.name}` : `${el.tagName.toLowerCase()}#${i}`;
    el.dataset.kbKey = key;
    if (!seen.has(key)) { seen.add(key); keys.push([key, el.outerHTML.slice(0, 100)]); }
  });
  return keys;
}
"""

FOCUSED = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  return {
    key: el.dataset.kbKey || null,
    visible: Boolean(outline || shadow),
    focusVisible: el.matches(':focus-visible'),
    html: el.outerHTML.slice(0, 120),
  };
}
"""


def focused(page: Page) -> dict[str, Any] | None:
    result: dict[str, Any] | None = page.evaluate(FOCUSED)
    return result


def assert_focus_shown(page: Page) -> None:
    state = focused(page)
    assert state is not None, "nothing has the focus"
    assert state["focusVisible"], f"the browser does not treat this focus as visible: {state}"
    assert state["visible"], f"the focused control shows no outline or box-shadow: {state}"


def assert_every_control_reachable(page: Page) -> int:
    """Tab from the top of the page through all of it; every control must get a visible focus.

    Returns how many controls the page has."""
    controls = dict(page.evaluate(MARK_CONTROLS, CONTROLS))
    # Tab wraps around the document, so len(controls) + a few presses visit every control from
    # wherever the focus starts.
    reached: set[str] = set()
    unmarked: list[str] = []
    for _ in range(len(controls) + 5):
        page.keyboard.press("Tab")
        state = focused(page)
        if state is None:
            continue
        assert state["visible"], f"no visible focus on {state['html']}"
        if state["key"]:
            reached.add(state["key"])
        else:
            unmarked.append(state["html"])
    missing = [html for key, html in controls.items() if key not in reached]
    assert not missing, f"not reachable with Tab: {missing} (reached instead: {unmarked})"
    return len(controls)


def tab_to(page: Page, selector: str, *, limit: int = 80) -> None:
    """Press Tab until `selector` has the focus (never clicking), and check the focus shows."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            assert_focus_shown(page)
            return
    raise AssertionError(f"Tab never reached {selector}")
