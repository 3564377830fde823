"""Every parameter of inventory.add, the company's open-market lists, vendor.list and login has its
effect (issue 12): what inventory.add is given is kept, a location or id narrows the list to it, and
login's companyId picks the company the token is for.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from stemlink.api.models import ApiToken
from stemlink.catalog.models import Vendor
from stemlink.inventory.models import InventoryLine
from stemlink.tenancy.models import Location, Membership
from tests.api_helpers import api, issue_token
from tests.factories import make_company, make_future_line, make_line, make_user

TODAY = timezone.now().date()


def test_inventory_add_keeps_ids_lot_arrival_and_location(client, world):
    elsewhere = Location.objects.create(company=world.company, name="Bogota", short_name="BOG", code="BOG")
    token = issue_token(world.company, "company")
    params = {
        "growerId": world.vendor.pk,
        "awb": "369-0000 1111",
        "shipDate": "2026-11-20",
        "arrivalDate": "2026-11-22",
        "productId": world.product.pk,
        "quantity": 2,
        "boxTypeId": world.fb.pk,
        "unitType": "Bunch",
        "stemsBunch": 25,
        "bunches": 8,
        "unitCost": "0.455",
        "locationId": elsewhere.pk,
        "lotNumber": "LOT-77",
    }
    status, body = api(client, "inventory.add", params, token=token)
    assert status == 200, body
    line = InventoryLine.objects.get(pk=body["inventoryIds"][0])
    assert (line.vendor, line.product, line.box_type, line.location, line.lot_number, line.arrival_date) == (
        world.vendor,
        world.product,
        world.fb,
        elsewhere,
        "LOT-77",
        dt.date(2026, 11, 22),
    )
    status, body = api(client, "inventory.add", {**params, "locationId": 999999}, token=token)
    assert status in (400, 404) and InventoryLine.objects.count() == 1


def test_open_market_lists_narrow_to_the_location(client, world):
    elsewhere = Location.objects.create(company=world.company, name="Bogota", short_name="BOG", code="BOG")
    here, there = make_line(world), make_line(world, location=elsewhere)
    token = issue_token(world.company, "company")

    def consolidated(location_id):
        status, body = api(
            client, "inventory.consolidated.openmarket.list", {"locationId": location_id}, token=token
        )
        assert status == 200, body
        return sorted(int(i) for item in body["inventoryItems"] for i in item["inventoryItemIds"].split(","))

    assert consolidated(elsewhere.pk) == [there.pk]
    assert consolidated(world.location.pk) == [here.pk]
    soon, later = make_future_line(world), make_future_line(world, location=elsewhere)
    period = {"dateFrom": TODAY.isoformat(), "dateTo": (TODAY + dt.timedelta(days=20)).isoformat()}

    def future(location_id):
        status, body = api(
            client, "future.inventory.openmarket.list", {**period, "locationId": location_id}, token=token
        )
        assert status == 200, body
        return [item["inventoryId"] for item in body["inventoryItems"]]

    assert future(elsewhere.pk) == [later.pk]
    assert future(world.location.pk) == [soon.pk]


def test_vendor_list_by_id_and_code(client, world):
    other = Vendor.objects.create(company=world.company, code="FARM2", name="Finca Dos")
    token = issue_token(world.company, "company")

    def listed(**params):
        status, body = api(client, "vendor.list", params, token=token, verb="GET")
        assert status == 200, body
        return [v["id"] for v in body["vendors"]]

    assert listed(id=other.pk) == [other.pk]
    assert listed(id=999999) == []
    assert listed(code="farm2") == [other.pk]
    assert listed(code="NOPE") == []


def test_login_company_id_picks_the_company_the_token_is_for(client, world):
    user = make_user(world.company, username="maria", password="roses-are-red-26")
    second = make_company("Second Wholesaler")
    Membership.objects.create(user=user, company=second, role="admin")
    credentials = {"username": "maria", "password": "roses-are-red-26"}
    for company in (second, world.company):
        status, body = api(client, "login", {**credentials, "companyId": company.pk}, token="")
        assert status == 200, body
        assert ApiToken.objects.get(prefix=body["apiKey"][:6], token_type="user").company == company
    stranger = make_company("Stranger Wholesaler")
    status, body = api(client, "login", {**credentials, "companyId": stranger.pk}, token="")
    assert status == 401
