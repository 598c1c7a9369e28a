"""Every environment variable the settings read is documented in the README and .env.example."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENV_READ = re.compile(r"""env_(?:str|bool|int|float|list)\(\s*["']([A-Z][A-Z0-9_]+)["']""")


def _variables_read_by_settings() -> set[str]:
    sources = [ROOT / "booking_site" / "settings.py", *sorted((ROOT / "booking_site").glob("*.py"))]
    names: set[str] = set()
    for path in sources:
        names |= set(ENV_READ.findall(path.read_text()))
    return names


def test_settings_read_variables_at_all() -> None:
    assert {
        "SECRET_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "KORUS_API_URL",
    } <= _variables_read_by_settings()


@pytest.mark.parametrize("document", ["README.md", ".env.example"])
def test_every_variable_is_documented(document: str) -> None:
    text = (ROOT / document).read_text()
    missing = sorted(name for name in _variables_read_by_settings() if name not in text)
    assert not missing, f"{document} does not mention: {', '.join(missing)}"
