"""Boxes of an overdue cart go to the next buyer the moment they are asked for, without the worker."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from stemlink.errors import NotAvailable
from stemlink.integrations.models import OutboxEvent
from stemlink.inventory.models import FutureLine, InventoryLine
from stemlink.orders import weborders
from stemlink.orders.integrity import check_integrity
from stemlink.orders.models import WebOrder, WebOrderItem, WebOrderStatus
from stemlink.orders.weborders import ItemRequest
from tests.factories import World, make_customer, make_future_line, make_line, make_world

D = Decimal


def ask(world: World, line_ids: list[int], boxes: int, origin: int = 1, date: dt.date | None = None):
    return ItemRequest(
        origin=origin,
        line_ids=line_ids,
        boxes=boxes,
        price=D("0.80") if origin == 1 else D("0.70"),
        carrier_id=world.carrier.id,
        date=date or timezone.now().date(),
    )


def overdue(order: WebOrder) -> None:
    WebOrder.objects.filter(pk=order.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))


def test_a_buyer_gets_the_boxes_of_an_overdue_cart_at_once(world):
    line = make_line(world, boxes_on_hand=5)
    first = weborders.add_web_order_item(world.company, world.customer, ask(world, [line.id], 5)).web_order
    other = make_customer(world.company, customer_type="marketplace")
    with pytest.raises(NotAvailable):  # the first cart's timer still runs: its boxes are its own
        weborders.add_web_order_item(world.company, other, ask(world, [line.id], 3))
    overdue(first)
    events_before = OutboxEvent.objects.count()
    result = weborders.add_web_order_item(world.company, other, ask(world, [line.id], 3))
    assert result.available_boxes == 2
    first.refresh_from_db()
    assert first.status == WebOrderStatus.EXPIRED and first.ended_on is not None
    assert not WebOrderItem.objects.filter(web_order=first, holding=True).exists()
    line.refresh_from_db()
    assert (line.boxes_held, line.boxes_sold) == (3, 0)
    assert OutboxEvent.objects.count() > events_before  # the release and the hold reach partners
    assert check_integrity().ok


def test_future_lines_and_several_lines_too(world):
    future = make_future_line(world, boxes=4)
    a, b = make_line(world, boxes_on_hand=3), make_line(world, boxes_on_hand=3)
    owner = weborders.add_web_order_item(
        world.company, world.customer, ask(world, [future.id], 4, origin=2, date=future.available_from)
    ).web_order
    weborders.add_web_order_item(world.company, world.customer, ask(world, [a.id], 2))
    cart = weborders.add_web_order_item(world.company, world.customer, ask(world, [b.id], 3)).web_order
    overdue(owner)
    overdue(cart)
    other = make_customer(world.company, customer_type="marketplace")
    weborders.add_web_order_item(
        world.company, other, ask(world, [future.id], 4, origin=2, date=future.available_from)
    )
    result = weborders.add_web_order_item(world.company, other, ask(world, [a.id, b.id], 5))
    assert sorted(boxes for _, boxes in [(i.line_id, i.boxes) for i in result.items]) == [2, 3]
    future.refresh_from_db()
    assert future.boxes_held == 4
    assert InventoryLine.objects.get(pk=a.pk).boxes_held + InventoryLine.objects.get(pk=b.pk).boxes_held == 5
    assert check_integrity().ok


def test_a_cart_still_running_keeps_its_boxes_and_a_short_ask_changes_nothing(world):
    line = make_line(world, boxes_on_hand=4)
    late = weborders.add_web_order_item(world.company, world.customer, ask(world, [line.id], 2)).web_order
    overdue(late)
    other = make_customer(world.company, customer_type="marketplace")
    weborders.add_web_order_item(world.company, other, ask(world, [line.id], 2))
    third = make_customer(world.company, customer_type="marketplace")
    with pytest.raises(NotAvailable):
        weborders.add_web_order_item(world.company, third, ask(world, [line.id], 3))
    line.refresh_from_db()
    assert line.boxes_held == 4  # the other buyer's running cart keeps its 2
    assert check_integrity().ok


@pytest.mark.django_db(transaction=True)
def test_buyers_racing_for_an_overdue_carts_boxes_get_exactly_those_boxes():
    boxes, buyers = 4, 10
    world = make_world("Overdue race")
    line = make_line(world, boxes_on_hand=boxes)
    first = weborders.add_web_order_item(
        world.company, world.customer, ask(world, [line.id], boxes)
    ).web_order
    overdue(first)
    customers = [make_customer(world.company, customer_type="marketplace") for _ in range(buyers)]
    start = threading.Barrier(buyers)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def buy(n: int) -> None:
        try:
            start.wait(timeout=60)
            try:
                weborders.add_web_order_item(world.company, customers[n], ask(world, [line.id], 1))
                outcomes.append("held")
            except NotAvailable:
                outcomes.append("not_available")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=buy, args=(n,)) for n in range(buyers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert sorted(outcomes).count("held") == boxes and len(outcomes) == buyers
    line.refresh_from_db()
    assert (line.boxes_held, line.boxes_sold) == (boxes, 0)
    assert WebOrder.objects.get(pk=first.pk).status == WebOrderStatus.EXPIRED
    assert WebOrderItem.objects.filter(inventory_line=line, holding=True).count() == boxes
    assert check_integrity().ok


def test_future_line_counts_unchanged_by_a_refusal(world):
    future = make_future_line(world, boxes=2)
    other = make_customer(world.company, customer_type="marketplace")
    with pytest.raises(NotAvailable):
        weborders.add_web_order_item(
            world.company, other, ask(world, [future.id], 3, origin=2, date=future.available_from)
        )
    assert FutureLine.objects.get(pk=future.pk).boxes_held == 0
