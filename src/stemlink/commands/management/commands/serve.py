"""`stemlink serve`: run the web application under gunicorn (not Django's development server)."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from safeguards.address_rules import is_loopback_host
from stemlink.commands.gunicorn_worker import GUNICORN_FIELD_SIZE, GUNICORN_FIELDS, GUNICORN_LINE


def bind_problem(host: str, allowed_hosts: str | None) -> str | None:
    """Return why serving on `host` is refused: a non-loopback address needs STEMLINK_ALLOWED_HOSTS."""
    if is_loopback_host(host) or (allowed_hosts or "").strip():
        return None
    return (
        f"refusing to listen on {host}, which is not a loopback address, without STEMLINK_ALLOWED_HOSTS: "
        "set it to the host names this server answers to (e.g. STEMLINK_ALLOWED_HOSTS=shop.example.com), "
        "or listen on 127.0.0.1 behind a proxy"
    )


class Command(BaseCommand):
    help = "Serve Stemlink (API, back office, admin) with gunicorn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("STEMLINK_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("STEMLINK_PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("STEMLINK_WEB_WORKERS", "2")),
            help="gunicorn worker processes (default 2)",
        )
        parser.add_argument("--threads", type=int, default=int(os.environ.get("STEMLINK_WEB_THREADS", "4")))
        parser.add_argument("--no-collectstatic", action="store_true", help="skip collecting static files")

    def handle(self, *args: Any, **options: Any) -> None:
        problem = bind_problem(options["host"], os.environ.get("STEMLINK_ALLOWED_HOSTS"))
        if problem:
            raise CommandError(problem)
        # Refuse to start against a database that cannot be opened or is behind the code: every
        # request would fail. A connection error becomes one line naming DATABASE_URL (`stemlink`).
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("the database (DATABASE_URL) is not up to date: run `stemlink migrate` first")
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "stemlink.wsgi:application",
            "--bind",
            f"{options['host']}:{options['port']}",
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--worker-class",
            "stemlink.commands.gunicorn_worker.EnvelopeWorker",
            # High enough that Django sees every request up to the API's own documented limits and
            # answers it with the envelope (and an audit row); beyond them the worker answers JSON.
            "--limit-request-line",
            str(GUNICORN_LINE),
            "--limit-request-field_size",
            str(GUNICORN_FIELD_SIZE),
            "--limit-request-fields",
            str(GUNICORN_FIELDS),
            "--timeout",
            "60",
            "--access-logfile",
            "-",
            # Query strings are written with their token/authorization values redacted.
            "--logger-class",
            "safeguards.gunicorn_logging.RedactingLogger",
            "--forwarded-allow-ips",
            "127.0.0.1",
        ]
        self.stdout.write(f"Stemlink serving on http://{options['host']}:{options['port']}/")
        self.stdout.flush()
        # Replace this process so signals (Ctrl-C, a supervisor's TERM) reach gunicorn directly.
        os.execv(sys.executable, argv)  # noqa: S606 - our own interpreter, a fixed argument list
