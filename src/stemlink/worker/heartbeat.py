"""Is the worker alive? Each worker process writes a beat; anyone can ask when the last one was.

A worker beats at most every `WORKER_HEARTBEAT_SECONDS` (10 s by default) whatever its poll
interval, so an idle worker costs one small write now and then. Silent means no beat for over
`WORKER_SILENT_SECONDS` (60 s by default): no worker is delivering webhooks, expiring carts or
making standing-order prebooks. Rows of processes silent for a week are removed as new beats come.

Workers serve the whole install, not one company: `stemlink status` tells the last beat in UTC,
labelled. A company's Home page tells it on that company's wall clock, naming its zone
(`worker_status(now, company)`), as every time a company's people read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from stemlink.tenancy import calendar
from stemlink.worker.models import WorkerHeartbeat

FORGET_AFTER = dt.timedelta(days=7)


def silent_after() -> dt.timedelta:
    return dt.timedelta(seconds=float(getattr(settings, "WORKER_SILENT_SECONDS", 60.0)))


def beat(name: str, *, started_on: dt.datetime, passes: int, now: dt.datetime | None = None) -> None:
    """Record that worker `name` is alive now."""
    now = now or timezone.now()
    updated = WorkerHeartbeat.objects.filter(name=name).update(beat_on=now, passes=passes, stopped_on=None)
    if not updated:
        WorkerHeartbeat.objects.create(name=name, started_on=started_on, beat_on=now, passes=passes)
        WorkerHeartbeat.objects.filter(beat_on__lt=now - FORGET_AFTER).delete()


def stopped(name: str, *, now: dt.datetime | None = None) -> None:
    """Record that worker `name` stopped cleanly."""
    now = now or timezone.now()
    WorkerHeartbeat.objects.filter(name=name).update(beat_on=now, stopped_on=now)


@dataclass(frozen=True)
class WorkerStatus:
    """What the latest beats say: how many workers are alive, and when one was last heard from."""

    alive: int
    last_beat: dt.datetime | None
    last_name: str
    last_stopped: bool
    now: dt.datetime
    # Whose clock tells the last beat: a company's zone (its Home page), or None for UTC.
    time_zone: str | None = None

    @property
    def silent(self) -> bool:
        return self.alive == 0

    @property
    def silent_seconds(self) -> int | None:
        return None if self.last_beat is None else max(0, int((self.now - self.last_beat).total_seconds()))

    def describe(self) -> str:
        """One sentence for a person: the Home page and `stemlink status` say this."""
        if self.alive:
            workers = f"{self.alive} worker{'s' if self.alive != 1 else ''}"
            return f"{workers} running (last beat {self.silent_seconds} s ago)."
        if self.last_beat is None:
            return (
                "No worker has ever run against this database: webhooks are not delivered and overdue "
                "carts wait. Start one with `stemlink worker`."
            )
        how = "stopped" if self.last_stopped else "has been silent"
        ago = _ago(self.silent_seconds or 0)
        return (
            f"The worker {how} since {self._when(self.last_beat)} ({ago}): "
            "webhooks are not being delivered and standing orders not generated. Start one with "
            "`stemlink worker`."
        )

    def _when(self, instant: dt.datetime) -> str:
        if self.time_zone:
            return calendar.wall_clock(self.time_zone, instant)
        return calendar.utc_clock(instant)


def _ago(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} s ago"
    if seconds < 7200:
        return f"{seconds // 60} min ago"
    return f"{seconds // 3600} h ago"


def worker_status(
    now: dt.datetime | None = None, company: calendar.HasTimeZone | None = None
) -> WorkerStatus:
    """Read the beats: alive are workers heard from within the silence limit and not stopped.

    With `company`, the answer tells times on the company's wall clock; without, in UTC.
    """
    now = now or timezone.now()
    since = now - silent_after()
    alive = WorkerHeartbeat.objects.filter(beat_on__gt=since, stopped_on__isnull=True).count()
    last = WorkerHeartbeat.objects.order_by("-beat_on").values_list("beat_on", "name", "stopped_on").first()
    zone = calendar.zone_name(company) if company is not None else None
    if last is None:
        return WorkerStatus(0, None, "", False, now, zone)
    return WorkerStatus(alive, last[0], last[1], last[2] is not None, now, zone)
