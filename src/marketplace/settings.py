"""Marketplace settings: everything configurable comes from the environment, read once here.

The defaults run the demo on one machine: SQLite at $STEMLINK_VAR_DIR/marketplace.sqlite3.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("STEMLINK_VAR_DIR", Path.cwd() / "var"))


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _env_bool("MARKETPLACE_DEBUG", False)
# A fixed development key keeps the demo runnable with nothing configured; production sets
# MARKETPLACE_SECRET_KEY. Supplier tokens are encrypted with a key derived from it, so changing
# it makes stored tokens unreadable (they must be entered again).
SECRET_KEY = os.environ.get(
    "MARKETPLACE_SECRET_KEY", "marketplace-dev-only-insecure-key-change-me-9876543210"
)
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("MARKETPLACE_ALLOWED_HOSTS", "*").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("MARKETPLACE_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "marketplace.suppliers",
    "marketplace.sync",
    "marketplace.shop",
    "marketplace.web",
    "marketplace.commands",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "marketplace.web.context.cart_summary",
            ],
        },
    }
]

DATABASE_URL = os.environ.get("MARKETPLACE_DATABASE_URL", f"sqlite:///{VAR_DIR / 'marketplace.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the sync worker writes; IMMEDIATE takes the write lock
    # at BEGIN so the two writers queue instead of failing halfway through a transaction.
    _db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    _db["CONN_MAX_AGE"] = 0
    # Tests use a file, not the shared-cache memory database: there a second thread's write fails
    # at once ("database table is locked") instead of queueing on busy_timeout as in production.
    _db.setdefault("TEST", {})["NAME"] = os.environ.get(
        "MARKETPLACE_TEST_DB_NAME",
        os.path.join(tempfile.gettempdir(), f"test_marketplace_{os.getpid()}.sqlite3"),
    )
else:
    # Parallel test runs on one server must not share a test database, nor meet one a killed run
    # left behind under a reused process id: the name is never reused.
    _db.setdefault("TEST", {})["NAME"] = os.environ.get(
        "MARKETPLACE_TEST_DB_NAME", f"test_marketplace_{os.getpid()}_{secrets.token_hex(4)}"
    )
    _db["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "marketplace-static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
# The session must not share a cookie name with a Stemlink back office on the same host.
SESSION_COOKIE_NAME = "marketplace_session"
CSRF_COOKIE_NAME = "marketplace_csrftoken"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MARKETPLACE_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "httpx": {"level": "WARNING"}},
}

# Outgoing API calls: every call has these timeouts and is retried on network failure this many
# times (with the same Idempotency-Key on writes), waiting MARKETPLACE_API_RETRY_SECONDS × 2^n.
API_CONNECT_TIMEOUT_SECONDS = float(os.environ.get("MARKETPLACE_API_CONNECT_TIMEOUT", "3"))
API_READ_TIMEOUT_SECONDS = float(os.environ.get("MARKETPLACE_API_READ_TIMEOUT", "20"))
API_ATTEMPTS = int(os.environ.get("MARKETPLACE_API_ATTEMPTS", "3"))
API_RETRY_SECONDS = float(os.environ.get("MARKETPLACE_API_RETRY_SECONDS", "0.5"))
# Below this share of the daily quota the client spreads its calls over the time left, and the
# sync stops altogether so that checkouts (which matter more) still have calls left.
API_QUOTA_SLOWDOWN_SHARE = float(os.environ.get("MARKETPLACE_API_QUOTA_SLOWDOWN_SHARE", "0.10"))
API_QUOTA_RESERVE_SHARE = float(os.environ.get("MARKETPLACE_API_QUOTA_RESERVE_SHARE", "0.05"))

# Sync: full syncs follow each supplier's own interval; between them the worker polls changes
# (updatedAsOf) this often. Failures back off from SYNC_BACKOFF_SECONDS up to the supplier interval.
SYNC_DELTA_SECONDS = float(os.environ.get("MARKETPLACE_SYNC_DELTA_SECONDS", "60"))
SYNC_BACKOFF_SECONDS = float(os.environ.get("MARKETPLACE_SYNC_BACKOFF_SECONDS", "15"))
SYNC_PAGE_ROWS = int(os.environ.get("MARKETPLACE_SYNC_PAGE_ROWS", "500"))
# Sync runs are kept this long (a delta every minute makes 1,440 a day per supplier).
SYNC_RUN_RETENTION_DAYS = int(os.environ.get("MARKETPLACE_SYNC_RUN_RETENTION_DAYS", "7"))
WORKER_POLL_SECONDS = float(os.environ.get("MARKETPLACE_WORKER_POLL_SECONDS", "1.0"))
# A webhook wakes the worker for a delta at once, but not sooner than this after the supplier's
# last sync ended: a burst of webhooks (a flash sale) costs about one delta per gap, not one each.
SYNC_WAKE_MIN_GAP_SECONDS = float(os.environ.get("MARKETPLACE_SYNC_WAKE_MIN_GAP_SECONDS", "0.5"))
# Webhook signatures older than this are refused (replays).
WEBHOOK_TOLERANCE_SECONDS = int(os.environ.get("MARKETPLACE_WEBHOOK_TOLERANCE_SECONDS", "300"))
# Order statuses are fetched from the wholesaler at most this often per page view.
ORDER_STATUS_REFRESH_SECONDS = float(os.environ.get("MARKETPLACE_ORDER_STATUS_REFRESH_SECONDS", "30"))
