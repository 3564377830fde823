"""Receiving while florists hold future boxes in their carts, and receiving several air waybills in
one step."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from django.utils import timezone

from stemlink.integrations.models import OutboxEvent
from stemlink.inventory.models import FutureLine, InventoryLine
from stemlink.orders.models import PrebookItem, WebOrder, WebOrderItem
from stemlink.purchasing import services
from stemlink.purchasing.models import Cover, PurchaseOrder, PurchaseOrderItem, Receipt
from tests.api_helpers import api, covers, issue_token
from tests.factories import make_customer
from tests.stemlink.purchasing.test_loop import _create_po


def _token(world, customer) -> str:
    """One token per customer (Komet's rule), issued on first use in the test."""
    tokens = world.__dict__.setdefault("customer_tokens", {})
    if customer.pk not in tokens:
        tokens[customer.pk] = issue_token(world.company, "customer", customer=customer)
    return tokens[customer.pk]


def _hold(client, world, customer, future_id: int, boxes: int) -> int:
    token = _token(world, customer)
    status, body = api(
        client,
        "ecommerce/inventory.list",
        {"customerId": customer.pk, "rows": 100},
        token=token,
        account=world.company.pk,
        verb="GET",
    )
    assert status == 200, body
    [offer] = [
        i for i in body["inventoryItems"] if (i["inventoryOrigin"], i["inventoryIds"]) == (2, str(future_id))
    ]
    future = FutureLine.objects.get(pk=future_id)
    status, added = api(
        client,
        "web-order-item.add",
        {
            "customerId": customer.pk,
            "inventoryIds": str(future_id),
            "inventoryOrigin": 2,
            "price": str(offer["price"]),
            "quantity": boxes,
            "carrierId": world.carrier.pk,
            "date": future.available_from.isoformat(),
        },
        token=token,
        account=world.company.pk,
    )
    assert status == 200, added
    return added["webOrderId"]


def _confirmed_order(client, world, boxes: int = 10) -> tuple[PurchaseOrder, PurchaseOrderItem, int]:
    company = issue_token(world.company, "company")
    created = _create_po(client, world, company, timezone.now().date() + dt.timedelta(days=3), boxes)
    order = services.confirm_purchase_order(world.company, created["purchaseOrderId"])
    item = PurchaseOrderItem.objects.get(purchase_order=order)
    assert item.future_line_id is not None
    return order, item, item.future_line_id


def test_receipt_releases_only_the_holds_nothing_is_left_to_come_for_newest_cart_first(client, world):
    order, item, future_id = _confirmed_order(client, world)
    first_buyer, second_buyer = world.customer, make_customer(world.company)
    older = _hold(client, world, first_buyer, future_id, 3)
    newer = _hold(client, world, second_buyer, future_id, 2)

    # 5 of 10 come: 5 still to come, the 5 boxes held fit; no cart is touched.
    services.receive(world.company, order.pk, awb="AWB-1", lines=[services.ReceiveRequest(item.pk, 5)])
    future = FutureLine.objects.get(pk=future_id)
    assert (future.boxes, future.boxes_held, future.boxes_sold) == (5, 5, 0)
    assert WebOrderItem.objects.filter(web_order_id__in=[older, newer], holding=True).count() == 2

    # 2 more: 3 still to come, 5 held. The newest cart's 2 boxes are released (they are on hand
    # now, free for anyone); the first florist keeps her 3.
    events_before = OutboxEvent.objects.filter(company=world.company, event_type="inventory.changed").count()
    [receipt] = services.receive(
        world.company, order.pk, awb="AWB-2", lines=[services.ReceiveRequest(item.pk, 2)]
    )
    future.refresh_from_db()
    assert (future.boxes, future.boxes_held, future.boxes_sold) == (3, 3, 0)
    assert not WebOrderItem.objects.filter(web_order_id=newer).exists()
    assert WebOrder.objects.get(pk=newer).origin is None
    assert WebOrderItem.objects.get(web_order_id=older).boxes == 3
    on_hand = InventoryLine.objects.get(pk=receipt.inventory_line_id)
    assert (on_hand.boxes_on_hand, on_hand.boxes_sold, on_hand.boxes_held) == (2, 0, 0)
    assert (
        OutboxEvent.objects.filter(company=world.company, event_type="inventory.changed").count()
        > events_before
    )

    # The first florist checks out: a prebook line on the future boxes, covered by the last receipt.
    token = _token(world, first_buyer)
    status, checked_out = api(
        client,
        "web-order.checkout",
        {"customerId": first_buyer.pk, "webOrderId": older},
        token=token,
        account=world.company.pk,
    )
    assert status == 200, checked_out
    [prebook_item] = PrebookItem.objects.filter(prebook_id=checked_out["prebooks"][0]["prebookId"])
    [last] = services.receive(
        world.company, order.pk, awb="AWB-3", lines=[services.ReceiveRequest(item.pk, 3)]
    )
    [cover] = Cover.objects.filter(prebook_item=prebook_item)
    assert (cover.boxes, cover.inventory_line_id, cover.uncovered) == (3, last.inventory_line_id, False)
    order.refresh_from_db()
    assert order.status == "received"


def test_closing_a_line_short_or_cancelling_releases_every_hold_on_it(client, world):
    order, item, future_id = _confirmed_order(client, world)
    cart = _hold(client, world, world.customer, future_id, 4)
    services.receive(
        world.company, order.pk, awb="AWB-1", lines=[services.ReceiveRequest(item.pk, 6, close=True)]
    )
    future = FutureLine.objects.get(pk=future_id)
    assert (future.boxes, future.boxes_held, future.boxes_sold) == (0, 0, 0)
    assert not WebOrderItem.objects.filter(web_order_id=cart).exists()
    assert Receipt.objects.get(item=item).shortage == 4

    order, item, future_id = _confirmed_order(client, world)
    cart = _hold(client, world, world.customer, future_id, 4)
    services.cancel_purchase_order(world.company, order.pk)
    future = FutureLine.objects.get(pk=future_id)
    assert (future.boxes, future.boxes_held) == (0, 0)
    assert not WebOrderItem.objects.filter(web_order_id=cart).exists()


@covers("purchase.order.receive")
def test_one_call_receives_lines_and_parts_of_a_line_on_several_awbs(client, world):
    order = services.create_purchase_order(
        world.company,
        vendor=world.vendor,
        ship_date=timezone.now().date() + dt.timedelta(days=2),
        lines=[
            services.LineRequest(
                boxes=6,
                unit_cost=D("0.35"),
                product_id=world.product.pk,
                box_type_code="QB",
                bunches=10,
                stems_bunch=25,
            )
        ],
        confirm=True,
    )
    item = order.items.get()
    token = issue_token(world.company, "company")
    # No AWB anywhere: refused by name, nothing received.
    status, body = api(
        client,
        "purchase.order.receive",
        {"purchaseOrderId": order.pk, "items": [{"purchaseOrderItemId": item.pk, "boxes": 2}]},
        token=token,
    )
    assert status == 400 and body["errors"][0]["field"] == "items[0].awb"
    assert not Receipt.objects.filter(item=item).exists()
    status, body = api(
        client,
        "purchase.order.receive",
        {
            "purchaseOrderId": order.pk,
            "awb": "AWB-A",
            "items": [
                {"purchaseOrderItemId": item.pk, "boxes": 2},
                {"purchaseOrderItemId": item.pk, "boxes": 3, "awb": "AWB-B"},
            ],
        },
        token=token,
    )
    assert status == 200, body
    assert [(r["awb"], r["boxes"]) for r in body["receipts"]] == [("AWB-A", 2), ("AWB-B", 3)]
    # Partial: 1 box still to come, recorded per receipt.
    item.refresh_from_db()
    assert (item.boxes_received, item.closed, body["purchaseOrderStatus"]) == (5, False, "Confirmed by Farm")
    assert list(Receipt.objects.filter(item=item).values_list("awb", "boxes")) == [("AWB-A", 2), ("AWB-B", 3)]
