"""What invoices and prebooks share beyond `rules.py`: the origins, the fee hook, a line's free boxes.

The use cases live in modules named for what they make: `invoices.py`, `prebooks.py`,
`weborders.py` (the marketplace cart and its checkout), `standing.py`; the pure limits and checks
of document lines are in `rules.py`, the look-ups of customers, carriers, ship-tos and locations in
`resolvers.py`, the fee ledger in `fees.py`.
"""

from __future__ import annotations

from stemlink.customers.models import Customer
from stemlink.inventory import rules as inventory_rules
from stemlink.inventory.models import FutureLine, InventoryLine
from stemlink.orders import fees
from stemlink.orders.models import (
    Invoice,
    Origin,
    Prebook,
)

ON_HAND = int(Origin.ON_HAND)
FUTURE = int(Origin.FUTURE)
# --------------------------------------------------------------------------------------------
# Fees: one charge per document, then an adjustment whenever its amount changes
# --------------------------------------------------------------------------------------------


def record_fee(document: Invoice | Prebook) -> None:
    # The ledger's own functions: the first call charges the document, later ones adjust it.
    if document.rep_entered:
        return  # a sales rep's order (order entry) carries no marketplace fee, however it changes
    if isinstance(document, Invoice):
        fees.adjust_fee(invoice=document)
    else:
        fees.adjust_fee(prebook=document)


def reverse_fee(document: Invoice | Prebook) -> None:
    if isinstance(document, Invoice):
        fees.reverse_fees(invoice=document)
    else:
        fees.reverse_fees(prebook=document)


def offered_to(line: InventoryLine | FutureLine, customer: Customer) -> bool:
    return line.reserved_for_id is None or line.reserved_for_id == customer.pk


def free_on_hand(line: InventoryLine) -> int:
    return inventory_rules.boxes_free(
        inventory_rules.StockCounts(line.boxes_on_hand, line.boxes_held, line.boxes_sold)
    )


def free_future(line: FutureLine) -> int:
    return inventory_rules.boxes_free(
        inventory_rules.StockCounts(line.boxes, line.boxes_held, line.boxes_sold)
    )
