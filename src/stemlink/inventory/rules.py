"""Stock arithmetic: packs, and how many boxes a customer may still buy. No Django here."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Literal

UnitTypeName = Literal["Stem", "Bunch"]


def units_per_box(unit_type: UnitTypeName, bunches: int, stems_bunch: int) -> int:
    """Return the units in one box: stems for a Stem line, bunches for a Bunch line.

    Raises ValueError for a pack that has no bunches or no stems.
    """
    if bunches < 1 or stems_bunch < 1:
        raise ValueError("a box holds at least one bunch of at least one stem")
    return bunches * stems_bunch if unit_type == "Stem" else bunches


def total_units(unit_type: UnitTypeName, bunches: int, stems_bunch: int, boxes: int) -> int:
    """Return the units in a number of boxes of this pack."""
    return units_per_box(unit_type, bunches, stems_bunch) * boxes


def total_stems(bunches: int, stems_bunch: int, boxes: int) -> int:
    """Return the stems in a number of boxes, whatever the unit type."""
    return bunches * stems_bunch * boxes


@dataclass(frozen=True)
class StockCounts:
    on_hand: int
    held: int
    sold: int
    reserved_for: int | None = None


def boxes_free(stock: StockCounts) -> int:
    """Return boxes neither held in a cart nor sold (never below zero)."""
    return max(stock.on_hand - stock.held - stock.sold, 0)


def boxes_available_to(stock: StockCounts, customer_id: int | None, *, reserved_view: bool = False) -> int:
    """Return boxes this customer may buy now.

    A line reserved for a customer is offered to that customer only, and only in its reserved view;
    an unreserved line is offered to everyone in the ordinary view.
    """
    if reserved_view:
        visible = stock.reserved_for is not None and stock.reserved_for == customer_id
    else:
        visible = stock.reserved_for is None
    return boxes_free(stock) if visible else 0


# --- when a line may be bought (the e-commerce calendar) ---------------------------------------

# On-hand boxes are in the cooler: they ship from today, for a week (cut flowers keep about that long).
ON_HAND_SHIP_DAYS = 7
# With no date asked for, the e-commerce view offers what is on hand and what arrives within two months.
ECOMMERCE_MONTHS_AHEAD = 2


def add_months(day: dt.date, months: int) -> dt.date:
    """Return the same day `months` later, or that month's last day (Jan 31 + 1 month = Feb 28)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def ecommerce_horizon(today: dt.date) -> dt.date:
    """Return the last day the default e-commerce view looks ahead to."""
    return add_months(today, ECOMMERCE_MONTHS_AHEAD)


def on_hand_ship_dates(today: dt.date) -> tuple[dt.date, dt.date]:
    """Return the first and last day on-hand boxes may ship on."""
    return today, today + dt.timedelta(days=ON_HAND_SHIP_DAYS - 1)


def future_ship_dates(
    available_from: dt.date, available_to: dt.date, today: dt.date
) -> tuple[dt.date, dt.date] | None:
    """Return the days a future line may ship on from today on, or None when its dates are past."""
    first = max(available_from, today)
    if first > available_to:
        return None
    return first, available_to


def inventory_changed_data(
    origin: int, line_id: int, free_boxes: int, reason: str, updated_on: dt.datetime
) -> dict[str, object]:
    """Return the `data` of an `inventory.changed` webhook: one shape whatever changed the line.

    `inventoryIds` is the line id as the e-commerce view writes it, so a partner can match the
    event to the offer it holds; `quantity` is the boxes still free for anyone allowed to see the line.
    """
    return {
        "inventoryOrigin": origin,
        "inventoryId": line_id,
        "inventoryIds": str(line_id),
        "quantity": max(free_boxes, 0),
        "reason": reason,
        "updatedOn": updated_on.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S"),
    }
