"""Atomic stock operations on on-hand (origin 1) and future (origin 2) lines.

Every operation is ONE conditional UPDATE whose WHERE clause carries the stock check
(`… AND on_hand - held - sold >= n`), and the row count decides: two buyers of the last box run
the same statement, the database serialises them on the row, and the second one's condition no
longer holds, so it changes nothing and is told how many boxes are left. No read-then-write
window exists, on SQLite or PostgreSQL. The check constraints of the tables are the last guard.

Each change moves the line's `updated_on` (the delta feed's clock) and records an
`inventory.changed` event in the caller's transaction. Operations over several lines apply them
in (origin, id) order so that two transactions touching the same lines never deadlock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from stemlink.errors import InvalidState, NotAvailable, NotFound
from stemlink.integrations.services import record_events
from stemlink.inventory.models import FutureLine, InventoryLine
from stemlink.inventory.rules import inventory_changed_data

ON_HAND = 1
FUTURE = 2

# The SET and guard clauses of the operations over several lines ({total} is the line's boxes column).
_RELEASE = "boxes_held = boxes_held - %s"
_SELL_HELD = "boxes_held = boxes_held - %s, boxes_sold = boxes_sold + %s"
_RETURN = "boxes_sold = boxes_sold - %s"
_HELD_GUARD = "boxes_held >= %s"
_SOLD_GUARD = "boxes_sold >= %s"


@dataclass(frozen=True)
class LineStock:
    """A line's counts right after an operation."""

    origin: int
    line_id: int
    company_id: int
    reserved_for_id: int | None
    total: int
    held: int
    sold: int

    @property
    def free(self) -> int:
        return max(self.total - self.held - self.sold, 0)


@dataclass(frozen=True)
class StockMove:
    """Boxes of one line, for the operations over many lines."""

    origin: int
    line_id: int
    boxes: int


def _table(origin: int) -> tuple[str, str]:
    """Return the quoted table and the column holding the line's boxes."""
    if origin == ON_HAND:
        return connection.ops.quote_name(InventoryLine._meta.db_table), "boxes_on_hand"
    if origin == FUTURE:
        return connection.ops.quote_name(FutureLine._meta.db_table), "boxes"
    raise ValueError(f"inventory origin must be 1 (on hand) or 2 (future), not {origin!r}")


def _update(
    origin: int,
    line_id: int,
    company_id: int | None,
    set_sql: str,
    guard_sql: str,
    boxes: int,
    now: dt.datetime,
) -> LineStock | None:
    """Run one conditional UPDATE … RETURNING; None when the guard refused (or no such line)."""
    table, total_col = _table(origin)
    set_clause = set_sql.format(total=total_col)
    guard = guard_sql.format(total=total_col)
    company_clause = " AND company_id = %s" if company_id is not None else ""
    sql = (
        f"UPDATE {table} SET {set_clause}, updated_on = %s "  # noqa: S608 -- conditional stock update with RETURNING (race-safe)
        f"WHERE id = %s{company_clause} AND {guard} "
        f"RETURNING company_id, reserved_for_id, {total_col}, boxes_held, boxes_sold"
    )
    params: list[Any] = [boxes] * set_clause.count("%s")
    params += [connection.ops.adapt_datetimefield_value(now), line_id]
    if company_id is not None:
        params.append(company_id)
    params += [boxes] * guard.count("%s")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    return LineStock(origin, line_id, int(row[0]), row[1], int(row[2]), int(row[3]), int(row[4]))


def line_stock(origin: int, line_id: int, company_id: int | None = None) -> LineStock:
    """Read a line's counts. Raises NotFound when there is no such line (of that company)."""
    model = InventoryLine if origin == ON_HAND else FutureLine
    _table(origin)
    total_field = "boxes_on_hand" if origin == ON_HAND else "boxes"
    rows = model.objects.filter(id=line_id)
    if company_id is not None:
        rows = rows.filter(company_id=company_id)
    found = rows.values_list("company_id", "reserved_for_id", total_field, "boxes_held", "boxes_sold").first()
    if found is None:
        kind = "on-hand" if origin == ON_HAND else "future"
        raise NotFound(f"There is no {kind} inventory line {line_id}.")
    return LineStock(origin, line_id, found[0], found[1], found[2], found[3], found[4])


def _change(
    reason: str,
    origin: int,
    line_id: int,
    boxes: int,
    set_sql: str,
    guard_sql: str,
    company_id: int | None,
) -> LineStock:
    return _change_lines(reason, [StockMove(origin, line_id, boxes)], set_sql, guard_sql, company_id)[0]


def _whole_boxes(boxes: Any) -> bool:
    return not isinstance(boxes, bool) and isinstance(boxes, int) and boxes >= 1


Event = tuple[str, dict, int | None]


def _change_lines(
    reason: str,
    moves: list[StockMove],
    set_sql: str,
    guard_sql: str,
    company_id: int | None,
    events_into: list[Event] | None = None,
) -> list[LineStock]:
    """Apply one operation to lines in the order given, then record their events in one batch.

    Stops at the first line whose guard refuses: the lines before it stay changed, with their
    events, and the refusal is raised (the caller's transaction decides what is kept). With
    `events_into` (lines of one company, `company_id` given) the events are appended to that list
    instead, for the caller to record with its own in one batch.
    """
    if events_into is not None and company_id is None:
        raise ValueError("events_into needs company_id: the caller records them as its company's")
    changed: list[LineStock] = []
    refused: StockMove | None = None
    invalid: StockMove | None = None
    now = timezone.now()
    # No savepoint: nothing below fails half-way at the database level, and the refusals are
    # raised after the block so they never poison the caller's transaction.
    with transaction.atomic(savepoint=False):
        for move in moves:
            if not _whole_boxes(move.boxes):
                invalid = move
                break
            stock = _update(move.origin, move.line_id, company_id, set_sql, guard_sql, move.boxes, now)
            if stock is None:
                refused = move
                break
            changed.append(stock)
        if events_into is not None:
            events_into.extend(_events(changed, reason, now))
        else:
            _record_changes(changed, reason, now)
    if invalid is not None:
        raise ValueError(f"boxes must be a whole number greater than 0, not {invalid.boxes!r}")
    if refused is not None:
        current = line_stock(refused.origin, refused.line_id, company_id)
        _refuse(reason, current, refused.boxes)
    return changed


def _events(changed: list[LineStock], reason: str, now: dt.datetime) -> list[Event]:
    return [
        (
            "inventory.changed",
            inventory_changed_data(stock.origin, stock.line_id, stock.free, reason, now),
            stock.reserved_for_id,
        )
        for stock in changed
    ]


def _record_changes(changed: list[LineStock], reason: str, now: dt.datetime) -> None:
    by_company: dict[int, list[LineStock]] = {}
    for stock in changed:
        by_company.setdefault(stock.company_id, []).append(stock)
    for company, stocks in by_company.items():
        record_events(company, _events(stocks, reason, now))


def _refuse(reason: str, current: LineStock, boxes: int) -> LineStock:
    if reason in ("hold", "sale"):
        left = current.free
        raise NotAvailable(
            f"Only {left} box(es) of this line are available; {boxes} were asked for."
            if left
            else "This line has no boxes available any more.",
            left,
        )
    if reason == "release" or reason == "held_sale":
        raise InvalidState(
            f"Only {current.held} box(es) of line {current.line_id} are held; cannot take {boxes}."
        )
    raise InvalidState(
        f"Only {current.sold} box(es) of line {current.line_id} are sold; cannot return {boxes}."
    )


def hold_boxes(origin: int, line_id: int, boxes: int, *, company_id: int | None = None) -> LineStock:
    """Hold boxes of a line for a cart.

    Raises NotAvailable with the boxes left when fewer are free, NotFound for an unknown line.
    """
    return _change(
        "hold",
        origin,
        line_id,
        boxes,
        "boxes_held = boxes_held + %s",
        "{total} - boxes_held - boxes_sold >= %s",
        company_id,
    )


def release_held_boxes(origin: int, line_id: int, boxes: int, *, company_id: int | None = None) -> LineStock:
    """Give held boxes back to the market. Raises InvalidState if fewer are held."""
    return _change("release", origin, line_id, boxes, _RELEASE, _HELD_GUARD, company_id)


def sell_held_boxes(origin: int, line_id: int, boxes: int, *, company_id: int | None = None) -> LineStock:
    """Turn held boxes into sold ones (checkout). Raises InvalidState if fewer are held."""
    return _change("held_sale", origin, line_id, boxes, _SELL_HELD, _HELD_GUARD, company_id)


def sell_boxes(origin: int, line_id: int, boxes: int, *, company_id: int | None = None) -> LineStock:
    """Sell free boxes directly, without a hold (an invoice typed in by a sales rep).

    Raises NotAvailable with the boxes left when fewer are free, NotFound for an unknown line.
    """
    return _change(
        "sale",
        origin,
        line_id,
        boxes,
        "boxes_sold = boxes_sold + %s",
        "{total} - boxes_held - boxes_sold >= %s",
        company_id,
    )


def return_sold_boxes(origin: int, line_id: int, boxes: int, *, company_id: int | None = None) -> LineStock:
    """Put sold boxes back on the open market (a void). Raises InvalidState if fewer are sold."""
    return _change("return", origin, line_id, boxes, _RETURN, _SOLD_GUARD, company_id)


def in_lock_order(moves: Iterable[StockMove]) -> list[StockMove]:
    """Merge moves of the same line and sort them by (origin, id): the one order rows are locked in."""
    merged: dict[tuple[int, int], int] = {}
    for move in moves:
        key = (move.origin, move.line_id)
        merged[key] = merged.get(key, 0) + move.boxes
    return [StockMove(origin, line_id, boxes) for (origin, line_id), boxes in sorted(merged.items())]


def sell_held_lines(
    moves: Iterable[StockMove], *, company_id: int | None = None, events_into: list[Event] | None = None
) -> list[LineStock]:
    """Sell the held boxes of several lines, in lock order. Raises as `sell_held_boxes`.

    With `events_into` (and `company_id`) the `inventory.changed` events are appended to that list
    for the caller to record with its own events in one batch (checkout: one outbox write).
    """
    return _change_lines("held_sale", in_lock_order(moves), _SELL_HELD, _HELD_GUARD, company_id, events_into)


def release_held_lines(moves: Iterable[StockMove], *, company_id: int | None = None) -> list[LineStock]:
    """Release the held boxes of several lines, in lock order. Raises as `release_held_boxes`."""
    return _change_lines("release", in_lock_order(moves), _RELEASE, _HELD_GUARD, company_id)


def return_sold_lines(moves: Iterable[StockMove], *, company_id: int | None = None) -> list[LineStock]:
    """Return the sold boxes of several lines, in lock order. Raises as `return_sold_boxes`."""
    return _change_lines("return", in_lock_order(moves), _RETURN, _SOLD_GUARD, company_id)
