"""A real Celery worker process for the tests marked `worker`.

The worker runs `celery -A booking_site worker` with the test databases, the test process's
broker (Redis when REDIS_URL is set, else the filesystem broker under VAR_DIR), a private media
folder and a file email backend, so the test can see what it stored and sent.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connections

ROOT = Path(__file__).resolve().parents[2]
# Redis redelivers an unacknowledged message once this many seconds have passed; the kill
# test waits it out. Poll countdowns stay far below it (a quarter at most, see poll_delay).
VISIBILITY_TIMEOUT = 4


class Worker:
    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.log_dir = log_dir
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path: Path | None = None
        self.started = 0

    def start(self, timeout: float = 30.0) -> None:
        self.started += 1
        self.log_path = self.log_dir / f"worker-{self.started}.log"
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "booking_site",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--hostname=docs-test-{os.getpid()}-{self.started}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.wait_for_log("ready.", timeout)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path else ""

    def wait_for_log(self, text: str, timeout: float) -> None:
        wait_until(lambda: text in self.log(), timeout, f"worker log never showed {text!r}", self)

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_until(
    condition: Callable[[], Any], timeout: float, message: str, worker: Worker | None = None
) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if worker and worker.process and worker.process.poll() is not None:
            break
        time.sleep(0.2)
    log = worker.log()[-4000:] if worker else ""
    pytest.fail(f"{message}\n--- worker log ---\n{log}")


@pytest.fixture
def broker_is_redis() -> bool:
    return settings.CELERY_BROKER_URL.startswith("redis")


@pytest.fixture
def worker(transactional_db: None, settings: Any, tmp_path: Path) -> Iterator[Worker]:
    from booking_site.celery import app

    media = tmp_path / "media"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    settings.MEDIA_ROOT = media
    # The embedded broker's and result backend's folders are not created by the settings.
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
    if settings.CELERY_RESULT_BACKEND.startswith("file://"):
        Path(settings.CELERY_RESULT_BACKEND.removeprefix("file://")).mkdir(
            parents=True, exist_ok=True
        )
    # Messages left by other tests (orders confirmed without a worker) would run first.
    app.control.purge()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.worker.settings",
        "WORKER_DATABASES": json.dumps(
            {alias: connections[alias].settings_dict["NAME"] for alias in settings.DATABASES}
        ),
        "MEDIA_ROOT": str(media),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "DOCUMENTS_POLL_MIN_SECONDS": "0.3",
        "DOCUMENTS_POLL_MAX_SECONDS": "1",
        "SANDBOX_DOCUMENT_DELAY_SECONDS": str(settings.SANDBOX_DOCUMENT_DELAY_SECONDS),
        "PYTHONUNBUFFERED": "1",
    }
    handle = Worker(env, tmp_path)
    handle.mail_dir = mail_dir  # type: ignore[attr-defined]
    try:
        yield handle
    finally:
        handle.stop()
