"""Every parameter of the prebook methods has its effect (issue 12): what prebook.create and
prebook.update are given is kept, and each filter of prebook.list and prebook.details.list narrows
to exactly the prebooks asked for (an id naming nothing answers none, never everything).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from stemlink.catalog.models import Carrier
from stemlink.orders.models import Prebook, StandingOrder
from stemlink.tenancy.models import Location
from tests.api_helpers import api, issue_token
from tests.factories import make_customer, make_ship_to

TODAY = timezone.now().date()
TRUCK = TODAY + dt.timedelta(days=8)


@pytest.fixture
def token(world):
    return issue_token(world.company, "company")


@pytest.fixture
def elsewhere(world):
    return Location.objects.create(company=world.company, name="Bogota", short_name="BOG", code="BOG")


def _create(client, token, **params):
    status, body = api(client, "prebook.create", {"shipDate": TRUCK.isoformat(), **params}, token=token)
    assert status == 200, body
    return Prebook.objects.get(pk=body["prebookId"])


def test_prebook_create_and_update_keep_what_they_are_given(client, world, token, elsewhere):
    ship_to = make_ship_to(world.customer, name="Main St")
    fedex = Carrier.objects.create(company=world.company, code="FDX", name="FedEx")
    prebook = _create(
        client,
        token,
        customerId=world.customer.pk,
        carrierId=world.carrier.pk,
        shipToId=ship_to.pk,
        shipViaId=1,
        isEcommerce=True,
        comments="Call before delivery",
        locationId=elsewhere.pk,
    )
    assert (prebook.ship_to, prebook.ship_via, prebook.is_ecommerce, prebook.comments, prebook.location) == (
        ship_to,
        1,
        True,
        "Call before delivery",
        elsewhere,
    )
    by_code = _create(
        client, token, customerId=world.customer.pk, carrierId=world.carrier.pk, locationCode="bog"
    )
    assert by_code.location == elsewhere
    status, body = api(
        client,
        "prebook.create",
        {
            "customerId": world.customer.pk,
            "carrierId": world.carrier.pk,
            "shipDate": TRUCK.isoformat(),
            "shipViaId": 7,
        },
        token=token,
    )
    assert status == 400 and body["errors"][0]["field"] == "shipViaId"

    status, body = api(
        client, "prebook.update", {"prebookId": prebook.pk, "carrierCode": "fdx", "shipViaId": 0}, token=token
    )
    assert status == 200, body
    prebook.refresh_from_db()
    assert (prebook.carrier, prebook.ship_via) == (fedex, 0)
    status, body = api(
        client, "prebook.update", {"prebookId": prebook.pk, "carrierId": world.carrier.pk}, token=token
    )
    assert status == 200, body
    prebook.refresh_from_db()
    assert prebook.carrier == world.carrier and prebook.ship_via == 0


def _ids(client, token, method, **params):
    if method == "prebook.list":
        params = {
            "dateFrom": TODAY.isoformat(),
            "dateTo": (TODAY + dt.timedelta(days=30)).isoformat(),
            **params,
        }
    elif "vendorShipDateFrom" not in params:
        params = {"date": TRUCK.isoformat(), **params}
    status, body = api(client, method, params, token=token, verb="GET")
    assert status == 200, body
    return sorted(row["id"] for row in body["prebooks"])


@pytest.mark.parametrize("method", ["prebook.list", "prebook.details.list"])
def test_prebook_lists_apply_every_filter(client, world, token, elsewhere, method):
    florist = make_customer(world.company, name="Fleur de Lis")
    fedex = Carrier.objects.create(company=world.company, code="FDX", name="FedEx Air")
    first = _create(
        client, token, customerId=world.customer.pk, carrierId=world.carrier.pk, customerPO="PO-1"
    )
    second = _create(
        client,
        token,
        customerId=florist.pk,
        carrierId=fedex.pk,
        customerPO="PO-2",
        isEcommerce=True,
        locationId=elsewhere.pk,
    )
    Prebook.objects.filter(pk=second.pk).update(
        checkout_status=1, updated_on=timezone.now() + dt.timedelta(hours=1)
    )
    both = sorted([first.pk, second.pk])

    assert _ids(client, token, method) == both
    # Numbers run per location: give the second one its own to tell them apart.
    Prebook.objects.filter(pk=second.pk).update(number=4242)
    assert _ids(client, token, method, prebook=4242) == [second.pk]
    assert _ids(client, token, method, prebook=999999) == []
    assert _ids(client, token, method, customer="fleur") == [second.pk]
    assert _ids(client, token, method, customerId=world.customer.pk) == [first.pk]
    assert _ids(client, token, method, carrierId=fedex.pk) == [second.pk]
    assert _ids(client, token, method, carrierName="armellini") == [first.pk]
    assert _ids(client, token, method, customerPONumber="po-2") == [second.pk]
    assert _ids(client, token, method, isEcommerce="false") == [first.pk]
    assert _ids(client, token, method, checkOutStatus=1) == [second.pk]
    assert _ids(client, token, method, checkOutStatus=0) == [first.pk]
    assert _ids(client, token, method, locationId=elsewhere.pk) == [second.pk]
    soon = (timezone.now() + dt.timedelta(minutes=30)).strftime("%Y-%m-%d %H:%M:%S")
    assert _ids(client, token, method, updatedAsOf=soon) == [second.pk]


def test_prebook_details_list_by_standing_order_brand_and_vendor_ship_dates(client, world, token):
    first = _create(client, token, customerId=world.customer.pk, carrierId=world.carrier.pk)
    later = _create(
        client,
        token,
        customerId=world.customer.pk,
        carrierId=world.carrier.pk,
        shipDate=(TRUCK + dt.timedelta(days=3)).isoformat(),
    )
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
    method = "prebook.details.list"
    assert _ids(client, token, method, soNumber=77) == [first.pk]
    assert _ids(client, token, method, soNumber=78) == []
    # No brands in Stemlink: a brandId names no prebook (as Komet for a company without brands).
    assert _ids(client, token, method, brandId=5) == []
    window = {
        "vendorShipDateFrom": TRUCK.isoformat(),
        "vendorShipDateTo": (TRUCK + dt.timedelta(days=3)).isoformat(),
    }
    assert _ids(client, token, method, **window) == sorted([first.pk, later.pk])
    assert _ids(
        client, token, method, vendorShipDateFrom=TRUCK.isoformat(), vendorShipDateTo=TRUCK.isoformat()
    ) == [first.pk]
    status, body = api(
        client,
        method,
        {
            "vendorShipDateFrom": TRUCK.isoformat(),
            "vendorShipDateTo": (TRUCK + dt.timedelta(days=30)).isoformat(),
        },
        token=token,
    )
    assert status == 400 and "vendorShipDate" in body["errors"][0]["field"]  # at most 7 days


def test_prebook_create_makes_customer_and_carrier_from_code_and_description(client, world, token):
    prebook = _create(
        client,
        token,
        customerCode="PBNEW",
        customerDescription="Prebook Florist",
        carrierCode="PBC",
        carrierDescription="Prebook Air",
    )
    assert (prebook.customer.code, prebook.customer.name) == ("PBNEW", "Prebook Florist")
    assert (prebook.carrier.code, prebook.carrier.name) == ("PBC", "Prebook Air")
