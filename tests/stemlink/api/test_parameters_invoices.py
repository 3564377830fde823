"""Every parameter of the invoice methods has its effect (issue 12): what invoice.create and the
item methods are given is kept, a locationId names the invoice at that location only, and each
filter of invoice.list and invoice.details.list narrows to exactly the invoices asked for.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from stemlink.catalog.models import Carrier
from stemlink.orders.models import Invoice, InvoiceItem, InvoicePrefix, InvoiceStatus
from stemlink.tenancy.models import Location
from tests.api_helpers import api, issue_token
from tests.factories import make_customer, make_line, make_product

TODAY = timezone.now().date()
SHIP = TODAY + dt.timedelta(days=1)


@pytest.fixture
def token(world):
    return issue_token(world.company, "company")


@pytest.fixture
def elsewhere(world):
    return Location.objects.create(company=world.company, name="Bogota", short_name="BOG", code="BOG")


def _create(client, world, token, **params):
    body = {
        "customerId": world.customer.pk,
        "carrierId": world.carrier.pk,
        "shipDate": SHIP.isoformat(),
        **params,
    }
    status, answer = api(client, "invoice.create", body, token=token)
    assert status == 200, answer
    return Invoice.objects.get(pk=answer["invoiceId"])


def test_invoice_create_keeps_reference_instructions_and_location(client, world, token, elsewhere):
    invoice = _create(
        client,
        world,
        token,
        reference="369-1234 5678",
        warehouseInstructions="Keep cold",
        locationId=elsewhere.pk,
    )
    assert (invoice.reference, invoice.warehouse_instructions, invoice.location) == (
        "369-1234 5678",
        "Keep cold",
        elsewhere,
    )
    assert _create(client, world, token, locationCode="bog").location == elsewhere
    status, _ = api(
        client,
        "invoice.create",
        {
            "customerId": world.customer.pk,
            "carrierId": world.carrier.pk,
            "shipDate": SHIP.isoformat(),
            "locationId": 999999,
        },
        token=token,
    )
    assert status == 404


def test_invoice_items_keep_pack_mark_alias_and_notes(client, world, token, elsewhere):
    make_line(world)  # the open-market HB line of 250 stems the product-and-pack line sells from
    invoice = _create(client, world, token, statusDraft=True)
    line = {
        "invoiceId": invoice.pk,
        "productCode": world.product.code,
        "boxTypeCode": "HB",
        "unitsPerBox": 250,
        "unitType": "Stem",
        "boxes": 1,
        "price": "0.90",
        "markCode": "BN-7",
        "productAlias": "Red Freedom",
        "notes": "tight heads",
    }
    status, body = api(client, "invoice.item.add", {**line, "locationId": elsewhere.pk}, token=token)
    assert status == 404 and not InvoiceItem.objects.filter(invoice=invoice).exists()
    status, body = api(client, "invoice.item.add", {**line, "locationId": world.location.pk}, token=token)
    assert status == 200, body
    item = InvoiceItem.objects.get(pk=body["invoiceItemId"])
    assert (item.product, item.box_type, item.units_per_box, item.unit_type) == (
        world.product,
        world.hb,
        250,
        "Stem",
    )
    assert (item.mark_code, item.product_alias, item.notes) == ("BN-7", "Red Freedom", "tight heads")
    status, body = api(
        client,
        "invoice.item.update",
        {
            "invoiceId": invoice.pk,
            "invoiceItemId": item.pk,
            "price": "0.95",
            "markCode": "BN-8",
            "productAlias": "Freedom",
            "notes": "open heads",
        },
        token=token,
    )
    assert status == 200, body
    item.refresh_from_db()
    assert (item.mark_code, item.product_alias, item.notes) == ("BN-8", "Freedom", "open heads")


def test_checkout_confirm_and_void_find_the_invoice_at_the_location_named(client, world, token, elsewhere):
    invoice = _create(client, world, token, statusDraft=True)
    number = invoice.number
    status, _ = api(
        client, "invoice.checkout", {"invoiceNumber": number, "locationId": elsewhere.pk}, token=token
    )
    assert status == 404
    status, body = api(
        client, "invoice.checkout", {"invoiceNumber": number, "locationId": world.location.pk}, token=token
    )
    assert status == 200, body
    status, _ = api(
        client, "invoice.confirm", {"invoiceNumber": number, "locationId": elsewhere.pk}, token=token
    )
    assert status == 404
    status, body = api(
        client, "invoice.confirm", {"invoiceNumber": number, "locationId": world.location.pk}, token=token
    )
    assert status == 200, body
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.CONFIRMED
    pending = _create(client, world, token)
    number = pending.number
    status, _ = api(
        client,
        "invoice.void",
        {"invoiceNumber": number, "reason": "x", "locationId": elsewhere.pk},
        token=token,
    )
    assert status == 404
    status, body = api(
        client,
        "invoice.void",
        {"invoiceNumber": number, "reason": "Wrong", "locationId": world.location.pk},
        token=token,
    )
    assert status == 200, body
    pending.refresh_from_db()
    assert pending.status == InvoiceStatus.VOIDED


def _ids(client, token, method, **params):
    period = {"orderDateFrom": TODAY.isoformat(), "orderDateTo": (TODAY + dt.timedelta(days=3)).isoformat()}
    status, body = api(client, method, {**period, **params}, token=token, verb="GET")
    assert status == 200, body
    return sorted(row["id"] for row in body["invoices"])


@pytest.mark.parametrize("method", ["invoice.list", "invoice.details.list"])
def test_invoice_lists_apply_every_filter(client, world, token, elsewhere, method):
    tulip = make_product(world.company, world.greens, description="Tulip Yellow", code="TUL1")
    make_line(world)
    make_line(world, product=tulip, location=elsewhere)
    florist = make_customer(world.company, name="Fleur de Lis")
    fedex = Carrier.objects.create(company=world.company, code="FDX", name="FedEx Air")
    rose_line = {
        "productCode": world.product.code,
        "boxTypeCode": "HB",
        "unitsPerBox": 250,
        "unitType": "Stem",
        "boxes": 1,
        "price": "0.9",
    }
    first = _create(client, world, token, items=[rose_line])
    second = _create(
        client,
        world,
        token,
        customerId=florist.pk,
        carrierId=fedex.pk,
        locationId=elsewhere.pk,
        statusDraft=True,
        items=[{**rose_line, "productCode": "TUL1"}],
    )
    Invoice.objects.filter(pk=second.pk).update(
        is_ecommerce=True, prefix=InvoicePrefix.TRANSFER, updated_on=timezone.now() + dt.timedelta(hours=1)
    )
    both = sorted([first.pk, second.pk])
    assert _ids(client, token, method) == both
    assert _ids(client, token, method, carrierId=fedex.pk) == [second.pk]
    assert _ids(client, token, method, carrierId=999999) == []
    assert _ids(client, token, method, locationId=elsewhere.pk) == [second.pk]
    assert _ids(client, token, method, product="tulip") == [second.pk]
    assert _ids(client, token, method, product=world.product.code) == [first.pk]
    soon = (timezone.now() + dt.timedelta(minutes=30)).strftime("%Y-%m-%d %H:%M:%S")
    assert _ids(client, token, method, updatedAsOf=soon) == [second.pk]
    assert _ids(client, token, method, customerId=florist.pk) == [second.pk]
    assert _ids(client, token, method, customer="fleur") == [second.pk]
    assert _ids(client, token, method, carrierName="armellini") == [first.pk]
    assert _ids(client, token, method, isEcommerce="true") == [second.pk]
    assert _ids(client, token, method, excludeTransfer="yes") == [first.pk]
    assert _ids(client, token, method, status=first.status) == [first.pk]


def test_a_code_naming_nobody_with_a_description_makes_the_customer_and_carrier(client, world, token):
    from stemlink.customers.models import Customer

    line = make_line(world, boxes_on_hand=1)
    named = {"customerCode": "NEWCO", "customerDescription": "New Florist Co", "carrierCode": "NEWC"}
    base = {"shipDate": SHIP.isoformat(), **named}
    # Without a description a code naming nobody is not found, and nothing is made.
    status, _ = api(client, "invoice.create", base, token=token)
    assert status == 404 and not Carrier.objects.filter(code="NEWC").exists()
    # A refused invoice leaves no customer or carrier behind.
    too_many = [{"orderItemId": line.pk, "boxes": 5, "price": "0.80"}]
    status, _ = api(
        client,
        "invoice.create",
        {**base, "carrierDescription": "New Carrier", "items": too_many},
        token=token,
    )
    assert status == 409
    assert (
        not Customer.objects.filter(code="NEWCO").exists()
        and not Carrier.objects.filter(code="NEWC").exists()
    )
    status, body = api(client, "invoice.create", {**base, "carrierDescription": "New Carrier"}, token=token)
    assert status == 200, body
    invoice = Invoice.objects.get(pk=body["invoiceId"])
    assert (invoice.customer.code, invoice.customer.name) == ("NEWCO", "New Florist Co")
    assert (invoice.carrier.code, invoice.carrier.name) == ("NEWC", "New Carrier")
    # Once made, the code names them: the description is not needed, and makes nothing more.
    again = _create(
        client, world, token, customerId=None, carrierId=None, **named, carrierDescription="Other"
    )
    assert (again.customer, again.carrier) == (invoice.customer, invoice.carrier)
    status, body = api(
        client,
        "invoice.create",
        {**base, "carrierCode": "X" * 30, "carrierDescription": "Long Code Air"},
        token=token,
    )
    assert status == 400 and body["errors"][0]["field"] == "carrierCode"
