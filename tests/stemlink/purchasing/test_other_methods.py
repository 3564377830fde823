"""hardgood/inventory.list, hardgood.inventory.add, product.add, payment.method.list,
invoice.accounting.details.list, ecommerce-lite/settings and the deprecated
carriers.by.customer.ship.date.list, through HTTP with real tokens."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from stemlink.api import openapi
from stemlink.catalog.models import Product
from stemlink.orders.models import Invoice, InvoicePrefix, InvoiceStatus
from stemlink.purchasing import services
from stemlink.purchasing.models import HardGood, PaymentMethod
from stemlink.tenancy.models import Location
from tests.api_helpers import api, covers, issue_token
from tests.factories import make_future_line, make_line, make_product

D = Decimal


@covers("hardgood.inventory.add", "hardgood/inventory.list")
def test_hard_goods_are_added_and_listed_by_location_vendor_sku_and_category(client, world, other_world):
    token = issue_token(world.company, "company")
    vase = make_product(
        world.company, world.greens, description="Glass vase 20cm", color="Clear", code="VASE20"
    )
    params = {
        "locationId": world.location.pk,
        "productCode": "vase20",
        "vendorCode": world.vendor.code,
        "sku": "GV-20",
        "quantity": 12,
        "packSize": 6,
        "unitCost": "1.25",
        "unitPrice": "2.50",
        "image": "https://img.example.com/vase.png",
    }
    status, body = api(client, "hardgood.inventory.add", params, token=token)
    assert status == 200, body
    good = HardGood.objects.get(pk=body["hardGoodInventoryId"])
    assert (good.product, good.quantity, good.pack_size, good.unit_cost, good.vendor) == (
        vase,
        12,
        6,
        D("1.250"),
        world.vendor,
    )
    ribbon = make_product(world.company, world.roses, description="Ribbon red")
    _, body = api(client, "hardgood.inventory.add", {"productId": ribbon.pk, "quantity": 3}, token=token)
    listed = {"locationId": world.location.pk}
    status, body = api(client, "hardgood/inventory.list", listed, token=token, verb="GET")
    assert status == 200 and len(body["inventoryItems"]) == 2
    first = body["inventoryItems"][0]
    assert (first["sku"], first["totalUnits"], first["unitPrice"], first["category"], first["location"]) == (
        "GV-20",
        72,
        2.5,
        "Greens",
        "Miami warehouse",
    )
    for extra, expected in (
        ({"vendorCode": "rosas"}, ["GV-20"]),
        ({"sku": "gv-20"}, ["GV-20"]),
        ({"category": "roses"}, [""]),
    ):
        _, body = api(client, "hardgood/inventory.list", {**listed, **extra}, token=token)
        assert [i["sku"] for i in body["inventoryItems"]] == expected, extra
    status, body = api(
        client, "hardgood/inventory.list", {"locationId": other_world.location.pk}, token=token
    )
    assert status == 404
    status, body = api(client, "hardgood.inventory.add", {**params, "image": "javascript:x"}, token=token)
    assert status == 400 and body["errors"][0]["field"] == "image"


@covers("product.add")
def test_product_add_puts_a_product_in_the_catalogue_once(client, world):
    token = issue_token(world.company, "company")
    params = {
        "productCode": "TUL-Y",
        "description": "Tulip Yellow",
        "category": "greens",
        "variety": "Strong Gold",
        "color": "Yellow",
        "grade": "40cm",
        "legacyCode": "T-0042",
        "divisionId": 1,
        "tags": "spring,tulip",
    }
    status, body = api(client, "product.add", params, token=token)
    assert status == 200, body
    product = Product.objects.get(pk=body["productId"])
    assert (
        product.category,
        product.variety,
        product.legacy_code,
        product.division_description,
        product.tags,
    ) == (
        world.greens,
        "Strong Gold",
        "T-0042",
        "FreshCutFlowers",
        "spring,tulip",
    )
    status, body = api(
        client, "product.add", {**params, "category": None, "categoryId": world.roses.pk}, token=token
    )
    assert status == 400 and body["errors"][0]["field"] == "productCode"
    status, body = api(
        client, "product.add", {**params, "productCode": "TUL-R", "categoryId": world.roses.pk}, token=token
    )
    assert status == 200 and Product.objects.get(pk=body["productId"]).category == world.roses


@covers("payment.method.list")
def test_payment_methods_are_the_companys_own(client, world, other_world):
    PaymentMethod.objects.create(company=world.company, name="Credit card")
    PaymentMethod.objects.create(company=world.company, name="Check", active=False)
    PaymentMethod.objects.create(company=other_world.company, name="Cash")
    token = issue_token(world.company, "company")
    status, body = api(client, "payment.method.list", token=token, verb="GET")
    assert status == 200
    assert [(m["name"], m["active"]) for m in body["paymentMethods"]] == [
        ("Check", False),
        ("Credit card", True),
    ]


def _invoice(world, customer, ship, number, **fields) -> Invoice:
    return Invoice.objects.create(
        company=world.company,
        location=fields.pop("location", world.location),
        number=number,
        customer=customer,
        ship_date=ship,
        subtotal=D("100.00"),
        total=D("101.50"),
        additional_charges=D("1.50"),
        **fields,
    )


@covers("invoice.accounting.details.list")
def test_accounting_lists_invoices_of_a_ship_date_range_for_the_books(client, world, other_world):
    token = issue_token(world.company, "company")
    day = dt.date(2026, 3, 2)
    world.customer.accounting_code = "ACC-9"
    world.customer.save()
    second = Location.objects.create(company=world.company, name="Bogotá", code="BOG")
    confirmed = _invoice(world, world.customer, day, 1, status=InvoiceStatus.CONFIRMED, po_number="PO1")
    pending = _invoice(world, world.customer, day + dt.timedelta(days=3), 2)
    transfer = _invoice(world, world.customer, day, 3, prefix=InvoicePrefix.TRANSFER, location=second)
    _invoice(world, world.customer, day + dt.timedelta(days=40), 4)
    window = {"orderDateFrom": day.isoformat(), "orderDateTo": (day + dt.timedelta(days=30)).isoformat()}
    status, body = api(client, "invoice.accounting.details.list", window, token=token, verb="GET")
    assert status == 200, body
    assert [i["id"] for i in body["invoices"]] == [confirmed.pk, transfer.pk, pending.pk]
    first = body["invoices"][0]
    assert (first["accountingCode"], first["customerCode"], first["total"], first["poNumber"]) == (
        "ACC-9",
        "BLOOMNET",
        101.5,
        "PO1",
    )
    assert body["invoices"][1]["number"] == "T3"
    _, body = api(client, "invoice.accounting.details.list", {**window, "status": 1}, token=token)
    assert [i["id"] for i in body["invoices"]] == [confirmed.pk]
    _, body = api(client, "invoice.accounting.details.list", {**window, "excludeTransfer": True}, token=token)
    assert transfer.pk not in [i["id"] for i in body["invoices"]]
    _, body = api(
        client, "invoice.accounting.details.list", {**window, "locationIds": [second.pk]}, token=token
    )
    assert [i["id"] for i in body["invoices"]] == [transfer.pk]
    too_long = {**window, "orderDateTo": (day + dt.timedelta(days=32)).isoformat()}
    status, body = api(client, "invoice.accounting.details.list", too_long, token=token)
    assert status == 400 and body["errors"][0]["field"] == "orderDateTo"


@covers("invoice.accounting.details.list", "invoice.mark.sync.status.ok", "invoice.mark.sync.status.error")
def test_an_accounting_system_marks_what_it_took_and_lists_what_is_left(client, world, other_world):
    token = issue_token(world.company, "company")
    day = dt.date(2026, 3, 2)
    first = _invoice(world, world.customer, day, 11)
    second = _invoice(world, world.customer, day, 12)
    theirs = Invoice.objects.create(
        company=other_world.company,
        location=other_world.location,
        number=13,
        customer=other_world.customer,
        ship_date=day,
        subtotal=D("1"),
        total=D("1"),
    )
    window = {"orderDateFrom": day.isoformat(), "orderDateTo": day.isoformat()}

    def listed(synced: int) -> list[int]:
        status, body = api(
            client,
            "invoice.accounting.details.list",
            {**window, "externalSystemSynced": synced},
            token=token,
            verb="GET",
        )
        assert status == 200, body
        return [i["id"] for i in body["invoices"]]

    assert (listed(1), listed(0)) == ([], [first.pk, second.pk])
    status, body = api(
        client, "invoice.mark.sync.status.ok", {"invoiceId": first.pk, "invoiceNumber": 11}, token=token
    )
    assert (status, body["message"]) == (200, "OK")
    # Twice is the same as once.
    assert api(client, "invoice.mark.sync.status.ok", {"invoiceId": first.pk}, token=token)[0] == 200
    assert (listed(1), listed(0)) == ([first.pk], [second.pk])
    status, body = api(
        client, "invoice.mark.sync.status.error", {"invoiceId": first.pk, "invoiceNumber": 11}, token=token
    )
    assert status == 200 and listed(1) == []
    # A wrong number, another company's invoice: refused, nothing marked.
    status, body = api(
        client, "invoice.mark.sync.status.ok", {"invoiceId": second.pk, "invoiceNumber": 99}, token=token
    )
    assert status == 400 and body["errors"][0]["field"] == "invoiceNumber"
    status, body = api(client, "invoice.mark.sync.status.ok", {"invoiceId": theirs.pk}, token=token)
    assert status == 404 and listed(1) == []


@covers("ecommerce-lite/settings")
def test_ecommerce_lite_settings_describe_the_company_for_the_customer(client, world):
    token = issue_token(world.company, "customer", customer=world.customer)
    status, body = api(
        client,
        "ecommerce-lite/settings",
        {"customerId": world.customer.pk},
        token=token,
        account=world.company.pk,
        verb="GET",
        headers={"X-SALES-CHANNEL": "ECOMMERCE_LITE"},
    )
    assert status == 200, body
    [info] = body["userInfo"]
    assert (info["companyName"], info["customerName"], info["isMultilocation"]) == (
        world.company.name,
        "BloomNet",
        False,
    )
    assert (info["showVendorCodeOrName"], info["isEcommerceLite"], info["isAdminSales"]) == (2, True, False)
    Location.objects.create(company=world.company, name="Bogotá", code="BOG")
    world.company.show_vendors = False
    world.company.save()
    _, body = api(client, "ecommerce-lite/settings", {}, token=token, account=world.company.pk)
    assert (body["userInfo"][0]["isMultilocation"], body["userInfo"][0]["showVendorCodeOrName"]) == (True, 0)


@covers("carriers.by.customer.ship.date.list")
def test_the_deprecated_carriers_by_date_list_answers_delivery_days_per_origin(client, world):
    token = issue_token(world.company, "customer", customer=world.customer)
    world.customer.default_carrier = world.carrier
    world.customer.save()
    today = timezone.now().date()
    line = make_future_line(
        world, available_from=today + dt.timedelta(days=2), available_to=today + dt.timedelta(days=3)
    )
    params = {"customerId": world.customer.pk, "companyLocationId": world.location.pk, "inventoryOrigin": 2}
    status, body = api(
        client, "carriers.by.customer.ship.date.list", params, token=token, account=world.company.pk
    )
    assert status == 200, body
    days = [(today + dt.timedelta(days=n)).strftime("%m/%d/%Y") for n in (2, 3)]
    assert body["deliverDates"] == days and body["carrierDate"] == days[0]
    assert body["defaultCarriersByDate"][days[0]] == {
        "carrierId": world.carrier.pk,
        "carrierName": world.carrier.name,
    }
    # Nothing on hand yet; then a line: the coming week.
    _, body = api(
        client,
        "carriers.by.customer.ship.date.list",
        {**params, "inventoryOrigin": 1},
        token=token,
        account=world.company.pk,
    )
    assert body["deliverDates"] == [] and body["carrierDate"] is None
    make_line(world)
    _, body = api(
        client,
        "carriers.by.customer.ship.date.list",
        {**params, "inventoryOrigin": 1},
        token=token,
        account=world.company.pk,
    )
    assert len(body["deliverDates"]) == 7
    services.add_availability(
        world.company,
        vendor=world.vendor,
        line=services.LineRequest(
            boxes=3,
            unit_cost=D("0.3"),
            product_id=line.product_id,
            box_type_code="QB",
            bunches=10,
            stems_bunch=10,
        ),
        available_from=today + dt.timedelta(days=9),
        available_to=today + dt.timedelta(days=9),
    )
    _, body = api(
        client,
        "carriers.by.customer.ship.date.list",
        {**params, "inventoryOrigin": 3},
        token=token,
        account=world.company.pk,
    )
    assert body["deliverDates"] == [(today + dt.timedelta(days=9)).strftime("%m/%d/%Y")]
    status, body = api(
        client,
        "carriers.by.customer.ship.date.list",
        {**params, "inventoryOrigin": 4},
        token=token,
        account=world.company.pk,
    )
    assert status == 400 and body["errors"][0]["field"] == "inventoryOrigin"
    operations = [
        op
        for op in openapi.document()["paths"]["/carriers.by.customer.ship.date.list"].values()
        if "operationId" in op
    ]
    assert operations and all(op["deprecated"] is True for op in operations)


def test_growers_availability_is_inventory_origin_3_where_komet_documents_it(client, world):
    token = issue_token(world.company, "customer", customer=world.customer)
    today = timezone.now().date()
    offer = services.add_availability(
        world.company,
        vendor=world.vendor,
        line=services.LineRequest(
            boxes=6,
            unit_cost=D("0.40"),
            product_id=world.product.pk,
            box_type_code="QB",
            bunches=10,
            stems_bunch=25,
        ),
        available_from=today + dt.timedelta(days=3),
        available_to=today + dt.timedelta(days=4),
    )
    params = {"customerId": world.customer.pk, "inventoryLineIds": str(offer.pk), "inventoryOrigin": 3}
    on_day = {**params, "date": (today + dt.timedelta(days=3)).isoformat()}
    status, body = api(
        client, "ecommerce/inventory.get", on_day, token=token, account=world.company.pk, verb="GET"
    )
    assert status == 200, body
    [item] = body["inventoryItems"]
    assert (item["inventoryOrigin"], item["inventoryIds"], item["quantity"], item["vendorName"]) == (
        3,
        str(offer.pk),
        6,
        world.vendor.name,
    )
    assert item["price"] > 0.40  # cost marked up by the company's margin, as any line without a price
    _, body = api(
        client,
        "ecommerce/inventory.get",
        {**params, "date": today.isoformat()},
        token=token,
        account=world.company.pk,
    )
    assert body["inventoryItems"][0]["quantity"] == 0  # not shippable today
    status, body = api(
        client, "ecommerce/inventory-available-dates.list", params, token=token, account=world.company.pk
    )
    assert status == 200, body
    assert body["availableDates"] == [(today + dt.timedelta(days=n)).isoformat() for n in (3, 4)]
    status, body = api(
        client,
        "ecommerce/inventory.get",
        {**on_day, "inventoryLineIds": "999999"},
        token=token,
        account=world.company.pk,
    )
    assert status == 404
