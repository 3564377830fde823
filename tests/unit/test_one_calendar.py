"""One calendar: no code in src/stemlink works out a date from the clock or an instant itself.

"Today" and "what a day covers" are the company's (its time zone), and only
`stemlink.tenancy.calendar` says them. The UTC date taken directly (`date.today()`,
`timezone.now().date()`, `instant.astimezone(UTC).date()`, a day bucketed or started at UTC
midnight) is the bug of issue 21: at 23:30 in Miami it is already tomorrow. This test fails on any
such expression anywhere else, and proves it can fail by finding each pattern in a sample.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "stemlink"
THE_CALENDAR = SRC / "tenancy" / "calendar.py"

# Each pattern, with what it would compute.
FORBIDDEN = {
    r"\bdate\.today\(": "the machine's local date",
    r"\bdatetime\.today\(": "the machine's local date and time",
    r"\.now\([^)]*\)\.date\(\)": "the date of a clock reading, in UTC",
    r"\bnow\.date\(\)": "the UTC date of an instant",
    r"_(on|at)\.date\(\)": "the UTC date of a stored instant",
    r"\)\.date\(\)": "the UTC date of an instant worked out inline",
    r"\blocaldate\(": "Django's date in the server's zone, not the company's",
    r"\blocaltime\(\)": "Django's clock in the server's zone, not the company's",
    r"astimezone\((dt\.)?(UTC|timezone\.utc|datetime\.UTC)\)\.date\(\)": "the UTC date of an instant",
    r"combine\([^)]*tzinfo=(dt\.)?(UTC|timezone\.utc)": "a day starting at UTC midnight",
    r"Trunc(Date|Day)\((?![^)]*tzinfo=(?!(dt\.)?UTC))": "a day bucketed in UTC (give the company's zone)",
}
PATTERNS = {re.compile(p): why for p, why in FORBIDDEN.items()}


def _offences(text: str) -> list[str]:
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        code = line.split("#", 1)[0]
        for pattern, why in PATTERNS.items():
            if pattern.search(code):
                found.append(f"{number}: {line.strip()}  ({why})")
    return found


def test_no_code_outside_the_calendar_works_out_a_date_itself():
    offences = []
    for path in sorted(SRC.rglob("*.py")):
        if path == THE_CALENDAR or "migrations" in path.parts:
            continue
        offences += [f"{path.relative_to(SRC)}:{o}" for o in _offences(path.read_text(encoding="utf-8"))]
    assert not offences, (
        "Use stemlink.tenancy.calendar (today, date_of, day_start, day_range, quota_day) instead:\n"
        + "\n".join(offences)
    )


@pytest.mark.parametrize(
    "line",
    [
        "today = dt.date.today()",
        "today = datetime.today()",
        "today = timezone.now().date()",
        "today = dt.datetime.now(dt.UTC).date()",
        "today = now.date()",
        "day = invoice.created_on.date()",
        "day = order.expires_at.date()",
        "day = (now - dt.timedelta(days=7)).date()",
        "today = timezone.localdate()",
        "moment = timezone.localtime()",
        "day = now.astimezone(dt.UTC).date()",
        "day = moment.astimezone(timezone.utc).date()",
        "start = dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)",
        'rows.annotate(day=TruncDate("created_on", tzinfo=dt.UTC))',
        'rows.annotate(day=TruncDate("created_on"))',
        'rows.annotate(day=TruncDay("created_on"))',
    ],
)
def test_each_way_of_taking_the_utc_date_is_caught(line):
    assert _offences(line), line


@pytest.mark.parametrize(
    "line",
    [
        "today = calendar.today(company, now)",
        "start, end = calendar.day_range(company, first, last)",
        'rows.annotate(day=TruncDate("created_on", tzinfo=zone))',
        "day = calendar.date_of(company, invoice.created_on)",
        "stamp = timezone.now()",
    ],
)
def test_the_calendars_own_words_pass(line):
    assert not _offences(line), line


# Times told to people by the command line and the worker: a company's on its wall clock, named
# (`calendar.wall_clock`), a process's in UTC, labelled (`calendar.utc_clock`); never formatted by hand.
TOLD_BY = [SRC / "commands", SRC / "worker"]
HAND_FORMATTED_TIME = re.compile(r"%H:%M")


def _hand_formatted(text: str) -> list[str]:
    return [
        f"{number}: {line.strip()}"
        for number, line in enumerate(text.splitlines(), 1)
        if HAND_FORMATTED_TIME.search(line.split("#", 1)[0])
    ]


def test_commands_and_the_worker_tell_times_through_the_calendar():
    offences = []
    for folder in TOLD_BY:
        for path in sorted(folder.rglob("*.py")):
            if "migrations" in path.parts:
                continue
            offences += [
                f"{path.relative_to(SRC)}:{o}" for o in _hand_formatted(path.read_text(encoding="utf-8"))
            ]
    assert not offences, (
        "Tell a company's time with calendar.wall_clock(company, instant) and a process's with "
        "calendar.utc_clock(instant):\n" + "\n".join(offences)
    )
    assert _hand_formatted('state = f"PAUSED until {e.paused_until:%H:%M:%S} UTC"')
    assert not _hand_formatted('state = f"PAUSED until {calendar.wall_clock(company, e.paused_until)}"')
