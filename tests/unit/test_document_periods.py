"""Date rules of documents: list periods and standing-order truck dates."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stemlink.orders.periods import add_months, parse_weekdays, period_errors, truck_dates, weekday_names

D = dt.date


def test_add_months_clamps_to_the_end_of_a_short_month():
    assert add_months(D(2026, 8, 31), 6) == D(2027, 2, 28)
    assert add_months(D(2026, 1, 15), 6) == D(2026, 7, 15)
    assert add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)


def test_accepts_a_period_of_exactly_six_months():
    assert period_errors(D(2026, 1, 1), D(2026, 7, 1), from_field="f", to_field="t", max_months=6) == []


def test_refuses_a_period_one_day_longer_than_six_months():
    errors = period_errors(
        D(2026, 1, 1), D(2026, 7, 2), from_field="orderDateFrom", to_field="orderDateTo", max_months=6
    )
    assert [e.field for e in errors] == ["orderDateTo"]
    assert "at most 6 months" in errors[0].message
    assert "2026-07-01" in errors[0].message


def test_refuses_an_end_before_the_start():
    errors = period_errors(D(2026, 1, 5), D(2026, 1, 4), from_field="dateFrom", to_field="dateTo", max_days=4)
    assert errors[0].field == "dateTo"
    assert "on or after dateFrom" in errors[0].message


def test_four_day_cap_counts_days_between_the_ends():
    assert period_errors(D(2026, 1, 1), D(2026, 1, 5), from_field="f", to_field="t", max_days=4) == []
    assert period_errors(D(2026, 1, 1), D(2026, 1, 6), from_field="f", to_field="t", max_days=4)


def test_names_each_missing_end():
    errors = period_errors(None, None, from_field="dateFrom", to_field="dateTo")
    assert [e.field for e in errors] == ["dateFrom", "dateTo"]
    assert period_errors(None, None, from_field="a", to_field="b", required=False) == []
    assert [
        e.field for e in period_errors(D(2026, 1, 1), None, from_field="a", to_field="b", required=False)
    ] == ["b"]


def test_parse_weekdays_reads_names_abbreviations_and_any_case():
    assert parse_weekdays("Monday,Thursday") == (0, 3)
    assert parse_weekdays("thu, MON ,mon") == (0, 3)
    assert parse_weekdays("Sun Sat") == (5, 6)


@pytest.mark.parametrize("text", ["", " , ", "Funday", "Monday,Someday"])
def test_parse_weekdays_refuses_what_is_not_a_day(text):
    with pytest.raises(ValueError):
        parse_weekdays(text)


def test_weekday_names_lists_days_as_komet_does():
    assert weekday_names((3, 0)) == "Monday, Thursday"


def test_weekly_truck_dates_fall_on_the_chosen_days_inside_the_window():
    # 2026-06-01 is a Monday.
    dates = list(
        truck_dates(
            recurrence="weekly",
            weekdays=(0, 3),
            start=D(2026, 5, 1),
            end=None,
            window_from=D(2026, 6, 1),
            window_to=D(2026, 6, 8),
        )
    )
    assert dates == [D(2026, 6, 1), D(2026, 6, 4), D(2026, 6, 8)]


def test_truck_dates_respect_the_start_and_end_dates():
    dates = list(
        truck_dates(
            recurrence="weekly",
            weekdays=(0, 3),
            start=D(2026, 6, 2),
            end=D(2026, 6, 7),
            window_from=D(2026, 6, 1),
            window_to=D(2026, 6, 30),
        )
    )
    assert dates == [D(2026, 6, 4)]


def test_daily_truck_dates_are_every_day():
    dates = list(
        truck_dates(
            recurrence="daily",
            weekdays=(),
            start=D(2026, 6, 1),
            end=None,
            window_from=D(2026, 6, 1),
            window_to=D(2026, 6, 3),
        )
    )
    assert dates == [D(2026, 6, 1), D(2026, 6, 2), D(2026, 6, 3)]


def test_no_truck_dates_for_an_order_that_ended_before_the_window():
    assert not list(
        truck_dates(
            recurrence="weekly",
            weekdays=(0,),
            start=D(2026, 1, 1),
            end=D(2026, 2, 1),
            window_from=D(2026, 6, 1),
            window_to=D(2026, 6, 30),
        )
    )


dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31))


@given(dates, st.integers(min_value=0, max_value=400))
def test_a_period_is_accepted_exactly_when_its_end_is_within_the_cap(start, days):
    end = start + dt.timedelta(days=days)
    assert (period_errors(start, end, from_field="f", to_field="t", max_days=4) == []) == (days <= 4)
    within_six_months = end <= add_months(start, 6)
    assert (period_errors(start, end, from_field="f", to_field="t", max_months=6) == []) == within_six_months


@given(dates, st.integers(min_value=0, max_value=36))
def test_add_months_never_goes_backwards_and_keeps_the_day_when_it_can(start, months):
    later = add_months(start, months)
    assert later >= start
    assert (later.year - start.year) * 12 + later.month - start.month == months
    if start.day <= 28:
        assert later.day == start.day


@given(
    dates, st.integers(min_value=0, max_value=60), st.sets(st.integers(min_value=0, max_value=6), min_size=1)
)
def test_weekly_truck_dates_are_exactly_the_chosen_weekdays_in_the_window(start, span, weekdays):
    window_to = start + dt.timedelta(days=span)
    found = list(
        truck_dates(
            recurrence="weekly",
            weekdays=tuple(weekdays),
            start=start,
            end=None,
            window_from=start,
            window_to=window_to,
        )
    )
    expected = [
        start + dt.timedelta(days=n)
        for n in range(span + 1)
        if (start + dt.timedelta(days=n)).weekday() in weekdays
    ]
    assert found == expected
