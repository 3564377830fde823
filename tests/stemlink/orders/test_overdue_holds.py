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
from stemlink.orders import invoices, weborders
from stemlink.orders.integrity import check_integrity
from stemlink.orders.models import Invoice, WebOrder, WebOrderItem, WebOrderStatus
from stemlink.orders.weborders import ItemRequest
from tests.api_helpers import api, issue_token
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


# ------------------------------------------------------------- direct sales: invoices and prebooks


def _releases(line_id: int) -> int:
    return sum(
        1
        for payload in OutboxEvent.objects.filter(event_type="inventory.changed").values_list(
            "payload", flat=True
        )
        if payload.get("reason") == "release" and int(payload.get("inventoryId", 0)) == line_id
    )


def _invoice_create(client, world, token, customer, items):
    params = {
        "customerId": customer.pk,
        "carrierId": world.carrier.pk,
        "shipDate": (timezone.now().date() + dt.timedelta(days=1)).isoformat(),
        "items": items,
    }
    return api(client, "invoice.create", params, token=token)


def _overdue_cart_holding(world: World, line: InventoryLine, boxes: int) -> WebOrder:
    cart = weborders.add_web_order_item(world.company, world.customer, ask(world, [line.id], boxes)).web_order
    overdue(cart)
    return cart


def _assert_expired_with_its_events(cart: WebOrder, line_id: int) -> None:
    cart.refresh_from_db()
    assert cart.status == WebOrderStatus.EXPIRED and cart.ended_on is not None
    assert not WebOrderItem.objects.filter(web_order=cart, holding=True).exists()
    assert _releases(line_id) == 1  # the release reached the outbox, as the worker's would


def test_invoice_create_for_another_customer_gets_an_overdue_carts_last_boxes_at_once(client, world):
    token = issue_token(world.company, "company")
    line = make_line(world, boxes_on_hand=3)
    cart = weborders.add_web_order_item(world.company, world.customer, ask(world, [line.id], 3)).web_order
    other = make_customer(world.company, name="Walk-in", code="WALKIN")
    items = [{"orderItemId": line.pk, "boxes": 3, "price": "0.80"}]
    status, body = _invoice_create(client, world, token, other, items)
    assert status == 409 and body["errorCode"] == "not_available"  # its timer still runs: its boxes
    overdue(cart)
    status, body = _invoice_create(client, world, token, other, items)
    assert status == 200, body
    _assert_expired_with_its_events(cart, line.pk)
    line.refresh_from_db()
    assert (line.boxes_held, line.boxes_sold) == (0, 3)
    assert Invoice.objects.get(pk=body["invoiceId"]).customer_id == other.pk
    assert check_integrity().ok


def test_invoice_create_by_product_code_and_invoice_item_add_reclaim_too(client, world):
    token = issue_token(world.company, "company")
    a = make_line(world, boxes_on_hand=2)
    cart_a = _overdue_cart_holding(world, a, 2)
    other = make_customer(world.company, name="Walk-in", code="WALKIN")
    by_code = {"productCode": world.product.code, "boxTypeCode": a.box_type.code, "boxes": 2, "price": "0.8"}
    by_code |= {"unitsPerBox": a.units_per_box, "unitType": a.unit_type}
    status, body = _invoice_create(client, world, token, other, [by_code])
    assert status == 200, body
    _assert_expired_with_its_events(cart_a, a.pk)
    assert InventoryLine.objects.get(pk=a.pk).boxes_sold == 2
    b = make_line(world, boxes_on_hand=2)
    cart_b = _overdue_cart_holding(world, b, 2)
    status, added = api(
        client,
        "invoice.item.add",
        {"invoiceId": body["invoiceId"], "orderItemId": b.pk, "boxes": 2, "price": "0.80"},
        token=token,
    )
    assert status == 200, added
    _assert_expired_with_its_events(cart_b, b.pk)
    assert InventoryLine.objects.get(pk=b.pk).boxes_sold == 2
    assert check_integrity().ok


def test_prebook_future_item_add_reclaims_an_overdue_carts_future_boxes(client, world):
    token = issue_token(world.company, "company")
    future = make_future_line(world, boxes=4)
    cart = weborders.add_web_order_item(
        world.company, world.customer, ask(world, [future.id], 4, origin=2, date=future.available_from)
    ).web_order
    other = make_customer(world.company, name="Walk-in", code="WALKIN")
    status, created = api(
        client,
        "prebook.create",
        {
            "customerId": other.pk,
            "carrierId": world.carrier.pk,
            "shipDate": future.available_from.isoformat(),
        },
        token=token,
    )
    assert status == 200, created
    add = {"prebookId": created["prebookId"], "inventoryId": future.pk, "boxes": 4, "price": "0.70"}
    status, body = api(client, "prebook.future.item.add", add, token=token)
    assert status == 409 and body["availableBoxes"] == 0
    overdue(cart)
    status, body = api(client, "prebook.future.item.add", add, token=token)
    assert status == 200 and body["availableBoxes"] == 0, body
    _assert_expired_with_its_events(cart, future.pk)
    future.refresh_from_db()
    assert (future.boxes_held, future.boxes_sold) == (0, 4)
    assert check_integrity().ok


@pytest.mark.django_db(transaction=True)
def test_reps_and_buyers_racing_for_an_overdue_carts_boxes_get_exactly_those_boxes():
    boxes, rivals = 4, 8
    world = make_world("Overdue race, direct sales")
    line = make_line(world, boxes_on_hand=boxes)
    first = _overdue_cart_holding(world, line, boxes)
    customers = [make_customer(world.company, customer_type="marketplace") for _ in range(rivals)]
    start = threading.Barrier(rivals)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def take(n: int) -> None:
        try:
            start.wait(timeout=60)
            try:
                if n % 2:  # half are sales typed in by a rep, half are web buyers
                    invoices.create_invoice(
                        world.company,
                        customer=customers[n],
                        carrier=world.carrier,
                        ship_date=timezone.now().date() + dt.timedelta(days=1),
                        items=[invoices.InvoiceLineRequest(boxes=1, price=D("0.80"), order_item_id=line.pk)],
                    )
                else:
                    weborders.add_web_order_item(world.company, customers[n], ask(world, [line.id], 1))
                outcomes.append("got")
            except NotAvailable:
                outcomes.append("not_available")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(n,)) for n in range(rivals)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert outcomes.count("got") == boxes and len(outcomes) == rivals
    line.refresh_from_db()
    assert line.boxes_held + line.boxes_sold == boxes
    assert WebOrder.objects.get(pk=first.pk).status == WebOrderStatus.EXPIRED
    assert _releases(line.pk) == 1
    assert check_integrity().ok
