"""Wake the workers when an outbox row commits, instead of leaving them to find it on their next poll.

The mechanism (PostgreSQL NOTIFY/LISTEN, a unix datagram on SQLite) is `dbwake`, shared with the
marketplace; this module names Stemlink's channel.
"""

from __future__ import annotations

import dbwake

CHANNEL = "stemlink_outbox"
nudge = dbwake.nudge


def outbox_written() -> None:
    """Wake the listening workers when the current transaction commits (never on rollback).

    Called by `record_events` inside the transaction that writes the rows. Never raises for a
    wake-up that cannot be sent: the workers' poll finds the rows all the same.
    """
    dbwake.notify_on_commit(CHANNEL)


class Listener(dbwake.Listener):
    """A worker's wait for new outbox rows (see `dbwake.Listener`)."""

    def __init__(self, channel: str = CHANNEL, *, alias: str = "default") -> None:
        super().__init__(channel, alias=alias)
