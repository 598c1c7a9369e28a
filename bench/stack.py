"""The production-like stack the bench and the soak run: throw-away databases, the sandbox as
its own gunicorn, the shop under the Procfile's gunicorn settings, and a real Celery worker.

Every process started here is stopped here, by its own id (and its own process group for the
Celery worker, whose pool children must go with it).
"""

from __future__ import annotations

import os
import platform
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SANDBOX_KEY = "sandbox"
# Longer than sandbox.faults.RULES_MEMO_SECONDS (tests/sandbox/test_faults.py checks it).
FAULT_RULES_SETTLE_S = 2.2


def env_with(base: dict[str, str], **extra: str) -> dict[str, str]:
    return {**base, **extra}


def base_env(var_dir: Path, run_id: str) -> dict[str, str]:
    """The environment of every process of one run: production settings, the run's own data."""
    env = dict(os.environ)
    # The run owns its data: never the developer's database (see `databases`).
    env.pop("DATABASE_URL", None)
    env.pop("SANDBOX_DATABASE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        SECRET_KEY="bench-only-secret-key-" + "b" * 30,
        DEBUG="false",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        VAR_DIR=str(var_dir),
        STATIC_ROOT=str(var_dir / "static"),
        MEDIA_ROOT=str(var_dir / "media"),
        LOG_LEVEL="WARNING",
        GUNICORN_ACCESS_LOG="off",
        # Recycling a worker mid-run would empty its local-memory cache.
        GUNICORN_MAX_REQUESTS="0",
        CACHE_KEY_PREFIX=f"bench{run_id}",
        # A queue of this run only: a shared Redis may hold other runs' or other apps' tasks.
        BENCH_CELERY_QUEUE=f"bench-{run_id}",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        # Every buyer comes from 127.0.0.1: the per-IP hold limit would stop the run.
        CHECKOUT_HOLD_RATE_PER_IP="1000000/h",
        # The sandbox counts the API calls it answers here (bench/sandbox_app.py).
        BENCH_CALL_LOG=str(var_dir / "calls.log"),
        PYTHONUNBUFFERED="1",
    )
    return env


@contextmanager
def databases(run_id: str) -> Iterator[dict[str, str]]:
    """PostgreSQL when DATABASE_URL is set: a database of this run on the same server, dropped
    afterwards (so the URL's own database is never touched). Otherwise nothing: SQLite files
    in the run's folder."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        yield {}
        return
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'postgres'}_run{run_id}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {"DATABASE_URL": urlunsplit(parts._replace(path=f"/{name}"))}
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sandbox_database(var_dir: Path) -> dict[str, str]:
    """The emulated API's own database: an SQLite file of the run, as under `make run`.

    The sandbox stands in for a remote API, whose storage is not the shop's: kept off the
    shop's PostgreSQL, its queries neither load that server nor wait on it.
    """
    return {"SANDBOX_DATABASE_URL": f"sqlite:///{var_dir / 'sandbox.sqlite3'}"}


def stack_label() -> str:
    db = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite (no DATABASE_URL)"
    cache = (
        "Redis cache + broker"
        if os.environ.get("REDIS_URL")
        else "local-memory cache + filesystem broker (no REDIS_URL)"
    )
    return f"{db}, {cache}"


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split("MemTotal:", 1)[1].split()[0])
        memory = f", {kb / 1024 / 1024:.0f} GiB RAM"
    return f"{os.cpu_count()} CPUs ({cpu}){memory}, Python {platform.python_version()}"


def run_json(args: Sequence[str], env: dict[str, str], timeout: float = 600) -> Any:
    """Run a helper module and parse the JSON of its last output line."""
    import json

    try:
        out = subprocess.run(
            args, cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"{exc.cmd} failed:\n{exc.stdout[-3000:]}\n{exc.stderr[-3000:]}") from None
    return json.loads(out.stdout.strip().splitlines()[-1])


def prepare(env: dict[str, str]) -> dict[str, Any]:
    ids: dict[str, Any] = run_json([PY, "-m", "bench.prepare"], env)
    return ids


@contextmanager
def server(
    args: Sequence[str],
    env: dict[str, str],
    ready_url: str,
    log: Path,
    headers: dict[str, str] | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_ready(process, ready_url, log, headers or {})
        yield process
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes], group: bool = False) -> None:
    if process.poll() is not None:
        return
    if group:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    else:
        process.terminate()
    try:
        process.wait(timeout=25)
    except subprocess.TimeoutExpired:
        if group:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
        process.wait()


def _wait_ready(
    process: subprocess.Popen[bytes], url: str, log: Path, headers: dict[str, str]
) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited early; its log:\n{log.read_text()[-3000:]}")
        with suppress(httpx.HTTPError):
            if httpx.get(url, headers=headers, timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise SystemExit(f"server not ready at {url}; its log:\n{log.read_text()[-3000:]}")


def gunicorn_shop(port: int, workers: int) -> list[str]:
    """The Procfile's web line (gunicorn.conf.py), bound to loopback."""
    return [
        PY,
        "-m",
        "gunicorn",
        "booking_site.wsgi:application",
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
    ]


def gunicorn_sandbox(port: int) -> list[str]:
    return [
        PY,
        "-m",
        "gunicorn",
        "bench.sandbox_app:application",
        "--config",
        str(ROOT / "bench" / "gunicorn_sandbox.py"),
        "--bind",
        f"127.0.0.1:{port}",
    ]


def shop_env(
    base: dict[str, str], sandbox_url: str, ids: dict[str, Any], workers: int
) -> dict[str, str]:
    return env_with(
        base,
        KORUS_API_URL=sandbox_url,
        KORUS_API_KEY=SANDBOX_KEY,
        KORUS_CATALOG_ID=ids["catalog_id"],
        SANDBOX_ENABLED="false",
        WEB_CONCURRENCY=str(workers),
    )


def celery_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """The Procfile's worker line, in a process group of its own (so its pool goes with it)."""
    args = [
        PY,
        "-m",
        "celery",
        "-A",
        "booking_site",
        "worker",
        "--loglevel=WARNING",
        f"--concurrency={env.get('CELERY_CONCURRENCY', '2')}",
        "--without-gossip",
        "--without-mingle",
    ]
    with log.open("ab") as out:
        return subprocess.Popen(
            args,
            cwd=ROOT,
            env=env_with(env, REMAP_SIGTERM="SIGQUIT"),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_worker_ready(shop_url: str, timeout: float = 90) -> None:
    """Until the shop's readiness probe passes, its broker check included: a task the worker
    answers. A worker still starting up would otherwise share the CPUs with the first loads."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with suppress(httpx.HTTPError):
            if httpx.get(f"{shop_url}/readyz", timeout=10).status_code == 200:
                return
        time.sleep(0.5)
    raise SystemExit(f"the Celery worker did not answer the shop's readiness probe in {timeout} s")


def celery_beat(env: dict[str, str], log: Path, var_dir: Path) -> subprocess.Popen[bytes]:
    args = [
        PY,
        "-m",
        "celery",
        "-A",
        "booking_site",
        "beat",
        "--loglevel=WARNING",
        f"--schedule={var_dir / 'celerybeat-schedule'}",
    ]
    with log.open("ab") as out:
        return subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def celery_purge(env: dict[str, str]) -> None:
    """Drop what is left in this run's own queue (never another queue)."""
    queue = env["BENCH_CELERY_QUEUE"]
    subprocess.run(
        [PY, "-m", "celery", "-A", "booking_site", "purge", "-f", "-Q", queue],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=60,
    )


# ---------------------------------------------------------------------------------------------
# Memory
# ---------------------------------------------------------------------------------------------
def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with suppress(OSError, IndexError, ValueError):
            stat = (entry / "stat").read_text()
            # The command name may hold spaces: the fields after its closing parenthesis.
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the highest resident set size the process reached, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass(frozen=True)
class Peak:
    main_mb: float
    children_mb: tuple[float, ...]

    @property
    def worst_child_mb(self) -> float:
        return max(self.children_mb, default=float("nan"))


def peak_of(pid: int) -> Peak:
    kids = []
    for child in children(pid):
        with suppress(OSError):
            kids.append(peak_rss_mb(child))
    return Peak(peak_rss_mb(pid), tuple(kids))


# ---------------------------------------------------------------------------------------------
# The sandbox's bench endpoints (bench/sandbox_app.py)
# ---------------------------------------------------------------------------------------------
class SandboxControl:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def faults(self, rules: list[dict[str, Any]]) -> None:
        """Replace the bench's fault rules, then wait until every sandbox process applies
        them (each re-reads its rules within sandbox.faults.RULES_MEMO_SECONDS)."""
        httpx.put(f"{self.base_url}/_bench/faults", json=rules, timeout=10).raise_for_status()
        time.sleep(FAULT_RULES_SETTLE_S)

    def calls(self, reset: bool = False) -> dict[str, float]:
        """API calls by kind since the last reset, and `slowest_ms`, the longest answer."""
        response = httpx.get(
            f"{self.base_url}/_bench/calls", params={"reset": "1" if reset else "0"}, timeout=10
        )
        response.raise_for_status()
        counts: dict[str, float] = response.json()
        return counts
