import datetime as dt
from decimal import Decimal

from marketplace.shop import rules

TODAY = dt.date(2026, 11, 28)
DATES = [TODAY, TODAY + dt.timedelta(days=1)]


def test_a_line_within_stock_and_dates_has_no_problem():
    assert (
        rules.cart_line_problems(
            boxes=2, boxes_available=2, already_in_cart=0, ship_date=TODAY, ship_dates=DATES
        )
        == {}
    )


def test_boxes_must_be_a_positive_whole_number_within_stock():
    assert (
        "1 or more"
        in rules.cart_line_problems(
            boxes=0, boxes_available=5, already_in_cart=0, ship_date=TODAY, ship_dates=DATES
        )["boxes"]
    )
    assert rules.cart_line_problems(
        boxes=2, boxes_available=1, already_in_cart=0, ship_date=TODAY, ship_dates=DATES
    ) == {"boxes": "Only 1 box is available."}
    assert rules.cart_line_problems(
        boxes=3, boxes_available=5, already_in_cart=3, ship_date=TODAY, ship_dates=DATES
    ) == {"boxes": "Only 5 boxes are available and 3 are already in your cart: you can add at most 2."}


def test_the_ship_date_must_be_one_the_line_offers():
    problems = rules.cart_line_problems(
        boxes=1,
        boxes_available=5,
        already_in_cart=0,
        ship_date=TODAY + dt.timedelta(days=5),
        ship_dates=DATES,
    )
    assert (
        problems["ship_date"] == "This line ships from 2026-11-28 to 2026-11-29: choose a date in that range."
    )
    assert (
        "no ship date left"
        in rules.cart_line_problems(
            boxes=1, boxes_available=5, already_in_cart=0, ship_date=TODAY, ship_dates=[]
        )["ship_date"]
    )
    assert (
        "Choose a ship date"
        in rules.cart_line_problems(
            boxes=1, boxes_available=5, already_in_cart=0, ship_date=None, ship_dates=DATES
        )["ship_date"]
    )


def test_line_total_is_units_times_price_rounded_to_cents():
    assert rules.line_total(Decimal("0.555"), 250, 3) == Decimal("416.25")


def test_standing_orders_need_days_a_future_start_and_an_end_after_it():
    problems = rules.standing_order_problems(
        boxes=1,
        days=["Funday"],
        start_date=TODAY - dt.timedelta(days=1),
        end_date=TODAY - dt.timedelta(days=2),
        today=TODAY,
    )
    assert set(problems) == {"days", "start_date", "end_date"}
    assert (
        rules.standing_order_problems(boxes=1, days=["Monday"], start_date=TODAY, end_date=None, today=TODAY)
        == {}
    )
