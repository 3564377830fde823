"""Each company's own day (stemlink.tenancy.calendar): pure, no database, instants passed in."""

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stemlink.tenancy import calendar

UTC = dt.UTC
MIAMI, AMSTERDAM, BOGOTA = "America/New_York", "Europe/Amsterdam", "America/Bogota"
KIRITIMATI, PAGO_PAGO = "Pacific/Kiritimati", "Pacific/Pago_Pago"  # UTC+14 and UTC−11


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


# --- Minutes around local and UTC midnight ---------------------------------------------------------


@pytest.mark.parametrize(
    ("instant", "zone", "day"),
    [
        # Miami in winter is UTC−5: its midnight is 05:00 UTC.
        ("2026-11-30T04:30", MIAMI, "2026-11-29"),  # 23:30 Sunday in Miami, Monday in UTC
        ("2026-11-30T04:59:59", MIAMI, "2026-11-29"),
        ("2026-11-30T05:00", MIAMI, "2026-11-30"),
        ("2026-11-29T23:59", MIAMI, "2026-11-29"),  # a minute before UTC midnight
        ("2026-11-30T00:01", MIAMI, "2026-11-29"),  # a minute after it: still Sunday in Miami
        # Amsterdam in winter is UTC+1: its midnight is 23:00 UTC the day before.
        ("2026-11-29T23:30", AMSTERDAM, "2026-11-30"),  # 00:30 Monday in Amsterdam
        ("2026-11-29T22:59:59", AMSTERDAM, "2026-11-29"),
        ("2026-11-29T23:00", AMSTERDAM, "2026-11-30"),
        ("2026-11-30T00:01", AMSTERDAM, "2026-11-30"),
        # Bogotá is UTC−5 all year.
        ("2026-07-01T04:59", BOGOTA, "2026-06-30"),
        ("2026-07-01T05:00", BOGOTA, "2026-07-01"),
        # The zones at the ends: +14 is a day ahead of −11 for ten hours of every day.
        ("2026-11-29T09:59", KIRITIMATI, "2026-11-29"),
        ("2026-11-29T10:00", KIRITIMATI, "2026-11-30"),
        ("2026-11-30T10:59", PAGO_PAGO, "2026-11-29"),
        ("2026-11-30T11:00", PAGO_PAGO, "2026-11-30"),
        ("2026-11-30T00:00", "UTC", "2026-11-30"),
    ],
)
def test_today_is_the_date_on_the_companys_wall_clock(instant, zone, day):
    assert calendar.today(zone, at(instant)) == dt.date.fromisoformat(day)


def test_at_the_same_instant_two_companies_can_be_two_days_apart():
    now = at("2026-11-29T10:30")
    assert calendar.today(KIRITIMATI, now) == dt.date(2026, 11, 30)
    assert calendar.today(PAGO_PAGO, now) == dt.date(2026, 11, 28)
    assert calendar.today_span(now) == (dt.date(2026, 11, 28), dt.date(2026, 11, 30))


def test_a_naive_instant_is_refused_rather_than_guessed():
    with pytest.raises(ValueError, match="aware"):
        calendar.today(MIAMI, dt.datetime(2026, 11, 30, 4, 30))


def test_an_unknown_zone_reads_as_utc_rather_than_failing():
    assert calendar.today("Mars/Olympus_Mons", at("2026-11-30T04:30")) == dt.date(2026, 11, 30)
    assert calendar.today("", at("2026-11-30T04:30")) == dt.date(2026, 11, 30)


def test_a_company_object_is_read_by_its_time_zone():
    class Company:
        time_zone = MIAMI

    assert calendar.today(Company(), at("2026-11-30T04:30")) == dt.date(2026, 11, 29)
    assert calendar.zone_name(Company()) == MIAMI


# --- What instants a date covers --------------------------------------------------------------------


def test_a_day_in_miami_runs_from_its_midnight_to_the_next():
    assert calendar.day_range(MIAMI, dt.date(2026, 11, 29)) == (
        at("2026-11-29T05:00"),
        at("2026-11-30T05:00"),
    )
    assert calendar.day_range(AMSTERDAM, dt.date(2026, 11, 30)) == (
        at("2026-11-29T23:00"),
        at("2026-11-30T23:00"),
    )
    assert calendar.day_range(MIAMI, dt.date(2026, 11, 1), dt.date(2026, 11, 30)) == (
        at("2026-11-01T04:00"),  # still summer time on the 1st at midnight
        at("2026-12-01T05:00"),
    )


@pytest.mark.parametrize(
    ("zone", "day", "hours"),
    [
        (MIAMI, "2026-03-08", 23),  # clocks go forward at 02:00
        (MIAMI, "2026-11-01", 25),  # and back at 02:00
        (AMSTERDAM, "2026-03-29", 23),
        (AMSTERDAM, "2026-10-25", 25),
        (MIAMI, "2026-03-09", 24),
        (BOGOTA, "2026-03-08", 24),
        (KIRITIMATI, "2026-03-08", 24),
        (PAGO_PAGO, "2026-03-08", 24),
    ],
)
def test_the_days_the_clocks_change_are_23_or_25_hours_long(zone, day, hours):
    start, end = calendar.day_range(zone, dt.date.fromisoformat(day))
    assert end - start == dt.timedelta(hours=hours)


def test_the_minutes_around_a_clock_change_fall_on_the_right_day():
    # Miami, 8 March 2026: 01:59 EST is followed by 03:00 EDT; the day is still the 8th.
    assert calendar.today(MIAMI, at("2026-03-08T06:59")) == dt.date(2026, 3, 8)
    assert calendar.today(MIAMI, at("2026-03-08T07:00")) == dt.date(2026, 3, 8)
    # Midnight after the change is 04:00 UTC, no longer 05:00.
    assert calendar.today(MIAMI, at("2026-03-09T03:59")) == dt.date(2026, 3, 8)
    assert calendar.today(MIAMI, at("2026-03-09T04:00")) == dt.date(2026, 3, 9)
    # Amsterdam, 25 October 2026: 02:00–03:00 happens twice; midnight after it is 23:00 UTC.
    assert calendar.today(AMSTERDAM, at("2026-10-25T22:59")) == dt.date(2026, 10, 25)
    assert calendar.today(AMSTERDAM, at("2026-10-25T23:00")) == dt.date(2026, 10, 26)


def test_a_midnight_the_clocks_skip_starts_the_day_at_the_jump():
    # Santiago jumps from 00:00 to 01:00 on 6 September 2026: the day starts at 01:00 (04:00 UTC).
    start, end = calendar.day_range("America/Santiago", dt.date(2026, 9, 6))
    assert start == at("2026-09-06T04:00") and end - start == dt.timedelta(hours=23)
    # Apia skipped 30 December 2011 whole: that day covers nothing, the 29th ends where the 31st begins.
    skipped = calendar.day_range("Pacific/Apia", dt.date(2011, 12, 30))
    assert skipped[0] == skipped[1]
    assert calendar.day_range("Pacific/Apia", dt.date(2011, 12, 29))[1] == skipped[0]


# --- The quota's day is UTC's, on purpose -----------------------------------------------------------


def test_the_quota_counts_utc_days_and_resets_at_utc_midnight():
    assert calendar.quota_day(at("2026-11-30T04:30")) == dt.date(2026, 11, 30)
    assert calendar.quota_resets_at(at("2026-11-30T04:30")) == at("2026-12-01T00:00")
    assert calendar.quota_resets_at(at("2026-11-30T23:59:59")) == at("2026-12-01T00:00")
    assert calendar.quota_resets_at(at("2026-12-01T00:00")) == at("2026-12-02T00:00")


# --- Properties over instants and zones -------------------------------------------------------------

ZONES = sorted(zoneinfo.available_timezones() - {"localtime", "posixrules", "Factory"})
instants = st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2060, 12, 31)).map(
    lambda d: d.replace(tzinfo=UTC)
)
zones = st.sampled_from(ZONES) | st.sampled_from(
    [MIAMI, AMSTERDAM, BOGOTA, KIRITIMATI, PAGO_PAGO, "Africa/Nairobi"]
)


@settings(max_examples=400)
@given(instants, zones)
def test_a_companys_today_is_always_the_date_its_wall_clock_shows(instant, zone):
    tz = zoneinfo.ZoneInfo(zone)
    # Worked out independently: UTC plus the zone's offset at that instant.
    wall = (instant + tz.utcoffset(instant.astimezone(tz))).replace(tzinfo=None)
    day = calendar.today(zone, instant)
    assert day == wall.date()
    low, high = calendar.today_span(instant)
    assert low <= day <= high


@settings(max_examples=400)
@given(instants, zones)
def test_every_instant_lies_in_the_range_of_its_companys_day(instant, zone):
    day = calendar.today(zone, instant)
    start, end = calendar.day_range(zone, day)
    assert start <= instant < end
    # The second before the day's start shows an earlier date.
    assert calendar.date_of(zone, start - dt.timedelta(seconds=1)) < day
    assert calendar.date_of(zone, start) == day


def test_a_time_for_a_company_is_its_wall_clock_with_the_zone_named():
    instant = dt.datetime(2026, 11, 30, 4, 38, 5, tzinfo=dt.UTC)
    assert calendar.wall_clock("America/New_York", instant) == "2026-11-29 23:38:05 America/New_York"
    assert (
        calendar.wall_clock("Europe/Amsterdam", instant, seconds=False) == "2026-11-30 05:38 Europe/Amsterdam"
    )
    assert calendar.wall_clock("America/Bogota", instant) == "2026-11-29 23:38:05 America/Bogota"


def test_a_time_for_no_one_company_is_utc_and_says_so():
    instant = dt.datetime(2026, 11, 29, 23, 38, 5, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
    assert calendar.utc_clock(instant) == "2026-11-30 04:38:05 UTC"
    assert calendar.utc_clock(instant, seconds=False) == "2026-11-30 04:38 UTC"
    with pytest.raises(ValueError, match="aware"):
        calendar.utc_clock(dt.datetime(2026, 11, 30, 4, 38))
