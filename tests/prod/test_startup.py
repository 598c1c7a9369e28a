"""Production start-up: `check --deploy` is clean, and configuration errors stop the process
with one readable line instead of a traceback."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.prod.conftest import PYTHON, Run


def _one_line_error(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert "Traceback" not in stderr
    assert len(lines) == 1, stderr
    return lines[0]


def test_check_deploy_passes_under_production_settings(run_prod: Run) -> None:
    result = run_prod([PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_when_the_secret_key_is_weak(run_prod: Run) -> None:
    result = run_prod(
        [PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], SECRET_KEY="short"
    )
    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_manage_py_without_secret_key_prints_one_line_and_fails(run_prod: Run) -> None:
    result = run_prod([PYTHON, "manage.py", "check"], SECRET_KEY=None)
    assert result.returncode != 0
    assert "SECRET_KEY" in _one_line_error(result.stderr)


def test_wsgi_import_without_secret_key_prints_one_line_and_fails(run_prod: Run) -> None:
    result = run_prod([PYTHON, "-c", "import booking_site.wsgi"], SECRET_KEY=None)
    assert result.returncode != 0
    assert "SECRET_KEY" in _one_line_error(result.stderr)


def test_gunicorn_without_secret_key_stops_instead_of_respawning_workers(run_prod: Run) -> None:
    gunicorn = shutil.which("gunicorn", path=str(Path(PYTHON).parent))
    assert gunicorn is not None
    # preload_app makes the master load the app: it exits instead of booting workers forever.
    result = run_prod(
        [gunicorn, "booking_site.wsgi", "--config", "gunicorn.conf.py", "--bind", "127.0.0.1:0"],
        SECRET_KEY=None,
    )
    assert result.returncode != 0
    assert "Configuration error: SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture
def sentry_sdk_missing(tmp_path: Path) -> str:
    """A PYTHONPATH on which `import sentry_sdk` fails, whether or not it is installed."""
    package = tmp_path / "sentry_sdk"
    package.mkdir()
    (package / "__init__.py").write_text("raise ImportError('sentry_sdk hidden by the test')\n")
    return os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))


def test_sentry_dsn_without_sentry_sdk_is_a_one_line_configuration_error(
    run_prod: Run, sentry_sdk_missing: str
) -> None:
    result = run_prod(
        [PYTHON, "manage.py", "check"],
        SENTRY_DSN="https://public@sentry.invalid/1",
        PYTHONPATH=sentry_sdk_missing,
    )
    assert result.returncode != 0
    assert "sentry" in _one_line_error(result.stderr)


def test_without_sentry_dsn_sentry_sdk_is_never_imported(
    run_prod: Run, sentry_sdk_missing: str
) -> None:
    result = run_prod([PYTHON, "manage.py", "check"], PYTHONPATH=sentry_sdk_missing)
    assert result.returncode == 0, result.stderr
