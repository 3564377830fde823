"""Every parameter of the e-commerce methods has its effect (issue 12): filters narrow, windows apply.

Each test makes lines or carriers the parameter must tell apart and checks the answer holds exactly
the ones asked for; a parameter naming a concept Stemlink lacks is answered as Komet answers a
company without it (docs/api-parameters.md).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from stemlink.catalog.models import Carrier
from stemlink.tenancy.models import Location
from tests.api_helpers import api, issue_token
from tests.factories import make_future_line, make_line, make_product

TODAY = timezone.now().date()


def _day(days: int) -> str:
    return (TODAY + dt.timedelta(days=days)).isoformat()


@pytest.fixture
def buyer(world):
    return issue_token(world.company, "customer", customer=world.customer)


@pytest.fixture
def elsewhere(world):
    return Location.objects.create(company=world.company, name="Bogota", short_name="BOG", code="BOG")


def _call(client, world, token, method, params):
    status, body = api(
        client, method, {"customerId": world.customer.pk, **params}, token=token, account=world.company.pk
    )
    assert status == 200, body
    return body


def _listed(client, world, token, **params):
    body = _call(client, world, token, "ecommerce/inventory.list", {"rows": 500, **params})
    return sorted((item["inventoryOrigin"], int(item["inventoryIds"])) for item in body["inventoryItems"])


def test_inventory_list_filters_narrow_to_what_was_asked(client, world, buyer, elsewhere):
    tulip = make_product(world.company, world.greens, description="Tulip Yellow", color="Yellow")
    rose = make_line(world)
    tulip_line = make_line(world, product=tulip, location=elsewhere)
    future = make_future_line(
        world, available_from=TODAY + dt.timedelta(days=20), available_to=TODAY + dt.timedelta(days=25)
    )

    assert _listed(client, world, buyer) == sorted([(1, rose.pk), (1, tulip_line.pk), (2, future.pk)])
    assert _listed(client, world, buyer, searchText="tulip") == [(1, tulip_line.pk)]
    assert _listed(client, world, buyer, searchText="no such flower") == []
    assert _listed(client, world, buyer, categoryId=world.greens.pk) == [(1, tulip_line.pk)]
    assert _listed(client, world, buyer, categoryId=999999) == []
    assert _listed(client, world, buyer, color="yellow") == [(1, tulip_line.pk)]
    assert _listed(client, world, buyer, companyLocationId=elsewhere.pk) == [(1, tulip_line.pk)]
    assert _listed(client, world, buyer, companyLocationId=999999) == []
    assert _listed(client, world, buyer, inventoryOrigin=2) == [(2, future.pk)]
    assert _listed(client, world, buyer, inventoryOrigin=1) == sorted([(1, rose.pk), (1, tulip_line.pk)])
    # A day in the future line's window: only it (on-hand boxes ship within a week of today).
    assert _listed(client, world, buyer, availableDate=_day(22)) == [(2, future.pk)]
    assert _listed(client, world, buyer, availableDate=_day(40)) == []


def _get(client, world, token, **params):
    body = _call(client, world, token, "ecommerce/inventory.get", params)
    return [(int(item["inventoryIds"]), item["quantity"]) for item in body["inventoryItems"]]


def test_inventory_get_applies_the_window_location_and_carrier(client, world, buyer, elsewhere):
    future = make_future_line(
        world, available_from=TODAY + dt.timedelta(days=7), available_to=TODAY + dt.timedelta(days=9)
    )
    asked = {"inventoryLineIds": str(future.pk), "inventoryOrigin": 2, "date": _day(8)}
    assert _get(client, world, buyer, **asked) == [(future.pk, 20)]
    # The window a listing answered: the line's days meet it, so its boxes are answered...
    assert _get(client, world, buyer, **asked, availableFrom=_day(9), availableTo=_day(12)) == [
        (future.pk, 20)
    ]
    assert _get(client, world, buyer, **asked, availableFrom=_day(1)) == [(future.pk, 20)]
    # ...a window the line does not meet has nothing of it to sell.
    assert _get(client, world, buyer, **asked, availableFrom=_day(10), availableTo=_day(12)) == [
        (future.pk, 0)
    ]
    assert _get(client, world, buyer, **asked, availableTo=_day(6)) == [(future.pk, 0)]
    status, body = api(
        client,
        "ecommerce/inventory.get",
        {"customerId": world.customer.pk, **asked, "availableFrom": _day(12), "availableTo": _day(10)},
        token=buyer,
        account=world.company.pk,
    )
    assert status == 400 and body["errors"][0]["field"] == "availableTo"

    assert _get(client, world, buyer, **asked, companyLocationId=world.location.pk) == [(future.pk, 20)]
    status, _ = api(
        client,
        "ecommerce/inventory.get",
        {"customerId": world.customer.pk, **asked, "companyLocationId": elsewhere.pk},
        token=buyer,
        account=world.company.pk,
    )
    assert status == 404  # the line is not at that location
    assert _get(client, world, buyer, **asked, carrierId=world.carrier.pk) == [(future.pk, 20)]
    status, body = api(
        client,
        "ecommerce/inventory.get",
        {"customerId": world.customer.pk, **asked, "carrierId": 999999},
        token=buyer,
        account=world.company.pk,
    )
    assert status == 404 and "999999" in body["message"]


def test_available_dates_are_those_of_the_location_asked(client, world, buyer, elsewhere):
    future = make_future_line(
        world, available_from=TODAY + dt.timedelta(days=2), available_to=TODAY + dt.timedelta(days=3)
    )
    asked = {"inventoryLineIds": str(future.pk), "inventoryOrigin": 2}
    body = _call(
        client,
        world,
        buyer,
        "ecommerce/inventory-available-dates.list",
        {**asked, "companyLocationId": world.location.pk},
    )
    assert body["availableDates"] == [_day(2), _day(3)]
    status, _ = api(
        client,
        "ecommerce/inventory-available-dates.list",
        {"customerId": world.customer.pk, **asked, "companyLocationId": elsewhere.pk},
        token=buyer,
        account=world.company.pk,
    )
    assert status == 404


def test_customer_carriers_take_a_window_and_location_as_a_company_without_days_of_service(
    client, world, buyer, elsewhere
):
    fedex = Carrier.objects.create(company=world.company, code="FDX", name="FedEx")
    everyone = [
        {"carrierId": world.carrier.pk, "carrierName": "Armellini Express"},
        {"carrierId": fedex.pk, "carrierName": "FedEx"},
    ]
    asked = {"date": _day(0)}
    assert _call(client, world, buyer, "ecommerce/customer-carriers.list", asked)["carriers"] == everyone
    # Stemlink keeps no Days of Service: every active carrier serves every day of any window, at
    # every location (carriers are the company's), as Komet answers a company without that set-up.
    windowed = {**asked, "availableFrom": _day(3), "availableTo": _day(5), "companyLocationId": elsewhere.pk}
    assert _call(client, world, buyer, "ecommerce/customer-carriers.list", windowed)["carriers"] == everyone
    status, body = api(
        client,
        "ecommerce/customer-carriers.list",
        {"customerId": world.customer.pk, **asked, "availableFrom": _day(5), "availableTo": _day(3)},
        token=buyer,
        account=world.company.pk,
    )
    assert status == 400 and body["errors"][0]["field"] == "availableTo"
    status, body = api(
        client,
        "ecommerce/customer-carriers.list",
        {"customerId": world.customer.pk, **asked, "companyLocationId": 999999},
        token=buyer,
        account=world.company.pk,
    )
    assert status == 404 and "999999" in body["message"]
