"""Dates and times as Komet clients write them: pure parsing, no Django, no pydantic.

Integrations are written in C#, Java, JavaScript, PHP and Python by people who never read our
spec, so a date arrives in whatever its language prints by default:

- `2026-11-30`, `2026-11-30T00:00:00`, `2026-11-30T00:00:00.000Z`, `2026-11-30T00:00:00-05:00`
  (ISO 8601, also with a space instead of the `T`);
- `11/30/2026`, `11/30/2026 12:00:00 AM` (US, C#'s `DateTime.ToString()`);
- `Mon Nov 30 2026 00:00:00 GMT-0500 (Eastern Standard Time)` (JavaScript's `Date.toString()`);
- `Mon, 30 Nov 2026 05:00:00 GMT` (JavaScript's `toUTCString()`, HTTP dates);
- `Mon Nov 30 00:00:00 EST 2026` (Java's `Date.toString()`);
- `/Date(1796014800000)/`, `/Date(1796014800000-0500)/` (.NET's older JSON dates);
- epoch milliseconds, as a number or digits (`1796014800000`, JavaScript's `getTime()`).

A *date* given as a timestamp means the calendar date the client wrote: `2026-11-30T00:00:00-05:00`
is 30 November, never shifted to UTC (where it would still be the 30th, but `+01:00` would make it
the 29th). Epoch milliseconds carry no zone, so they are read in UTC.

A *date-time* is aware and in UTC: a written offset is applied, a timestamp without one is UTC.

Both are held to `MIN_DATE`..`MAX_DATE`: every date parameter meets month arithmetic and the
database, and neither holds the year-1 and year-9999 edges (`9999-12-01` plus two months, or
`0001-01-01T00:00:00+01:00` in UTC). Anything outside is refused with a message, never a crash.
"""

from __future__ import annotations

import datetime as dt
import re

MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2999, 12, 31)
RANGE_TEXT = f"between {MIN_DATE.isoformat()} and {MAX_DATE.isoformat()}"
DATE_FORMATS_TEXT = (
    "a date such as 2026-11-30 (also accepted: 11/30/2026, an ISO timestamp, epoch milliseconds)"
)
DATETIME_FORMATS_TEXT = (
    "a date-time such as 2026-11-30T14:00:00Z or 2026-11-30 14:00:00 (UTC) "
    "(also accepted: an offset, 11/30/2026 2:00:00 PM, epoch milliseconds)"
)

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
    )
}
_TIME = r"(?P<h>[0-9]{1,2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:[.,](?P<f>[0-9]{1,9}))?)?"
_OFFSET = r"(?P<z>Z|[+-][0-9]{2}(?::?[0-9]{2})?)"
_ISO = re.compile(
    r"(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})"
    rf"(?:[T ]{_TIME}\s*{_OFFSET}?)?",
    re.IGNORECASE,
)
_US = re.compile(
    r"(?P<m>[0-9]{1,2})/(?P<d>[0-9]{1,2})/(?P<y>[0-9]{4})"
    rf"(?:[ T]{_TIME}(?:\s*(?P<ampm>AM|PM))?\s*{_OFFSET}?)?",
    re.IGNORECASE,
)
# JavaScript toString(): "Mon Nov 30 2026 00:00:00 GMT-0500 (Eastern Standard Time)"
_JS = re.compile(
    r"(?:[A-Za-z]{3},?\s+)?(?P<mon>[A-Za-z]{3})[a-z]*\s+(?P<d>[0-9]{1,2}),?\s+(?P<y>[0-9]{4})"
    rf"(?:\s+{_TIME}(?:\s+(?:GMT|UTC)(?P<z>[+-][0-9]{{2}}:?[0-9]{{2}})?)?(?:\s+\(.*\))?)?",
)
# toUTCString() / HTTP date: "Mon, 30 Nov 2026 05:00:00 GMT"
_UTC_STRING = re.compile(
    r"(?:[A-Za-z]{3},?\s+)?(?P<d>[0-9]{1,2})\s+(?P<mon>[A-Za-z]{3})[a-z]*\s+(?P<y>[0-9]{4})"
    rf"(?:\s+{_TIME}(?:\s+(?:GMT|UTC|Z)(?P<z>[+-][0-9]{{2}}:?[0-9]{{2}})?)?)?",
)
# Java Date.toString(): "Mon Nov 30 00:00:00 EST 2026" (the zone name is read as the date written)
_JAVA = re.compile(
    r"[A-Za-z]{3}\s+(?P<mon>[A-Za-z]{3})\s+(?P<d>[0-9]{1,2})\s+"
    + _TIME
    + r"\s+(?P<zn>[A-Za-z]{1,5})\s+(?P<y>[0-9]{4})"
)
_DOTNET = re.compile(r"/?Date\((?P<ms>-?[0-9]{1,15})(?P<z>[+-][0-9]{4})?\)/?")
_EPOCH_MS = re.compile(r"-?[0-9]{9,15}")
_MIN_MS = -2_208_988_800_000  # 1900-01-01T00:00:00Z
_MAX_MS = 32_503_680_000_000  # 3000-01-01T00:00:00Z


class DateTextError(ValueError):
    """A value that is not a date (or date-time) we can read, or one outside MIN_DATE..MAX_DATE."""


def _offset(text: str | None) -> dt.timezone | None:
    if text is None:
        return None
    if text.upper() == "Z":
        return dt.UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or "0")
    if hours > 23 or minutes > 59:
        raise DateTextError(f"has an offset {text!r} no clock has")
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def _in_range(day: dt.date) -> dt.date:
    if not MIN_DATE <= day <= MAX_DATE:
        raise DateTextError(f"must be {RANGE_TEXT}, got {day.isoformat()}")
    return day


def _wall(match: re.Match[str], year: int, month: int, day: int) -> dt.datetime:
    """The wall-clock date-time written (no zone applied), validating every part."""
    if not 1 <= year <= 9999:
        raise DateTextError(f"has a year {year} no calendar has")
    try:
        hour = int(match.group("h") or 0) if "h" in match.re.groupindex else 0
        minute = int(match.group("mi") or 0) if "mi" in match.re.groupindex else 0
        second = int(match.group("s") or 0) if "s" in match.re.groupindex else 0
        fraction = (match.group("f") or "") if "f" in match.re.groupindex else ""
        ampm = (match.group("ampm") or "").upper() if "ampm" in match.re.groupindex else ""
        if ampm:
            if not 1 <= hour <= 12:
                raise DateTextError(f"has an hour {hour} that is not on a 12-hour clock")
            hour = hour % 12 + (12 if ampm == "PM" else 0)
        if second == 60:  # a leap second, as some clocks print it
            second = 59
        micro = int((fraction + "000000")[:6])
        return dt.datetime(year, month, day, hour, minute, second, micro)
    except ValueError as exc:
        if isinstance(exc, DateTextError):
            raise
        raise DateTextError(f"is not a day and time the calendar has ({exc})") from None


def _month(name: str) -> int:
    number = _MONTHS.get(name[:3].lower())
    if number is None:
        raise DateTextError(f"has a month {name!r} that is not one")
    return number


def _from_epoch_ms(ms: int, offset: dt.timezone | None = None) -> dt.datetime:
    if not _MIN_MS <= ms < _MAX_MS:
        raise DateTextError(f"must be {RANGE_TEXT}, got epoch milliseconds {ms}")
    moment = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(milliseconds=ms)
    return moment.astimezone(offset) if offset is not None else moment


def _read(value: object) -> tuple[dt.datetime, dt.timezone | None]:
    """Return the wall-clock date-time written and its offset (None when none was written)."""
    if isinstance(value, bool):
        raise DateTextError("must be a date, not true/false")
    if isinstance(value, int):
        return _from_epoch_ms(value).replace(tzinfo=None), dt.UTC
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")) or not value.is_integer():
            raise DateTextError("must be whole epoch milliseconds")
        return _from_epoch_ms(int(value)).replace(tzinfo=None), dt.UTC
    if not isinstance(value, str):
        raise DateTextError("must be written as text or epoch milliseconds")
    text = value.strip()
    if len(text) > 100:
        raise DateTextError("is too long to be a date")
    if _EPOCH_MS.fullmatch(text):
        return _from_epoch_ms(int(text)).replace(tzinfo=None), dt.UTC
    if match := _DOTNET.fullmatch(text):
        zone = _offset(match.group("z"))
        moment = _from_epoch_ms(int(match.group("ms")), zone)
        return moment.replace(tzinfo=None), zone or dt.UTC
    if match := _ISO.fullmatch(text):
        wall = _wall(match, int(match.group("y")), int(match.group("m")), int(match.group("d")))
        return wall, _offset(match.group("z"))
    if match := _US.fullmatch(text):
        wall = _wall(match, int(match.group("y")), int(match.group("m")), int(match.group("d")))
        return wall, _offset(match.group("z"))
    if match := _JAVA.fullmatch(text):
        wall = _wall(match, int(match.group("y")), _month(match.group("mon")), int(match.group("d")))
        return wall, dt.UTC if match.group("zn").upper() in {"UTC", "GMT", "Z"} else None
    for pattern in (_JS, _UTC_STRING):
        if match := pattern.fullmatch(text):
            wall = _wall(match, int(match.group("y")), _month(match.group("mon")), int(match.group("d")))
            written = match.group("z")
            if written is not None:
                return wall, _offset(written)
            return wall, dt.UTC if re.search(r"\b(GMT|UTC)\b", text) else None
    raise DateTextError(f"must be {DATE_FORMATS_TEXT}, got {text[:40]!r}")


def parse_client_date(value: object) -> dt.date:
    """Return the calendar date a client wrote, in any of the forms of this module.

    Raises DateTextError (a ValueError) with a message for a person when it cannot.
    """
    if isinstance(value, dt.datetime):
        return _in_range(value.date())
    if isinstance(value, dt.date):
        return _in_range(value)
    wall, _zone = _read(value)
    return _in_range(wall.date())


def parse_client_datetime(value: object) -> dt.datetime:
    """Return the moment a client wrote, aware and in UTC (no offset written: UTC)."""
    if isinstance(value, dt.datetime):
        wall, zone = value.replace(tzinfo=None), value.tzinfo
    elif isinstance(value, dt.date):
        wall, zone = dt.datetime(value.year, value.month, value.day), dt.UTC
    else:
        try:
            wall, zone = _read(value)
        except DateTextError as exc:
            if str(exc).startswith("must be a date such as"):
                raise DateTextError(
                    f"must be {DATETIME_FORMATS_TEXT}, got {str(value).strip()[:40]!r}"
                ) from None
            raise
    # Range-check the wall time first: converting year 1 or 9999 to UTC is what overflows.
    _in_range(wall.date())
    moment = wall.replace(tzinfo=zone or dt.UTC).astimezone(dt.UTC)
    _in_range(moment.date())
    return moment
