"""`marketplace worker`: the sync loop (full syncs, delta polls, webhook-triggered deltas)."""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from marketplace.sync import wake
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
        # Listening starts before the first look: a request committed after this is never missed.
        listener = wake.Listener()
        if not options["once"]:
            listener.start()
        self.stdout.write("Marketplace worker started.")
        self.stdout.flush()
        try:
            self._loop(listener, options, lambda: stopping)
        finally:
            listener.close()
        self.stdout.write("Marketplace worker stopped.")

    def _loop(self, listener: wake.Listener, options: dict[str, Any], stopping: Callable[[], bool]) -> None:
        while not stopping():
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
            # Between turns, drop a connection the database server closed or that grew too old.
            close_old_connections()
            # A webhook wakes the worker at once; every wake-up that came meanwhile is taken
            # together, so a burst of webhooks costs one delta (plus one for those arriving during
            # it). The poll is the fallback and the clock for scheduled syncs.
            listener.wait(options["poll"], stopping=stopping)
