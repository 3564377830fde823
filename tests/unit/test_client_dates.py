"""Dates as Komet clients write them (`stemlink.api.clientdates`): pure parsing, no database."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from stemlink.api.clientdates import (
    MAX_DATE,
    MIN_DATE,
    DateTextError,
    parse_client_date,
    parse_client_datetime,
)

DAYS = st.dates(min_value=MIN_DATE, max_value=MAX_DATE)
MOMENTS = st.datetimes(min_value=dt.datetime(1900, 1, 2), max_value=dt.datetime(2999, 12, 30, 23, 59, 59))
OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda m: dt.timezone(dt.timedelta(minutes=m))
)


def _offset_text(zone: dt.timezone, colon: bool = True) -> str:
    delta = zone.utcoffset(None)
    minutes = int(delta.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hh, mm = divmod(abs(minutes), 60)
    return f"{sign}{hh:02d}:{mm:02d}" if colon else f"{sign}{hh:02d}{mm:02d}"


def _js_to_string(moment: dt.datetime) -> str:
    """What JavaScript's Date.toString() prints for `moment` (aware, in its own zone)."""
    return (
        moment.strftime("%a %b %d %Y %H:%M:%S")
        + f" GMT{_offset_text(moment.tzinfo, colon=False)} (Zone Name)"
    )  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-30", dt.date(2026, 11, 30)),
        ("2026-11-30T00:00:00", dt.date(2026, 11, 30)),
        ("2026-11-30T00:00:00.000Z", dt.date(2026, 11, 30)),
        ("2026-11-30T00:00:00-05:00", dt.date(2026, 11, 30)),
        ("2026-11-30T00:00:00+01:00", dt.date(2026, 11, 30)),  # a local midnight stays its own day
        ("2026-11-30 23:59:59+1400", dt.date(2026, 11, 30)),
        ("11/30/2026", dt.date(2026, 11, 30)),
        ("1/5/2026", dt.date(2026, 1, 5)),
        ("11/30/2026 12:00:00 AM", dt.date(2026, 11, 30)),
        ("11/30/2026 11:59:59 PM", dt.date(2026, 11, 30)),
        ("Mon Nov 30 2026 00:00:00 GMT-0500 (Eastern Standard Time)", dt.date(2026, 11, 30)),
        ("Mon Nov 30 2026 00:00:00 GMT+0100 (Mitteleuropäische Normalzeit)", dt.date(2026, 11, 30)),
        ("Mon, 30 Nov 2026 05:00:00 GMT", dt.date(2026, 11, 30)),
        ("Mon Nov 30 00:00:00 EST 2026", dt.date(2026, 11, 30)),
        ("/Date(1796014800000)/", dt.date(2026, 11, 30)),
        ("/Date(1796014800000-0500)/", dt.date(2026, 11, 30)),
        ("1796014800000", dt.date(2026, 11, 30)),
        (1796014800000, dt.date(2026, 11, 30)),
        (1796014800000.0, dt.date(2026, 11, 30)),
        (dt.datetime(2026, 11, 30, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=5))), dt.date(2026, 11, 30)),
    ],
)
def test_a_date_is_read_as_the_client_wrote_it(text, expected):
    assert parse_client_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-30T00:00:00-05:00", dt.datetime(2026, 11, 30, 5, 0, tzinfo=dt.UTC)),
        ("2026-11-30 14:00:00", dt.datetime(2026, 11, 30, 14, 0, tzinfo=dt.UTC)),
        ("2026-11-30", dt.datetime(2026, 11, 30, 0, 0, tzinfo=dt.UTC)),
        ("11/30/2026 2:30:00 PM", dt.datetime(2026, 11, 30, 14, 30, tzinfo=dt.UTC)),
        (
            "Mon Nov 30 2026 00:00:00 GMT-0500 (Eastern Standard Time)",
            dt.datetime(2026, 11, 30, 5, tzinfo=dt.UTC),
        ),
        ("Mon, 30 Nov 2026 05:00:00 GMT", dt.datetime(2026, 11, 30, 5, tzinfo=dt.UTC)),
        ("1796014800000", dt.datetime(2026, 11, 30, 5, tzinfo=dt.UTC)),
        ("2026-11-30T05:00:00.123456Z", dt.datetime(2026, 11, 30, 5, 0, 0, 123456, tzinfo=dt.UTC)),
    ],
)
def test_a_date_time_is_the_moment_written_in_utc(text, expected):
    assert parse_client_datetime(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "9999-12-01",
        "9999-12-31T23:59:59-01:00",
        "0001-01-01",
        "0001-01-01T00:00:00+01:00",
        "1899-12-31",
        "3000-01-01",
        "12/31/9999",
        "-62135596800000",
        "253402300799999",
        "/Date(253402300799999)/",
    ],
)
def test_dates_the_arithmetic_or_the_database_cannot_hold_are_refused_with_the_range(text):
    with pytest.raises(DateTextError, match="between 1900-01-01 and 2999-12-31"):
        parse_client_date(text)
    with pytest.raises(DateTextError, match="between 1900-01-01 and 2999-12-31"):
        parse_client_datetime(text)


def test_a_utc_conversion_past_the_range_is_refused_not_overflowed():
    with pytest.raises(DateTextError):
        parse_client_datetime("2999-12-31T23:00:00-05:00")
    with pytest.raises(DateTextError):
        parse_client_datetime("1900-01-01T00:00:00+05:00")


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-30",
        "2026-13-01",
        "13/01/2026",
        "11/30/2026 13:00:00 PM",
        "2026-11-30T25:00:00",
        "2026-11-30T10:00:00+25:00",
        "Mon Foo 30 2026 00:00:00 GMT",
        "tomorrow",
        "２０２６-１１-３０",
        "2026-11-30\x00",
        "x" * 500,
        True,
        None,
        [],
        float("nan"),
        1.5,
    ],
)
def test_what_is_not_a_date_is_refused_with_a_message(text):
    with pytest.raises(DateTextError) as caught:
        parse_client_date(text)
    assert str(caught.value).startswith(("must", "has", "is"))


@given(DAYS)
@example(dt.date(1970, 1, 1))  # epoch milliseconds 0: as text, too short to be taken for milliseconds
@example(dt.date(1969, 12, 31))
@example(dt.date(1970, 1, 3))  # the first day whose milliseconds have the nine digits text needs
def test_every_day_round_trips_through_every_way_of_writing_it(day):
    midnight = dt.datetime(day.year, day.month, day.day)
    assert parse_client_date(day.isoformat()) == day
    assert parse_client_date(f"{day.month:02d}/{day.day:02d}/{day.year}") == day
    assert parse_client_date(f"{day.month}/{day.day}/{day.year} 12:00:00 AM") == day
    assert parse_client_date(midnight.strftime("%a, %d %b %Y 00:00:00 GMT")) == day
    ms = (
        int((midnight.replace(tzinfo=dt.UTC) - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)).total_seconds()) * 1000
    )
    assert parse_client_date(ms) == day
    if len(str(abs(ms))) >= 9:
        assert parse_client_date(str(ms)) == day
    else:
        # Epoch milliseconds written as text are taken from nine digits up (a shorter number could mean
        # anything else, 20261130 among them): the days within ~28 hours of 1970-01-01 are refused so.
        with pytest.raises(DateTextError):
            parse_client_date(str(ms))
    assert parse_client_date(f"/Date({ms})/") == day


@given(DAYS.filter(lambda d: MIN_DATE < d < MAX_DATE), OFFSETS)
def test_a_local_midnight_with_any_offset_is_its_own_calendar_date(day, zone):
    local = dt.datetime(day.year, day.month, day.day, tzinfo=zone)
    assert parse_client_date(local.isoformat()) == day
    assert parse_client_date(_js_to_string(local)) == day


@given(MOMENTS, OFFSETS)
def test_a_date_time_with_an_offset_is_the_same_moment_in_utc(moment, zone):
    aware = moment.replace(tzinfo=zone)
    assert parse_client_datetime(aware.isoformat()) == aware.astimezone(dt.UTC)
    assert parse_client_datetime(_js_to_string(aware.replace(microsecond=0))) == aware.replace(
        microsecond=0
    ).astimezone(dt.UTC)


@given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)), OFFSETS)
def test_no_date_from_year_1_to_9999_with_any_offset_raises_anything_but_a_date_text_error(day, zone):
    text = dt.datetime(day.year, day.month, day.day, tzinfo=zone).isoformat()
    for parse in (parse_client_date, parse_client_datetime):
        try:
            parsed = parse(text)
        except DateTextError:
            continue
        assert (
            MIN_DATE
            <= (
                parsed
                if isinstance(parsed, dt.date) and not isinstance(parsed, dt.datetime)
                else parsed.date()
            )
            <= MAX_DATE
        )
