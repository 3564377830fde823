"""Wake the sync worker when a webhook asks for a sync, instead of leaving it to its next poll.

The mechanism (PostgreSQL NOTIFY/LISTEN, a unix datagram on SQLite) is `dbwake`, shared with
Stemlink (the marketplace imports none of Stemlink); this module names the marketplace's channel.
"""

from __future__ import annotations

import dbwake

CHANNEL = "marketplace_sync"
nudge = dbwake.nudge


def sync_requested() -> None:
    """Wake the listening sync workers when the current transaction commits (never on rollback).

    Called by `request_sync` inside the transaction that sets the flag. Never raises for a
    wake-up that cannot be sent: the workers' poll finds the flag all the same.
    """
    dbwake.notify_on_commit(CHANNEL)


class Listener(dbwake.Listener):
    """The sync worker's wait for a requested sync (see `dbwake.Listener`)."""

    def __init__(self, channel: str = CHANNEL, *, alias: str = "default") -> None:
        super().__init__(channel, alias=alias)
