"""Boxes of an overdue cart go to the next buyer the moment they are asked for.

A cart whose checkout timer ran out still holds its boxes until something expires it: the worker
every few seconds, or this module, at the moment a hold finds too few free boxes. Then, in the
buyer's own transaction, the overdue carts holding boxes of the lines asked for are expired
(their holds released, status Expired) and the hold is tried once more.

Race-safety: on PostgreSQL each overdue cart is locked (FOR UPDATE, in id order) and its
conditions read again under the lock, so a cart the worker or another buyer is expiring at that
moment is waited for and then left alone, never expired twice; the buyer then tries again and
finds its boxes free. On SQLite the buyer's IMMEDIATE transaction has the database to itself.
Stock moves through `stemlink.inventory.stock` as everywhere else, so the holds stay within the
boxes a line has, and every release records its `inventory.changed` event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TypeVar

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from stemlink.errors import NotAvailable
from stemlink.inventory import stock
from stemlink.inventory.stock import StockMove
from stemlink.orders.models import Origin, WebOrder, WebOrderItem, WebOrderStatus

T = TypeVar("T")


def _overdue_holding(
    origin: int, line_ids: Sequence[int], company_id: int, now: dt.datetime, keep_order_id: int | None
) -> QuerySet[WebOrder]:
    line_field = "inventory_line_id__in" if origin == Origin.ON_HAND else "future_line_id__in"
    holding = WebOrderItem.objects.filter(
        company_id=company_id, origin=origin, holding=True, **{line_field: list(line_ids)}
    ).values("web_order_id")
    overdue = WebOrder.objects.filter(
        company_id=company_id, status=WebOrderStatus.PENDING, expires_at__lte=now, id__in=holding
    )
    if keep_order_id is not None:
        overdue = overdue.exclude(id=keep_order_id)
    return overdue.order_by("id")


def release_overdue_holds(
    origin: int,
    line_ids: Sequence[int],
    company_id: int,
    *,
    now: dt.datetime | None = None,
    keep_order_id: int | None = None,
) -> int:
    """Expire the company's overdue carts that hold boxes of these lines; return how many it found.

    Runs in the caller's transaction, which must hold no line rows locked (a refused hold locks
    none). Each cart is locked (in id order) and its conditions read again under the lock: a
    cart another transaction checked out or expired meanwhile is left alone, but still counted,
    since its boxes may be free now. A cart is expired whole, as the worker would: its holds on
    every line released, its status Expired. `keep_order_id` is never touched (the buyer's own).
    """
    now = now or timezone.now()
    found = list(
        _overdue_holding(origin, line_ids, company_id, now, keep_order_id).values_list("id", flat=True)
    )
    if not found:
        return 0
    with transaction.atomic(savepoint=False):
        # Blocking, not SKIP LOCKED: a buyer waits for the worker (or another buyer) expiring the
        # same cart, then sees its boxes free. No cycle: neither side holds a line row meanwhile.
        locked = (
            WebOrder.objects.filter(id__in=found, status=WebOrderStatus.PENDING, expires_at__lte=now)
            .order_by("id")
            .select_for_update(of=("self",))
        )
        for order_id in list(locked.values_list("id", flat=True)):
            items = list(
                WebOrderItem.objects.filter(web_order_id=order_id, holding=True).values_list(
                    "id", "origin", "inventory_line_id", "future_line_id", "boxes"
                )
            )
            stock.release_held_lines(
                [
                    StockMove(item_origin, int(on_hand or future), boxes)
                    for _, item_origin, on_hand, future, boxes in items
                ],
                company_id=company_id,
            )
            WebOrderItem.objects.filter(id__in=[item[0] for item in items]).update(holding=False)
            WebOrder.objects.filter(id=order_id).update(
                status=WebOrderStatus.EXPIRED, ended_on=now, updated_on=now
            )
    return len(found)


def retry_after_releasing_overdue(
    origin: int,
    line_ids: Sequence[int],
    company_id: int,
    attempt: Callable[[], T],
    *,
    now: dt.datetime | None = None,
    keep_order_id: int | None = None,
) -> T:
    """Run `attempt` (a hold); when it finds too few boxes, release overdue carts' holds and try again.

    Raises the second NotAvailable when the boxes are still short (or the first, when no overdue
    cart held any). An attempt over several lines runs in a savepoint, so the boxes it took
    before falling short are given back before it runs again.
    """
    try:
        if len(line_ids) > 1:
            with transaction.atomic():
                return attempt()
        return attempt()
    except NotAvailable:
        if not release_overdue_holds(origin, line_ids, company_id, now=now, keep_order_id=keep_order_id):
            raise
    return attempt()
