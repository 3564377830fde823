"""Marketplace settings: everything configurable comes from the environment, read once here.

The defaults run the demo on one machine: SQLite at $STEMLINK_VAR_DIR/marketplace.sqlite3.
"""

from __future__ import annotations

import contextlib
import os
from datetime import timedelta
from pathlib import Path

from projectkit.settings import Environment, database

ENV = Environment("MARKETPLACE")
BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("STEMLINK_VAR_DIR", Path.cwd() / "var"))


DEBUG = ENV.flag("DEBUG", False)


# No key is written in the source: MARKETPLACE_SECRET_KEY when set (a known-weak value is refused
# at start-up), else a random key generated at first start into the var directory (mode 0600)
# and reused after, so the demo and the tests need nothing configured.
SECRET_KEY = ENV.server_key("SECRET_KEY", VAR_DIR / "marketplace-secret-key")
SECRET_KEY_FALLBACKS = ENV.key_list("SECRET_KEY_FALLBACKS", [])
# The keys supplier tokens and webhook secrets are encrypted with: the first encrypts, every one
# decrypts (rotation: put the new key first, keep the old one after it).
VAULT_KEYS = ENV.key_list("VAULT_KEYS", [SECRET_KEY, *SECRET_KEY_FALLBACKS])
# Host names the marketplace answers to: loopback names unless configured (`marketplace serve`
# refuses a non-loopback address without MARKETPLACE_ALLOWED_HOSTS).
ALLOWED_HOSTS = ENV.names("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = ENV.names("CSRF_TRUSTED_ORIGINS")

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
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files (CSS, htmx, the admin's), answered before sessions and the rest are touched.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
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
DATABASES = {
    "default": database(
        DATABASE_URL, test_name_variable="MARKETPLACE_TEST_DB_NAME", test_prefix="test_marketplace"
    )
}

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
# One stylesheet, no build step, no web server in front of gunicorn: WhiteNoise serves /static/
# straight from the apps' static folders (the finders), and from STATIC_ROOT if an operator runs
# `collectstatic`. Cache-Control is WhiteNoise's default (60 s).
WHITENOISE_USE_FINDERS = True
# WhiteNoise warns at start-up about a STATIC_ROOT that does not exist yet (nothing collected).
with contextlib.suppress(OSError):
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
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

# Production behind HTTPS (MARKETPLACE_HTTPS=1): cookies only over HTTPS, plain HTTP redirected,
# HSTS. Behind a proxy that terminates TLS, MARKETPLACE_PROXY_SSL_HEADER names the header it sets
# to "https" (e.g. X-Forwarded-Proto); set it only when the proxy always sets or strips it.
HTTPS = ENV.flag("HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS, SECURE_HSTS_INCLUDE_SUBDOMAINS, SECURE_HSTS_PRELOAD = ENV.hsts(HTTPS)
if _proxy_header := ENV.proxy_ssl_header():
    SECURE_PROXY_SSL_HEADER = _proxy_header

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "class": "projectkit.logs.UtcFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
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
# Whether a supplier's API may be on loopback or private networks. Off by default, so an operator
# cannot make the marketplace call internal services; the demo and the tests that need it opt in.
# Link-local (cloud metadata), multicast and reserved addresses are never called.
ALLOW_PRIVATE_NETWORKS = ENV.flag("ALLOW_PRIVATE_NETWORKS", False)
# The most one API answer may hold (a full sync page of 500 rows is well under 2 MB).
API_MAX_ANSWER_BYTES = int(os.environ.get("MARKETPLACE_API_MAX_ANSWER_BYTES", str(32 * 1024 * 1024)))
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
# Ids of delivered webhook events are remembered this long to drop redeliveries (Stemlink retries
# an event for hours at most, with the same id); the sync worker sweeps older ones.
WEBHOOK_EVENT_RETENTION_DAYS = int(os.environ.get("MARKETPLACE_WEBHOOK_EVENT_RETENTION_DAYS", "7"))
# Order statuses are fetched from the wholesaler at most this often per page view.
ORDER_STATUS_REFRESH_SECONDS = float(os.environ.get("MARKETPLACE_ORDER_STATUS_REFRESH_SECONDS", "30"))

# Sign-in throttling (django-axes) for florists and operators alike: after SIGNIN_FAILURE_LIMIT
# wrong passwords for one account, or from one address, sign-in is locked for the cool-off.
SIGNIN_FAILURE_LIMIT = int(os.environ.get("MARKETPLACE_SIGNIN_FAILURE_LIMIT", "5"))
SIGNIN_COOLOFF_MINUTES = float(os.environ.get("MARKETPLACE_SIGNIN_COOLOFF_MINUTES", "15"))
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = SIGNIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=SIGNIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each counted on its own
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "marketplace.web.views.client_ip"
AXES_LOCKOUT_CALLABLE = "marketplace.web.views.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "email"]
AXES_VERBOSE = False
