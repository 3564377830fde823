"""`marketplace worker`: the sync loop (full syncs, delta polls, webhook-triggered deltas)."""

from __future__ import annotations

import signal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from marketplace.sync.loop import run_worker
from marketplace.sync.models import SyncRun


class Command(BaseCommand):
    help = "Run the marketplace sync worker (Ctrl-C stops it after the current sync)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="sync what is due once, then exit")
        parser.add_argument(
            "--poll", type=float, default=settings.WORKER_POLL_SECONDS, help="seconds between looks"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stopping = False

        def stop(*_: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        # A database that cannot be reached at start is a set-up error for `marketplace` to name
        # in one line, not a hiccup for the loop to retry forever.
        connection.ensure_connection()
        self.stdout.write("Marketplace worker started.")
        self.stdout.flush()
        run_worker(
            poll_seconds=options["poll"], stopping=lambda: stopping, once=options["once"], on_run=self._report
        )
        self.stdout.write("Marketplace worker stopped.")

    def _report(self, run: SyncRun) -> None:
        self.stdout.write(
            f"{run.kind} sync of supplier {run.supplier_id}: {'ok' if run.ok else 'failed'}, "
            f"+{run.added} ~{run.changed} -{run.removed}, {run.calls} calls"
            + (f"; {run.errors.splitlines()[0]}" if run.errors else "")
        )
        self.stdout.flush()
