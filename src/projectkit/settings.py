"""The settings both projects read the same way, each under its own prefix (STEMLINK_, MARKETPLACE_).

Flags, comma lists, server keys (generated into the var directory when not configured, a weak
one refused at start-up), HSTS and the proxy's HTTPS header, and the database: SQLite in WAL mode
with writers queueing, PostgreSQL with health checks and a connect timeout, and test database
names that a parallel or killed run never shares.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from safeguards import keys

TRUE_WORDS = {"1", "true", "yes", "on"}


class Environment:
    """The environment variables of one project, all named `<prefix>_<name>`."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def variable(self, name: str) -> str:
        return f"{self.prefix}_{name}"

    def flag(self, name: str, default: bool) -> bool:
        raw = os.environ.get(self.variable(name))
        if raw is None:
            return default
        return raw.strip().lower() in TRUE_WORDS

    def names(self, name: str, default: str = "") -> list[str]:
        """A comma-separated list (host names, origins), blanks left out."""
        return [
            part.strip() for part in os.environ.get(self.variable(name), default).split(",") if part.strip()
        ]

    def server_key(self, name: str, key_file: Path) -> str:
        """The configured key, or one generated at first start into `key_file` (mode 0600) and reused."""
        variable = self.variable(name)
        try:
            return keys.server_key(variable, os.environ.get(variable), key_file)
        except keys.KeyProblem as exc:
            raise ImproperlyConfigured(str(exc)) from exc

    def key_list(self, name: str, default: list[str]) -> list[str]:
        variable = self.variable(name)
        try:
            return keys.key_list(variable, os.environ.get(variable), default)
        except keys.KeyProblem as exc:
            raise ImproperlyConfigured(str(exc)) from exc

    def hsts(self, https: bool) -> tuple[int, bool, bool]:
        """HSTS seconds (a year behind HTTPS), include-subdomains and preload."""
        seconds = int(os.environ.get(self.variable("HSTS_SECONDS"), "31536000" if https else "0"))
        return seconds, self.flag("HSTS_INCLUDE_SUBDOMAINS", https), self.flag("HSTS_PRELOAD", False)

    def proxy_ssl_header(self) -> tuple[str, str] | None:
        """The header a TLS-terminating proxy sets to "https" (`<prefix>_PROXY_SSL_HEADER`), if named."""
        header = os.environ.get(self.variable("PROXY_SSL_HEADER"), "").strip()
        if not header:
            return None
        return ("HTTP_" + header.upper().replace("-", "_"), "https")


def database(url: str, *, test_name_variable: str, test_prefix: str) -> dict[str, Any]:
    """Django's DATABASES entry for a database URL, tuned the same way for both projects."""
    db: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers run beside the one writer; IMMEDIATE transactions take the write lock at
        # BEGIN so two writers queue instead of failing with "database is locked" halfway through.
        db["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
        db["CONN_MAX_AGE"] = 0
        # Tests use a file, not Django's shared-cache in-memory database: there, concurrent writers
        # fail at once with "database table is locked" instead of queueing on busy_timeout, so race
        # tests with threads (stock holds, worker claims) could not run as they do in production.
        db.setdefault("TEST", {})["NAME"] = os.environ.get(
            test_name_variable, os.path.join(tempfile.gettempdir(), f"{test_prefix}_{os.getpid()}.sqlite3")
        )
    else:
        # Parallel test runs on one server (several developers, a CI run beside a session's own)
        # must not share a test database, nor meet one a killed run left behind under a reused
        # process id (dropping it fails while its old connections linger): the name is never reused.
        db.setdefault("TEST", {})["NAME"] = os.environ.get(
            test_name_variable, f"{test_prefix}_{os.getpid()}_{secrets.token_hex(4)}"
        )
        db["CONN_HEALTH_CHECKS"] = True
        # A server that does not answer fails a connection attempt in seconds (503, Retry-After)
        # instead of holding a request until the operating system gives up.
        db.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
        # Parameters bound by the server, not pasted into the text, and statements prepared: psycopg
        # prepares a statement its connection has run five times, and PostgreSQL plans it once per
        # connection (after five custom plans it keeps the generic one when that costs no more)
        # instead of on every call. Django leaves preparing off unless prepare_threshold is given
        # (for connection poolers in transaction mode, which Stemlink does not use). A feed page at
        # 5,000 lines, through the handler: 6.5 -> 4.0-4.5 ms (its planning alone was ~0.8 ms).
        db["OPTIONS"]["server_side_binding"] = True
        db["OPTIONS"].setdefault("prepare_threshold", 5)
    return db
