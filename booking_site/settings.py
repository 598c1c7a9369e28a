"""The one runtime settings module of the booking site.

Everything is read from the environment (see README "Configuration" and .env.example).
Defaults are the embedded ones: SQLite, a local-memory cache, a Celery broker on the local
filesystem and the in-process KorusTicket sandbox.
https://docs.djangoproject.com/en/5.2/ref/settings/
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from booking_site.env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
# Local state of the embedded defaults (SQLite files, broker folder, media): never committed.
VAR_DIR = Path(env_str("VAR_DIR") or BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)

# ---------------------------------------------------------------------------------------------
# Core
# ---------------------------------------------------------------------------------------------
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment (or DEBUG=true for local "
            "development)."
        )
    # Only ever used with DEBUG on, where sessions signed with it are disposable.
    SECRET_KEY = "insecure-development-key-" + "x" * 40

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "shop",
    "sandbox",
]

MIDDLEWARE = [
    # First, so that every log line of a request (and its access line) carries its id.
    "booking_site.request_id.RequestIdMiddleware",
    "booking_site.access_log.AccessLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "booking_site.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # The ticketing API down -> a friendly 503 page, not a traceback.
    "shop.middleware.KorusUnavailableMiddleware",
]

ROOT_URLCONF = "booking_site.urls"
WSGI_APPLICATION = "booking_site.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "booking_site.csp.csp_nonce",
                "shop.context_processors.shop",
                "shop.context_processors_settings.shop_settings",
                # Last: while a shared page renders, its CSRF token and nonce are placeholders.
                "shop.views.page_cache.placeholders",
            ],
        },
    }
]

# ---------------------------------------------------------------------------------------------
# Databases
# The sandbox (KorusTicket emulator) has its own alias so that its writes commit on their own
# connection, as a remote API's would, whatever transaction the shop is in.
# ---------------------------------------------------------------------------------------------
_SQLITE_OPTIONS = {
    # WAL + a busy timeout let the web process and the Celery worker share one SQLite file.
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}


def _database(url: str | None, sqlite_file: Path) -> dict[str, object]:
    if url:
        config: dict[str, object] = dict(
            dj_database_url.parse(
                url, conn_max_age=env_int("CONN_MAX_AGE", 60), conn_health_checks=True
            )
        )
    else:
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(sqlite_file)}
    if config["ENGINE"] == "django.db.backends.sqlite3":
        extra = config.get("OPTIONS")
        config["OPTIONS"] = {**_SQLITE_OPTIONS, **(extra if isinstance(extra, dict) else {})}
    return config


DATABASE_URL = env_str("DATABASE_URL")
SANDBOX_DATABASE_URL = env_str("SANDBOX_DATABASE_URL")
DATABASES = {
    "default": _database(DATABASE_URL, VAR_DIR / "db.sqlite3"),
    "sandbox": _database(SANDBOX_DATABASE_URL or DATABASE_URL, VAR_DIR / "sandbox.sqlite3"),
}
# One DATABASE_URL (a PaaS add-on) and no SANDBOX_DATABASE_URL: both aliases are one database.
SANDBOX_SHARES_DEFAULT_DATABASE = bool(DATABASE_URL) and not SANDBOX_DATABASE_URL
DATABASE_ROUTERS = ["sandbox.router.SandboxRouter"]

# ---------------------------------------------------------------------------------------------
# Cache and Celery: Redis when REDIS_URL is set, embedded otherwise.
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
# ---------------------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "booking_site.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "shop"),
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # Late-acked tasks come back after the visibility timeout if their worker died.
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # kombu's filesystem transport works across processes with no server; memory:// does not.
    _BROKER_DIR = VAR_DIR / "celery" / "broker"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_BROKER_DIR),
        "data_folder_out": str(_BROKER_DIR),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        # Exchange tables (and the worker's pidbox) would otherwise land in the working directory.
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = "file://" + str(VAR_DIR / "celery" / "results")
    # kombu's filesystem transport and the file result backend need their folders to exist.
    for _folder in (_BROKER_DIR, VAR_DIR / "celery" / "processed", VAR_DIR / "celery" / "results"):
        _folder.mkdir(parents=True, exist_ok=True)

CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Soft shutdown (Celery 5.5): the Procfile's worker sets REMAP_SIGTERM=SIGQUIT, so the
# platform's SIGTERM gives running tasks this long to finish, then requeues the late-acked ones
# instead of losing them at SIGKILL. Keep it a few seconds under the platform's stop grace
# period (Heroku, Render: 30 s). On idle too, so that tasks held for a countdown go back.
# https://docs.celeryq.dev/en/stable/userguide/workers.html#soft-shutdown
CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = env_float("CELERY_SOFT_SHUTDOWN_TIMEOUT", 20.0)
CELERY_WORKER_ENABLE_SOFT_SHUTDOWN_ON_IDLE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# Task modules beyond the autodiscovered `tasks` and periodic tasks: each section below adds
# its own entries (the Procfile runs exactly one `beat`).
CELERY_IMPORTS: list[str] = []
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {}

# ---------------------------------------------------------------------------------------------
# Sessions, auth, passwords
# ---------------------------------------------------------------------------------------------
# cached_db reads the cache first: with a per-process local-memory cache (no REDIS_URL), a web
# worker would read its own stale copy of a session another worker has changed since, and a
# checkout would lose steps. Without a shared cache, sessions are read from the database.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)
SESSION_COOKIE_AGE = 60 * 60 * 24 * 7
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ADMIN_URL = env_str("ADMIN_URL", "admin/").strip("/") + "/"

# ---------------------------------------------------------------------------------------------
# Internationalisation: buyers choose French or English; the API is asked in that language.
# ---------------------------------------------------------------------------------------------
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("fr", _("Français"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------------------------------------
# Static and media files
# ---------------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")

AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    # S3-compatible storage for documents and receipts: a PaaS disk is ephemeral.
    _MEDIA_STORAGE: dict[str, object] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "access_key": env_str("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# ---------------------------------------------------------------------------------------------
# Email (console by default)
# ---------------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "tickets@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# ---------------------------------------------------------------------------------------------
# KorusTicket API (see DESIGN.md): unset KORUS_API_URL = the in-process sandbox.
# ---------------------------------------------------------------------------------------------
KORUS_API_URL = env_str("KORUS_API_URL").rstrip("/")
KORUS_API_KEY = env_str("KORUS_API_KEY")
KORUS_CLIENT_ID = env_str("KORUS_CLIENT_ID")
KORUS_CLIENT_SECRET = env_str("KORUS_CLIENT_SECRET")
KORUS_TOKEN_URL = env_str("KORUS_TOKEN_URL")
KORUS_CATALOG_ID = env_str("KORUS_CATALOG_ID")
KORUS_LANGUAGES = env_list("KORUS_LANGUAGES", ["fr", "en"])
KORUS_CONNECT_TIMEOUT = env_float("KORUS_CONNECT_TIMEOUT", 3.0)
KORUS_READ_TIMEOUT = env_float("KORUS_READ_TIMEOUT", 10.0)
KORUS_MAX_RETRIES = env_int("KORUS_MAX_RETRIES", 3)
# Called with a CallRecord after every API call: the operators' API call log.
KORUS_CALL_OBSERVER = "shop.services.operations.api_call_record"
if (
    KORUS_API_URL
    and not DEBUG
    and not (KORUS_API_KEY or (KORUS_CLIENT_ID and KORUS_CLIENT_SECRET and KORUS_TOKEN_URL))
):
    raise ImproperlyConfigured(
        "KORUS_API_URL is set but no credentials are: set KORUS_API_KEY, or KORUS_CLIENT_ID, "
        "KORUS_CLIENT_SECRET and KORUS_TOKEN_URL."
    )

# ---------------------------------------------------------------------------------------------
# Sandbox (the KorusTicket emulator; used when KORUS_API_URL is unset)
# ---------------------------------------------------------------------------------------------
SANDBOX_ENABLED = env_bool("SANDBOX_ENABLED", not KORUS_API_URL)
KORUS_SANDBOX_API_KEY = env_str("KORUS_SANDBOX_API_KEY", "sandbox")
# How long a reservation holds its seats, and how long after an order its documents become
# downloadable (0 = at once). See sandbox/README.md.
SANDBOX_HOLD_MINUTES = env_float("SANDBOX_HOLD_MINUTES", 15.0)
SANDBOX_DOCUMENT_DELAY_SECONDS = env_float("SANDBOX_DOCUMENT_DELAY_SECONDS", 5.0)
# Lifetime of a document's temporaryUrl, and of the sandbox token endpoint's tokens.
SANDBOX_DOCUMENT_URL_SECONDS = env_int("SANDBOX_DOCUMENT_URL_SECONDS", 60)
SANDBOX_TOKEN_EXPIRES_IN = env_int("SANDBOX_TOKEN_EXPIRES_IN", 1800)
# Fault injection, off by default. Rates are shares of matching requests (0..1); METHODS
# (e.g. "GET,POST") and PATH (a regular expression) limit every SANDBOX_FAULT_* rule below.
# The live rules are rows of the sandbox's FaultRule table (admin: "Fault rules"); these
# variables become the rows named env:* when a process starts.
SANDBOX_FAULT_LATENCY_MS = env_int("SANDBOX_FAULT_LATENCY_MS", 0)
SANDBOX_FAULT_5XX_RATE = env_float("SANDBOX_FAULT_5XX_RATE", 0.0)
SANDBOX_FAULT_429_RATE = env_float("SANDBOX_FAULT_429_RATE", 0.0)
SANDBOX_FAULT_RETRY_AFTER = env_int("SANDBOX_FAULT_RETRY_AFTER", 1)
SANDBOX_FAULT_TIMEOUT_RATE = env_float("SANDBOX_FAULT_TIMEOUT_RATE", 0.0)
SANDBOX_FAULT_LOST_RATE = env_float("SANDBOX_FAULT_LOST_RATE", 0.0)
SANDBOX_FAULT_METHODS = env_str("SANDBOX_FAULT_METHODS")
SANDBOX_FAULT_PATH = env_str("SANDBOX_FAULT_PATH")
# Over HTTP a "timeout" fault holds the answer this long (past the client's read timeout).
SANDBOX_FAULT_TIMEOUT_SECONDS = env_float("SANDBOX_FAULT_TIMEOUT_SECONDS", KORUS_READ_TIMEOUT + 1)

# ---------------------------------------------------------------------------------------------
# Shop
# ---------------------------------------------------------------------------------------------
SHOP_NAME = env_str("SHOP_NAME", "Korus Tickets")
SHOP_CONTACT_EMAIL = env_str("SHOP_CONTACT_EMAIL", DEFAULT_FROM_EMAIL)
SHOP_TIMEZONE = env_str("SHOP_TIMEZONE", "Europe/Paris")

# ---------------------------------------------------------------------------------------------
# Browse (catalog pages). Catalog reads are cached with a soft TTL (after it, stale data is
# served while one refresh runs) and a hard TTL (after it, the entry is gone). API.md §1.9
# advises caching catalog data for 24 hours. Real-time availability and price get only a few
# seconds, enough to absorb a burst of identical page views.
# ---------------------------------------------------------------------------------------------
SHOP_CATALOG_SOFT_TTL = env_int("SHOP_CATALOG_SOFT_TTL", 60)
SHOP_CATALOG_HARD_TTL = env_int("SHOP_CATALOG_HARD_TTL", 60 * 60 * 24)
SHOP_REALTIME_TTL = env_int("SHOP_REALTIME_TTL", 5)
# How long one process may hold a refresh lock before others stop waiting and fetch themselves.
SHOP_CACHE_LOCK_SECONDS = env_float("SHOP_CACHE_LOCK_SECONDS", 10.0)
SHOP_LOW_STOCK_THRESHOLD = env_int("SHOP_LOW_STOCK_THRESHOLD", 10)
# Sessions per list page: also the API's itemsPerPage (0..50), so one shop page = one API page.
SHOP_SESSIONS_PER_PAGE = min(env_int("SHOP_SESSIONS_PER_PAGE", 20), 50)
SHOP_EVENTS_PER_PAGE = min(env_int("SHOP_EVENTS_PER_PAGE", 12), 50)

# ---------------------------------------------------------------------------------------------
# Checkout (issue 7): holds are rate-limited per client IP and per browser session ("N/s|m|h|d"),
# and a browser may hold at most CHECKOUT_MAX_ACTIVE_HOLDS unexpired reservations at once, so
# bots cannot hoard stock. The proxy count says how many X-Forwarded-For hops to trust (1
# behind a PaaS router, 0 when the app is reached directly).
# ---------------------------------------------------------------------------------------------
CHECKOUT_HOLD_RATE_PER_IP = env_str("CHECKOUT_HOLD_RATE_PER_IP", "20/h")
CHECKOUT_HOLD_RATE_PER_SESSION = env_str("CHECKOUT_HOLD_RATE_PER_SESSION", "10/h")
CHECKOUT_MAX_ACTIVE_HOLDS = env_int("CHECKOUT_MAX_ACTIVE_HOLDS", 2)
CHECKOUT_MAX_TICKETS_PER_OFFER = env_int("CHECKOUT_MAX_TICKETS_PER_OFFER", 10)
CHECKOUT_TRUSTED_PROXY_COUNT = env_int("CHECKOUT_TRUSTED_PROXY_COUNT", 0)
CHECKOUT_FIND_ORDER_RATE_PER_IP = env_str("CHECKOUT_FIND_ORDER_RATE_PER_IP", "5/h")
# A confirm that has been talking to the API for longer than this (its process died) may be
# taken over by another request, which first looks the order up by its external reference.
CHECKOUT_SUBMIT_STALE_SECONDS = env_int("CHECKOUT_SUBMIT_STALE_SECONDS", 120)
# "none" takes no payment (free bookings / pay on site); see docs/PAYMENTS.md.
PAYMENT_PROVIDER = env_str("PAYMENT_PROVIDER", "none")
# The reconciliation sweep (issues 7 and 12): an order left pending or reconciling for
# RECONCILE_AFTER seconds (its confirm died mid-call, or every attempt failed ambiguously) and
# held by nobody is looked up by its external reference. Confirmed when the API has it; failed
# once the API has none and its reservations can no longer be ordered, or after GIVE_UP hours.
# The sweep never creates an API order. It runs every EVERY seconds, BATCH orders at most.
CHECKOUT_RECONCILE_AFTER_SECONDS = env_int("CHECKOUT_RECONCILE_AFTER_SECONDS", 300)
CHECKOUT_RECONCILE_EVERY_SECONDS = env_int("CHECKOUT_RECONCILE_EVERY_SECONDS", 60)
CHECKOUT_RECONCILE_GIVE_UP_HOURS = env_int("CHECKOUT_RECONCILE_GIVE_UP_HOURS", 24)
CHECKOUT_RECONCILE_BATCH = env_int("CHECKOUT_RECONCILE_BATCH", 100)
# The checkout's tasks live beside shop.tasks (which autodiscovery finds) in their own modules.
CELERY_IMPORTS += [
    "shop.booking_tasks",
    "shop.tasks_reconcile",
]
CELERY_BEAT_SCHEDULE["checkout-orders-reconcile"] = {
    "task": "shop.orders_reconcile",
    "schedule": CHECKOUT_RECONCILE_EVERY_SECONDS,
    # Runs queued while no worker was up expire instead of piling up: the next does the same.
    "options": {"expires": CHECKOUT_RECONCILE_EVERY_SECONDS},
}

# ---------------------------------------------------------------------------------------------
# Documents (issue 8): a Celery task polls the API until an order's documents are
# downloadable, stores them, then emails the buyer. Poll delays grow from MIN to MAX seconds
# (with jitter) and are also capped at a quarter of the broker's visibility timeout: a Redis
# broker redelivers a delayed task whose countdown outlives it, which would run it twice.
# https://docs.celeryq.dev/en/stable/getting-started/backends-and-brokers/redis.html#visibility-timeout
# ---------------------------------------------------------------------------------------------
DOCUMENTS_DEADLINE_MINUTES = env_int("DOCUMENTS_DEADLINE_MINUTES", 24 * 60)
DOCUMENTS_POLL_MIN_SECONDS = env_float("DOCUMENTS_POLL_MIN_SECONDS", 2.0)
DOCUMENTS_POLL_MAX_SECONDS = env_float("DOCUMENTS_POLL_MAX_SECONDS", 300.0)
# While the buyer has not given beneficiary details, poll rarely: their form re-queues a poll.
DOCUMENTS_BENEFICIARY_POLL_SECONDS = env_float("DOCUMENTS_BENEFICIARY_POLL_SECONDS", 600.0)
DOCUMENTS_MAX_BYTES = env_int("DOCUMENTS_MAX_BYTES", 20 * 1024 * 1024)
# Tickets are attached to the "tickets ready" email up to this total size, else linked.
EMAIL_ATTACHMENT_MAX_BYTES = env_int("EMAIL_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)
EMAIL_MAX_ATTEMPTS = env_int("EMAIL_MAX_ATTEMPTS", 8)
# An email claimed by a worker that died before marking it sent is retried after this delay.
EMAIL_CLAIM_TIMEOUT_SECONDS = env_int("EMAIL_CLAIM_TIMEOUT_SECONDS", 600)
# Absolute links in emails (the order page, downloads) start with this.
SHOP_BASE_URL = env_str("SHOP_BASE_URL", "http://localhost:8000").rstrip("/")
# A polling task lost with its broker (or never queued) is picked up again by this sweep.
CELERY_BEAT_SCHEDULE["documents-resume"] = {
    "task": "shop.documents_resume",
    "schedule": env_int("DOCUMENTS_RESUME_EVERY_SECONDS", 600),
    "options": {"expires": env_int("DOCUMENTS_RESUME_EVERY_SECONDS", 600)},
}

# ---------------------------------------------------------------------------------------------
# Operations (issue 9): the API call log is bounded (rows older than KEEP_DAYS, and beyond the
# newest MAX_ROWS, are pruned by a periodic task); the admin login locks a username+IP pair
# out for LOCKOUT_SECONDS after MAX_FAILURES failed attempts (per IP: MAX_FAILURES_PER_IP).
# https://docs.celeryq.dev/en/stable/userguide/periodic-tasks.html
# ---------------------------------------------------------------------------------------------
OPERATIONS_API_LOG_ENABLED = env_bool("OPERATIONS_API_LOG_ENABLED", True)
OPERATIONS_API_LOG_KEEP_DAYS = env_int("OPERATIONS_API_LOG_KEEP_DAYS", 14)
OPERATIONS_API_LOG_MAX_ROWS = env_int("OPERATIONS_API_LOG_MAX_ROWS", 100_000)
OPERATIONS_API_LOG_PRUNE_MINUTES = env_int("OPERATIONS_API_LOG_PRUNE_MINUTES", 60)
# Shop settings edited in the admin reach other processes (with a local cache) within this.
OPERATIONS_SETTINGS_CACHE_SECONDS = env_int("OPERATIONS_SETTINGS_CACHE_SECONDS", 300)
ADMIN_LOGIN_MAX_FAILURES = env_int("ADMIN_LOGIN_MAX_FAILURES", 5)
ADMIN_LOGIN_MAX_FAILURES_PER_IP = env_int("ADMIN_LOGIN_MAX_FAILURES_PER_IP", 50)
ADMIN_LOGIN_LOCKOUT_SECONDS = env_int("ADMIN_LOGIN_LOCKOUT_SECONDS", 15 * 60)
# Celery only autodiscovers `tasks` modules; the operations tasks live on their own.
CELERY_IMPORTS += ["shop.tasks_operations"]
CELERY_BEAT_SCHEDULE["operations-api-call-log-prune"] = {
    "task": "shop.operations.api_call_log_prune",
    "schedule": OPERATIONS_API_LOG_PRUNE_MINUTES * 60,
}

# ---------------------------------------------------------------------------------------------
# Logging: to stdout, as a PaaS expects. JSON lines (one per record, with the request id) in
# production, plain text under DEBUG. The web's access lines come from
# booking_site.access_log, the API calls from "shop.korus"; the worker keeps this config
# (booking_site.request_id stops Celery from replacing it) so task lines look the same.
# https://docs.djangoproject.com/en/5.2/topics/logging/
# ---------------------------------------------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
LOG_FORMAT = env_str("LOG_FORMAT", "plain" if DEBUG else "json").lower()
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "booking_site.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "booking_site.logs.JsonFormatter"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # runserver's own request lines would double booking_site.access's.
        "django.server": {"handlers": ["stdout"], "level": "WARNING", "propagate": False},
        "booking_site.access": {"level": "INFO"},
        "shop.korus": {"level": "INFO"},
    },
}
# Celery workers keep Django's handlers (see above) rather than installing their own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Sentry: on only when SENTRY_DSN is set; sentry-sdk is the optional extra "sentry".
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    from booking_site.sentry import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        # Heroku sets SOURCE_VERSION at build time; other platforms: set SENTRY_RELEASE.
        release=env_str("SENTRY_RELEASE") or env_str("SOURCE_VERSION"),
        traces_sample_rate=env_float("SENTRY_TRACES_SAMPLE_RATE", 0.0),
    )

# ---------------------------------------------------------------------------------------------
# Security (production)
# ---------------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Only our own assets (no CDN); inline scripts need the per-request nonce, inline styles are
# refused (htmx is configured not to inject any: docs/SECURITY.md). "'nonce'" is replaced by
# booking_site.csp with a fresh 'nonce-…' on every response. On in DEBUG too, so that a
# template that breaks the policy shows up in development, not in production.
CSP_DIRECTIVES: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'nonce'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "object-src": ["'none'"],
}
# security.W021 asks for HSTS preload: submitting a domain to the browsers' preload list is
# a one-way decision for its owner, so it stays opt-in (SECURE_HSTS_PRELOAD=true).
SILENCED_SYSTEM_CHECKS = ["security.W021"]
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    # Off only for tests and local production-mode runs over plain http.
    if env_bool("SECURE_COOKIES", True):
        SESSION_COOKIE_SECURE = True
        CSRF_COOKIE_SECURE = True
        # __Host- cookies are only accepted over HTTPS, host-only, path=/.
        SESSION_COOKIE_NAME = "__Host-sessionid"
        CSRF_COOKIE_NAME = "__Host-csrftoken"
