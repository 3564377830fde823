"""Pure date rules for documents: how long a list's period may be, and when standing orders ship.

No Django here. Komet caps the period a document list may cover (invoice.list six months,
invoice.details.list four days, prebook.list six months) so one call cannot pull a whole history;
Stemlink keeps the same caps so clients written for Komet page the same way.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator

from stemlink.errors import FieldError

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAY_BY_NAME = {name.lower(): index for index, name in enumerate(WEEKDAYS)}
_WEEKDAY_BY_NAME.update({name[:3].lower(): index for index, name in enumerate(WEEKDAYS)})
RECURRENCES = ("weekly", "daily")


def add_months(day: dt.date, months: int) -> dt.date:
    """Return the same day `months` later, clamped to the month's end (Aug 31 + 6 months = Feb 28)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_errors(
    date_from: dt.date | None,
    date_to: dt.date | None,
    *,
    from_field: str,
    to_field: str,
    max_months: int | None = None,
    max_days: int | None = None,
    required: bool = True,
) -> list[FieldError]:
    """Return what is wrong with a from/to period (empty when it is fine).

    Both ends are required (unless `required` is false and both are missing); the end may not come
    before the start, nor lie more than `max_months` calendar months or `max_days` days after it.
    """
    if date_from is None and date_to is None and not required:
        return []
    errors = []
    if date_from is None:
        errors.append(FieldError(from_field, "is required (a date as YYYY-MM-DD)"))
    if date_to is None:
        errors.append(FieldError(to_field, "is required (a date as YYYY-MM-DD)"))
    if date_from is None or date_to is None:
        return errors
    if date_to < date_from:
        return [FieldError(to_field, f"must be on or after {from_field} ({date_from.isoformat()})")]
    if max_months is not None and date_to > add_months(date_from, max_months):
        return [
            FieldError(
                to_field,
                f"must be at most {max_months} months after {from_field}: ask for "
                f"{date_from.isoformat()} to {add_months(date_from, max_months).isoformat()} at most, "
                "and page through longer periods",
            )
        ]
    if max_days is not None and (date_to - date_from).days > max_days:
        return [
            FieldError(
                to_field,
                f"must be at most {max_days} days after {from_field} "
                f"(latest {(date_from + dt.timedelta(days=max_days)).isoformat()})",
            )
        ]
    return []


def parse_weekdays(text: str) -> tuple[int, ...]:
    """Read `"Monday,Thursday"` (or `"mon thu"`) into sorted weekday numbers, Monday = 0.

    Raises ValueError naming the word it cannot read, or when no day is given.
    """
    words = [w for w in text.replace(";", ",").replace(" ", ",").split(",") if w.strip()]
    days: set[int] = set()
    for word in words:
        index = _WEEKDAY_BY_NAME.get(word.strip().lower())
        if index is None:
            raise ValueError(f"{word.strip()!r} is not a day of the week; use names such as Monday,Thursday")
        days.add(index)
    if not days:
        raise ValueError("name at least one day of the week, e.g. Monday,Thursday")
    return tuple(sorted(days))


def weekday_names(days: tuple[int, ...] | list[int]) -> str:
    """Write weekday numbers as Komet lists them: `"Monday, Thursday"`."""
    return ", ".join(WEEKDAYS[d] for d in sorted(days))


def truck_dates(
    *,
    recurrence: str,
    weekdays: tuple[int, ...],
    start: dt.date,
    end: dt.date | None,
    window_from: dt.date,
    window_to: dt.date,
) -> Iterator[dt.date]:
    """Yield the truck dates of a standing order that fall in a window, in order.

    A weekly order ships on its weekdays, a daily one every day, from `start` to `end` (open-ended
    when None), both included.
    """
    first = max(start, window_from)
    last = window_to if end is None else min(end, window_to)
    day = first
    while day <= last:
        if recurrence == "daily" or day.weekday() in weekdays:
            yield day
        day += dt.timedelta(days=1)
