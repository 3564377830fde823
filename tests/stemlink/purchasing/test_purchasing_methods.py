"""The Komet purchasing methods through HTTP with real tokens: what each answers and what each
parameter does; a Vendor token sees only its own grower's orders, availability and boxes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from stemlink.catalog.models import Carrier, Vendor
from stemlink.inventory.models import FutureLine
from stemlink.orders.models import Prebook, PrebookItem
from stemlink.orders.prebooks import PrebookLineRequest, create_prebook
from stemlink.purchasing import services
from stemlink.purchasing.models import AvailabilityItem, Box, PurchaseOrder, PurchaseOrderItem
from tests.api_helpers import api, covers, issue_token
from tests.factories import make_customer, make_user

D = Decimal
TODAY = dt.date.today


@pytest.fixture
def company_token(world):
    return issue_token(world.company, "company")


def _line(world, boxes=10, **extra) -> services.LineRequest:
    fields = {
        "boxes": boxes,
        "unit_cost": D("0.350"),
        "product_id": world.product.pk,
        "box_type_code": "QB",
        "bunches": 10,
        "stems_bunch": 25,
        "price": D("0.90"),
    }
    fields.update(extra)
    return services.LineRequest(**fields)


def _order(world, vendor=None, ship=None, boxes=10, confirm=False, **extra) -> PurchaseOrder:
    return services.create_purchase_order(
        world.company,
        vendor=vendor or world.vendor,
        ship_date=ship or timezone.now().date() + dt.timedelta(days=3),
        lines=[_line(world, boxes)],
        confirm=confirm,
        **extra,
    )


def _other_vendor(world) -> Vendor:
    return Vendor.objects.create(company=world.company, code="FLORA", name="Flora Andina")


@covers("purchase.order.list")
def test_purchase_order_list_filters_and_a_vendor_sees_only_its_own(
    client, world, other_world, company_token
):
    ship = timezone.now().date() + dt.timedelta(days=3)
    mine = _order(world, ship=ship)
    other = _order(world, vendor=_other_vendor(world), ship=ship, confirm=True)
    later = _order(world, ship=ship + dt.timedelta(days=10))
    _order(other_world, ship=ship)
    status, body = api(
        client, "purchase.order.list", {"date": ship.isoformat()}, token=company_token, verb="GET"
    )
    assert status == 200, body
    assert {o["id"] for o in body["purchaseOrders"]} == {mine.pk, other.pk}
    record = next(o for o in body["purchaseOrders"] if o["id"] == mine.pk)
    assert (record["status"], record["vendorCode"], record["items"][0]["quantity"]) == (
        "Approved",
        "ROSAS",
        10,
    )
    # Boxes are answered only once the grower ships; before, null.
    assert record["items"][0]["boxes"] is None and record["items"][0]["unitCost"] == 0.35
    window = {"dateFrom": ship.isoformat(), "dateTo": (ship + dt.timedelta(days=10)).isoformat()}
    _, body = api(client, "purchase.order.list", window, token=company_token)
    assert {o["id"] for o in body["purchaseOrders"]} == {mine.pk, other.pk, later.pk}
    _, body = api(client, "purchase.order.list", {**window, "vendorId": world.vendor.pk}, token=company_token)
    assert {o["id"] for o in body["purchaseOrders"]} == {mine.pk, later.pk}
    _, body = api(client, "purchase.order.list", {**window, "vendor": "andina"}, token=company_token)
    assert [o["id"] for o in body["purchaseOrders"]] == [other.pk]
    _, body = api(
        client, "purchase.order.list", {**window, "status": "Confirmed by Farm"}, token=company_token
    )
    assert [o["id"] for o in body["purchaseOrders"]] == [other.pk]
    _, body = api(client, "purchase.order.list", {"number": later.number}, token=company_token)
    assert [o["id"] for o in body["purchaseOrders"]] == [later.pk]
    _, body = api(
        client, "purchase.order.list", {**window, "locationId": world.location.pk}, token=company_token
    )
    assert len(body["purchaseOrders"]) == 3
    # The grower's own token: its own orders only, without sale prices.
    grower = issue_token(world.company, "vendor", vendor=world.vendor)
    _, body = api(client, "purchase.order.list", window, token=grower)
    assert {o["id"] for o in body["purchaseOrders"]} == {mine.pk, later.pk}
    assert body["purchaseOrders"][0]["items"][0]["price"] is None
    status, body = api(client, "purchase.order.list", {"status": "Lost"}, token=company_token)
    assert status == 400 and body["errors"][0]["field"] == "date"
    status, body = api(client, "purchase.order.list", {**window, "status": "Lost"}, token=company_token)
    assert status == 400 and body["errors"][0]["field"] == "status"
    far = {"dateFrom": ship.isoformat(), "dateTo": (ship + dt.timedelta(days=200)).isoformat()}
    status, body = api(client, "purchase.order.list", far, token=company_token)
    assert status == 400 and body["errors"][0]["field"] == "dateTo"


@covers("purchase.order.va.details.list")
def test_purchase_order_details_answer_each_line_with_what_is_received_and_still_offered(
    client, world, company_token
):
    ship = timezone.now().date() + dt.timedelta(days=2)
    order = _order(world, ship=ship, confirm=True)
    _order(world, vendor=_other_vendor(world), ship=ship)
    [item] = order.items.all()
    services.receive(world.company, order.pk, awb="AWB-9", lines=[services.ReceiveRequest(item.pk, 4)])
    params = {"dateFrom": ship.isoformat(), "dateTo": ship.isoformat(), "vendorId": world.vendor.pk}
    status, body = api(client, "purchase.order.va.details.list", params, token=company_token, verb="GET")
    assert status == 200, body
    [line] = body["purchaseOrderItems"]
    assert (line["purchaseOrderItemId"], line["quantity"], line["boxesReceived"], line["availableBoxes"]) == (
        item.pk,
        10,
        4,
        6,
    )
    assert line["awb"] == "AWB-9" and line["status"] == "Confirmed by Farm"
    status, body = api(
        client,
        "purchase.order.va.details.list",
        {"dateFrom": ship.isoformat(), "dateTo": (ship + dt.timedelta(days=5)).isoformat()},
        token=company_token,
    )
    assert status == 400 and body["errors"][0]["field"] == "dateTo"


def _items(**extra):
    item = {
        "productCode": "X",
        "boxTypeCode": "QB",
        "bunches": 10,
        "stemsBunch": 25,
        "boxes": 6,
        "unitCost": "0.4",
    }
    item.update(extra)
    return [item]


def test_purchase_order_create_names_every_wrong_line_field_and_makes_nothing(client, world, company_token):
    params = {
        "vendorId": world.vendor.pk,
        "shipDate": TODAY().isoformat(),
        "items": _items(productCode="NOPE", boxTypeCode="ZZ", bunches=0),
    }
    status, body = api(client, "purchase.order.create", params, token=company_token)
    assert status == 400
    assert {e["field"] for e in body["errors"]} == {
        "items[0].productCode",
        "items[0].boxTypeCode",
        "items[0].bunches",
    }
    assert not PurchaseOrder.objects.exists()
    status, body = api(client, "purchase.order.create", {**params, "items": []}, token=company_token)
    assert status == 400 and body["errors"][0]["field"] == "items"


@covers("purchase.order.create")
def test_a_purchase_order_for_a_customers_prebook_covers_its_line_when_confirmed(
    client, world, company_token
):
    ship = timezone.now().date() + dt.timedelta(days=4)
    florist = make_customer(world.company)
    prebook = create_prebook(
        world.company,
        customer=florist,
        carrier=world.carrier,
        truck_date=ship + dt.timedelta(days=1),
        items=[
            PrebookLineRequest(
                boxes=3,
                price=D("1.10"),
                product_id=world.product.pk,
                box_type_code="QB",
                bunches=10,
                stems_bunch=25,
            )
        ],
    ).prebook
    [need] = PrebookItem.objects.filter(prebook=prebook)
    params = {
        "vendorId": world.vendor.pk,
        "shipDate": ship.isoformat(),
        "arrivalDate": (ship + dt.timedelta(days=1)).isoformat(),
        "awb": "TMP-1",
        "locationId": world.location.pk,
        "customerId": florist.pk,
        "prebookId": prebook.pk,
        "comments": "for the wedding",
        "confirmed": 1,
        "items": _items(productCode=world.product.code, boxes=3, prebookItemId=need.pk, price="1.10"),
    }
    status, body = api(client, "purchase.order.create", params, token=company_token)
    assert status == 200, body
    assert body["purchaseOrderStatus"] == "Confirmed by Farm"
    order = PurchaseOrder.objects.get(pk=body["purchaseOrderId"])
    assert (order.customer, order.prebook, order.awb, order.notes) == (
        florist,
        prebook,
        "TMP-1",
        "for the wedding",
    )
    [item] = order.items.all()
    line = FutureLine.objects.get(pk=item.future_line_id)
    # Bought for the customer: offered to it alone, and the prebook line already draws on it.
    assert (line.reserved_for_id, line.boxes, line.boxes_sold) == (florist.pk, 3, 3)
    need.refresh_from_db()
    assert need.future_line_id == line.pk and need.vendor_id == world.vendor.pk


@covers("purchase.order.mixed.create")
def test_a_mixed_box_order_keeps_its_breakdowns_and_offers_no_future_boxes(client, world, company_token):
    from tests.factories import make_product

    tulip = make_product(world.company, world.greens, description="Tulip mix")
    ship = timezone.now().date() + dt.timedelta(days=4)
    params = {
        "vendorCode": world.vendor.code,
        "shipDate": ship.isoformat(),
        "mixedBoxes": [
            {
                "boxTypeCode": "HB",
                "boxes": 2,
                "breakdowns": [
                    {
                        "productId": world.product.pk,
                        "bunches": 4,
                        "stemsBunch": 25,
                        "boxes": 1,
                        "unitCost": "0.3",
                    },
                    {
                        "productCode": tulip.code,
                        "bunches": 6,
                        "stemsBunch": 10,
                        "boxes": 1,
                        "unitCost": "0.5",
                        "unitType": "Bunch",
                    },
                ],
            }
        ],
        "confirmed": True,
    }
    status, body = api(client, "purchase.order.mixed.create", params, token=company_token)
    assert status == 200, body
    items = list(PurchaseOrderItem.objects.filter(purchase_order_id=body["purchaseOrderId"]).order_by("id"))
    assert [(i.product_id, i.boxes, i.box_type.code, i.mixed_box, i.future_line_id) for i in items] == [
        (world.product.pk, 2, "HB", 1, None),
        (tulip.pk, 2, "HB", 1, None),
    ]
    assert body["message"].endswith(
        "Its mixed boxes are not offered as future boxes: they are sold once received."
    )
    status, body = api(
        client,
        "purchase.order.mixed.create",
        {**params, "confirmed": False, "companyLocationCode": world.location.code},
        token=company_token,
    )
    assert status == 200 and body["message"].endswith("was successfully created."), body
    order = PurchaseOrder.objects.get(pk=body["purchaseOrderId"])
    assert order.location_id == world.location.pk
    status, body = api(client, "purchase.order.confirm", {"purchaseOrderId": order.pk}, token=company_token)
    assert (status, body["inventoryIds"]) == (200, []) and "not offered as future boxes" in body["message"]
    # For a customer's prebook, with the header in full.
    prebook = create_prebook(
        world.company, customer=world.customer, carrier=world.carrier, truck_date=ship + dt.timedelta(days=1)
    ).prebook
    header = {
        "vendorId": world.vendor.pk,
        "arrivalDate": (ship + dt.timedelta(days=1)).isoformat(),
        "awb": "MIX-1",
        "comments": "mixed for the shop",
        "customerId": world.customer.pk,
        "locationId": world.location.pk,
        "prebookId": prebook.pk,
    }
    status, body = api(
        client, "purchase.order.mixed.create", {**params, "vendorCode": None, **header}, token=company_token
    )
    assert status == 200, body
    order = PurchaseOrder.objects.get(pk=body["purchaseOrderId"])
    assert (order.customer, order.prebook, order.awb, order.notes, order.arrival_date) == (
        world.customer,
        prebook,
        "MIX-1",
        "mixed for the shop",
        ship + dt.timedelta(days=1),
    )
    status, body = api(
        client,
        "purchase.order.mixed.create",
        {**params, "mixedBoxes": [{"boxes": 1, "breakdowns": []}]},
        token=company_token,
    )
    assert status == 400 and body["errors"][0]["field"] == "mixedBoxes[0].breakdowns"


@covers("purchase.order.item.awb.add")
def test_the_awb_goes_on_the_lines_named_and_ships_the_order(client, world, company_token):
    order = services.create_purchase_order(
        world.company,
        vendor=world.vendor,
        ship_date=TODAY(),
        lines=[_line(world), _line(world, 5)],
    )
    first, second = order.items.order_by("id")
    params = {"purchaseOrderId": order.pk, "purchaseOrderItemIds": [first.pk], "awb": "145-0000 0001"}
    status, body = api(client, "purchase.order.item.awb.add", params, token=company_token)
    assert status == 409 and body["errorCode"] == "invalid_state"  # not confirmed yet
    services.confirm_purchase_order(world.company, order.pk)
    status, body = api(client, "purchase.order.item.awb.add", params, token=company_token)
    assert status == 200 and body["purchaseOrderItemIds"] == [first.pk], body
    order.refresh_from_db()
    second.refresh_from_db()
    assert (order.status, order.awb, second.awb) == ("shipped", "", "")
    other = issue_token(world.company, "vendor", vendor=_other_vendor(world))
    status, body = api(client, "purchase.order.item.awb.add", params, token=other)
    assert status == 404


@covers("purchase.order.item.delete")
def test_deleting_a_line_withdraws_its_future_boxes_unless_some_are_sold(client, world, company_token):
    order = services.create_purchase_order(
        world.company,
        vendor=world.vendor,
        ship_date=TODAY(),
        lines=[_line(world), _line(world, 5)],
        confirm=True,
    )
    first, second = order.items.order_by("id")
    params = {"purchaseOrderId": order.pk, "purchaseOrderItemId": first.pk}
    status, body = api(client, "purchase.order.item.delete", params, token=company_token)
    assert status == 200, body
    assert FutureLine.objects.get(pk=first.future_line_id).boxes == 0
    assert list(order.items.values_list("pk", flat=True)) == [second.pk]
    from stemlink.inventory import stock

    stock.sell_boxes(2, second.future_line_id, 1, company_id=world.company.pk)
    status, body = api(
        client,
        "purchase.order.item.delete",
        {"purchaseOrderId": order.pk, "purchaseOrderItemId": second.pk},
        token=company_token,
    )
    assert status == 409 and body["errorCode"] == "invalid_state"


@covers("purchase.order.confirm", "purchase.order.receive")
def test_confirm_and_receive_are_refused_out_of_order(client, world, company_token):
    order = _order(world)
    [item] = order.items.all()
    receive = {
        "purchaseOrderId": order.pk,
        "awb": "A1",
        "items": [{"purchaseOrderItemId": item.pk, "boxes": 2}],
    }
    status, body = api(client, "purchase.order.receive", receive, token=company_token)
    assert status == 409 and "confirmed" in body["message"]
    status, body = api(client, "purchase.order.confirm", {"purchaseOrderId": order.pk}, token=company_token)
    assert status == 200
    status, body = api(client, "purchase.order.confirm", {"purchaseOrderId": order.pk}, token=company_token)
    assert status == 409 and body["errorCode"] == "invalid_state"
    status, body = api(client, "purchase.order.receive", receive, token=company_token)
    assert status == 200 and body["receipts"][0]["boxCodes"] == [
        f"PO{order.number}-{item.pk}-1",
        f"PO{order.number}-{item.pk}-2",
    ]
    bad = {**receive, "items": [{"purchaseOrderItemId": item.pk, "boxes": 0}]}
    status, body = api(client, "purchase.order.receive", bad, token=company_token)
    assert status == 400 and body["errors"][0]["field"] == "items[0].boxes"


@covers("vendor.availability.items.list")
def test_availability_lists_offers_in_the_dates_asked_and_a_grower_sees_its_own(client, world, company_token):
    today = TODAY()
    offer = services.add_availability(
        world.company,
        vendor=world.vendor,
        line=_line(world, 8),
        available_from=today + dt.timedelta(days=2),
        available_to=today + dt.timedelta(days=6),
    )
    other = services.add_availability(
        world.company,
        vendor=_other_vendor(world),
        line=_line(world, 5),
        available_from=today + dt.timedelta(days=10),
        available_to=today + dt.timedelta(days=12),
        ship_via=1,
    )
    window = {"dateFrom": today.isoformat(), "dateTo": (today + dt.timedelta(days=14)).isoformat()}
    status, body = api(client, "vendor.availability.items.list", window, token=company_token)
    assert status == 200, body
    assert [i["inventoryId"] for i in body["inventoryItems"]] == [offer.pk, other.pk]
    assert body["inventoryItems"][0]["quantity"] == 8 and body["inventoryItems"][0]["unitCost"] == 0.35
    _, body = api(
        client,
        "vendor.availability.items.list",
        {**window, "exactDate": (today + dt.timedelta(days=11)).isoformat()},
        token=company_token,
    )
    assert [i["inventoryId"] for i in body["inventoryItems"]] == [other.pk]
    _, body = api(client, "vendor.availability.items.list", {**window, "shipViaId": 1}, token=company_token)
    assert [i["inventoryId"] for i in body["inventoryItems"]] == [other.pk]
    _, body = api(
        client,
        "vendor.availability.items.list",
        {**window, "locationId": world.location.pk},
        token=company_token,
    )
    assert len(body["inventoryItems"]) == 2
    # Priced for a customer: the wholesaler's cost is not shown.
    _, body = api(
        client,
        "vendor.availability.items.list",
        {**window, "customerId": world.customer.pk},
        token=company_token,
    )
    assert body["inventoryItems"][0]["unitCost"] is None
    AvailabilityItem.objects.filter(pk=offer.pk).update(boxes_booked=8)
    _, body = api(
        client, "vendor.availability.items.list", {**window, "availableOnly": True}, token=company_token
    )
    assert [i["inventoryId"] for i in body["inventoryItems"]] == [other.pk]
    grower = issue_token(world.company, "vendor", vendor=world.vendor)
    _, body = api(client, "vendor.availability.items.list", window, token=grower)
    assert [i["inventoryId"] for i in body["inventoryItems"]] == [offer.pk]


@covers("prebook.vendor.availability.item.add")
def test_a_rep_books_a_growers_offer_into_a_prebook(client, world, company_token):
    today = TODAY()
    offer = services.add_availability(
        world.company,
        vendor=world.vendor,
        line=_line(world, 8),
        available_from=today + dt.timedelta(days=2),
        available_to=today + dt.timedelta(days=6),
    )
    prebook = create_prebook(
        world.company, customer=world.customer, carrier=world.carrier, truck_date=today + dt.timedelta(days=3)
    ).prebook
    params = {
        "prebookId": prebook.pk,
        "inventoryIds": str(offer.pk),
        "quantity": 5,
        "price": "1.20",
        "markCode": "MOM",
        "boxTypeId": world.hb.pk,
        "unitType": "bunch",
        "bunches": 12,
        "stemsBunch": 10,
    }
    status, body = api(client, "prebook.vendor.availability.item.add", params, token=company_token)
    assert status == 200, body
    item = PrebookItem.objects.get(pk=body["prebookItemId"])
    assert (
        item.vendor_id,
        item.boxes,
        item.box_type_id,
        item.unit_type,
        item.bunches,
        item.units_per_box,
        item.mark_code,
    ) == (
        world.vendor.pk,
        5,
        world.hb.pk,
        "Bunch",
        12,
        12,
        "MOM",
    )
    assert Prebook.objects.get(pk=prebook.pk).total == D("72.00")
    offer.refresh_from_db()
    assert offer.boxes_booked == 5
    more = {**params, "quantity": 2, "boxTypeCode": "QB", "stemsBunch": 25}
    del more["boxTypeId"]
    status, body = api(client, "prebook.vendor.availability.item.add", more, token=company_token)
    assert status == 200 and PrebookItem.objects.get(pk=body["prebookItemId"]).box_type_id == world.qb.pk
    status, body = api(client, "prebook.vendor.availability.item.add", more, token=company_token)
    assert status == 409 and body["errorCode"] == "not_available" and "Only 1 box(es)" in body["message"]


@covers("box.code.change")
def test_box_codes_change_one_by_one_and_a_grower_relabels_only_its_own(client, world, company_token):
    order = _order(world, confirm=True)
    [item] = order.items.all()
    services.receive(world.company, order.pk, awb="A-1", lines=[services.ReceiveRequest(item.pk, 2)])
    first, second = Box.objects.order_by("id").values_list("code", flat=True)
    params = {
        "boxes": [
            {"currentBoxCode": first, "newBoxCode": "LBL-1"},
            {"currentBoxCode": "NOPE", "newBoxCode": "LBL-2"},
            {"currentBoxCode": second, "newBoxCode": "LBL-1"},
        ]
    }
    status, body = api(client, "box.code.change", params, token=company_token)
    assert status == 200, body
    assert body["message"] == "1 boxes were successfully updated. 2 boxes could not be updated"
    assert [(b["status"], b["message"]) for b in body["boxes"]] == [
        (1, "Box code was successfully updated"),
        (0, "Box code does not exist"),
        (0, "The new box code is already in use"),
    ]
    other = issue_token(world.company, "vendor", vendor=_other_vendor(world))
    _, body = api(
        client, "box.code.change", {"boxes": [{"currentBoxCode": second, "newBoxCode": "X"}]}, token=other
    )
    assert body["boxes"][0]["message"] == "Box code does not exist"
    grower = issue_token(world.company, "vendor", vendor=world.vendor)
    _, body = api(
        client, "box.code.change", {"boxes": [{"currentBoxCode": second, "newBoxCode": "X"}]}, token=grower
    )
    assert body["boxes"][0]["status"] == 1
    assert set(Box.objects.values_list("code", flat=True)) == {"LBL-1", "X"}


@covers("multiple.prebooks.create")
def test_multiple_prebooks_make_the_customer_a_prebook_per_date_and_buy_from_growers(
    client, world, company_token
):
    today = TODAY()
    line = {
        "productCode": world.product.code,
        "boxTypeCode": "QB",
        "bunches": 10,
        "stemsBunch": 25,
        "price": "1.00",
    }
    params = {
        "customerCode": "NEWSHOP",
        "customerName": "New Shop",
        "billAddress": "1 Main St",
        "billCity": "Miami",
        "billState": "FL",
        "billZipCode": "33101",
        "billCountry": "US",
        "shipAddress": "2 Side St",
        "shipCity": "Doral",
        "shipState": "FL",
        "shipZipCode": "33172",
        "shipCountry": "US",
        "customerPhone": "+1 305 555 0100",
        "shipViaId": 1,
        "customerPO": "PO-77",
        "autoGeneratePOsfromPrebooks": 1,
        "companyLocationCode": world.location.code,
        "prebookItems": [
            {
                **line,
                "carrierCode": "ARM",
                "shipDate": (today + dt.timedelta(days=3)).isoformat(),
                "boxes": 2,
                "vendorCode": "ROSAS",
                "unitCost": "0.40",
                "markCode": "A",
            },
            {
                **line,
                "carrierCode": "ARM",
                "shipDate": (today + dt.timedelta(days=3)).isoformat(),
                "boxes": 1,
                "vendorCode": "ROSAS",
                "unitCost": "0.40",
            },
            {
                **line,
                "carrierCode": "ARM",
                "shipDate": (today + dt.timedelta(days=5)).isoformat(),
                "boxes": 4,
                "vendorCode": "ROSAS",
                "unitCost": "0.45",
            },
        ],
    }
    status, body = api(client, "multiple.prebooks.create", params, token=company_token)
    assert status == 200, body
    assert len(body["prebooks"]) == 2 and len(body["purchaseOrderIds"]) == 2
    prebook = Prebook.objects.get(pk=body["prebooks"][0]["prebookId"])
    customer = prebook.customer
    assert (customer.code, customer.billing_city, customer.shipping_city, customer.phone) == (
        "NEWSHOP",
        "Miami",
        "Doral",
        "+1 305 555 0100",
    )
    assert (prebook.customer_po, prebook.ship_via, prebook.items.count()) == ("PO-77", 1, 2)
    order = PurchaseOrder.objects.get(pk=body["purchaseOrderIds"][0])
    assert order.status == "open" and order.customer_id == customer.pk
    assert sorted(order.items.values_list("boxes", "prebook_item__prebook_id")) == [
        (1, prebook.pk),
        (2, prebook.pk),
    ]
    # The same customer code again: found, not made twice; a line without a grower cannot be bought.
    again = {**params, "prebookItems": [{**params["prebookItems"][0], "vendorCode": None}]}
    status, body = api(client, "multiple.prebooks.create", again, token=company_token)
    assert status == 400 and body["errors"][0]["field"] == "prebookItems[0].vendorCode"


@covers("purchase.order.create", "purchase.order.item.awb.add", "purchase.order.item.delete")
def test_komets_own_names_work_purchase_order_items_location_code_and_po_item_id(
    client, world, company_token
):
    """The names Komet's pages give (purchaseOrderItems, companyLocationCode, poItemId) work as
    Stemlink's own do, so a Komet client runs unchanged."""
    line = {
        "productCode": world.product.code,
        "boxTypeCode": "QB",
        "bunches": 10,
        "stemsBunch": 25,
        "boxes": 4,
        "unitCost": "0.30",
    }
    status, body = api(
        client,
        "purchase.order.create",
        {
            "vendorId": world.vendor.pk,
            "shipDate": TODAY().isoformat(),
            "companyLocationCode": world.location.code,
            "confirmed": 1,
            "purchaseOrderItems": [line, {**line, "boxes": 2}],
        },
        token=company_token,
    )
    assert status == 200, body
    first, second = body["purchaseOrderItemIds"]
    assert PurchaseOrder.objects.get(pk=body["purchaseOrderId"]).location_id == world.location.pk
    status, body = api(
        client,
        "purchase.order.item.awb.add",
        {"poItemId": first, "awb": "145-0000 0009", "shipDate": TODAY().isoformat()},
        token=company_token,
    )
    assert status == 200 and body["purchaseOrderItemIds"] == [first], body
    # Komet's answer keys beside Stemlink's: no line is split, no box is labelled on shipping.
    assert (body["newPOItemId"], body["boxCodes"]) == (None, [])
    assert PurchaseOrderItem.objects.get(pk=first).awb == "145-0000 0009"
    status, body = api(client, "purchase.order.item.delete", {"poItemId": second}, token=company_token)
    assert status == 200, body
    assert not PurchaseOrderItem.objects.filter(pk=second).exists()
    # Both names at once, or no line named: refused by name.
    status, body = api(
        client,
        "purchase.order.create",
        {
            "vendorId": world.vendor.pk,
            "shipDate": TODAY().isoformat(),
            "items": [line],
            "purchaseOrderItems": [line],
        },
        token=company_token,
    )
    assert status == 400 and body["errors"][0]["field"] == "purchaseOrderItems"
    status, body = api(client, "purchase.order.item.delete", {}, token=company_token)
    assert status == 400 and body["errors"][0]["field"] == "poItemId"
    status, body = api(client, "purchase.order.item.delete", {"poItemId": 999999}, token=company_token)
    assert status == 404


@covers("purchase.order.create")
def test_purchase_order_number_adds_lines_to_an_open_order_of_the_same_grower(client, world, company_token):
    """Komet's purchaseOrderNumber: the lines join that order instead of making a new one; an
    unknown number, another grower's order or one no longer open is refused in words."""
    order = _order(world)
    line = {
        "productId": world.product.pk,
        "boxTypeCode": "QB",
        "bunches": 10,
        "stemsBunch": 25,
        "boxes": 3,
        "unitCost": "0.30",
    }
    params = {
        "vendorCode": world.vendor.code,
        "shipDate": order.ship_date.isoformat(),
        "purchaseOrderNumber": order.number,
        "purchaseOrderItems": [line, {**line, "boxes": 2}],
    }
    status, body = api(client, "purchase.order.create", params, token=company_token)
    assert status == 200, body
    added = list(order.items.order_by("id").values_list("pk", flat=True))[1:]
    assert (body["purchaseOrderId"], body["purchaseOrderNumber"]) == (order.pk, order.number)
    assert body["purchaseOrderItemIds"] == added and len(added) == 2
    assert body["purchaseOrderStatus"] == "Approved" and PurchaseOrder.objects.count() == 1

    status, body = api(
        client, "purchase.order.create", {**params, "purchaseOrderNumber": 99999}, token=company_token
    )
    assert status == 404 and "99999" in body["message"]
    other = _other_vendor(world)
    status, body = api(
        client, "purchase.order.create", {**params, "vendorCode": other.code}, token=company_token
    )
    assert status == 400 and body["errors"][0]["field"] == "purchaseOrderNumber"
    assert "same grower" in body["errors"][0]["message"]
    services.confirm_purchase_order(world.company, order.pk)
    status, body = api(client, "purchase.order.create", params, token=company_token)
    assert status == 409 and "open" in body["message"]
    assert order.items.count() == 3


@covers("purchase.order.create", "purchase.order.list")
def test_the_inbound_carrier_is_kept_on_the_order_answered_and_shown(
    client, admin_client, world, company_token
):
    """Komet's carrierId/carrierCode on purchase.order.create: the company's own active carrier,
    found as every order path finds one; kept on the order, answered by the list, on its page."""
    params = {
        "vendorId": world.vendor.pk,
        "shipDate": TODAY().isoformat(),
        "carrierCode": world.carrier.code.lower(),
        "items": _items(productCode=world.product.code),
    }
    status, body = api(client, "purchase.order.create", params, token=company_token)
    assert status == 200, body
    order = PurchaseOrder.objects.get(pk=body["purchaseOrderId"])
    assert order.carrier_id == world.carrier.pk
    status, body = api(
        client, "purchase.order.list", {"number": order.number}, token=company_token, verb="GET"
    )
    assert status == 200, body
    record = body["purchaseOrders"][0]
    assert (record["carrierId"], record["carrierCode"]) == (world.carrier.pk, world.carrier.code)
    office = Client()
    office.force_login(make_user(world.company, username="ana", role="admin"))
    page = office.get(f"/purchasing/{order.pk}/")
    assert page.status_code == 200 and world.carrier.name in page.content.decode()

    # Another carrier by id, on lines added to the same order.
    other = Carrier.objects.create(company=world.company, code="FX", name="FedEx")
    status, body = api(
        client,
        "purchase.order.create",
        {**params, "carrierCode": None, "carrierId": other.pk, "purchaseOrderNumber": order.number},
        token=company_token,
    )
    assert status == 200, body
    order.refresh_from_db()
    assert order.carrier_id == other.pk and order.items.count() == 2
    # No such carrier, or an inactive one: refused, nothing made.
    status, body = api(
        client, "purchase.order.create", {**params, "carrierCode": "NOPE"}, token=company_token
    )
    assert status == 404 and "NOPE" in body["message"]
    Carrier.objects.filter(pk=other.pk).update(active=False)
    status, body = api(client, "purchase.order.create", {**params, "carrierCode": "FX"}, token=company_token)
    assert status == 400 and body["errors"][0]["field"] == "carrierCode"
    assert PurchaseOrder.objects.count() == 1


@covers("purchase.order.items.awb.add")
def test_several_lines_of_several_orders_get_their_awb_in_one_call(client, world, company_token):
    """Komet's purchase.order.items.awb.add: each line its AWB, each order shipped; all or nothing;
    a grower's token (or a company token naming vendorId) reaches only that grower's lines."""
    one = _order(world, confirm=True)
    two = services.create_purchase_order(
        world.company,
        vendor=world.vendor,
        ship_date=TODAY(),
        lines=[_line(world), _line(world, 4)],
        confirm=True,
    )
    a = one.items.get()
    b, c = two.items.order_by("id")
    ship = TODAY().isoformat()
    params = {
        "vendorId": world.vendor.pk,
        "poItems": [
            {"poItemId": a.pk, "awb": "145-0000 0001", "shipDate": ship},
            {"poItemId": b.pk, "awb": "145-0000 0002", "shipDate": ship, "boxCodes": ["1"], "lotNumber": "7"},
        ],
    }
    status, body = api(client, "purchase.order.items.awb.add", params, token=company_token)
    assert status == 200, body
    results = body["purchaseOrderItemDetailsAWBAddAPIResultList"]
    assert [(r["poItemId"], r["purchaseOrderId"], r["awb"], r["status"]) for r in results] == [
        (a.pk, one.pk, "145-0000 0001", 1),
        (b.pk, two.pk, "145-0000 0002", 1),
    ]
    assert results[0]["boxCodes"] == [] and results[0]["lotNumber"] is None
    one.refresh_from_db()
    two.refresh_from_db()
    c.refresh_from_db()
    assert (one.status, one.awb, two.status, two.awb, c.awb) == (
        "shipped",
        "145-0000 0001",
        "shipped",
        "",
        "",
    )

    # Another grower's token, or a company token naming another grower: the lines are not found.
    other = _other_vendor(world)
    retry = {"poItems": [{"poItemId": c.pk, "awb": "145-0000 0003"}]}
    status, body = api(
        client,
        "purchase.order.items.awb.add",
        retry,
        token=issue_token(world.company, "vendor", vendor=other),
    )
    assert status == 404 and str(c.pk) in body["message"]
    status, body = api(
        client, "purchase.order.items.awb.add", {**retry, "vendorId": other.pk}, token=company_token
    )
    assert status == 404
    # A line of an order not yet confirmed refuses the whole call: nothing changed.
    open_order = _order(world)
    d = open_order.items.get()
    status, body = api(
        client,
        "purchase.order.items.awb.add",
        {"poItems": [*retry["poItems"], {"poItemId": d.pk, "awb": "145-0000 0003"}]},
        token=company_token,
    )
    assert status == 409 and body["errorCode"] == "invalid_state"
    c.refresh_from_db()
    assert c.awb == ""
    status, body = api(
        client,
        "purchase.order.items.awb.add",
        {"poItems": [{"poItemId": c.pk, "awb": " "}]},
        token=company_token,
    )
    assert status == 400 and body["errors"][0]["field"] in {"poItems[0].awb", "poItems.0.awb"}
    # The grower's own token ships its own line.
    mine = issue_token(world.company, "vendor", vendor=world.vendor)
    status, body = api(client, "purchase.order.items.awb.add", retry, token=mine)
    assert status == 200, body
    c.refresh_from_db()
    assert c.awb == "145-0000 0003"
