"""Invoices, prebooks and standing orders through the API, as an integrator and a customer use them."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone
from pypdf import PdfReader

from stemlink.orders.models import FeeEntry, Invoice, Prebook, StandingOrder
from stemlink.orders.standing import generate_standing_order_prebooks
from tests.api_helpers import api, covers, issue_token
from tests.factories import make_customer, make_future_line, make_line, make_ship_to

TODAY = timezone.now().date()
SHIP = TODAY + dt.timedelta(days=1)


def fees(**document) -> Decimal:
    return FeeEntry.objects.filter(**document).aggregate(s=Sum("amount"))["s"] or Decimal("0")


@pytest.fixture
def company_token(world):
    return issue_token(world.company, "company")


@pytest.fixture
def florist(world):
    return make_customer(world.company, name="Petals Downtown", code="PETALS")


def create_invoice(client, world, token, items, **extra):
    params = {
        "customerId": world.customer.pk,
        "carrierId": world.carrier.pk,
        "shipDate": SHIP.isoformat(),
        "items": items,
        **extra,
    }
    return api(client, "invoice.create", params, token=token)


# ------------------------------------------------------------------------------------------- invoices


@covers("invoice.create", "invoice.list", "invoice.checkout")
def test_an_integrator_creates_checks_out_and_lists_an_invoice(client, world, company_token):
    line = make_line(world)  # 10 HB x 250 stems at 0.80
    ship_to = make_ship_to(world.customer, name="Shop 7")
    status, body = create_invoice(
        client,
        world,
        company_token,
        [
            {"orderItemId": str(line.pk), "boxes": "2", "price": "0.80", "markCode": "BN-1"},
            {
                "productCode": world.product.code,
                "boxTypeCode": "HB",
                "unitsPerBox": 250,
                "unitType": "Stem",
                "boxes": 1,
                "price": 0.9,
            },
        ],
        customerId=str(world.customer.pk),
        shipDate=f"{SHIP.isoformat()}T00:00:00.000Z",
        statusDraft="1",
        shipToId=ship_to.pk,
        poNumber="PO-42",
        invoiceNotes="Deliver by 9",
        returnAvailableBoxes=True,
    )
    assert status == 200, body
    assert body["status"] == 1 and body["message"] == "The invoice was successfully created."
    invoice = Invoice.objects.get(pk=body["invoiceId"])
    assert body["invoiceNumber"] == invoice.number
    assert [i["orderItemId"] for i in body["items"]] == [line.pk, line.pk]
    assert body["items"][-1]["availableBoxes"] == 7
    line.refresh_from_db()
    assert line.boxes_sold == 3
    assert invoice.status == 2 and invoice.total == Decimal("625.00")  # 400 + 225
    assert fees(invoice=invoice) == Decimal("9.38")  # 1.5% of 625.00, half up

    status, body = api(client, "invoice.checkout", {"invoiceNumber": invoice.number}, token=company_token)
    assert status == 200 and body["message"] == "The invoice was successfully checked out."
    status, body = api(
        client, "invoice.checkout", {"invoiceNumber": str(invoice.number)}, token=company_token
    )
    assert status == 409 and body["errorCode"] == "invalid_state"

    status, body = api(
        client,
        "invoice.list",
        {
            "orderDateFrom": TODAY.isoformat(),
            "orderDateTo": f"{(TODAY + dt.timedelta(days=5)).isoformat()} 00:00:00",
        },
        token=company_token,
        verb="GET",
    )
    assert status == 200 and body["message"] == "OK"
    [row] = body["invoices"]
    assert row["id"] == invoice.pk and row["status"] == 0 and row["statusName"] == "Pending Approval"
    assert row["total"] == 625.0 and row["subtotal"] == 625.0
    assert row["customerName"] == "BloomNet" and row["carrierName"] == "Armellini Express"
    assert (
        row["poNumber"] == "PO-42" and row["invoiceNotes"] == "Deliver by 9" and row["shipToId"] == ship_to.pk
    )
    assert row["shipDate"] == SHIP.isoformat()


@covers("invoice.item.add", "invoice.item.update", "invoice.item.delete")
def test_items_are_added_changed_and_removed_with_stock_and_fee_following(client, world, company_token):
    line = make_line(world)
    _, body = create_invoice(client, world, company_token, [])
    invoice_id = body["invoiceId"]
    status, body = api(
        client,
        "invoice.item.add",
        {
            "invoiceId": invoice_id,
            "orderItemId": line.pk,
            "boxes": 4,
            "price": "0.80",
            "returnAvailableBoxes": 1,
        },
        token=company_token,
    )
    assert status == 200, body
    assert body["availableBoxes"] == 6 and body["invoiceId"] == invoice_id
    item_id = body["invoiceItemId"]
    status, body = api(
        client,
        "invoice.item.update",
        {
            "invoiceId": invoice_id,
            "invoiceItemId": str(item_id),
            "boxes": 2,
            "price": 1,
            "discount": 10,
            "returnAvailableBoxes": "true",
        },
        token=company_token,
    )
    assert status == 200, body
    assert body["availableBoxes"] == 8 and body["invoiceItemId"] == item_id
    invoice = Invoice.objects.get(pk=invoice_id)
    assert invoice.total == Decimal("450.00")  # 2 x 250 x 1.00 less 10%
    assert fees(invoice=invoice) == Decimal("6.75")
    status, body = api(
        client,
        "invoice.item.delete",
        {"invoiceId": invoice_id, "invoiceItemId": item_id, "returnAvailableBoxes": True},
        token=company_token,
    )
    assert status == 200 and body["availableBoxes"] == 10
    assert fees(invoice=invoice) == Decimal("0.00")
    status, body = api(
        client,
        "invoice.item.delete",
        {"invoiceId": invoice_id, "invoiceItemId": item_id},
        token=company_token,
    )
    assert status == 404 and body["errorCode"] == "not_found"


def test_an_invoice_is_refused_whole_when_a_line_runs_short(client, world, company_token):
    line = make_line(world, boxes_on_hand=2)
    status, body = create_invoice(
        client, world, company_token, [{"orderItemId": line.pk, "boxes": 3, "price": 1}]
    )
    assert status == 409 and body["errorCode"] == "not_available" and body["availableBoxes"] == 2
    assert not Invoice.objects.exists() and not FeeEntry.objects.exists()


def test_invoice_create_explains_bad_input_and_changes_nothing(client, world, company_token):
    status, body = api(
        client,
        "invoice.create",
        {
            "customerId": "abc",
            "carrierId": world.carrier.pk,
            "shipDate": "20/06/2026",
            "statusDraft": "maybe",
            "items": [{"boxes": 1.5, "price": -1}],
        },
        token=company_token,
    )
    assert status == 400 and body["errorCode"] == "validation_error"
    fields = {e["field"] for e in body["errors"]}
    assert {"customerId", "shipDate", "statusDraft", "items.0.boxes", "items.0.price"} <= fields
    status, body = api(
        client,
        "invoice.create",
        {"carrierId": world.carrier.pk, "shipDate": SHIP.isoformat()},
        token=company_token,
    )
    assert status == 400 and body["errors"][0]["field"] == "customerId"
    assert not Invoice.objects.exists()


def test_invoice_create_finds_customer_and_carrier_by_code(client, world, company_token):
    status, body = api(
        client,
        "invoice.create",
        {
            "customerCode": "bloomnet",
            "customerDescription": "BloomNet",
            "carrierCode": "ARM",
            "shipDate": SHIP.isoformat(),
        },
        token=company_token,
    )
    assert status == 200, body
    invoice = Invoice.objects.get(pk=body["invoiceId"])
    assert invoice.customer == world.customer and invoice.carrier == world.carrier and invoice.status == 0


def test_a_customer_token_may_not_create_invoices(client, world):
    token = issue_token(world.company, "customer", customer=world.customer)
    status, body = create_invoice(client, world, token, [])
    assert status == 403 and body["status"] == 0


def test_invoice_list_caps_the_period_at_six_months_and_says_when_nothing_is_found(
    client, world, company_token
):
    status, body = api(
        client,
        "invoice.list",
        {"orderDateFrom": "2026-01-01", "orderDateTo": "2026-07-02"},
        token=company_token,
    )
    assert status == 400 and body["errors"][0]["field"] == "orderDateTo"
    assert "6 months" in body["errors"][0]["message"]
    status, body = api(client, "invoice.list", {"orderDateFrom": "2026-01-01"}, token=company_token)
    assert status == 400 and body["errors"][0]["field"] == "orderDateTo"
    status, body = api(
        client,
        "invoice.list",
        {"orderDateFrom": "2026-01-01", "orderDateTo": "2026-07-01"},
        token=company_token,
    )
    assert status == 200 and body == {"status": 1, "message": "Orders not found.", "invoices": []}


def test_invoice_list_filters(client, world, company_token, florist):
    make_line(world)
    _, first = create_invoice(client, world, company_token, [], poNumber="A")
    _, second = api(
        client,
        "invoice.create",
        {
            "customerId": florist.pk,
            "carrierId": world.carrier.pk,
            "shipDate": SHIP.isoformat(),
            "statusDraft": True,
        },
        token=company_token,
    )
    period = {"orderDateFrom": TODAY.isoformat(), "orderDateTo": SHIP.isoformat()}

    def ids(**filters):
        _, body = api(client, "invoice.list", {**period, **filters}, token=company_token)
        return [row["id"] for row in body["invoices"]]

    assert ids() == [first["invoiceId"], second["invoiceId"]]
    assert ids(status=2) == [second["invoiceId"]]
    assert ids(status="0") == [first["invoiceId"]]
    assert ids(customer="petals") == [second["invoiceId"]]
    assert ids(customerId=str(world.customer.pk)) == [first["invoiceId"]]
    assert ids(order=f"W{second['invoiceNumber']}") == [second["invoiceId"]]
    assert ids(orderId=first["invoiceId"]) == [first["invoiceId"]]
    assert ids(carrierName="armel") == [first["invoiceId"], second["invoiceId"]]
    assert ids(isEcommerce="true") == []
    status, body = api(client, "invoice.list", {**period, "status": 3}, token=company_token)
    assert status == 400 and body["errors"][0]["field"] == "status"


@covers("invoice.details.list")
def test_invoice_details_list_by_date_range_or_order(client, world, company_token):
    line = make_line(world)
    _, created = create_invoice(
        client,
        world,
        company_token,
        [{"orderItemId": line.pk, "boxes": 2, "price": "0.80", "markCode": "M1"}],
    )
    status, body = api(
        client, "invoice.details.list", {"orderDate": SHIP.isoformat()}, token=company_token, verb="GET"
    )
    assert status == 200 and body["message"] == "OK"
    [row] = body["invoices"]
    [detail] = row["details"]
    assert detail["productCode"] == world.product.code and detail["boxTypeCode"] == "HB"
    assert detail["boxes"] == 2 and detail["totalUnits"] == 500 and detail["unitPrice"] == 0.8
    assert detail["total"] == 400.0 and detail["markCode"] == "M1" and detail["unitType"] == "Stem"
    # Komet's per-invoice lists: no mixed boxes nor labelled boxes here, no additional charges yet.
    assert (row["breakdowns"], row["boxes"], row["additionalChargesDetails"]) == ([], [], [])
    Invoice.objects.filter(pk=row["id"]).update(additional_charges=Decimal("12.50"))
    _, body = api(client, "invoice.details.list", {"orderDate": SHIP.isoformat()}, token=company_token)
    assert body["invoices"][0]["additionalChargesDetails"] == [
        {"description": "Additional charges", "amount": 12.5}
    ]
    _, body = api(client, "invoice.details.list", {"order": created["invoiceNumber"]}, token=company_token)
    assert [r["id"] for r in body["invoices"]] == [created["invoiceId"]]
    status, body = api(
        client,
        "invoice.details.list",
        {"orderDateFrom": TODAY.isoformat(), "orderDateTo": (TODAY + dt.timedelta(days=5)).isoformat()},
        token=company_token,
    )
    assert status == 400 and "4 days" in body["errors"][0]["message"]
    status, body = api(client, "invoice.details.list", {}, token=company_token)
    assert status == 400 and body["errors"][0]["field"] == "orderDate"
    _, body = api(client, "invoice.details.list", {"orderDate": "2020-01-01"}, token=company_token)
    assert body["status"] == 1 and body["message"] == "Orders not found." and body["invoices"] == []


@covers("invoice.pdf.get")
def test_invoice_pdf_is_a_real_pdf_showing_the_lines_and_total(client, world, company_token):
    line = make_line(world)
    ship_to = make_ship_to(world.customer, name="Bloom Shop 12", city="Orlando")
    _, created = create_invoice(
        client,
        world,
        company_token,
        [{"orderItemId": line.pk, "boxes": 3, "price": "0.85"}],
        shipToId=ship_to.pk,
    )
    status, body = api(
        client, "invoice.pdf.get", {"invoiceId": str(created["invoiceId"])}, token=company_token, verb="GET"
    )
    assert status == 200 and body["status"] == 1
    assert body["suggestedFileName"] == f"Invoice_{created['invoiceNumber']}.pdf"
    values = [int(v) for v in body["file"].split(", ")]
    assert values[:5] == [37, 80, 68, 70, 45]  # %PDF-
    assert min(values) >= -128 and max(values) <= 127 and min(values) < 0
    data = bytes(v % 256 for v in values)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    for expected in (
        "Sunrise Flowers",
        "BloomNet",
        "Bloom Shop 12",
        "Orlando",
        "Armellini Express",
        world.product.description,
        "$0.85",
        "$637.50",
        str(created["invoiceNumber"]),
    ):
        assert expected in text, expected


def test_a_customer_token_reads_only_its_own_invoices(client, world, company_token, florist):
    make_line(world)
    _, mine = create_invoice(client, world, company_token, [])
    _, theirs = api(
        client,
        "invoice.create",
        {"customerId": florist.pk, "carrierId": world.carrier.pk, "shipDate": SHIP.isoformat()},
        token=company_token,
    )
    token = issue_token(world.company, "customer", customer=world.customer)
    period = {"orderDateFrom": TODAY.isoformat(), "orderDateTo": SHIP.isoformat()}
    status, body = api(client, "invoice.list", period, token=token)
    assert status == 200 and [r["id"] for r in body["invoices"]] == [mine["invoiceId"]]
    status, body = api(client, "invoice.list", {**period, "customerId": florist.pk}, token=token)
    assert status == 404 and body["errorCode"] == "not_found"
    _, body = api(client, "invoice.details.list", {"orderId": theirs["invoiceId"]}, token=token)
    assert body["invoices"] == [] and body["message"] == "Orders not found."
    status, body = api(client, "invoice.pdf.get", {"invoiceId": theirs["invoiceId"]}, token=token)
    assert status == 404
    status, body = api(client, "invoice.pdf.get", {"invoiceId": mine["invoiceId"]}, token=token)
    assert status == 200 and body["file"].startswith("37, 80, 68, 70")


def test_another_companys_invoice_is_never_seen(client, world, other_world, company_token):
    theirs_token = issue_token(other_world.company, "company")
    _, theirs = api(
        client,
        "invoice.create",
        {
            "customerId": other_world.customer.pk,
            "carrierId": other_world.carrier.pk,
            "shipDate": SHIP.isoformat(),
        },
        token=theirs_token,
    )
    status, _ = api(client, "invoice.pdf.get", {"invoiceId": theirs["invoiceId"]}, token=company_token)
    assert status == 404
    status, _ = api(
        client,
        "invoice.item.add",
        {"invoiceId": theirs["invoiceId"], "orderItemId": 1, "boxes": 1, "price": 1},
        token=company_token,
    )
    assert status == 404
    status, _ = api(
        client,
        "invoice.create",
        {"customerId": other_world.customer.pk, "carrierId": world.carrier.pk, "shipDate": SHIP.isoformat()},
        token=company_token,
    )
    assert status == 404


def test_an_integrator_confirms_an_invoice_it_created(client, world, company_token):
    line = make_line(world)
    _, created = create_invoice(
        client, world, company_token, [{"orderItemId": line.pk, "boxes": 1, "price": 1}]
    )
    status, body = api(
        client, "invoice.confirm", {"invoiceNumber": created["invoiceNumber"]}, token=company_token
    )
    assert status == 200, body
    assert Invoice.objects.get(pk=created["invoiceId"]).status == 1
    _, body = api(
        client,
        "invoice.list",
        {"orderDateFrom": TODAY.isoformat(), "orderDateTo": SHIP.isoformat(), "status": 1},
        token=company_token,
    )
    assert [r["id"] for r in body["invoices"]] == [created["invoiceId"]]
    status, body = api(
        client,
        "invoice.item.delete",
        {"invoiceId": created["invoiceId"], "invoiceItemId": created["items"][0]["invoiceItemId"]},
        token=company_token,
    )
    assert status == 409 and "Confirmed" in body["message"]


# ------------------------------------------------------------------------------------------- prebooks


TRUCK = TODAY + dt.timedelta(days=8)


def rose(world, boxes=2):
    return {
        "productCode": world.product.code,
        "boxTypeCode": "QB",
        "boxes": boxes,
        "unitType": "Stem",
        "bunches": 12,
        "stemsBunch": 10,
        "price": "0.70",
    }


@covers("prebook.create", "prebook.list")
def test_an_integrator_creates_prebooks_and_reads_them_back(client, world, company_token):
    status, body = api(
        client,
        "prebook.create",
        {
            "customerCode": "BLOOMNET",
            "carrierCode": "arm",
            "shipDate": f"{TRUCK.isoformat()}T00:00:00.000Z",
            "customerPO": "PO-9",
        },
        token=company_token,
    )
    assert status == 200, body
    assert body["prebookItems"] == [] and body["message"] == "The prebook was successfully created."
    header_only = Prebook.objects.get(pk=body["prebookId"])
    assert body["prebookNumber"] == header_only.number and header_only.total == 0
    status, body = api(
        client,
        "prebook.create",
        {
            "customerId": str(world.customer.pk),
            "carrierId": str(world.carrier.pk),
            "shipDate": TRUCK.isoformat(),
            "customerPO": "PO-9",
            "useExisting": "1",
            "prebookItems": [rose(world, 2)],
        },
        token=company_token,
    )
    assert status == 200, body
    assert body["prebookId"] == header_only.pk and len(body["prebookItems"]) == 1
    header_only.refresh_from_db()
    assert header_only.total == Decimal("168.00")
    assert fees(prebook=header_only) == Decimal("2.52")
    status, body = api(
        client,
        "prebook.list",
        {"dateFrom": TODAY.isoformat(), "dateTo": TRUCK.isoformat()},
        token=company_token,
        verb="GET",
    )
    assert status == 200 and body["message"] == "OK"
    [row] = body["prebooks"]
    assert row["id"] == header_only.pk and row["truckDate"] == TRUCK.isoformat() and row["total"] == 168.0
    assert row["type"] == "P" and row["checkOutStatus"] == 0 and row["customerPONumber"] == "PO-9"
    assert row["carrierName"] == "Armellini Express"
    status, body = api(
        client, "prebook.list", {"dateFrom": "2026-01-01", "dateTo": "2026-12-31"}, token=company_token
    )
    assert status == 400 and body["errors"][0]["field"] == "dateTo"


@covers("prebook.future.item.add", "prebook.details.list", "prebook.item.delete")
def test_future_items_draw_boxes_and_show_in_the_details(client, world, company_token):
    future = make_future_line(world)  # 20 QB, available days 7 to 14
    _, created = api(
        client,
        "prebook.create",
        {"customerId": world.customer.pk, "carrierId": world.carrier.pk, "shipDate": TRUCK.isoformat()},
        token=company_token,
    )
    status, body = api(
        client,
        "prebook.future.item.add",
        {
            "prebookId": created["prebookId"],
            "inventoryId": str(future.pk),
            "boxes": "5",
            "price": "0.70",
            "markCode": "BN",
        },
        token=company_token,
    )
    assert status == 200, body
    assert body["availableBoxes"] == 15
    item_id = body["prebookItemId"]
    prebook = Prebook.objects.get(pk=created["prebookId"])
    assert prebook.total == Decimal("420.00") and fees(prebook=prebook) == Decimal("6.30")
    status, body = api(
        client,
        "prebook.future.item.add",
        {"prebookId": prebook.pk, "inventoryId": future.pk, "boxes": 16, "price": "0.70"},
        token=company_token,
    )
    assert status == 409 and body["availableBoxes"] == 15

    status, body = api(client, "prebook.details.list", {"date": TRUCK.isoformat()}, token=company_token)
    assert status == 200
    [row] = body["prebooks"]
    [detail] = row["details"]
    assert detail["inventoryId"] == future.pk and detail["totalBoxes"] == 5 and detail["totalUnits"] == 600
    assert detail["vendorName"] == "Rosas del Ecuador" and detail["totalPrice"] == 420.0
    # Komet's names: `shipvia` (not shipVia), the location's code and name; no brands, no breakdowns.
    assert row["shipvia"] == prebook.ship_via and "shipVia" not in row
    assert (row["locationCode"], row["locationName"]) == (prebook.location.code, prebook.location.name)
    assert (detail["brandId"], detail["brandName"], detail["breakdowns"]) == (None, None, [])
    vendor_token = issue_token(world.company, "vendor", vendor=world.vendor)
    _, body = api(client, "prebook.details.list", {"date": TRUCK.isoformat()}, token=vendor_token)
    assert [d["prebookItemId"] for d in body["prebooks"][0]["details"]] == [item_id]
    status, body = api(client, "prebook.details.list", {}, token=company_token)
    assert status == 400 and body["errors"][0]["field"] == "date"

    status, body = api(
        client,
        "prebook.item.delete",
        {"prebookId": prebook.pk, "prebookItemId": item_id},
        token=company_token,
    )
    assert status == 200, body
    future.refresh_from_db()
    assert future.boxes_sold == 0
    assert fees(prebook=prebook) == Decimal("0.00")


@covers("prebook.update", "prebook.delete")
def test_prebooks_are_updated_and_deleted_with_the_fee_reversed(client, world, company_token):
    _, created = api(
        client,
        "prebook.create",
        {
            "customerId": world.customer.pk,
            "carrierId": world.carrier.pk,
            "shipDate": TRUCK.isoformat(),
            "prebookItems": [rose(world)],
        },
        token=company_token,
    )
    status, body = api(
        client,
        "prebook.update",
        {
            "prebookId": created["prebookId"],
            "customerPO": "PO-2",
            "shipDate": (TRUCK + dt.timedelta(days=1)).isoformat(),
            "comments": "Early",
        },
        token=company_token,
    )
    assert status == 200 and body["message"] == "success"
    prebook = Prebook.objects.get(pk=created["prebookId"])
    assert prebook.customer_po == "PO-2" and prebook.truck_date == TRUCK + dt.timedelta(days=1)
    status, body = api(client, "prebook.delete", {"prebookId": prebook.pk}, token=company_token)
    assert status == 200 and body == {"status": 1, "message": "The prebook was successfully deleted "}
    assert fees(prebook=prebook) == Decimal("0.00")
    assert FeeEntry.objects.filter(prebook=prebook, entry_type="reversal").count() == 1
    _, body = api(
        client,
        "prebook.list",
        {"dateFrom": TODAY.isoformat(), "dateTo": TRUCK.isoformat()},
        token=company_token,
    )
    assert body["prebooks"] == []
    status, body = api(client, "prebook.delete", {"prebookId": prebook.pk}, token=company_token)
    assert status == 409


def test_a_customer_token_lists_only_its_own_prebooks(client, world, company_token, florist):
    for customer in (world.customer, florist):
        api(
            client,
            "prebook.create",
            {"customerId": customer.pk, "carrierId": world.carrier.pk, "shipDate": TRUCK.isoformat()},
            token=company_token,
        )
    token = issue_token(world.company, "customer", customer=florist)
    _, body = api(
        client, "prebook.list", {"dateFrom": TODAY.isoformat(), "dateTo": TRUCK.isoformat()}, token=token
    )
    assert [r["customerId"] for r in body["prebooks"]] == [florist.pk]
    status, _ = api(
        client,
        "prebook.list",
        {"dateFrom": TODAY.isoformat(), "dateTo": TRUCK.isoformat(), "customerId": world.customer.pk},
        token=token,
    )
    assert status == 404
    status, _ = api(
        client,
        "prebook.create",
        {"customerId": florist.pk, "carrierId": world.carrier.pk, "shipDate": TRUCK.isoformat()},
        token=token,
    )
    assert status == 403


def test_a_vendor_token_makes_prebooks_for_itself(client, world):
    token = issue_token(world.company, "vendor", vendor=world.vendor)
    status, body = api(
        client,
        "prebook.create",
        {
            "customerId": world.customer.pk,
            "carrierId": world.carrier.pk,
            "shipDate": TRUCK.isoformat(),
            "prebookItems": [rose(world)],
        },
        token=token,
    )
    assert status == 200, body
    assert Prebook.objects.get(pk=body["prebookId"]).vendor == world.vendor


# ------------------------------------------------------------------------------------------- standing


@covers("standing.order.create", "standing.order.list")
def test_standing_orders_are_created_listed_and_generate_prebooks(client, world, company_token, florist):
    monday = dt.date(2026, 6, 1)
    make_line(world)  # what prices the standing order's line: HB of 10 x 25 at 0.80
    customer_token = issue_token(world.company, "customer", customer=florist)
    status, body = api(
        client,
        "standing.order.create",
        {
            "customerId": str(florist.pk),
            "carrierId": world.carrier.pk,
            "recurrence": "weekly",
            "days": "Monday,Thursday",
            "startDate": "2026-06-01T00:00:00.000Z",
            "endDate": "2026-08-31",
            "items": [
                {
                    "productCode": world.product.code,
                    "boxTypeCode": "HB",
                    "boxes": 2,
                    "price": "0.80",
                    "bunches": 10,
                    "stemsBunch": 25,
                }
            ],
        },
        token=customer_token,
    )
    assert status == 200, body
    order = StandingOrder.objects.get(pk=body["standingOrderId"])
    assert order.customer == florist and body["standingOrderNumber"] == order.number
    status, body = api(
        client,
        "standing.order.list",
        {"dateFrom": "2026-06-01", "dateTo": "2026-06-30"},
        token=company_token,
        verb="GET",
    )
    assert status == 200
    [row] = body["standingOrders"]
    assert row["days"] == "Monday, Thursday" and row["recurrence"] == "Weekly" and row["status"] == "Active"
    assert row["startDate"] == "2026-06-01" and row["endDate"] == "2026-08-31"
    assert row["items"][0]["boxes"] == 2 and row["items"][0]["unitsPerBox"] == 250
    _, body = api(
        client, "standing.order.list", {"dateFrom": "2026-09-01", "dateTo": "2026-09-30"}, token=company_token
    )
    assert body["standingOrders"] == []

    assert generate_standing_order_prebooks(today=monday) == 3
    _, body = api(
        client, "prebook.list", {"dateFrom": "2026-06-01", "dateTo": "2026-06-30"}, token=customer_token
    )
    assert [(r["truckDate"], r["type"], r["total"]) for r in body["prebooks"]] == [
        ("2026-06-01", "S", 400.0),
        ("2026-06-04", "S", 400.0),
        ("2026-06-08", "S", 400.0),
    ]


def test_standing_order_on_a_reserved_inventory_customer_is_refused_with_the_reason(
    client, world, company_token
):
    make_line(world, reserved_for=world.customer)
    status, body = api(
        client,
        "standing.order.create",
        {
            "customerId": world.customer.pk,
            "carrierId": world.carrier.pk,
            "days": "Monday",
            "startDate": "2026-06-01",
            "items": [{"productCode": world.product.code, "boxTypeCode": "HB", "boxes": 1, "price": 1}],
        },
        token=company_token,
    )
    assert status == 400 and body["errorCode"] == "validation_error"
    assert body["errors"][0]["field"] == "customerId"
    assert "reserved" in body["message"] and "separate customer" in body["message"]
    assert not StandingOrder.objects.exists()


def test_a_customer_token_cannot_make_a_standing_order_for_another_customer(client, world, florist):
    token = issue_token(world.company, "customer", customer=florist)
    status, _ = api(
        client,
        "standing.order.create",
        {
            "customerId": world.customer.pk,
            "carrierId": world.carrier.pk,
            "days": "Monday",
            "startDate": "2026-06-01",
            "items": [],
        },
        token=token,
    )
    assert status == 404 and not StandingOrder.objects.exists()


def test_a_vendor_token_deletes_only_its_own_prebook_lines(client, world, company_token):
    from stemlink.catalog.models import Vendor

    grower = Vendor.objects.create(company=world.company, code="FLORA", name="Flora Farms")
    theirs = make_future_line(world)
    ours = make_future_line(world, vendor=grower)
    _, created = api(
        client,
        "prebook.create",
        {
            "customerId": world.customer.pk,
            "carrierId": world.carrier.pk,
            "shipDate": TRUCK.isoformat(),
            "prebookItems": [rose(world)],
        },
        token=company_token,
    )
    ids = {}
    for name, line in (("theirs", theirs), ("ours", ours)):
        _, body = api(
            client,
            "prebook.future.item.add",
            {"prebookId": created["prebookId"], "inventoryId": line.pk, "boxes": 1, "price": 1},
            token=company_token,
        )
        ids[name] = body["prebookItemId"]
    token = issue_token(world.company, "vendor", vendor=grower)
    unassigned = created["prebookItems"][0]["prebookItemId"]
    for item_id in (ids["theirs"], unassigned):
        status, _ = api(
            client,
            "prebook.item.delete",
            {"prebookId": created["prebookId"], "prebookItemId": item_id},
            token=token,
        )
        assert status == 404
    status, body = api(
        client,
        "prebook.item.delete",
        {"prebookId": created["prebookId"], "prebookItemId": ids["ours"]},
        token=token,
    )
    assert status == 200, body
    ours.refresh_from_db()
    assert ours.boxes_sold == 0
    status, _ = api(
        client,
        "prebook.item.delete",
        {"prebookId": created["prebookId"], "prebookItemId": ids["theirs"]},
        token=token,
    )
    assert status == 404  # the prebook holds nothing of this grower's any more
