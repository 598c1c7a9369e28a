"""Only the client package (and the sandbox's transport adapter) may import httpx."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("shop", "booking_site", "sandbox")
ALLOWED = (ROOT / "shop" / "korus", ROOT / "sandbox" / "transport.py")


def _imports_httpx(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            if any(alias.name.split(".")[0] == "httpx" for alias in node.names):
                return True
        elif (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and (node.module or "").split(".")[0] == "httpx"
        ):
            return True
    return False


def _allowed(path: Path) -> bool:
    return any(path == allowed or allowed in path.parents for allowed in ALLOWED)


def test_only_the_client_and_the_sandbox_transport_import_httpx() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for top in SCANNED
        for path in sorted((ROOT / top).rglob("*.py"))
        if not _allowed(path) and _imports_httpx(path)
    ]
    assert offenders == []


def test_the_check_sees_both_import_forms(tmp_path: Path) -> None:
    plain, star = tmp_path / "a.py", tmp_path / "b.py"
    plain.write_text("import httpx as h\n")
    star.write_text("from httpx._client import Client\n")
    relative = tmp_path / "c.py"
    relative.write_text("from .httpx import thing\nimport json\n")
    assert _imports_httpx(plain)
    assert _imports_httpx(star)
    assert not _imports_httpx(relative)


def test_the_client_package_is_allowed_and_imports_httpx() -> None:
    core = ROOT / "shop" / "korus" / "core.py"
    assert _allowed(core)
    assert _imports_httpx(core)
