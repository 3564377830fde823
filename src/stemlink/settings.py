"""Stemlink settings: everything configurable comes from the environment, read once here.

The defaults run the demo on one machine with nothing else installed (SQLite in WAL mode).
"""

from __future__ import annotations

import contextlib
import os
from datetime import timedelta
from pathlib import Path

from projectkit.settings import Environment, database

ENV = Environment("STEMLINK")
BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("STEMLINK_VAR_DIR", Path.cwd() / "var"))


DEBUG = ENV.flag("DEBUG", False)


# No key is written in the source: STEMLINK_SECRET_KEY when set (a known-weak value is refused
# at start-up), else a random key generated at first start into the var directory (mode 0600)
# and reused after, so the demo and the tests need nothing configured.
SECRET_KEY = ENV.server_key("SECRET_KEY", VAR_DIR / "stemlink-secret-key")
# Former keys, still accepted for sessions and signed values while they rotate out.
SECRET_KEY_FALLBACKS = ENV.key_list("SECRET_KEY_FALLBACKS", [])
# Token digests get their own key so that rotating the session key does not void every API token.
TOKEN_HASH_KEY = ENV.key_list("TOKEN_KEY", [SECRET_KEY])[0]
# The keys partner endpoints' signing secrets are encrypted with: the first encrypts, every one
# decrypts (rotation: put the new key first, keep the old one after it).
WEBHOOK_SECRET_KEYS = ENV.key_list("WEBHOOK_SECRET_KEYS", [SECRET_KEY, *SECRET_KEY_FALLBACKS])

# Host names Stemlink answers to: loopback names unless configured (`stemlink serve` refuses a
# non-loopback address without STEMLINK_ALLOWED_HOSTS).
ALLOWED_HOSTS = ENV.names("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = ENV.names("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "stemlink.tenancy.admin_site.OperatorAdminConfig",  # the Django admin, for the operator only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "stemlink.tenancy",
    "stemlink.catalog",
    "stemlink.customers",
    "stemlink.inventory",
    "stemlink.orders",
    "stemlink.purchasing",
    "stemlink.api",
    "stemlink.integrations",
    "stemlink.web",
    "stemlink.worker",
    "stemlink.commands",
    "axes",
]

# Sessions, the signed-in user, messages and axes' lockout page are Django's (axes') own classes
# that pass API calls (/api/) by: the API is stateless and authenticates by token, and these cost
# every call time for nothing (stemlink.web.backoffice_middleware). CSRF stays Django's own class
# under its own name, which `check --deploy` (security.W003) looks for; the gateway's view is
# csrf_exempt, so for an API call it only reads the (absent) cookie.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files (CSS, htmx, the admin's), answered before sessions and the rest are touched.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "stemlink.web.backoffice_middleware.BackOfficeSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "stemlink.web.backoffice_middleware.BackOfficeAuthenticationMiddleware",
    "stemlink.web.backoffice_middleware.BackOfficeMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "stemlink.web.parsing.NulRefusalMiddleware",
    "stemlink.web.backoffice_middleware.BackOfficeAxesMiddleware",
]
# axes looks for its middleware by its exact name; BackOfficeAxesMiddleware is axes' own class.
SILENCED_SYSTEM_CHECKS = ["axes.W002"]

ROOT_URLCONF = "stemlink.urls"
WSGI_APPLICATION = "stemlink.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                # TIME_ZONE: the zone the page runs in, the company's (web.access.company_page).
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'stemlink.sqlite3'}")
DATABASES = {
    "default": database(DATABASE_URL, test_name_variable="STEMLINK_TEST_DB_NAME", test_prefix="test_stemlink")
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
STATIC_ROOT = VAR_DIR / "static"
# No web server in front of gunicorn on one machine: WhiteNoise serves /static/, from STATIC_ROOT
# (filled by `collectstatic`) and straight from the apps' static folders (the finders), so a fresh
# checkout and the tests need no collect step. Cache-Control is WhiteNoise's default (60 s).
WHITENOISE_USE_FINDERS = True
# WhiteNoise warns at start-up about a STATIC_ROOT that does not exist yet (nothing collected).
with contextlib.suppress(OSError):
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

# Requests over 64 KB are refused by the API gateway itself; this keeps Django from buffering more.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

# Production behind HTTPS (STEMLINK_HTTPS=1): cookies only over HTTPS, plain HTTP redirected,
# HSTS. Behind a proxy that terminates TLS, STEMLINK_PROXY_SSL_HEADER names the header it sets to
# "https" (e.g. X-Forwarded-Proto); set it only when the proxy always sets or strips that header.
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
    "root": {"handlers": ["console"], "level": os.environ.get("STEMLINK_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Worker cadence, in seconds (how often it looks for due webhooks, expired carts, standing orders).
WORKER_POLL_SECONDS = float(os.environ.get("STEMLINK_WORKER_POLL_SECONDS", "1.0"))
# How often a worker writes its heartbeat, and after how long without one it counts as silent.
WORKER_HEARTBEAT_SECONDS = float(os.environ.get("STEMLINK_WORKER_HEARTBEAT_SECONDS", "10.0"))
WORKER_SILENT_SECONDS = float(os.environ.get("STEMLINK_WORKER_SILENT_SECONDS", "60.0"))
# A worker's claim on deliveries (empty: long enough for a whole batch to time out); a killed
# worker's deliveries are sent again once it runs out. The fault tests shorten it.
WORKER_LEASE_SECONDS = (
    float(os.environ["STEMLINK_WORKER_LEASE_SECONDS"])
    if os.environ.get("STEMLINK_WORKER_LEASE_SECONDS")
    else None
)
# Multiplies every webhook retry wait and partner pause (1 = as documented); tests shorten time.
WEBHOOK_BACKOFF_SCALE = float(os.environ.get("STEMLINK_WEBHOOK_BACKOFF_SCALE", "1.0"))
# A webhook delivery (connect, send and the whole answer) never takes longer than this.
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("STEMLINK_WEBHOOK_TIMEOUT_SECONDS", "5.0"))
# A back-office export stops reading after this many seconds and ends with a row saying so
# (under gunicorn's 60 s timeout, so the answer is always a finished file).
EXPORT_SECONDS = float(os.environ.get("STEMLINK_EXPORT_SECONDS", "50"))
# Whether partner endpoints may be on loopback or private networks. Off by default, so a tenant
# cannot make the worker call internal services; the demo (marketplace on 127.0.0.1) and the
# tests that need it opt in. Link-local (cloud metadata), multicast and reserved never are.
WEBHOOK_ALLOW_PRIVATE_NETWORKS = ENV.flag("WEBHOOK_ALLOW_PRIVATE_NETWORKS", False)
# The most a partner's answer may hold (status line, headers, body): more is cut off. The whole
# exchange (connect, send, answer) must also end within WEBHOOK_TIMEOUT_SECONDS.
WEBHOOK_MAX_ANSWER_BYTES = int(os.environ.get("STEMLINK_WEBHOOK_MAX_ANSWER_BYTES", str(64 * 1024)))

# API burst limits, per minute: per token, and per address for calls without a valid token (login,
# bad tokens). Generous by default so benchmarks and end-to-end runs are not throttled.
API_BURST_PER_MINUTE = int(os.environ.get("STEMLINK_API_BURST_PER_MINUTE", "1200"))
API_ANON_PER_MINUTE = int(os.environ.get("STEMLINK_API_ANON_PER_MINUTE", "600"))

# User tokens (from the API's `login`) stop working this many hours after they are made.
USER_TOKEN_HOURS = float(os.environ.get("STEMLINK_USER_TOKEN_HOURS", "24"))

# Sign-in throttling (django-axes), for the back office's sign-in, the API's `login` and the admin:
# after SIGNIN_FAILURE_LIMIT wrong passwords for one account, or from one address, sign-in is
# locked for SIGNIN_COOLOFF_MINUTES (a right password does not get through meanwhile).
SIGNIN_FAILURE_LIMIT = int(os.environ.get("STEMLINK_SIGNIN_FAILURE_LIMIT", "5"))
SIGNIN_COOLOFF_MINUTES = float(os.environ.get("STEMLINK_SIGNIN_COOLOFF_MINUTES", "15"))
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = SIGNIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=SIGNIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each counted on its own: per account, per address
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "stemlink.web.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "stemlink.web.lockout.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "authenticationToken", "apiKey"]
AXES_VERBOSE = False

# The Django admin (/admin/) shows every company's rows: it is the platform operator's alone, off
# unless this is set, and even then it admits only superusers the operator made.
ADMIN_ENABLED = ENV.flag("ADMIN_ENABLED", False)
