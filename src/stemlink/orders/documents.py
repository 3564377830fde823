"""What invoices and prebooks share beyond `rules.py`: the origins, the fee hook, a line's free boxes.

The use cases live in modules named for what they make: `invoices.py`, `prebooks.py`,
`weborders.py` (the marketplace cart and its checkout), `standing.py`; the pure limits and checks
of document lines are in `rules.py`, the look-ups of customers, carriers, ship-tos and locations in
`resolvers.py`, the fee ledger in `fees.py`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Sum

from stemlink.customers.models import Customer
from stemlink.inventory import rules as inventory_rules
from stemlink.inventory import stock
from stemlink.inventory.models import FutureLine, InventoryLine
from stemlink.orders import fees
from stemlink.orders.models import (
    Invoice,
    Origin,
    Prebook,
    PrebookItem,
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


def sold_moves(items: Iterable[PrebookItem]) -> list[stock.StockMove]:
    """The sold boxes of prebook lines to give back when they are removed, line by line.

    A prebook line drawing on a future line has its boxes there until they are received; once
    received (`stemlink.purchasing`: a cover names the on-hand line they went to) they are sold on
    that on-hand line instead, and boxes a shortage left uncovered are sold nowhere. Read with one
    query through the covers' reverse relation, by name (orders never imports purchasing).
    """
    drawing = [item for item in items if item.future_line_id is not None]
    if not drawing:
        return []
    on_hand: dict[int, dict[int | None, int]] = {}
    rows = (
        PrebookItem.objects.filter(pk__in=[item.pk for item in drawing], covers__isnull=False)
        .values_list("pk", "covers__inventory_line_id")
        .annotate(boxes=Sum("covers__boxes"))
    )
    for item_id, line_id, boxes in rows:
        on_hand.setdefault(item_id, {})[line_id] = int(boxes or 0)
    moves = []
    for item in drawing:
        received = on_hand.get(item.pk, {})
        left = item.boxes - sum(received.values())
        if left > 0 and item.future_line_id is not None:
            moves.append(stock.StockMove(FUTURE, item.future_line_id, left))
        moves += [
            stock.StockMove(ON_HAND, line_id, boxes)
            for line_id, boxes in received.items()
            if line_id and boxes
        ]
    return moves
