"""Log lines of both applications' processes carry their time in UTC, labelled.

A server or worker process serves every company (and the marketplace serves every supplier): its
log is about no one company's day, so it tells time in UTC and says so ("2026-11-30 04:38:00,123
UTC"), whatever the machine's own zone. Times told about one company (a CLI line about its
endpoints or tokens, its Home page) are that company's wall clock, named: see `stemlink.tenancy.calendar`.
"""

from __future__ import annotations

import datetime as dt
import logging


class UtcFormatter(logging.Formatter):
    """A `logging.Formatter` whose `%(asctime)s` is UTC, with the zone named."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        moment = dt.datetime.fromtimestamp(record.created, dt.UTC)
        text = moment.strftime(datefmt) if datefmt else f"{moment:%Y-%m-%d %H:%M:%S},{int(record.msecs):03d}"
        return f"{text} UTC"
