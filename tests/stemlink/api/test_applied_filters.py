"""Filters Komet documents and clients send are applied, not ignored (issue 12, deliverable 3).

Each test makes documents that the filter must tell apart, and checks the answer holds exactly
the ones asked for: an id that names nothing answers an empty list, never everything.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from stemlink.orders.models import Invoice, InvoicePrefix, Prebook, StandingOrder
from stemlink.tenancy.models import Location
from tests.api_helpers import api, issue_token
from tests.factories import make_customer, make_user

TODAY = timezone.now().date()
TRUCK = TODAY + dt.timedelta(days=8)
SHIP = TODAY + dt.timedelta(days=1)


@pytest.fixture
def company_token(world):
    return issue_token(world.company, "company")


def _prebook(client, world, token, customer):
    status, body = api(
        client,
        "prebook.create",
        {"customerId": customer.pk, "carrierId": world.carrier.pk, "shipDate": TRUCK.isoformat()},
        token=token,
    )
    assert status == 200, body
    return Prebook.objects.get(pk=body["prebookId"])


def _listed(client, token, method="prebook.list", **params):
    period = {"dateFrom": TODAY.isoformat(), "dateTo": (TODAY + dt.timedelta(days=30)).isoformat()}
    status, body = api(client, method, {**period, **params}, token=token, verb="GET")
    assert status == 200, body
    return sorted(row["id"] for row in body["prebooks"])


def test_prebook_list_applies_company_location_sales_person_standing_order_and_brand(
    client, world, company_token
):
    rep = make_user(world.company, role="sales_rep")
    served = make_customer(world.company, name="Served", sales_rep=rep)
    first = _prebook(client, world, company_token, world.customer)
    second = _prebook(client, world, company_token, served)
    elsewhere = Location.objects.create(company=world.company, name="Bogota", short_name="BOG", code="BOG")
    Prebook.objects.filter(pk=second.pk).update(location=elsewhere)

    assert _listed(client, company_token) == sorted([first.pk, second.pk])
    assert _listed(client, company_token, CompanyLocationId=world.location.pk) == [first.pk]
    assert _listed(client, company_token, CompanyLocationId=elsewhere.pk) == [second.pk]
    assert _listed(client, company_token, CompanyLocationId=999) == []
    assert _listed(client, company_token, salesPersonId=rep.pk) == [second.pk]
    assert _listed(client, company_token, salesPersonId=999) == []
    # No brands in Stemlink: a brandId names nothing, so nothing is answered.
    assert _listed(client, company_token, brandId=5) == []

    standing = StandingOrder.objects.create(
        company=world.company,
        location=world.location,
        customer=world.customer,
        carrier=world.carrier,
        number=77,
        days="Monday",
        start_date=TODAY,
    )
    Prebook.objects.filter(pk=first.pk).update(standing_order=standing)
    assert _listed(client, company_token, soNumber=77) == [first.pk]
    assert _listed(client, company_token, soNumber=78) == []
    # prebook.details.list takes the same filters.
    status, body = api(
        client,
        "prebook.details.list",
        {"date": TRUCK.isoformat(), "salesPersonId": rep.pk},
        token=company_token,
        verb="GET",
    )
    assert status == 200 and [row["id"] for row in body["prebooks"]] == [second.pk]


def _invoice(client, world, token):
    status, body = api(
        client,
        "invoice.create",
        {"customerId": world.customer.pk, "carrierId": world.carrier.pk, "shipDate": SHIP.isoformat()},
        token=token,
    )
    assert status == 200, body
    return Invoice.objects.get(pk=body["invoiceId"])


def test_invoice_lists_apply_location_ids_and_exclude_transfer(client, world, company_token):
    first = _invoice(client, world, company_token)
    second = _invoice(client, world, company_token)
    elsewhere = Location.objects.create(company=world.company, name="Bogota", short_name="BOG", code="BOG")
    Invoice.objects.filter(pk=second.pk).update(location=elsewhere, prefix=InvoicePrefix.TRANSFER)
    period = {"orderDateFrom": TODAY.isoformat(), "orderDateTo": (TODAY + dt.timedelta(days=3)).isoformat()}

    def ids(method="invoice.list", **params):
        status, body = api(client, method, {**period, **params}, token=company_token, verb="GET")
        assert status == 200, body
        return sorted(row["id"] for row in body["invoices"])

    assert ids() == sorted([first.pk, second.pk])
    assert ids(locationIds=f"{world.location.pk}") == [first.pk]
    assert ids(locationIds=f"{world.location.pk},{elsewhere.pk}") == sorted([first.pk, second.pk])
    assert ids(locationIds="999") == []
    assert ids(excludeTransfer="true") == [first.pk]
    assert ids(excludeTransfer="false") == sorted([first.pk, second.pk])
    assert ids("invoice.details.list", locationIds=f"{elsewhere.pk}") == [second.pk]
    assert ids("invoice.details.list", locationIds="999") == []
