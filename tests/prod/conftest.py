"""Helpers to start the project in a child process under production-like settings."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What tests/settings.py (or a developer's shell) may have put in the environment: a child
# process must see the production defaults, not the test overrides.
_TEST_OVERRIDES = (
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "LOG_FORMAT",
    "SENTRY_DSN",
    "KORUS_API_URL",
    "EMAIL_BACKEND",
)

Run = Callable[..., subprocess.CompletedProcess[str]]


def production_env(**overrides: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _TEST_OVERRIDES}
    env.update(
        DJANGO_SETTINGS_MODULE="booking_site.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="shop.example.com",
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


@pytest.fixture
def run_prod() -> Run:
    """Run a command from the project root with production settings; returns its result."""

    def run(args: list[str], **overrides: str | None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            args,
            cwd=ROOT,
            env=production_env(**overrides),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    return run


PYTHON = sys.executable
