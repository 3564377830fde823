"""Each company's own day: the one place that says what date it is and what a date covers.

A wholesaler lives by its own calendar: at 23:30 on Sunday in Miami it is still Sunday, although
it is 04:30 on Monday in UTC. Every "today" in Stemlink (the first ship date, the e-commerce
window, standing orders' truck dates, Home's figures, the fees report's periods) is the date the
company's wall clock shows in its time zone (`Company.time_zone`, an IANA name), and every
bucket by day is one of the company's days, 23 or 25 hours long on the days its clocks change.

Instants stay aware UTC everywhere (the database, the API's timestamps, `updatedAsOf`); only
dates are the company's. Nothing else in `src/stemlink` may compute a date from the clock or
from an instant: `tests/unit/test_one_calendar.py` fails if it does.

The API's daily quota is the one deliberate exception to "the company's day": it is counted per
UTC day, as the API specification says, and resets at 00:00 UTC (`quota_day`, `quota_resets_at`),
which `X-RateLimit-Reset` sends.

No Django here (pure, unit-tested without a database): pass the instant in (`now=`) to freeze
time in a test; without it, the clock is read once, here.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from typing import Protocol

UTC = dt.UTC


class HasTimeZone(Protocol):
    """Anything with an IANA zone name: a Company."""

    time_zone: str


def clock() -> dt.datetime:
    """The current instant, aware UTC (the one place the calendar reads the clock)."""
    return dt.datetime.now(UTC)


@functools.lru_cache(maxsize=512)
def _zone(name: str) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        # Names are validated when set (tenancy.rules.time_zone_problem); one that vanished from
        # the machine's tz database must not take the company's pages down: read it as UTC.
        return UTC


def zone(company: HasTimeZone | str) -> dt.tzinfo:
    """The company's time zone (or the zone of an IANA name); UTC for an empty or unknown name."""
    name = company if isinstance(company, str) else company.time_zone
    return _zone(name or "UTC")


def zone_name(company: HasTimeZone | str) -> str:
    """The zone's IANA name as pages show it ("America/New_York")."""
    return str(zone(company))


def _instant(now: dt.datetime | None) -> dt.datetime:
    if now is None:
        return clock()
    if now.tzinfo is None:
        raise ValueError("an instant must be aware (UTC); got a naive datetime")
    return now


def local_time(company: HasTimeZone | str, instant: dt.datetime) -> dt.datetime:
    """The company's wall-clock time at an instant (aware, in the company's zone)."""
    return _instant(instant).astimezone(zone(company))


def date_of(company: HasTimeZone | str, instant: dt.datetime) -> dt.date:
    """The company's calendar date at an instant: what its wall clock shows."""
    return local_time(company, instant).date()


def today(company: HasTimeZone | str, now: dt.datetime | None = None) -> dt.date:
    """The company's today: the date its wall clock shows at `now` (default: the clock)."""
    return date_of(company, _instant(now))


def today_span(now: dt.datetime | None = None) -> tuple[dt.date, dt.date]:
    """The earliest and latest date any company's today can be at `now` (zones run −12 to +14).

    For narrowing a query over many companies before each company's own today decides.
    """
    utc_day = _instant(now).astimezone(UTC).date()
    return utc_day - dt.timedelta(days=1), utc_day + dt.timedelta(days=1)


def day_start(company: HasTimeZone | str, day: dt.date) -> dt.datetime:
    """The first instant (aware UTC) of one of the company's days.

    Usually local midnight; where midnight happens twice (a fold), the first of the two; where the
    clocks jump over midnight (a gap), the jump itself, the first wall-clock time that exists that
    day. A day the clocks skip whole (Pacific/Apia, 30 December 2011) starts where the next one
    does, so it covers no instant.
    """
    tz = zone(company)
    wall = dt.datetime.combine(day, dt.time.min)
    readings = sorted({wall.replace(tzinfo=tz, fold=fold).astimezone(UTC) for fold in (0, 1)})
    for reading in readings:
        if reading.astimezone(tz).replace(tzinfo=None) == wall:
            return reading
    # Midnight falls in a gap: the day starts at the jump, between the two readings (the earlier
    # one still shows the day before). Find the first second that shows `day` or later.
    # Clocks change on whole seconds: search the seconds between the readings.
    low, high = int(readings[0].timestamp()), int(readings[-1].timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if dt.datetime.fromtimestamp(middle, tz).date() >= day:
            high = middle
        else:
            low = middle
    return dt.datetime.fromtimestamp(high, UTC)


def day_range(
    company: HasTimeZone | str, first: dt.date, last: dt.date | None = None
) -> tuple[dt.datetime, dt.datetime]:
    """The instants the company's days `first` to `last` (both included) cover: [start, end) in UTC.

    A single day when `last` is not given; 23 or 25 hours on the days the clocks change.
    """
    last = first if last is None else last
    return day_start(company, first), day_start(company, last + dt.timedelta(days=1))


def wall_clock(company: HasTimeZone | str, instant: dt.datetime, *, seconds: bool = True) -> str:
    """A time told to a person about a company (a CLI line, a message): its wall clock, zone named.

    "2026-11-29 23:38:00 America/New_York". Pages do the same with the `date` filter under the
    company's zone and `{{ TIME_ZONE }}`.
    """
    shown = local_time(company, instant)
    return f"{shown:%Y-%m-%d %H:%M{':%S' if seconds else ''}} {zone_name(company)}"


def utc_clock(instant: dt.datetime, *, seconds: bool = True) -> str:
    """A time told about no one company (a worker process, the whole install): UTC, labelled.

    "2026-11-30 04:38:00 UTC".
    """
    shown = _instant(instant).astimezone(UTC)
    return f"{shown:%Y-%m-%d %H:%M{':%S' if seconds else ''}} UTC"


def quota_day(now: dt.datetime) -> dt.date:
    """The day the API's daily quota counts a call on: the UTC date (the quota resets at 00:00 UTC)."""
    return _instant(now).astimezone(UTC).date()


def quota_resets_at(now: dt.datetime) -> dt.datetime:
    """When the daily quota starts again: the next 00:00 UTC (sent as `X-RateLimit-Reset`)."""
    day = quota_day(now) + dt.timedelta(days=1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=UTC)
