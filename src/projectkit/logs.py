"""Log lines of both applications' processes carry their time in UTC, labelled.

A server or worker process serves every company (and the marketplace serves every supplier): its
log is about no one company's day, so it tells time in UTC and says so ("2026-11-30 04:38:00,123
UTC"), whatever the machine's own zone. Times told about one company (a CLI line about its
endpoints or tokens, its Home page) are that company's wall clock, named: see `stemlink.tenancy.calendar`.
"""

from __future__ import annotations

import logging
import time


class UtcFormatter(logging.Formatter):
    """A `logging.Formatter` whose `%(asctime)s` is UTC, with the zone named."""

    converter = time.gmtime

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return f"{super().formatTime(record, datefmt)} UTC"
