"""`marketplace worker`: the sync loop (full syncs, delta polls, webhook-triggered deltas)."""

from __future__ import annotations

import logging
import signal
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection

from marketplace.sync.services import run_due_syncs

log = logging.getLogger(__name__)


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
        while not stopping:
            try:
                runs = run_due_syncs()
            except Exception:  # a database hiccup must not end the loop; the next turn tries again
                log.exception("sync turn failed")
                runs = []
            for run in runs:
                self.stdout.write(
                    f"{run.kind} sync of supplier {run.supplier_id}: {'ok' if run.ok else 'failed'}, "
                    f"+{run.added} ~{run.changed} -{run.removed}, {run.calls} calls"
                    + (f"; {run.errors.splitlines()[0]}" if run.errors else "")
                )
                self.stdout.flush()
            if options["once"]:
                break
            time.sleep(options["poll"])
            # Between turns, drop a connection the database server closed or that grew too old.
            close_old_connections()
        self.stdout.write("Marketplace worker stopped.")
