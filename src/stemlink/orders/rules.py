"""Order decisions as plain functions: status transitions, line totals, the transaction fee, dates.

No Django here. Services feed these plain values and act on the answers; the status codes are
the same integers the models store and the API speaks.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from stemlink.errors import FieldError, InvalidState, ValidationFailed

CENT = Decimal("0.01")
DEFAULT_FEE_PERCENT = Decimal("1.50")


def round_money(amount: Decimal) -> Decimal:
    """Round to the cent, half a cent going up (0.125 -> 0.13, -0.125 -> -0.13)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------------------------
# Invoice statuses: one table decides every move.
# --------------------------------------------------------------------------------------------


class InvoiceState(enum.IntEnum):
    """Komet's invoice status codes."""

    PENDING = 0
    CONFIRMED = 1
    DRAFT = 2
    VOIDED = 4

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]


_STATE_LABELS = {
    InvoiceState.PENDING: "Pending Approval",
    InvoiceState.CONFIRMED: "Confirmed",
    InvoiceState.DRAFT: "Draft",
    InvoiceState.VOIDED: "Voided",
}


class InvoiceAction(enum.StrEnum):
    CHECKOUT = "checkout"
    CONFIRM = "confirm"
    VOID = "void"


# (action, from) -> to. Draft → Pending Approval → Confirmed; Draft or Pending → Voided.
INVOICE_TRANSITIONS: dict[tuple[InvoiceAction, InvoiceState], InvoiceState] = {
    (InvoiceAction.CHECKOUT, InvoiceState.DRAFT): InvoiceState.PENDING,
    (InvoiceAction.CONFIRM, InvoiceState.DRAFT): InvoiceState.CONFIRMED,
    (InvoiceAction.CONFIRM, InvoiceState.PENDING): InvoiceState.CONFIRMED,
    (InvoiceAction.VOID, InvoiceState.DRAFT): InvoiceState.VOIDED,
    (InvoiceAction.VOID, InvoiceState.PENDING): InvoiceState.VOIDED,
}

_ACTION_WORDS = {
    InvoiceAction.CHECKOUT: "checked out",
    InvoiceAction.CONFIRM: "confirmed",
    InvoiceAction.VOID: "voided",
}


def invoice_transition(current: int, action: InvoiceAction | str) -> InvoiceState:
    """Return the status an invoice moves to when `action` is applied to it.

    Raises InvalidState, naming the current status, for any move the table does not allow.
    """
    state = InvoiceState(current)
    act = InvoiceAction(action)
    target = INVOICE_TRANSITIONS.get((act, state))
    if target is None:
        raise InvalidState(f"An invoice that is {state.label} cannot be {_ACTION_WORDS[act]}.")
    return target


def invoice_may(current: int, action: InvoiceAction | str) -> bool:
    """Return whether the table allows `action` on an invoice in status `current`."""
    return (InvoiceAction(action), InvoiceState(current)) in INVOICE_TRANSITIONS


def invoice_holds_stock(status: int) -> bool:
    """Return whether an invoice in this status counts its boxes as sold (everything but Voided)."""
    return InvoiceState(status) != InvoiceState.VOIDED


# --------------------------------------------------------------------------------------------
# Web orders
# --------------------------------------------------------------------------------------------


class WebOrderState(enum.IntEnum):
    PENDING = 1
    CHECKED_OUT = 2
    EXPIRED = 3
    CANCELLED = 4


_WEB_ORDER_LABELS = {
    WebOrderState.PENDING: "pending",
    WebOrderState.CHECKED_OUT: "already checked out",
    WebOrderState.EXPIRED: "expired (its checkout time ran out and its boxes were released)",
    WebOrderState.CANCELLED: "deleted",
}


def require_pending(status: int, doing: str) -> None:
    """Refuse to change a web order that is no longer Pending.

    Raises InvalidState saying what became of the order and that `doing` is not possible.
    """
    state = WebOrderState(status)
    if state != WebOrderState.PENDING:
        raise ended_order_refusal(state, doing)


def ended_order_refusal(status: int, doing: str) -> InvalidState:
    """Return the refusal for changing a web order that has ended (checked out, expired, deleted)."""
    return InvalidState(f"This web order is {_WEB_ORDER_LABELS[WebOrderState(status)]}; it cannot {doing}.")


def web_order_expires_at(start: dt.datetime, timer_minutes: int) -> dt.datetime:
    """Return when a Pending web order expires: the company's checkout timer after `start`."""
    return start + dt.timedelta(minutes=timer_minutes)


def is_overdue(status: int, expires_at: dt.datetime, now: dt.datetime) -> bool:
    """Return whether a web order should expire now: still Pending and past its time."""
    return WebOrderState(status) == WebOrderState.PENDING and expires_at <= now


def check_same_origin(order_origin: int | None, item_origin: int) -> None:
    """Refuse to put on-hand and future lines in one web order.

    Raises ValidationFailed (field `inventoryOrigin`) when the order already holds the other kind.
    """
    if order_origin is not None and order_origin != item_origin:
        kinds = {1: "on-hand", 2: "future"}
        raise ValidationFailed(
            FieldError(
                "inventoryOrigin",
                f"this web order holds {kinds.get(order_origin, '?')} lines; "
                f"add {kinds.get(item_origin, '?')} lines to a separate web order",
            )
        )


def check_ship_date(
    origin: int,
    date: dt.date,
    *,
    today: dt.date,
    available_from: dt.date | None = None,
    available_to: dt.date | None = None,
) -> None:
    """Refuse a ship date the line cannot be shipped on.

    On-hand boxes ship from today onward; future boxes between their available-from and
    available-to dates. Raises ValidationFailed (field `date`) naming the dates that work.
    """
    if origin == 1:
        if date < today:
            raise ValidationFailed(
                FieldError(
                    "date",
                    f"the ship date {date.isoformat()} is in the past; use {today.isoformat()} or later",
                )
            )
        return
    if available_from is None or available_to is None:
        raise ValidationFailed(FieldError("date", "this line has no available dates"))
    start = max(available_from, today)
    if not (start <= date <= available_to):
        if start > available_to:
            raise ValidationFailed(
                FieldError("date", "this line can no longer be shipped: its dates have passed")
            )
        raise ValidationFailed(
            FieldError(
                "date",
                f"the ship date {date.isoformat()} is outside this line's available dates "
                f"{start.isoformat()} to {available_to.isoformat()}",
            )
        )


# --------------------------------------------------------------------------------------------
# Standing orders: Active ⇄ Paused; either → Ended (stored as Cancelled, Komet's word), for good.
# --------------------------------------------------------------------------------------------


class StandingState(enum.IntEnum):
    ACTIVE = 1
    PAUSED = 2
    ENDED = 3


class StandingAction(enum.StrEnum):
    PAUSE = "pause"
    RESUME = "resume"
    END = "end"


STANDING_TRANSITIONS: dict[tuple[StandingAction, StandingState], StandingState] = {
    (StandingAction.PAUSE, StandingState.ACTIVE): StandingState.PAUSED,
    (StandingAction.RESUME, StandingState.PAUSED): StandingState.ACTIVE,
    (StandingAction.END, StandingState.ACTIVE): StandingState.ENDED,
    (StandingAction.END, StandingState.PAUSED): StandingState.ENDED,
}

_STANDING_WORDS = {
    StandingState.ACTIVE: "active",
    StandingState.PAUSED: "paused",
    StandingState.ENDED: "ended",
}


def standing_transition(current: int, action: StandingAction | str) -> StandingState:
    """Return the status a standing order moves to when `action` is applied to it.

    Raises InvalidState, naming the current status, for a move the table does not allow.
    """
    state = StandingState(current)
    act = StandingAction(action)
    target = STANDING_TRANSITIONS.get((act, state))
    if target is None:
        raise InvalidState(f"This standing order is {_STANDING_WORDS[state]}; it cannot be {act.value}d.")
    return target


def standing_end_date(start: dt.date, end: dt.date | None, today: dt.date) -> dt.date | None:
    """The end date a standing order ended today keeps: today, unless it ended earlier or has
    not started (then its own dates stand)."""
    if start > today:
        return end
    if end is not None and end < today:
        return end
    return today


# --------------------------------------------------------------------------------------------
# Amounts
# --------------------------------------------------------------------------------------------


def line_total(unit_price: Decimal, units_per_box: int, boxes: int) -> Decimal:
    """Return the amount of a line: price per unit x units per box x boxes, to the cent."""
    if boxes < 0 or units_per_box < 0:
        raise ValueError("boxes and units per box cannot be negative")
    return round_money(unit_price * units_per_box * boxes)


@dataclass(frozen=True)
class OrderTotals:
    subtotal: Decimal
    additional_charges: Decimal
    total: Decimal


def order_totals(line_totals: Iterable[Decimal], additional_charges: Decimal = Decimal("0")) -> OrderTotals:
    """Return an order's subtotal (sum of its lines), its charges and its total."""
    subtotal = round_money(sum(line_totals, Decimal("0")))
    charges = round_money(additional_charges)
    return OrderTotals(subtotal=subtotal, additional_charges=charges, total=subtotal + charges)


def transaction_fee(amount: Decimal, rate_percent: Decimal, *, exempt: bool = False) -> Decimal:
    """Return the transaction fee on an order amount: `rate_percent` of it, to the cent (half up).

    Internal transactions between the company's own locations are exempt (fee 0).
    Raises ValueError for a negative rate.
    """
    if rate_percent < 0:
        raise ValueError("the transaction fee rate cannot be negative")
    if exempt:
        return Decimal("0.00")
    return round_money(amount * rate_percent / Decimal(100))


def fee_reversal(amount: Decimal) -> Decimal:
    """Return the ledger amount that cancels an entry of `amount`."""
    return -amount


def check_boxes(boxes: int, field: str = "quantity") -> None:
    """Refuse a box count that is not a whole number greater than 0.

    Raises ValidationFailed on `field`.
    """
    if isinstance(boxes, bool) or not isinstance(boxes, int) or boxes < 1:
        raise ValidationFailed(FieldError(field, "must be a whole number of boxes greater than 0"))


def check_price_matches(sent: Decimal, current: Decimal) -> bool:
    """Return whether the price a buyer sent is the current price (compared to the cent)."""
    return round_money(sent) == round_money(current)


# Limits and checks of document lines, shared by invoices, prebooks and standing orders.


def field_error(name: str, message: str) -> ValidationFailed:
    """The refusal of one parameter: what is wrong with `name`."""
    return ValidationFailed(FieldError(name, message))


UNIT_TYPES = {"stem": "Stem", "bunch": "Bunch"}
# Far above any real order, well inside what the columns hold: a typo of 10,000,000 boxes is
# refused with a message instead of overflowing the database.
MAX_BOXES_PER_LINE = 10_000
MAX_PACK = 1_000
MAX_AMOUNT = Decimal("9999999999.99")


def boxes_error(boxes: int) -> str | None:
    """Return what is wrong with a line's box count (None when it is fine)."""
    if isinstance(boxes, bool) or boxes < 1:
        return "must be a whole number of boxes greater than 0"
    if boxes > MAX_BOXES_PER_LINE:
        return f"must be at most {MAX_BOXES_PER_LINE:,} boxes per line"
    return None


MAX_UNIT_PRICE = Decimal("99999999.99")


def price_error(price: Decimal) -> str | None:
    """Return what is wrong with a unit price (None when it is fine)."""
    if price < 0:
        return "must be 0 or more"
    if round_money(price) > MAX_UNIT_PRICE:
        return f"must be at most {MAX_UNIT_PRICE:,} per unit"
    return None


def pack_error(value: int) -> str | None:
    """Return what is wrong with units per box (None when it is fine)."""
    if value < 1:
        return "must be a whole number greater than 0"
    if value > MAX_PACK * MAX_PACK:
        return f"must be at most {MAX_PACK * MAX_PACK:,}"
    return None


def check_amount(amount: Decimal, field_name: str) -> Decimal:
    """Return `amount`, or raise ValidationFailed on `field_name` when no document can hold it."""
    if amount > MAX_AMOUNT:
        raise ValidationFailed(
            FieldError(
                field_name,
                f"the amount {amount:,} is more than one document can hold; split the order",
            )
        )
    return amount


def unit_type(value: str | None, field_name: str) -> str:
    """Return the unit type (Stem or Bunch) a client named, in any case. Raises ValidationFailed."""
    text = (value or "").strip().lower()
    if text not in UNIT_TYPES:
        raise ValidationFailed(FieldError(field_name, "must be Stem or Bunch"))
    return UNIT_TYPES[text]


def parse_invoice_number(text: object) -> int | None:
    """Return the bare number of an invoice as a person or a client writes it, or None if it is not one.

    `1042`, ` w1042 `, `T1042` all name invoice 1042: the one-letter prefix (W for web orders, T for
    transfers) is shown before numbers and accepted back, in any case.
    """
    cleaned = str(text).strip().upper() if text is not None else ""
    if cleaned[:1] in ("W", "T"):
        cleaned = cleaned[1:]
    # ASCII digits only ("²" is a digit to Python, not to a person), and no more than a number
    # column holds: a longer one names no invoice.
    return int(cleaned) if cleaned.isascii() and cleaned.isdigit() and len(cleaned) <= 18 else None
