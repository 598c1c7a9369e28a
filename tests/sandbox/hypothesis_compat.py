"""Let hypothesis-jsonschema 0.23 (schemathesis 3.x's generator) run on current Hypothesis.

hypothesis-jsonschema drives Hypothesis's private `many` helper with the old
`while elements.more():` protocol; recent Hypothesis replaced it with
`with many(...) as elements: for _ in elements:`. This adds `more()` back on top of the new
protocol. It is a no-op on a Hypothesis that still has `more()`, and no newer
hypothesis-jsonschema exists to upgrade to.
"""

from __future__ import annotations

from typing import Any

from hypothesis.internal.conjecture import utils as cu

_STOP = object()


def _more(self: Any) -> bool:
    if getattr(self, "_compat_iterator", None) is None:
        self.__enter__()
        self._compat_iterator = iter(self)
    if next(self._compat_iterator, _STOP) is _STOP:
        self.__exit__(None, None, None)
        return False
    return True


def install() -> None:
    if not hasattr(cu.many, "more"):
        cu.many.more = _more  # type: ignore[attr-defined]
