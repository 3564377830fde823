"""`marketplace serve`: run the marketplace under gunicorn (not Django's development server)."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from safeguards.address_rules import is_loopback_host


def bind_problem(host: str, allowed_hosts: str | None) -> str | None:
    """Return why serving on `host` is refused: a non-loopback address needs MARKETPLACE_ALLOWED_HOSTS."""
    if is_loopback_host(host) or (allowed_hosts or "").strip():
        return None
    return (
        f"refusing to listen on {host}, which is not a loopback address, without MARKETPLACE_ALLOWED_HOSTS: "
        "set it to the host names this server answers to (e.g. MARKETPLACE_ALLOWED_HOSTS=shop.example.com), "
        "or listen on 127.0.0.1 behind a proxy"
    )


class Command(BaseCommand):
    help = "Serve the marketplace (storefront, operator pages, webhook receiver) with gunicorn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("MARKETPLACE_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("MARKETPLACE_PORT", "8100")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("MARKETPLACE_WEB_WORKERS", "2")),
            help="gunicorn worker processes (default 2)",
        )
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("MARKETPLACE_WEB_THREADS", "4"))
        )

    def handle(self, *args: Any, **options: Any) -> None:
        problem = bind_problem(options["host"], os.environ.get("MARKETPLACE_ALLOWED_HOSTS"))
        if problem:
            raise CommandError(problem)
        # Refuse to start against a database that cannot be opened or is behind the code: every
        # request would fail. A connection error becomes one line naming MARKETPLACE_DATABASE_URL.
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError(
                "the database (MARKETPLACE_DATABASE_URL) is not up to date: run `marketplace migrate` first"
            )
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "marketplace.wsgi:application",
            "--bind",
            f"{options['host']}:{options['port']}",
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--worker-class",
            "gthread",
            # A checkout waits for several wholesalers' answers (each call has its own timeout).
            "--timeout",
            "120",
            "--access-logfile",
            "-",
            # Query strings are written with their token/authorization values redacted.
            "--logger-class",
            "safeguards.gunicorn_logging.RedactingLogger",
            "--forwarded-allow-ips",
            "127.0.0.1",
        ]
        self.stdout.write(f"Marketplace serving on http://{options['host']}:{options['port']}/")
        self.stdout.flush()
        os.environ["DJANGO_SETTINGS_MODULE"] = "marketplace.settings"
        # Replace this process so signals (Ctrl-C, a supervisor's TERM) reach gunicorn directly.
        os.execv(sys.executable, argv)  # noqa: S606
