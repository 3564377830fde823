"""The whole purchasing loop through the API, as integrations run it: a purchase order to a grower,
confirmed → its future boxes in the e-commerce feed at once → a florist buys them as a prebook
(web-order) → the boxes received against an AWB → the prebook's boxes come out of the received line.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from stemlink.integrations.models import OutboxEvent
from stemlink.inventory.models import FutureLine, InventoryLine
from stemlink.orders.models import Prebook, PrebookItem
from stemlink.purchasing import queries
from stemlink.purchasing.models import Cover, PurchaseOrder
from tests.api_helpers import api, covers, issue_token


def _feed(client, world, token):
    status, body = api(
        client,
        "ecommerce/inventory.list",
        {"customerId": world.customer.pk, "rows": 100},
        token=token,
        account=world.company.pk,
        verb="GET",
    )
    assert status == 200, body
    return {(i["inventoryOrigin"], int(i["inventoryIds"])): i for i in body["inventoryItems"]}


def _create_po(client, world, company_token, ship: dt.date, boxes: int = 10) -> dict:
    status, body = api(
        client,
        "purchase.order.create",
        {
            "vendorCode": world.vendor.code,
            "shipDate": ship.isoformat(),
            "arrivalDate": (ship + dt.timedelta(days=1)).isoformat(),
            "comments": "weekly roses",
            "items": [
                {
                    "productCode": world.product.code,
                    "boxTypeCode": "QB",
                    "unitType": "Stem",
                    "bunches": 10,
                    "stemsBunch": 25,
                    "boxes": boxes,
                    "unitCost": "0.350",
                    "price": "0.90",
                }
            ],
        },
        token=company_token,
    )
    assert status == 200, body
    return body


@covers("purchase.order.create", "purchase.order.confirm", "purchase.order.receive")
def test_a_confirmed_purchase_is_sold_as_a_prebook_and_received_into_the_prebooks_boxes(client, world):
    company = issue_token(world.company, "company")
    grower = issue_token(world.company, "vendor", vendor=world.vendor)
    buyer = issue_token(world.company, "customer", customer=world.customer)
    ship = timezone.now().date() + dt.timedelta(days=3)

    created = _create_po(client, world, company, ship)
    assert created["purchaseOrderStatus"] == "Approved" and created["message"].startswith("Purchase order ")
    order = PurchaseOrder.objects.get(pk=created["purchaseOrderId"])
    assert (order.number, order.notes) == (created["purchaseOrderNumber"], "weekly roses")
    # Not confirmed yet: nothing on offer.
    assert not any(origin == 2 for origin, _ in _feed(client, world, buyer))

    # The grower confirms with its own token; the future line is offered at once (an event too).
    events_before = OutboxEvent.objects.filter(company=world.company, event_type="inventory.changed").count()
    status, confirmed = api(client, "purchase.order.confirm", {"purchaseOrderId": order.pk}, token=grower)
    assert status == 200, confirmed
    [future_id] = confirmed["inventoryIds"]
    assert confirmed["purchaseOrderStatus"] == "Confirmed by Farm"
    assert (
        OutboxEvent.objects.filter(company=world.company, event_type="inventory.changed").count()
        > events_before
    )
    offer = _feed(client, world, buyer)[(2, future_id)]
    assert offer["quantity"] == 10
    future = FutureLine.objects.get(pk=future_id)
    assert (future.available_from, future.unit_cost, future.vendor_id) == (
        ship + dt.timedelta(days=1),
        Decimal("0.350"),
        world.vendor.pk,
    )

    # A florist buys 4 of them: a prebook.
    status, added = api(
        client,
        "web-order-item.add",
        {
            "customerId": world.customer.pk,
            "inventoryIds": str(future_id),
            "inventoryOrigin": 2,
            "price": str(offer["price"]),
            "quantity": 4,
            "carrierId": world.carrier.pk,
            "date": future.available_from.isoformat(),
        },
        token=buyer,
        account=world.company.pk,
    )
    assert status == 200, added
    status, checked_out = api(
        client,
        "web-order.checkout",
        {"customerId": world.customer.pk, "webOrderId": added["webOrderId"]},
        token=buyer,
        account=world.company.pk,
    )
    assert status == 200, checked_out
    [prebook_answer] = checked_out["prebooks"]
    prebook = Prebook.objects.get(pk=prebook_answer["prebookId"])
    [prebook_item] = PrebookItem.objects.filter(prebook=prebook)
    assert _feed(client, world, buyer)[(2, future_id)]["quantity"] == 6

    # The grower ships (AWB), the warehouse receives 9 of 10 and closes the line short.
    status, shipped = api(
        client,
        "purchase.order.item.awb.add",
        {"purchaseOrderId": order.pk, "awb": "145-1234 5675"},
        token=grower,
    )
    assert status == 200 and shipped["purchaseOrderItemIds"] == created["purchaseOrderItemIds"]
    status, received = api(
        client,
        "purchase.order.receive",
        {
            "purchaseOrderId": order.pk,
            "awb": "145-1234 5675",
            "items": [{"purchaseOrderItemId": created["purchaseOrderItemIds"][0], "boxes": 9, "close": 1}],
        },
        token=company,
    )
    assert status == 200, received
    assert received["purchaseOrderStatus"] == "Received"
    [receipt] = received["receipts"]
    assert (receipt["boxes"], receipt["shortage"], len(receipt["boxCodes"])) == (9, 1, 9)
    on_hand = InventoryLine.objects.get(pk=receipt["orderItemId"])
    # The prebook's 4 boxes come out of the received line; the other 5 are open market with cost.
    assert (on_hand.boxes_on_hand, on_hand.boxes_sold, on_hand.unit_cost, on_hand.awb) == (
        9,
        4,
        Decimal("0.350"),
        "145-1234 5675",
    )
    [cover] = Cover.objects.filter(prebook_item=prebook_item)
    assert (cover.inventory_line_id, cover.boxes, cover.uncovered) == (on_hand.pk, 4, False)
    feed = _feed(client, world, buyer)
    assert feed[(1, on_hand.pk)]["quantity"] == 5
    assert (2, future_id) not in feed  # nothing more to come
    future.refresh_from_db()
    assert (future.boxes, future.boxes_sold, future.boxes_held) == (0, 0, 0)
    assert not queries.uncovered(world.company).exists()


def test_a_shortage_leaves_the_last_prebook_uncovered_for_the_rep(client, world):
    company = issue_token(world.company, "company")
    buyer = issue_token(world.company, "customer", customer=world.customer)
    ship = timezone.now().date() + dt.timedelta(days=3)
    created = _create_po(client, world, company, ship, boxes=5)
    status, confirmed = api(
        client, "purchase.order.confirm", {"purchaseOrderId": created["purchaseOrderId"]}, token=company
    )
    [future_id] = confirmed["inventoryIds"]
    date = (ship + dt.timedelta(days=1)).isoformat()
    prebooks = []
    for boxes in (3, 2):
        _, added = api(
            client,
            "web-order-item.add",
            {
                "customerId": world.customer.pk,
                "inventoryIds": str(future_id),
                "inventoryOrigin": 2,
                "price": "0.90",
                "quantity": boxes,
                "carrierId": world.carrier.pk,
                "date": date,
            },
            token=buyer,
            account=world.company.pk,
        )
        _, out = api(
            client,
            "web-order.checkout",
            {"customerId": world.customer.pk, "webOrderId": added["webOrderId"]},
            token=buyer,
            account=world.company.pk,
        )
        prebooks.append(out["prebooks"][0]["prebookId"])
    item_id = created["purchaseOrderItemIds"][0]
    # 2 boxes first (partial, the line stays open), then 1 more and the line is closed short.
    status, first = api(
        client,
        "purchase.order.receive",
        {
            "purchaseOrderId": created["purchaseOrderId"],
            "awb": "AWB-1",
            "items": [{"purchaseOrderItemId": item_id, "boxes": 2}],
        },
        token=company,
    )
    assert status == 200 and first["purchaseOrderStatus"] == "Confirmed by Farm", first
    status, second = api(
        client,
        "purchase.order.receive",
        {
            "purchaseOrderId": created["purchaseOrderId"],
            "awb": "AWB-2",
            "items": [{"purchaseOrderItemId": item_id, "boxes": 1, "close": True}],
        },
        token=company,
    )
    assert status == 200 and second["purchaseOrderStatus"] == "Received", second
    assert second["receipts"][0]["shortage"] == 2
    # The first prebook (3 boxes) is covered 2 + 1; the second (2 boxes) gets nothing.
    [short] = queries.uncovered(world.company)
    assert (short.prebook_item.prebook_id, short.boxes) == (prebooks[1], 2)
    first_covers = Cover.objects.filter(prebook_item__prebook_id=prebooks[0], uncovered=False)
    assert sorted(c.boxes for c in first_covers) == [1, 2]
    future = FutureLine.objects.get(pk=future_id)
    assert (future.boxes, future.boxes_sold) == (0, 0)
    # Receiving again is refused by name, and nothing changes.
    status, again = api(
        client,
        "purchase.order.receive",
        {
            "purchaseOrderId": created["purchaseOrderId"],
            "awb": "AWB-3",
            "items": [{"purchaseOrderItemId": item_id, "boxes": 1}],
        },
        token=company,
    )
    assert status == 409 and again["errorCode"] == "invalid_state"


def test_a_prebook_deleted_after_its_boxes_came_gives_them_back_on_the_received_line(client, world):
    company = issue_token(world.company, "company")
    buyer = issue_token(world.company, "customer", customer=world.customer)
    ship = timezone.now().date() + dt.timedelta(days=3)
    created = _create_po(client, world, company, ship, boxes=6)
    _, confirmed = api(
        client, "purchase.order.confirm", {"purchaseOrderId": created["purchaseOrderId"]}, token=company
    )
    [future_id] = confirmed["inventoryIds"]
    _, added = api(
        client,
        "web-order-item.add",
        {
            "customerId": world.customer.pk,
            "inventoryIds": str(future_id),
            "inventoryOrigin": 2,
            "price": "0.90",
            "quantity": 5,
            "carrierId": world.carrier.pk,
            "date": (ship + dt.timedelta(days=1)).isoformat(),
        },
        token=buyer,
        account=world.company.pk,
    )
    _, out = api(
        client,
        "web-order.checkout",
        {"customerId": world.customer.pk, "webOrderId": added["webOrderId"]},
        token=buyer,
        account=world.company.pk,
    )
    prebook_id = out["prebooks"][0]["prebookId"]
    item_id = created["purchaseOrderItemIds"][0]
    # 3 boxes come first: they cover 3 of the prebook's 5; 2 are still to come on the future line.
    _, received = api(
        client,
        "purchase.order.receive",
        {
            "purchaseOrderId": created["purchaseOrderId"],
            "awb": "AWB-5",
            "items": [{"purchaseOrderItemId": item_id, "boxes": 3}],
        },
        token=company,
    )
    on_hand = InventoryLine.objects.get(pk=received["receipts"][0]["orderItemId"])
    future = FutureLine.objects.get(pk=future_id)
    assert (on_hand.boxes_sold, future.boxes, future.boxes_sold) == (3, 3, 2)
    status, body = api(client, "prebook.delete", {"prebookId": prebook_id}, token=company)
    assert status == 200, body
    on_hand.refresh_from_db()
    future.refresh_from_db()
    # The received 3 are open market on hand now; the 2 still to come are on sale as future boxes.
    assert (on_hand.boxes_sold, future.boxes_sold) == (0, 0)
    feed = _feed(client, world, buyer)
    assert (feed[(1, on_hand.pk)]["quantity"], feed[(2, future_id)]["quantity"]) == (3, 3)
