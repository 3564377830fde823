"""When boxes may ship: the e-commerce calendar rules (pure, no database)."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from stemlink.inventory.rules import (
    ON_HAND_SHIP_DAYS,
    add_months,
    ecommerce_horizon,
    future_ship_dates,
    on_hand_ship_dates,
)

days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31))


def test_adding_a_month_keeps_the_day_or_takes_the_months_last():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2026, 11, 28), 2) == dt.date(2027, 1, 28)
    assert add_months(dt.date(2026, 12, 15), 12) == dt.date(2027, 12, 15)


@given(days, st.integers(min_value=0, max_value=36))
def test_adding_months_moves_forward_by_that_many_calendar_months(day, months):
    later = add_months(day, months)
    assert (later.year - day.year) * 12 + later.month - day.month == months
    assert later.day <= day.day and later >= day


def test_the_default_view_looks_two_months_ahead():
    assert ecommerce_horizon(dt.date(2026, 12, 31)) == dt.date(2027, 2, 28)


@given(days)
def test_on_hand_boxes_ship_from_today_for_a_week(today):
    first, last = on_hand_ship_dates(today)
    assert first == today and (last - first).days == ON_HAND_SHIP_DAYS - 1


@given(days, st.integers(-30, 30), st.integers(0, 30))
def test_future_lines_ship_within_their_dates_never_before_today(today, start_in, length):
    available_from = today + dt.timedelta(days=start_in)
    available_to = available_from + dt.timedelta(days=length)
    span = future_ship_dates(available_from, available_to, today)
    if available_to < today:
        assert span is None
    else:
        assert span == (max(available_from, today), available_to)
