"""The sync worker's loop: sync what is due, then sleep until woken by a webhook or the poll comes round.

A webhook sets the supplier's `delta_requested` flag and wakes the loop on commit (see `wake`).
The loop takes every wake-up waiting at once before it looks, so a burst of webhooks costs one
delta, plus one more for those that arrive while it runs; and a webhook's delta never starts less
than SYNC_WAKE_MIN_GAP_SECONDS after the supplier's last sync ended, so a long burst costs about
one delta per gap. The poll is the fallback and the clock of scheduled full syncs and delta polls.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections

from marketplace.sync import wake
from marketplace.sync.models import SyncRun
from marketplace.sync.services import requested_syncs_waiting, run_due_syncs

log = logging.getLogger(__name__)


def run_worker(
    *,
    poll_seconds: float,
    stopping: Callable[[], bool],
    once: bool = False,
    on_run: Callable[[SyncRun], None] | None = None,
) -> None:
    """Sync what is due until `stopping()` says so (or once); call `on_run` with each finished run."""
    # Listening starts before the first look: a request committed after this is never missed.
    listener = wake.Listener()
    if not once:
        listener.start()
    try:
        while not stopping():
            try:
                runs = run_due_syncs()
            except Exception:  # a database hiccup must not end the loop; the next turn tries again
                log.exception("sync turn failed")
                runs = []
            for run in runs:
                if on_run is not None:
                    on_run(run)
            if once:
                break
            # Between turns, drop a connection the database server closed or that grew too old.
            close_old_connections()
            wait = poll_seconds
            if requested_syncs_waiting():
                wait = min(wait, settings.SYNC_WAKE_MIN_GAP_SECONDS)
            listener.wait(wait, stopping=stopping)
    finally:
        listener.close()
