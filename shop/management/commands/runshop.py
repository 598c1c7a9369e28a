"""Run the whole shop in the foreground: the web server and a Celery worker together.

One Ctrl-C stops both; if either exits, the other is stopped too.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Start the web server and a Celery worker; Ctrl-C stops both."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args: Any, host: str, port: int, **options: Any) -> None:
        python = sys.executable
        commands = {
            "worker": [
                python,
                "-m",
                "celery",
                "-A",
                "booking_site",
                "worker",
                "--loglevel=INFO",
                "--concurrency=2",
            ],
            "web": [python, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
        }
        procs = {name: subprocess.Popen(cmd) for name, cmd in commands.items()}
        self.stdout.write(
            self.style.SUCCESS(
                f"Shop running at http://{host}:{port}/ (web + worker; Ctrl-C stops both)"
            )
        )
        stopping = False

        def stop(*_: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(p.poll() is None for p in procs.values()):
                time.sleep(0.3)
        finally:
            for proc in procs.values():
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            for name, proc in procs.items():
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                self.stdout.write(f"{name} stopped ({proc.returncode})")
