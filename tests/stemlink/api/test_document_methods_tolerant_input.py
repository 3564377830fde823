"""Real clients differ: dates as dates or timestamps, ids as numbers or strings, booleans four ways."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum

from stemlink.orders.models import FeeEntry, Invoice, Prebook
from tests.api_helpers import api, issue_token
from tests.factories import make_line


@pytest.fixture
def token(world):
    return issue_token(world.company, "company")


@pytest.mark.parametrize(
    ("sent", "draft"),
    [
        (1, True),
        ("1", True),
        (True, True),
        ("true", True),
        (0, False),
        ("0", False),
        (False, False),
        ("false", False),
    ],
)
def test_status_draft_reads_every_boolean_spelling(client, world, token, sent, draft):
    status, body = api(
        client,
        "invoice.create",
        {
            "customerId": world.customer.pk,
            "carrierId": world.carrier.pk,
            "shipDate": "2026-12-01",
            "statusDraft": sent,
        },
        token=token,
    )
    assert status == 200, body
    assert Invoice.objects.get(pk=body["invoiceId"]).status == (2 if draft else 0)


@pytest.mark.parametrize(
    "sent", ["2026-06-20", "2026-06-20T00:00:00.000Z", "2026-06-20T00:00:00", "2026-06-20 00:00:00"]
)
def test_dates_are_read_as_dates_or_full_timestamps(client, world, token, sent):
    status, body = api(
        client,
        "prebook.create",
        {"customerId": world.customer.pk, "carrierId": world.carrier.pk, "shipDate": sent},
        token=token,
    )
    assert status == 200, body
    assert Prebook.objects.get(pk=body["prebookId"]).truck_date == dt.date(2026, 6, 20)
    _, body = api(client, "prebook.list", {"dateFrom": sent, "dateTo": sent}, token=token, verb="GET")
    assert len(body["prebooks"]) == 1


def test_ids_and_amounts_as_strings_are_the_same_as_numbers(client, world, token):
    line = make_line(world)
    status, body = api(
        client,
        "invoice.create",
        {
            "customerId": str(world.customer.pk),
            "carrierId": f" {world.carrier.pk} ",
            "shipDate": "2026-12-01",
            "items": [{"orderItemId": str(line.pk), "boxes": "2", "price": "0.805"}],
        },
        token=token,
    )
    assert status == 200, body
    invoice = Invoice.objects.get(pk=body["invoiceId"])
    assert invoice.total == Decimal("405.00")  # 0.805 is kept to the cent as 0.81 per stem x 500 stems
    status, body = api(client, "invoice.pdf.get", {"invoiceId": str(invoice.pk)}, token=token, verb="GET")
    assert status == 200


def test_a_get_call_with_query_parameters_works_like_a_post(client, world, token):
    api(
        client,
        "invoice.create",
        {"customerId": world.customer.pk, "carrierId": world.carrier.pk, "shipDate": "2026-12-01"},
        token=token,
    )
    status, body = api(
        client,
        "invoice.list",
        {
            "orderDateFrom": "2026-12-01",
            "orderDateTo": "2026-12-01",
            "customerId": str(world.customer.pk),
            "isEcommerce": "0",
        },
        token=token,
        verb="GET",
    )
    assert status == 200 and len(body["invoices"]) == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"shipDate": "next tuesday"}, "shipDate"),
        ({"shipDate": "2026-02-30"}, "shipDate"),
        ({"customerId": "12x"}, "customerId"),
        ({"customerId": True}, "customerId"),
        ({"statusDraft": "perhaps"}, "statusDraft"),
        ({"items": [{"orderItemId": 1, "boxes": 1, "price": "cheap"}]}, "items.0.price"),
        ({"items": [{"orderItemId": 1, "boxes": 2.5, "price": 1}]}, "items.0.boxes"),
        ({"items": "none"}, "items"),
    ],
)
def test_input_no_client_could_mean_is_refused_naming_the_field(client, world, token, params, field):
    base = {"customerId": world.customer.pk, "carrierId": world.carrier.pk, "shipDate": "2026-12-01"}
    status, body = api(client, "invoice.create", {**base, **params}, token=token)
    assert status == 400 and body["status"] == 0 and body["errorCode"] == "validation_error"
    assert field in {e["field"] for e in body["errors"]}
    assert not Invoice.objects.exists()


def test_an_api_made_invoice_voided_gives_its_boxes_back_and_reverses_its_fee(client, world, token):
    line = make_line(world)
    _, body = api(
        client,
        "invoice.create",
        {
            "customerId": world.customer.pk,
            "carrierId": world.carrier.pk,
            "shipDate": "2026-12-01",
            "items": [{"orderItemId": line.pk, "boxes": 4, "price": 1}],
        },
        token=token,
    )
    status, answer = api(
        client,
        "invoice.void",
        {"invoiceNumber": str(body["invoiceNumber"]), "reason": "customer cancelled"},
        token=token,
    )
    assert status == 200, answer
    line.refresh_from_db()
    assert line.boxes_sold == 0
    ledger = FeeEntry.objects.filter(invoice_id=body["invoiceId"])
    assert ledger.aggregate(s=Sum("amount"))["s"] == Decimal("0.00")
    assert sorted(ledger.values_list("amount", flat=True)) == [Decimal("-15.00"), Decimal("15.00")]


@pytest.mark.parametrize(
    ("method", "params", "field"),
    [
        (
            "prebook.create",
            {
                "prebookItems": [
                    {
                        "productCode": "P",
                        "boxTypeCode": "QB",
                        "boxes": 10**9,
                        "bunches": 1,
                        "stemsBunch": 1,
                        "price": 1,
                    }
                ]
            },
            "prebookItems[0].boxes",
        ),
        (
            "prebook.create",
            {
                "prebookItems": [
                    {
                        "productCode": "P",
                        "boxTypeCode": "QB",
                        "boxes": 1,
                        "bunches": 10**6,
                        "stemsBunch": 10**6,
                        "price": 1,
                    }
                ]
            },
            "prebookItems[0].bunches",
        ),
        (
            "prebook.create",
            {
                "prebookItems": [
                    {
                        "productCode": "P",
                        "boxTypeCode": "QB",
                        "boxes": 10_000,
                        "bunches": 1000,
                        "stemsBunch": 1000,
                        "price": "99999999",
                    }
                ]
            },
            "price",
        ),
        (
            "prebook.create",
            {
                "prebookItems": [
                    {
                        "productCode": "P",
                        "boxTypeCode": "QB",
                        "boxes": 1,
                        "bunches": 1,
                        "stemsBunch": 1,
                        "price": "99999999.999",
                    }
                ]
            },
            "prebookItems[0].price",
        ),
    ],
)
def test_absurd_quantities_and_amounts_are_refused_not_overflowed(
    client, world, token, method, params, field
):
    world.product.code = "P"
    world.product.save()
    base = {"customerId": world.customer.pk, "carrierId": world.carrier.pk, "shipDate": "2026-12-01"}
    status, body = api(client, method, {**base, **params}, token=token)
    assert status == 400, body
    assert field in {e["field"] for e in body["errors"]}
    assert not Prebook.objects.exists()


def test_absurd_invoice_line_updates_are_refused(client, world, token):
    line = make_line(world)
    _, body = api(
        client,
        "invoice.create",
        {
            "customerId": world.customer.pk,
            "carrierId": world.carrier.pk,
            "shipDate": "2026-12-01",
            "items": [{"orderItemId": line.pk, "boxes": 1, "price": 1}],
        },
        token=token,
    )
    item_id = body["items"][0]["invoiceItemId"]
    status, answer = api(
        client,
        "invoice.item.update",
        {"invoiceId": body["invoiceId"], "invoiceItemId": item_id, "boxes": 10**12, "price": 1},
        token=token,
    )
    assert status == 400 and answer["errors"][0]["field"] == "boxes"
    status, answer = api(
        client,
        "invoice.item.update",
        {"invoiceId": body["invoiceId"], "invoiceItemId": item_id, "price": "99999999.99"},
        token=token,
    )
    assert status == 400 and answer["errors"][0]["field"] == "price"
    assert Invoice.objects.get(pk=body["invoiceId"]).total == Decimal("250.00")
