"""The company's inventory methods through HTTP: inventory.list, the open-market lists, inventory.add."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from stemlink.catalog.models import Vendor
from stemlink.inventory import services, stock
from stemlink.inventory.models import InventoryLine
from tests.api_helpers import api, covers, issue_token
from tests.factories import make_customer, make_future_line, make_line


@covers("inventory.list")
def test_inventory_list_answers_open_market_lines_with_cost_price_and_aging(client, world):
    today = timezone.now().date()
    line = make_line(
        world,
        boxes_on_hand=10,
        arrival_date=today - dt.timedelta(days=4),
        price=None,
        unit_cost=Decimal("0.70"),
    )
    stock.hold_boxes(1, line.pk, 2)
    stock.sell_boxes(1, line.pk, 3)
    make_line(world, inventory_type="S")
    token = issue_token(world.company, "company")
    status, body = api(client, "inventory.list", token=token, verb="GET")
    assert status == 200 and len(body["inventoryItems"]) == 1
    item = body["inventoryItems"][0]
    assert {
        k: item[k]
        for k in (
            "orderItemId",
            "quantity",
            "totalUnits",
            "unitCost",
            "price",
            "aging",
            "inventoryType",
            "growerName",
            "boxTypeCode",
        )
    } == {
        "orderItemId": line.pk,
        "quantity": 7,
        "totalUnits": 1750,
        "unitCost": 0.7,
        "price": 1.0,
        "aging": 4,
        "inventoryType": "M",
        "growerName": "Rosas del Ecuador",
        "boxTypeCode": "HB",
    }
    _, body = api(client, "inventory.list", {"excludeHeldItems": 1}, token=token)
    assert body["inventoryItems"][0]["quantity"] == 5
    assert body["inventoryItems"][0]["boxes"] is None


def test_inventory_list_answers_boxes_only_when_asked(client, world):
    make_line(world, boxes_on_hand=3)
    token = issue_token(world.company, "company")
    _, plain = api(client, "inventory.list", {"includeBoxes": "false"}, token=token, verb="GET")
    assert plain["inventoryItems"][0]["boxes"] is None
    _, with_boxes = api(client, "inventory.list", {"includeBoxes": "true"}, token=token, verb="GET")
    # Komet's box codes: Stemlink counts boxes (quantity) but labels none, so the list is empty.
    assert with_boxes["inventoryItems"][0]["boxes"] == []
    assert with_boxes["inventoryItems"][0]["quantity"] == plain["inventoryItems"][0]["quantity"] == 3


def test_inventory_list_by_type_lot_and_location(client, world):
    open_market = make_line(world, lot_number="LOT-A")
    standing = make_line(world, inventory_type="S")
    local = make_line(world, inventory_type="L", lot_number="LOT-A")
    token = issue_token(world.company, "company")

    def ids(params):
        _, body = api(client, "inventory.list", params, token=token)
        return [i["orderItemId"] for i in body["inventoryItems"]]

    assert ids({"inventoryType": "all"}) == [open_market.pk, standing.pk, local.pk]
    assert ids({"inventoryType": "s,l"}) == [standing.pk, local.pk]
    assert ids({"inventoryType": "M,L", "lotNumber": "LOT-A"}) == [open_market.pk, local.pk]
    assert ids({"locationId": world.location.pk}) == [open_market.pk]
    status, body = api(client, "inventory.list", {"inventoryType": "M,X"}, token=token)
    assert status == 400 and "X" in body["message"]


def test_a_vendor_token_lists_only_its_growers_lines(client, world):
    other_grower = Vendor.objects.create(company=world.company, code="FARM2", name="Farm Two")
    mine = make_line(world)
    make_line(world, vendor=other_grower)
    token = issue_token(world.company, "vendor", vendor=world.vendor)
    _, body = api(client, "inventory.list", token=token)
    assert [i["orderItemId"] for i in body["inventoryItems"]] == [mine.pk]


def test_inventory_list_never_shows_another_companys_lines(client, world, other_world):
    make_line(other_world)
    token = issue_token(world.company, "company")
    _, body = api(client, "inventory.list", {"inventoryType": "all"}, token=token)
    assert body["inventoryItems"] == []


@covers("inventory.consolidated.openmarket.list")
def test_consolidated_list_groups_free_open_market_boxes_by_product_box_and_pack(client, world):
    a = make_line(world, boxes_on_hand=5, price=Decimal("0.90"))
    b = make_line(world, boxes_on_hand=3, price=Decimal("0.85"))
    other_pack = make_line(world, boxes_on_hand=2, bunches=12, units_per_box=300)
    services.reserve_boxes(world.company, b.pk, world.customer.pk, 1)
    stock.hold_boxes(1, a.pk, 1)
    token = issue_token(world.company, "company")
    status, body = api(client, "inventory.consolidated.openmarket.list", token=token)
    assert status == 200
    groups = {g["inventoryItemIds"]: g for g in body["inventoryItems"]}
    assert set(groups) == {f"{a.pk},{b.pk}", str(other_pack.pk)}
    merged = groups[f"{a.pk},{b.pk}"]
    assert (merged["quantity"], merged["totalUnits"], merged["price"]) == (6, 1500, 0.85)
    assert "unitCost" not in merged and "aging" not in merged


@covers("future.inventory.openmarket.list")
def test_future_list_answers_lines_between_two_dates_priced_for_a_customer(client, world):
    today = timezone.now().date()
    inside = make_future_line(
        world,
        available_from=today + dt.timedelta(days=3),
        available_to=today + dt.timedelta(days=6),
        price=Decimal("1.00"),
    )
    make_future_line(
        world, available_from=today + dt.timedelta(days=30), available_to=today + dt.timedelta(days=31)
    )
    florist = make_customer(
        world.company, default_price="B", price_b_markup=Decimal("10"), ecommerce_markup=Decimal("50")
    )
    token = issue_token(world.company, "company")
    params = {"dateFrom": today.isoformat(), "dateTo": (today + dt.timedelta(days=7)).isoformat()}
    status, body = api(client, "future.inventory.openmarket.list", params, token=token)
    assert status == 200 and [i["inventoryId"] for i in body["inventoryItems"]] == [inside.pk]
    assert body["inventoryItems"][0]["price"] == 1.0
    assert body["inventoryItems"][0]["availableDate"] == inside.available_from.isoformat()
    _, body = api(
        client, "future.inventory.openmarket.list", {**params, "customerId": florist.pk}, token=token
    )
    assert (
        body["inventoryItems"][0]["price"] == 1.1
    )  # Price B; the e-commerce markup is for the e-commerce view
    status, body = api(
        client, "future.inventory.openmarket.list", {"dateFrom": today.isoformat()}, token=token
    )
    assert status == 400 and "dateTo" in body["message"]
    status, body = api(
        client,
        "future.inventory.openmarket.list",
        {"dateFrom": params["dateTo"], "dateTo": params["dateFrom"]},
        token=token,
    )
    assert status == 400 and "dateTo" in body["message"]


def test_future_list_refuses_another_companys_customer(client, world, other_world):
    token = issue_token(world.company, "company")
    today = timezone.now().date().isoformat()
    status, _ = api(
        client,
        "future.inventory.openmarket.list",
        {"dateFrom": today, "dateTo": today, "customerId": other_world.customer.pk},
        token=token,
    )
    assert status == 404


def _add_params(world, **overrides):
    params = {
        "vendorCode": "ROSAS",
        "awb": "369-0000 1111",
        "shipDate": "2026-11-20",
        "productCode": world.product.code,
        "quantity": 12,
        "boxTypeCode": "HB",
        "unitType": "Stem",
        "stemsBunch": 25,
        "bunches": 10,
        "unitCost": "0.455",
        "price": 0.9,
    }
    params.update(overrides)
    return params


@covers("inventory.add")
def test_inventory_add_puts_boxes_on_hand_and_answers_their_ids(client, world):
    token = issue_token(world.company, "company")
    status, body = api(client, "inventory.add", _add_params(world), token=token)
    assert status == 200 and body["status"] == 1, body
    line = InventoryLine.objects.get(pk=body["inventoryIds"][0])
    assert (line.company, line.boxes_on_hand, line.unit_cost, line.price) == (
        world.company,
        12,
        Decimal("0.455"),
        Decimal("0.90"),
    )
    assert line.ship_date == dt.date(2026, 11, 20)


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"productCode": "NO-SUCH"}, "NO-SUCH"),
        ({"boxTypeCode": "XB"}, "XB"),
        ({"vendorCode": "NOBODY"}, "NOBODY"),
        ({"quantity": 101}, "quantity"),
        ({"quantity": 0}, "quantity"),
        ({"quantity": 2.5}, "quantity"),
        ({"unitCost": "cheap"}, "unitCost"),
        ({"awb": None}, "awb"),
        ({"shipDate": "tomorrow"}, "shipDate"),
        ({"bunches": 2**40}, "bunches"),
        ({"stemsBunch": 0}, "stemsBunch"),
        ({"unitCost": 12345678}, "unitCost"),
        ({"price": "100000000"}, "price"),
        ({"awb": "A" * 41}, "awb"),
    ],
)
def test_inventory_add_refuses_bad_input_by_name_and_adds_nothing(client, world, overrides, named):
    token = issue_token(world.company, "company")
    status, body = api(client, "inventory.add", _add_params(world, **overrides), token=token)
    assert status == 400 and body["errorCode"] == "validation_error", body
    assert named in body["message"]
    assert not InventoryLine.objects.exists()


def test_inventory_add_refuses_another_companys_product(client, world, other_world):
    token = issue_token(world.company, "company")
    status, body = api(
        client,
        "inventory.add",
        _add_params(world, productCode=None, productId=other_world.product.pk),
        token=token,
    )
    assert status == 400 and str(other_world.product.pk) in body["message"]
    assert not InventoryLine.objects.exists()


def test_a_customer_token_may_not_add_inventory(client, world):
    token = issue_token(world.company, "customer", customer=world.customer)
    status, _ = api(client, "inventory.add", _add_params(world), token=token)
    assert status == 403
    assert not InventoryLine.objects.exists()
