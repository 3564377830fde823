"""Every parameter of the web-order methods has its effect (issue 12): a location keeps a web order
there, items go to the web order named, with their mark, by product when the token may, from the
boxes reserved for the customer when asked, and the list narrows by status and location.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from stemlink.inventory import services
from stemlink.orders.models import WebOrder, WebOrderItem, WebOrderStatus
from stemlink.tenancy.models import Location
from tests.api_helpers import api, issue_token
from tests.factories import make_line

TODAY = timezone.now().date().isoformat()


@pytest.fixture
def elsewhere(world):
    return Location.objects.create(company=world.company, name="Bogota", short_name="BOG", code="BOG")


def _call(client, world, token, method, params):
    return api(
        client, method, {"customerId": world.customer.pk, **params}, token=token, account=world.company.pk
    )


def _ok(client, world, token, method, params):
    status, body = _call(client, world, token, method, params)
    assert status == 200, body
    return body


def _item(world, line, **extra):
    return {
        "inventoryIds": str(line.pk),
        "inventoryOrigin": 1,
        "price": 0.80,
        "quantity": 1,
        "carrierId": world.carrier.pk,
        "date": TODAY,
        **extra,
    }


def test_web_orders_keep_their_location_mark_and_order(client, world, elsewhere):
    buyer = issue_token(world.company, "customer", customer=world.customer)
    line = make_line(world, location=elsewhere)
    created = _ok(
        client,
        world,
        buyer,
        "web-order.create",
        {"companyId": world.company.pk, "companyLocationId": elsewhere.pk},
    )
    order = WebOrder.objects.get(pk=created["webOrderId"])
    assert order.location == elsewhere
    added = _ok(
        client,
        world,
        buyer,
        "web-order-item.add",
        _item(world, line, webOrderId=order.pk, markCode="BN-7", companyLocationId=elsewhere.pk),
    )
    assert added["webOrderId"] == order.pk
    item = WebOrderItem.objects.get(pk=added["webOrderItemId"])
    assert item.web_order == order and item.mark_code == "BN-7"

    # The list narrows by status and location.
    def listed(**params):
        return [row["id"] for row in _ok(client, world, buyer, "web-order-details.list", params)["webOrders"]]

    assert listed(statusId=int(WebOrderStatus.PENDING)) == [order.pk]
    assert listed(statusId=int(WebOrderStatus.CHECKED_OUT)) == []
    assert listed(companyLocationId=elsewhere.pk) == [order.pk]
    assert listed(companyLocationId=world.location.pk) == []

    # Checking out at another location is refused, naming the field; at its own, it goes through.
    status, body = _call(
        client,
        world,
        buyer,
        "web-order.checkout",
        {"webOrderId": order.pk, "companyLocationId": world.location.pk},
    )
    assert status == 400 and body["errors"][0]["field"] == "companyLocationId"
    _ok(
        client,
        world,
        buyer,
        "web-order.checkout",
        {"webOrderId": order.pk, "companyLocationId": elsewhere.pk, "customerPo": "PO-55"},
    )
    order.refresh_from_db()
    assert order.status == WebOrderStatus.CHECKED_OUT and order.customer_po == "PO-55"


def test_web_order_item_add_by_product_from_reserved_boxes(client, world):
    transactional = issue_token(world.company, "customer", customer=world.customer, transactional=True)
    line = make_line(world, boxes_on_hand=5)
    reserved = services.reserve_boxes(world.company, line.pk, world.customer.pk, 2)
    by_product = {
        "companyProductId": world.product.pk,
        "boxTypeCode": "HB",
        "price": 0.80,
        "quantity": 2,
        "carrierId": world.carrier.pk,
        "date": TODAY,
    }
    added = _ok(client, world, transactional, "web-order-item.add", {**by_product, "reservedInventory": True})
    item = WebOrderItem.objects.get(pk=added["webOrderItemId"])
    assert item.inventory_line_id == reserved.pk  # the customer's reserved boxes, not the open line
    added = _ok(
        client, world, transactional, "web-order-item.add", {**by_product, "reservedInventory": False}
    )
    assert WebOrderItem.objects.get(pk=added["webOrderItemId"]).inventory_line_id == line.pk
