"""The e-commerce methods through HTTP with real tokens, as a marketplace calls them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from stemlink.customers.services import unit_price_for
from stemlink.inventory import services, stock
from stemlink.inventory.models import FutureLine, InventoryLine
from tests.api_helpers import api, covers, issue_token
from tests.factories import make_customer, make_future_line, make_line, make_product, make_ship_to

LIST = "ecommerce/inventory.list"


def sync(client, world, token, customer_id, **params):
    """Read every page of the e-commerce view as a marketplace does."""
    items, page = [], 1
    while True:
        status, body = api(
            client,
            LIST,
            {"customerId": customer_id, "page": page, "rows": 4, **params},
            token=token,
            account=world.company.pk,
            verb="GET",
        )
        assert status == 200 and body["status"] == 1, body
        items += body["inventoryItems"]
        if page * 4 >= body["total"]:
            assert len(items) == body["total"]
            return items
        page += 1


@covers("ecommerce/inventory.list", "web-order-item.add")
def test_a_marketplace_listing_every_page_sees_the_boxes_it_may_buy_at_the_price_it_is_charged(client, world):
    customer = world.customer
    customer.default_price, customer.price_b_markup = "B", Decimal("12.5")
    customer.ecommerce_markup_kind, customer.ecommerce_markup = "amount", Decimal("0.03")
    customer.save()
    products = [make_product(world.company, world.roses) for _ in range(3)]
    lines = [
        make_line(
            world,
            product=products[n % 3],
            boxes_on_hand=5 + n,
            price=None if n % 2 else Decimal(f"0.{60 + n}"),
        )
        for n in range(9)
    ]
    futures = [make_future_line(world, product=products[n % 3], boxes=4 + n) for n in range(4)]
    stock.hold_boxes(1, lines[0].pk, 2)
    stock.sell_boxes(1, lines[1].pk, 6)  # sold out
    stock.sell_boxes(2, futures[0].pk, 1)
    services.reserve_boxes(world.company, lines[2].pk, make_customer(world.company).pk, 3)
    token = issue_token(world.company, "customer", customer=customer, transactional=True)
    items = sync(client, world, token, customer.pk)

    expected = {}
    for origin, model in ((1, InventoryLine), (2, FutureLine)):
        for line in model.objects.filter(company=world.company, reserved_for__isnull=True):
            boxes = line.boxes_on_hand if origin == 1 else line.boxes
            free = boxes - line.boxes_held - line.boxes_sold
            if free > 0:
                price = unit_price_for(
                    customer,
                    line_price=line.price,
                    unit_cost=line.unit_cost,
                    gross_margin_percent=world.company.gross_margin_percent,
                )
                expected[(origin, str(line.pk))] = (free, price)
    assert {
        (i["inventoryOrigin"], i["inventoryIds"]): (i["quantity"], Decimal(str(i["price"]))) for i in items
    } == expected

    # Buying at the listed price is accepted: what was shown is what is charged.
    ship_to = make_ship_to(customer)
    offer = next(i for i in items if i["inventoryOrigin"] == 1 and i["quantity"] >= 2)
    status, body = api(
        client,
        "web-order-item.add",
        {
            "customerId": customer.pk,
            "inventoryIds": offer["inventoryIds"],
            "inventoryOrigin": 1,
            "price": offer["price"],
            "quantity": 2,
            "carrierId": world.carrier.pk,
            "date": offer["availableFrom"],
            "shipToId": ship_to.pk,
        },
        token=token,
        account=world.company.pk,
    )
    assert status == 200 and body["status"] == 1, body
    after = {
        (i["inventoryOrigin"], i["inventoryIds"]): i["quantity"]
        for i in sync(client, world, token, customer.pk)
    }
    assert after[(1, offer["inventoryIds"])] == offer["quantity"] - 2


@covers("ecommerce/inventory.list")
def test_a_customer_token_sees_its_own_prices_and_nobody_elses(client, world):
    make_line(world, price=Decimal("1.00"))
    florist = make_customer(world.company, ecommerce_markup=Decimal("50"))
    token = issue_token(world.company, "customer", customer=world.customer)
    assert [i["price"] for i in sync(client, world, token, world.customer.pk)] == [1.0]
    status, body = api(client, LIST, {"customerId": florist.pk}, token=token, account=world.company.pk)
    assert status == 404 and body["errorCode"] == "not_found" and "inventoryItems" not in body
    company_token = issue_token(world.company, "company")
    assert [i["price"] for i in sync(client, world, company_token, florist.pk)] == [1.5]


@covers("ecommerce/inventory.list")
def test_prices_are_written_as_the_exact_decimal_number(client, world):
    make_line(world, price=Decimal("1.10"))
    token = issue_token(world.company, "customer", customer=world.customer)
    response = client.post(
        f"/api/{LIST}",
        {"customerId": world.customer.pk},
        content_type="application/json",
        headers={"authenticationToken": token, "X-ACCOUNT": str(world.company.pk)},
    )
    # A JSON number to the cent, as the answer schema says; never a float's 1.1 or 1.1000000000000001.
    assert response.status_code == 200 and b'"price":1.10,' in response.content, response.content[:300]


@covers("ecommerce/inventory.list")
def test_reserved_inventory_needs_transactional_access_and_shows_only_the_customers_own(client, world):
    line = make_line(world, boxes_on_hand=10)
    mine = services.reserve_boxes(world.company, line.pk, world.customer.pk, 3)
    florist = make_customer(world.company)
    theirs = services.reserve_boxes(world.company, line.pk, florist.pk, 2)
    plain = issue_token(world.company, "company")
    status, body = api(
        client,
        LIST,
        {"customerId": world.customer.pk, "reservedInventory": True},
        token=plain,
        account=world.company.pk,
    )
    assert status == 403 and "Transactional API Access" in body["message"]
    assert [i["inventoryIds"] for i in sync(client, world, plain, world.customer.pk)] == [str(line.pk)]
    assert [
        i["inventoryIds"] for i in sync(client, world, plain, world.customer.pk, reservedInventory=0)
    ] == [str(line.pk)]
    locked = issue_token(world.company, "customer", customer=world.customer, transactional=True)
    reserved = sync(client, world, locked, world.customer.pk, reservedInventory="true")
    assert [(i["inventoryIds"], i["quantity"]) for i in reserved] == [(str(mine.pk), 3)]
    assert str(theirs.pk) not in {i["inventoryIds"] for i in reserved}


@covers("ecommerce/inventory.list")
def test_a_delta_poll_answers_changes_and_a_cursor_for_the_next_poll(client, world):
    kept, sold = make_line(world), make_line(world, boxes_on_hand=1)
    InventoryLine.objects.update(updated_on=timezone.now() - dt.timedelta(hours=1))
    since = (timezone.now() + dt.timedelta(seconds=1)).strftime("%Y-%m-%d %H:%M:%S")
    # updatedAsOf has whole seconds: wait into the next one so the sale is after it.
    InventoryLine.objects.filter(pk=sold.pk).update(updated_on=timezone.now() + dt.timedelta(seconds=2))
    stock.sell_boxes(1, sold.pk, 1)
    InventoryLine.objects.filter(pk=sold.pk).update(updated_on=timezone.now() + dt.timedelta(seconds=2))
    token = issue_token(world.company, "customer", customer=world.customer)
    status, body = api(
        client,
        LIST,
        {"customerId": world.customer.pk, "updatedAsOf": since},
        token=token,
        account=world.company.pk,
        verb="GET",
    )
    assert status == 200
    assert [(i["inventoryIds"], i["quantity"]) for i in body["inventoryItems"]] == [(str(sold.pk), 0)]
    assert str(kept.pk) not in {i["inventoryIds"] for i in body["inventoryItems"]}
    assert dt.datetime.strptime(body["nextUpdatedAsOf"], "%Y-%m-%d %H:%M:%S")


def test_another_companys_token_sees_none_of_this_stock(client, world, other_world):
    make_line(world)
    token = issue_token(other_world.company, "company")
    status, body = api(
        client, LIST, {"customerId": world.customer.pk}, token=token, account=other_world.company.pk
    )
    assert status == 404
    status, body = api(
        client, LIST, {"customerId": other_world.customer.pk}, token=token, account=other_world.company.pk
    )
    assert status == 200 and body["inventoryItems"] == [] and body["total"] == 0
    status, body = api(
        client, LIST, {"customerId": other_world.customer.pk}, token=token, account=world.company.pk
    )
    assert status == 403


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"rows": 501}, "rows"),
        ({"rows": 0}, "rows"),
        ({"page": 0}, "page"),
        ({"page": "first"}, "page"),
        ({"page": 2**61}, "page"),
        ({"inventoryOrigin": 3}, "inventoryOrigin"),
        ({"updatedAsOf": "yesterday"}, "updatedAsOf"),
        ({"availableDate": "31/12/2026"}, "availableDate"),
        ({"categoryId": -4}, "categoryId"),
    ],
)
def test_bad_parameters_are_refused_saying_what_to_fix(client, world, params, field):
    token = issue_token(world.company, "customer", customer=world.customer)
    status, body = api(
        client, LIST, {"customerId": world.customer.pk, **params}, token=token, account=world.company.pk
    )
    assert status == 400 and body["errorCode"] == "validation_error", body
    assert field in body["message"] or any(field in e["field"] for e in body.get("errors", []))


def test_a_company_token_must_name_the_customer(client, world):
    token = issue_token(world.company, "company")
    status, body = api(client, LIST, {}, token=token, account=world.company.pk)
    assert status == 400 and "customerId" in body["message"]


@covers("ecommerce/inventory.get")
def test_inventory_get_answers_what_may_be_bought_on_a_date(client, world):
    today = timezone.now().date()
    on_hand = make_line(world, boxes_on_hand=6)
    future = make_future_line(
        world, available_from=today + dt.timedelta(days=7), available_to=today + dt.timedelta(days=9)
    )
    token = issue_token(world.company, "customer", customer=world.customer)
    params = {
        "customerId": world.customer.pk,
        "inventoryLineIds": str(on_hand.pk),
        "inventoryOrigin": 1,
        "date": today.isoformat(),
    }
    status, body = api(client, "ecommerce/inventory.get", params, token=token, account=world.company.pk)
    assert status == 200 and [(i["inventoryIds"], i["quantity"]) for i in body["inventoryItems"]] == [
        (str(on_hand.pk), 6)
    ]
    params.update(
        inventoryLineIds=[future.pk], inventoryOrigin=2, date=(today + dt.timedelta(days=3)).isoformat()
    )
    _, body = api(client, "ecommerce/inventory.get", params, token=token, account=world.company.pk)
    assert body["inventoryItems"][0]["quantity"] == 0
    params["date"] = (today + dt.timedelta(days=8)).isoformat()
    _, body = api(client, "ecommerce/inventory.get", params, token=token, account=world.company.pk)
    assert body["inventoryItems"][0]["quantity"] == 20
    params.update(inventoryOrigin=1, inventoryLineIds="999999")
    status, body = api(client, "ecommerce/inventory.get", params, token=token, account=world.company.pk)
    assert status == 404 and "999999" in body["message"]


def test_inventory_get_never_answers_another_customers_reserved_line(client, world):
    line = make_line(world)
    theirs = services.reserve_boxes(world.company, line.pk, make_customer(world.company).pk, 2)
    token = issue_token(world.company, "customer", customer=world.customer, transactional=True)
    status, _ = api(
        client,
        "ecommerce/inventory.get",
        {
            "customerId": world.customer.pk,
            "inventoryLineIds": str(theirs.pk),
            "inventoryOrigin": 1,
            "date": timezone.now().date().isoformat(),
        },
        token=token,
        account=world.company.pk,
    )
    assert status == 404


@covers("ecommerce/inventory-available-dates.list")
def test_available_dates_of_future_and_on_hand_lines(client, world):
    today = timezone.now().date()
    future = make_future_line(
        world, available_from=today + dt.timedelta(days=2), available_to=today + dt.timedelta(days=4)
    )
    token = issue_token(world.company, "customer", customer=world.customer)
    status, body = api(
        client,
        "ecommerce/inventory-available-dates.list",
        {"customerId": world.customer.pk, "inventoryLineIds": str(future.pk), "inventoryOrigin": 2},
        token=token,
        account=world.company.pk,
    )
    assert status == 200
    days = [(today + dt.timedelta(days=n)).isoformat() for n in (2, 3, 4)]
    assert (body["availableDateFrom"], body["availableDateTo"], body["availableDates"]) == (
        days[0],
        days[-1],
        days,
    )
    on_hand = make_line(world)
    _, body = api(
        client,
        "ecommerce/inventory-available-dates.list",
        {"customerId": world.customer.pk, "inventoryLineIds": str(on_hand.pk), "inventoryOrigin": 1},
        token=token,
        account=world.company.pk,
    )
    assert body["availableDateFrom"] == today.isoformat() and len(body["availableDates"]) == 7
    status, body = api(
        client,
        "ecommerce/inventory-available-dates.list",
        {"customerId": world.customer.pk, "inventoryLineIds": "999999", "inventoryOrigin": 2},
        token=token,
        account=world.company.pk,
    )
    assert status == 404


@covers("ecommerce/customer-carriers.list")
def test_customer_carriers_answers_the_default_and_every_active_carrier(client, world):
    from stemlink.catalog.models import Carrier

    fedex = Carrier.objects.create(company=world.company, code="FDX", name="FedEx")
    Carrier.objects.create(company=world.company, code="OLD", name="Gone Air", active=False)
    world.customer.default_carrier = fedex
    world.customer.save()
    token = issue_token(world.company, "customer", customer=world.customer)
    status, body = api(
        client,
        "ecommerce/customer-carriers.list",
        {"customerId": world.customer.pk, "date": timezone.now().date().isoformat()},
        token=token,
        account=world.company.pk,
    )
    assert status == 200
    assert (body["carrierId"], body["carrierName"]) == (fedex.pk, "FedEx")
    assert body["carriers"] == [
        {"carrierId": world.carrier.pk, "carrierName": "Armellini Express"},
        {"carrierId": fedex.pk, "carrierName": "FedEx"},
    ]
    status, body = api(
        client,
        "ecommerce/customer-carriers.list",
        {"customerId": world.customer.pk},
        token=token,
        account=world.company.pk,
    )
    assert status == 400 and "date" in body["message"]


def test_listing_pages_cost_the_same_queries_whatever_their_size(client, world):
    for _ in range(40):
        make_line(world)
    token = issue_token(world.company, "customer", customer=world.customer)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api(client, LIST, {"customerId": world.customer.pk}, token=token, account=world.company.pk)  # first use
    used = []
    for rows in (1, 40):
        with CaptureQueriesContext(connection) as captured:
            status, body = api(
                client,
                LIST,
                {"customerId": world.customer.pk, "rows": rows},
                token=token,
                account=world.company.pk,
            )
        assert status == 200 and len(body["inventoryItems"]) == rows
        used.append(len(captured))
    assert used[0] == used[1]
