"""Every parameter of the standing-order methods has its effect (issue 12): what standing.order.create
is given is kept, and each filter of standing.order.list narrows to exactly the orders asked for.
"""

from __future__ import annotations

import datetime as dt

import pytest

from stemlink.catalog.models import Carrier
from stemlink.orders.models import StandingOrder, StandingOrderStatus
from stemlink.tenancy.models import Location
from tests.api_helpers import api, issue_token
from tests.factories import make_customer, make_line, make_ship_to

MONDAY = dt.date(2026, 6, 1)


@pytest.fixture
def token(world):
    return issue_token(world.company, "company")


def _create(client, world, token, **params):
    make_line(world)
    body = {
        "customerId": world.customer.pk,
        "carrierId": world.carrier.pk,
        "days": "Monday",
        "startDate": MONDAY.isoformat(),
        "endDate": "2026-06-30",
        "items": [{"productCode": world.product.code, "boxTypeCode": "HB", "boxes": 2, "price": "0.80"}],
        **params,
    }
    status, answer = api(client, "standing.order.create", body, token=token)
    assert status == 200, answer
    return StandingOrder.objects.get(pk=answer["standingOrderId"])


def test_standing_order_create_keeps_what_it_is_given(client, world, token):
    elsewhere = Location.objects.create(company=world.company, name="Bogota", short_name="BOG", code="BOG")
    fedex = Carrier.objects.create(company=world.company, code="FDX", name="FedEx")
    ship_to = make_ship_to(world.customer, name="Main St")
    order = _create(
        client,
        world,
        token,
        carrierId=None,
        carrierCode="fdx",
        shipToId=ship_to.pk,
        customerPO="PO-77",
        comments="Every Monday, early",
        locationId=elsewhere.pk,
    )
    assert (order.carrier, order.ship_to, order.customer_po, order.comments, order.location) == (
        fedex,
        ship_to,
        "PO-77",
        "Every Monday, early",
        elsewhere,
    )


def test_standing_order_list_applies_every_filter(client, world, token):
    elsewhere = Location.objects.create(company=world.company, name="Bogota", short_name="BOG", code="BOG")
    florist = make_customer(world.company, name="Fleur de Lis")
    first = _create(client, world, token)
    second = _create(client, world, token, customerId=florist.pk, locationId=elsewhere.pk)
    StandingOrder.objects.filter(pk=second.pk).update(number=4242)
    cancelled = _create(client, world, token)
    StandingOrder.objects.filter(pk=cancelled.pk).update(status=StandingOrderStatus.CANCELLED)

    def ids(**params):
        period = {"dateFrom": "2026-06-01", "dateTo": "2026-06-30"}
        status, body = api(client, "standing.order.list", {**period, **params}, token=token, verb="GET")
        assert status == 200, body
        return sorted(row["id"] for row in body["standingOrders"])

    assert ids() == sorted([first.pk, second.pk])
    assert ids(status="Cancelled") == [cancelled.pk]
    assert ids(status="all") == sorted([first.pk, second.pk, cancelled.pk])
    assert ids(customerId=florist.pk) == [second.pk]
    assert ids(customer="fleur") == [second.pk]
    assert ids(number=4242) == [second.pk]
    assert ids(number=999999) == []
    assert ids(locationId=elsewhere.pk) == [second.pk]
    assert ids(locationId=world.location.pk) == [first.pk]
