"""The Procfile's processes and gunicorn's settings as the platform will run them."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _processes() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    matches = (re.match(r"^([a-z]+):\s*(.+)$", line) for line in lines)
    return {m.group(1): m.group(2) for m in matches if m}


def test_procfile_has_release_web_worker_and_one_beat() -> None:
    processes = (ROOT / "Procfile").read_text().splitlines()
    assert set(_processes()) == {"release", "web", "worker", "beat"}
    assert sum(line.startswith("beat:") for line in processes) == 1


def test_beat_runs_because_periodic_tasks_exist(settings: object) -> None:
    assert settings.CELERY_BEAT_SCHEDULE  # type: ignore[attr-defined]


def test_release_migrates_both_databases() -> None:
    release = _processes()["release"]
    assert "manage.py migrate --noinput" in release
    assert "migrate --database sandbox --noinput" in release


def test_worker_turns_sigterm_into_a_soft_shutdown() -> None:
    worker = _processes()["worker"]
    assert worker.startswith("REMAP_SIGTERM=SIGQUIT celery -A booking_site worker")


def test_gunicorn_settings_follow_the_platforms_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "5123")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["bind"] == "0.0.0.0:5123"
    assert config["workers"] == 3
    assert config["max_requests"] > 0
    assert config["max_requests_jitter"] > 0
    assert config["accesslog"] == "-"
    assert config["timeout"] < 30  # under the routers' own limit


def test_aptfile_lists_weasyprints_debian_packages() -> None:
    packages = set((ROOT / "Aptfile").read_text().split())
    assert packages == {"libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"}
