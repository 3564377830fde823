"""Pure checks of what a florist asks for: cart lines, standing orders, totals."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def cart_line_problems(
    *,
    boxes: int,
    boxes_available: int,
    already_in_cart: int,
    ship_date: dt.date | None,
    ship_dates: list[dt.date],
) -> dict[str, str]:
    """Return what is wrong with a cart line, per field (empty when it may be ordered)."""
    problems: dict[str, str] = {}
    if boxes < 1:
        problems["boxes"] = "Enter a whole number of boxes, 1 or more."
    elif boxes + already_in_cart > boxes_available:
        left = boxes_available - already_in_cart
        problems["boxes"] = (
            f"Only {boxes_available} {'box is' if boxes_available == 1 else 'boxes are'} available"
            + (f" and {already_in_cart} are already in your cart" if already_in_cart else "")
            + (f": you can add at most {left}." if already_in_cart and left > 0 else ".")
        )
    if ship_date is None:
        problems["ship_date"] = "Choose a ship date."
    elif ship_date not in ship_dates:
        if ship_dates:
            problems["ship_date"] = (
                f"This line ships from {ship_dates[0]:%Y-%m-%d} to {ship_dates[-1]:%Y-%m-%d}: "
                "choose a date in that range."
            )
        else:
            problems["ship_date"] = "This line has no ship date left."
    return problems


def line_total(price_per_unit: Decimal, units_per_box: int, boxes: int) -> Decimal:
    """Return a line's amount: price per unit × units per box × boxes, rounded half-up to cents."""
    return (price_per_unit * units_per_box * boxes).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def standing_order_problems(
    *, boxes: int, days: list[str], start_date: dt.date | None, end_date: dt.date | None, today: dt.date
) -> dict[str, str]:
    """Return what is wrong with a weekly standing order request, per field."""
    problems: dict[str, str] = {}
    if boxes < 1:
        problems["boxes"] = "Enter a whole number of boxes, 1 or more."
    if not days:
        problems["days"] = "Choose at least one day of the week."
    elif any(day not in WEEKDAYS for day in days):
        problems["days"] = "Choose days from Monday to Sunday."
    if start_date is None:
        problems["start_date"] = "Choose the first week's date."
    elif start_date < today:
        problems["start_date"] = "The start date cannot be in the past."
    if start_date and end_date and end_date < start_date:
        problems["end_date"] = "The end date must be after the start date."
    return problems
