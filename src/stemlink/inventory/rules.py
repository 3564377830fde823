"""Stock arithmetic: packs, and how many boxes a customer may still buy. No Django here."""

from __future__ import annotations

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
