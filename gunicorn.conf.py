"""gunicorn settings for the Procfile's `web` process, read from the environment.

https://docs.gunicorn.org/en/stable/settings.html
"""

from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


bind = f"0.0.0.0:{_int('PORT', 8000)}"
# Platforms set WEB_CONCURRENCY from the container's memory (Heroku) or leave it to us.
workers = _int("WEB_CONCURRENCY", 2)
threads = _int("GUNICORN_THREADS", 1)
# Under the routers' own 30 s limit (Heroku, Render), so that a stuck request ends in our
# logs as a worker timeout rather than only as the router's 503.
timeout = _int("GUNICORN_TIMEOUT", 25)
# The platform sends SIGTERM and kills after ~30 s: finish in-flight requests before that.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 20)
# A PaaS router keeps connections to the dyno open; a short keep-alive frees workers.
keepalive = 5
# Recycle workers now and then so that a slow leak cannot grow; the jitter keeps them from
# all restarting at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)
# Load the app in the master: a configuration error (no SECRET_KEY, say) then stops gunicorn
# once with its one-line message instead of making it respawn failing workers forever, and the
# workers share the loaded code's memory.
preload_app = True
# The worker heartbeat file on tmpfs: container disks can stall long enough to look dead.
# (gunicorn creates its own unlinked file there; no name of ours is involved.)
_SHM = "/dev/shm"  # noqa: S108
if os.path.isdir(_SHM):
    worker_tmp_dir = _SHM
# Access log on stdout. The app also logs one line per request with its request id
# (booking_site.access); this one adds what only the server knows: client, size, total time.
# Set GUNICORN_ACCESS_LOG=off to keep only the app's line.
accesslog = None if os.environ.get("GUNICORN_ACCESS_LOG", "").lower() == "off" else "-"
# Path without the query string, which may carry tokens.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s'
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

# gunicorn's own lines in the same format as the app's (settings.LOG_FORMAT's rule: JSON
# unless DEBUG is on), so that a log drain parses every line of the web process alike.
_debug = os.environ.get("DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}
if os.environ.get("LOG_FORMAT", "plain" if _debug else "json").strip().lower() == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "booking_site.logs.JsonFormatter"}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "json",
            }
        },
        # Replaces gunicorn's default root entry, which names its own "console" handler;
        # Django's LOGGING reconfigures the root logger when the app loads.
        "root": {"handlers": ["stdout"], "level": "INFO"},
        "loggers": {
            "gunicorn.error": {
                "handlers": ["stdout"],
                "level": loglevel.upper(),
                "propagate": False,
            },
            "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        },
    }
    if accesslog is None:
        logconfig_dict["loggers"]["gunicorn.access"]["level"] = "WARNING"
