"""Pure decisions of purchasing: a purchase order's states and moves, what a receipt does.

No Django here (import-linter): plain values in, plain answers out, unit-tested without a database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

OPEN = "open"
CONFIRMED = "confirmed"
SHIPPED = "shipped"
RECEIVED = "received"
CANCELLED = "cancelled"
STATUSES = (OPEN, CONFIRMED, SHIPPED, RECEIVED, CANCELLED)

# Where a purchase order may go from each state. Open: sent to the grower, waiting for its word;
# confirmed by the grower (its lines are future inventory from then on); shipped (an air waybill
# is known); received (every line received or closed short); cancelled.
TRANSITIONS: dict[str, frozenset[str]] = {
    OPEN: frozenset({CONFIRMED, CANCELLED}),
    CONFIRMED: frozenset({SHIPPED, RECEIVED, CANCELLED}),
    SHIPPED: frozenset({RECEIVED, CANCELLED}),
    RECEIVED: frozenset(),
    CANCELLED: frozenset(),
}

# The states in which boxes may be received against the order.
RECEIVABLE = frozenset({CONFIRMED, SHIPPED})

# Komet's names of the states (purchase.order.list answers and filters by them).
KOMET_NAMES = {
    OPEN: "Approved",
    CONFIRMED: "Confirmed by Farm",
    SHIPPED: "Shipped",
    RECEIVED: "Received",
    CANCELLED: "Cancelled",
}
# What a client may send as `status`: our codes, Komet's names (any case), and "Pending Approval",
# which Stemlink has no separate state for (an order is sent to the grower as soon as it is made).
_STATUS_WORDS = {
    **{code: code for code in STATUSES},
    **{name.lower(): code for code, name in KOMET_NAMES.items()},
    "pending approval": OPEN,
    "canceled": CANCELLED,
}

# How long future boxes of a confirmed line stay on sale after they are due to arrive.
FUTURE_SALE_DAYS = 6
MAX_LIST_DAYS = 183  # purchase.order.list: at most 6 months of ship dates
MAX_ACCOUNTING_DAYS = 31  # invoice.accounting.details.list


def can_move(current: str, target: str) -> bool:
    """Tell whether a purchase order in state `current` may move to `target`."""
    return target in TRANSITIONS.get(current, frozenset())


def move_problem(current: str, target: str) -> str | None:
    """Why an order in `current` cannot move to `target` (None when it can), said for a person."""
    if can_move(current, target):
        return None
    allowed = sorted(TRANSITIONS.get(current, frozenset()))
    if not allowed:
        return f"the purchase order is {current}; it cannot change any more"
    return f"the purchase order is {current}; it can only become {' or '.join(allowed)}, not {target}"


def status_code(text: str) -> str | None:
    """Our state code for what a client sent (`confirmed`, `Confirmed by Farm`…), None if unknown."""
    return _STATUS_WORDS.get((text or "").strip().lower())


def sale_window(arrival: dt.date) -> tuple[dt.date, dt.date]:
    """The days future boxes arriving on `arrival` are offered for: from arrival, for a week."""
    return arrival, arrival + dt.timedelta(days=FUTURE_SALE_DAYS)


def range_problem(date_from: dt.date, date_to: dt.date, max_days: int) -> str | None:
    """Why a date range is unusable (None when fine): reversed, or longer than `max_days`."""
    if date_to < date_from:
        return "must not be before the start of the range"
    if (date_to - date_from).days > max_days:
        return f"the range may cover at most {max_days} days"
    return None


@dataclass(frozen=True)
class FutureCounts:
    """A future line's boxes still to arrive, held in carts and sold (to prebooks)."""

    boxes: int
    held: int
    sold: int


@dataclass(frozen=True)
class ReceiptPlan:
    """What receiving boxes of a purchase-order line does.

    `covers`: (prebook line, boxes) the received boxes go to, in the order the prebooks were made;
    `uncovered`: (prebook line, boxes) a closed short line leaves without boxes (the rep must act);
    `future_boxes`/`future_sold`: the future line's new counts; `shortage`: boxes ordered that will
    never come (only when the line is closed); `extra`: boxes received beyond those ordered.
    """

    received: int
    covers: tuple[tuple[int, int], ...]
    uncovered: tuple[tuple[int, int], ...]
    future_boxes: int
    future_sold: int
    shortage: int
    extra: int

    @property
    def covered(self) -> int:
        return sum(boxes for _, boxes in self.covers)


def plan_receipt(
    *,
    ordered: int,
    received_before: int,
    received: int,
    close: bool,
    future: FutureCounts | None,
    claims: Sequence[tuple[int, int]],
) -> ReceiptPlan:
    """Decide what receiving `received` boxes of a line does (`close`: no more will come).

    `claims` are the prebook lines drawing on the line's future boxes and the boxes of each not yet
    covered by an earlier receipt, oldest first. Received boxes cover them in that order; what is
    left is open market. Closing a line short leaves the claims it cannot cover uncovered and takes
    them off the future line, which from then on offers nothing.
    """
    if received < 0:
        raise ValueError("received boxes cannot be negative")
    left = received
    covers: list[tuple[int, int]] = []
    uncovered: list[tuple[int, int]] = []
    for item_id, boxes in claims:
        take = min(left, boxes)
        if take:
            covers.append((item_id, take))
            left -= take
        if close and boxes - take:
            uncovered.append((item_id, boxes - take))
    covered = received - left
    remaining = max(ordered - received_before, 0)
    shortage = max(remaining - received, 0) if close else 0
    extra = max(received - remaining, 0)
    if future is None:
        future_boxes = future_sold = 0
    else:
        future_sold = max(future.sold - covered - sum(b for _, b in uncovered), 0)
        if close:
            future_boxes = future.held + future_sold
        else:
            future_boxes = max(future.boxes - received, future.held + future_sold)
    return ReceiptPlan(
        received=received,
        covers=tuple(covers),
        uncovered=tuple(uncovered),
        future_boxes=future_boxes,
        future_sold=future_sold,
        shortage=shortage,
        extra=extra,
    )


def holds_to_release(*, future: FutureCounts, received: int, close: bool, sold_after: int) -> int:
    """How many boxes carts hold on a future line that a receipt leaves nothing to come for.

    The future line keeps what is still to arrive (`future.boxes - received`, nothing once the
    line is closed). The prebook lines drawing on it (`sold_after`, once the receipt covered what
    it could) come first; carts keep their holds within what is left, and the rest must be
    released: those boxes are on hand now, not future, and a cart checking them out as a prebook
    would draw on boxes nobody will receive.
    """
    to_come = 0 if close else max(future.boxes - received, 0)
    room = max(to_come - sold_after, 0)
    return max(future.held - room, 0)


def box_codes(order_number: int, item_id: int, first: int, count: int) -> list[str]:
    """The labels of boxes received on a line: `PO<number>-<line>-<n>`, numbered on from `first`."""
    return [f"PO{order_number}-{item_id}-{n}" for n in range(first, first + count)]


BOX_CODE_MAX = 40


def box_code_problem(code: str) -> str | None:
    """Why a new box code cannot be used (None when it can)."""
    text = (code or "").strip()
    if not text:
        return "give the new box code"
    if len(text) > BOX_CODE_MAX:
        return f"must be at most {BOX_CODE_MAX} characters"
    return None
