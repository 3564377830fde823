"""One policy for inactive records on every order path: the same refusal, the same errorCode.

An inactive ship-to or carrier named in a call is refused with `validation_error` on the parameter
that named it, whether the call opens a cart, adds to it, or makes an invoice, a prebook or a
standing order; and nothing is made.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from stemlink.catalog.models import Carrier
from stemlink.customers.models import ShipTo
from stemlink.orders.models import Invoice, Prebook, StandingOrder, WebOrder
from tests.api_helpers import api, issue_token
from tests.factories import World, make_line


def _paths(world: World, line_id: int) -> dict[str, tuple[str, str, dict]]:
    """method → (token type, the model it would create, its parameters without carrier and ship-to)."""
    today = timezone.now().date()
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    return {
        "web-order-item.add": (
            "customer",
            "web",
            {
                "customerId": world.customer.pk,
                "inventoryIds": str(line_id),
                "inventoryOrigin": 1,
                "price": 0.80,
                "quantity": 1,
                "date": today.isoformat(),
            },
        ),
        "invoice.create": ("company", "invoice", {"customerId": world.customer.pk, "shipDate": tomorrow}),
        "prebook.create": ("company", "prebook", {"customerId": world.customer.pk, "shipDate": tomorrow}),
        "standing.order.create": (
            "company",
            "standing",
            {"customerId": world.customer.pk, "days": "Monday", "startDate": tomorrow},
        ),
    }


MADE = {"web": WebOrder, "invoice": Invoice, "prebook": Prebook, "standing": StandingOrder}
METHODS = ["web-order-item.add", "invoice.create", "prebook.create", "standing.order.create"]


def _call(client, world: World, method: str, extra: dict) -> tuple[int, dict, type]:
    line = make_line(world, boxes_on_hand=5)
    token_type, made, params = _paths(world, line.pk)[method]
    token = issue_token(
        world.company, token_type, customer=world.customer if token_type == "customer" else None
    )
    status, body = api(client, method, {**params, **extra}, token=token, account=world.company.pk)
    return status, body, MADE[made]


@pytest.mark.parametrize("method", METHODS)
def test_an_inactive_ship_to_is_refused_the_same_way_on_every_path(client, world, method) -> None:
    ship_to = ShipTo.objects.create(
        company=world.company, customer=world.customer, code="OLD", name="Old store", active=False
    )
    status, body, model = _call(
        client, world, method, {"carrierId": world.carrier.pk, "shipToId": ship_to.pk}
    )
    assert (status, body["errorCode"]) == (400, "validation_error"), body
    assert "shipToId" in body["message"] and "inactive" in body["message"]
    assert not model.objects.exists()


@pytest.mark.parametrize("method", METHODS)
def test_an_inactive_carrier_is_refused_the_same_way_on_every_path(client, world, method) -> None:
    carrier = Carrier.objects.create(company=world.company, code="OLD", name="Gone Freight", active=False)
    status, body, model = _call(client, world, method, {"carrierId": carrier.pk})
    assert (status, body["errorCode"]) == (400, "validation_error"), body
    assert "carrierId" in body["message"] and "inactive" in body["message"]
    assert not model.objects.exists()


def test_an_active_ship_to_and_carrier_are_taken(client, world) -> None:
    ship_to = ShipTo.objects.create(
        company=world.company, customer=world.customer, code="NEW", name="New store"
    )
    status, body, _ = _call(
        client, world, "invoice.create", {"carrierId": world.carrier.pk, "shipToId": ship_to.pk}
    )
    assert status == 200, body
    assert Invoice.objects.get().ship_to == ship_to
