"""`stemlink worker`: deliver webhooks and run the periodic jobs until stopped (or once, with --once)."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from stemlink.worker.loop import DEFAULT_BATCH_SIZE, Worker


class Command(BaseCommand):
    help = (
        "Run the background worker: send due webhook deliveries (with retries and backoff), expire "
        "overdue web orders, generate standing-order prebooks. Stops cleanly on SIGTERM or Ctrl-C."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="do one pass (every job once) and exit")
        parser.add_argument(
            "--poll", type=float, default=None, help="seconds between passes (default WORKER_POLL_SECONDS)"
        )
        parser.add_argument(
            "--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="deliveries claimed at a time"
        )
        parser.add_argument("--name", default=None, help="a name for this worker in the logs")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["poll"] is not None and options["poll"] <= 0:
            self.stderr.write("--poll must be a positive number of seconds")
            raise SystemExit(2)
        stop = threading.Event()
        worker = Worker(
            name=options["name"],
            poll_seconds=options["poll"],
            batch_size=options["batch_size"],
            stop_event=stop,
        )
        if options["once"]:
            try:
                worker.beat()
                report = worker.run_once(force_jobs=True)
            finally:
                worker.close()
            jobs = ", ".join(f"{name}: {report.job_results[name]}" for name in report.jobs_run) or "none"
            self.stdout.write(
                f"worker pass done: {report.delivered} delivered, {report.failed} failed; jobs run: {jobs}"
            )
            return

        def _stop(signum: int, _frame: Any) -> None:
            # Only set a flag: the delivery in hand finishes and is recorded, the rest are given back.
            self.stderr.write(f"received {signal.Signals(signum).name}; stopping after the current delivery")
            stop.set()

        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, _stop)
            signal.signal(signal.SIGINT, _stop)
        self.stdout.write(f"Stemlink worker {worker.name} running; SIGTERM or Ctrl-C stops it.")
        self.stdout.flush()
        worker.run_forever()
        self.stdout.write("Stemlink worker stopped.")
