"""The worker's heartbeat: one row per worker process, its last sign of life."""

from __future__ import annotations

from django.db import models

from stemlink.tenancy import calendar


class WorkerHeartbeat(models.Model):
    """A worker process's latest beat; the back office and `stemlink status` read it.

    Not per company: the worker serves every company of the database.
    """

    name = models.CharField(max_length=120, unique=True, help_text="host:pid:random, as in the logs")
    started_on = models.DateTimeField()
    beat_on = models.DateTimeField(db_index=True)
    # Set when the process stopped cleanly (SIGTERM, Ctrl-C); empty while it runs or after a crash.
    stopped_on = models.DateTimeField(null=True, blank=True)
    passes = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-beat_on"]

    def __str__(self) -> str:
        # A worker serves every company: its times are told in UTC, labelled.
        return f"worker {self.name} (last beat {calendar.utc_clock(self.beat_on)})"
