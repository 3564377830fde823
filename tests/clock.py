"""A clock seam for tests: stop time at an instant, without sleeping.

`freeze(monkeypatch, instant)` makes Django's `timezone.now()` (and so `auto_now` fields, tokens,
holds) and `stemlink.tenancy.calendar.clock()` answer `instant` until the test ends; call it again
to move the clock. Services that take `now=` are better called with it; this is for paths that
read the clock themselves, such as an HTTP request through the API or a page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any


def at(text: str) -> dt.datetime:
    """An aware UTC instant from `YYYY-MM-DDTHH:MM[:SS]`."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def freeze(monkeypatch: Any, instant: dt.datetime) -> dt.datetime:
    if instant.tzinfo is None:
        raise ValueError("freeze needs an aware instant")
    monkeypatch.setattr("django.utils.timezone.now", lambda: instant)
    monkeypatch.setattr("stemlink.tenancy.calendar.clock", lambda: instant)
    return instant
