"""Invoices and prebooks written directly by an integrator (CRMs, accounting, EDI importers).

The marketplace's cart (`services.py`) makes documents from web orders; these use cases make and
change them one call at a time, as Komet's `invoice.*` and `prebook.*` methods do:

- an invoice sells on-hand boxes at once (a conditional update per line, lines taken in id order
  so two writers never deadlock) and keeps them sold until it is voided;
- a prebook is a need for a future truck date: lines by product and pack, or boxes drawn from a
  future line;
- every document made here records its transaction fee in the ledger, and each later change of
  its amount an adjustment, so the ledger always sums to the fee on what the document is worth.

Each public function is one transaction. Failures raise `StemlinkError`s and change nothing.
"""

from __future__ import annotations

from decimal import Decimal

from stemlink.customers.models import Customer
from stemlink.errors import FieldError, ValidationFailed
from stemlink.inventory import rules as inventory_rules
from stemlink.inventory.models import FutureLine, InventoryLine
from stemlink.orders import fees, rules
from stemlink.orders.models import (
    Invoice,
    Origin,
    Prebook,
)

ON_HAND = int(Origin.ON_HAND)
FUTURE = int(Origin.FUTURE)
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
    if rules.round_money(price) > MAX_UNIT_PRICE:
        return f"must be at most {MAX_UNIT_PRICE:,} per unit"
    return None


def pack_error(value: int) -> str | None:
    """Return what is wrong with units per box (None when it is fine)."""
    if value < 1:
        return "must be a whole number greater than 0"
    if value > MAX_PACK * MAX_PACK:
        return f"must be at most {MAX_PACK * MAX_PACK:,}"
    return None


def _check_amount(amount: Decimal, field_name: str) -> Decimal:
    if amount > MAX_AMOUNT:
        raise _field_error(
            field_name, f"the amount {amount:,} is more than one document can hold; split the order"
        )
    return amount


# --------------------------------------------------------------------------------------------
# Finding the parties of a document
# --------------------------------------------------------------------------------------------


def _field_error(name: str, message: str) -> ValidationFailed:
    return ValidationFailed(FieldError(name, message))


def _unit_type(value: str | None, field_name: str) -> str:
    text = (value or "").strip().lower()
    if text not in UNIT_TYPES:
        raise _field_error(field_name, "must be Stem or Bunch")
    return UNIT_TYPES[text]


# --------------------------------------------------------------------------------------------
# Fees: one charge per document, then an adjustment whenever its amount changes
# --------------------------------------------------------------------------------------------


def _fee_for(document: Invoice | Prebook) -> None:
    # The ledger's own functions: the first call charges the document, later ones adjust it.
    if isinstance(document, Invoice):
        fees.adjust_fee(invoice=document)
    else:
        fees.adjust_fee(prebook=document)


def _reverse_fee(document: Invoice | Prebook) -> None:
    if isinstance(document, Invoice):
        fees.reverse_fees(invoice=document)
    else:
        fees.reverse_fees(prebook=document)


def _offered_to(line: InventoryLine | FutureLine, customer: Customer) -> bool:
    return line.reserved_for_id is None or line.reserved_for_id == customer.pk


def _free_on_hand(line: InventoryLine) -> int:
    return inventory_rules.boxes_free(
        inventory_rules.StockCounts(line.boxes_on_hand, line.boxes_held, line.boxes_sold)
    )


def _free_future(line: FutureLine) -> int:
    return inventory_rules.boxes_free(
        inventory_rules.StockCounts(line.boxes, line.boxes_held, line.boxes_sold)
    )
