"""Standing orders pay the listed price, and the prebooks of an API-made one carry the transaction fee."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from stemlink.orders.models import FeeEntry, FeeEntryType, Prebook, StandingOrder
from stemlink.orders.standing import (
    StandingLineRequest,
    create_standing_order,
    current_unit_price,
    generate_standing_order_prebooks,
)
from tests.api_helpers import api, issue_token
from tests.factories import make_customer, make_future_line, make_line

MONDAY = dt.date(2026, 6, 1)


def _create(client, world, token, price, *, customer, box_type="HB", extra=None):
    item = {"productCode": world.product.code, "boxTypeCode": box_type, "boxes": 2, "price": price}
    item.update(extra or {"bunches": 10, "stemsBunch": 25})
    return api(
        client,
        "standing.order.create",
        {
            "customerId": customer.pk,
            "carrierId": world.carrier.pk,
            "days": "Monday",
            "startDate": MONDAY.isoformat(),
            "endDate": "2026-06-30",
            "items": [item],
        },
        token=token,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("price", ["0.01", "0.79", 0])
def test_a_customer_token_cannot_price_a_standing_order_below_what_it_pays_now(client, world, price):
    make_line(world)  # 0.80 a stem
    florist = make_customer(world.company, name="Cheap Florist")
    token = issue_token(world.company, "customer", customer=florist)
    status, body = _create(client, world, token, price, customer=florist)
    assert status == 409, body
    assert body["errorCode"] == "price_changed" and body["currentPrice"] == 0.8
    assert body["field"] == "items[0].price" and "0.80" in body["message"]
    assert not StandingOrder.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("price", ["0.80", "0.95"])
def test_the_current_price_or_more_is_taken(client, world, price):
    make_line(world)
    florist = make_customer(world.company, name="Fair Florist")
    token = issue_token(world.company, "customer", customer=florist)
    status, body = _create(client, world, token, price, customer=florist)
    assert status == 200, body


@pytest.mark.django_db
def test_the_current_price_is_the_customers_own_by_the_one_pricing_rule(client, world):
    make_line(world)
    marked_up = make_customer(
        world.company, name="Marked Up", ecommerce_markup_kind="percent", ecommerce_markup=Decimal("10")
    )
    assert current_unit_price(world.company, marked_up, world.product, world.hb, "Stem") == Decimal("0.88")
    token = issue_token(world.company, "customer", customer=marked_up)
    status, body = _create(client, world, token, "0.80", customer=marked_up)
    assert status == 409 and body["currentPrice"] == 0.88


@pytest.mark.django_db
def test_a_future_line_prices_a_product_not_on_hand(client, world):
    make_future_line(world)  # QB of 12 x 10 at 0.70
    florist = make_customer(world.company, name="Future Florist")
    token = issue_token(world.company, "customer", customer=florist)
    extra = {"bunches": 12, "stemsBunch": 10}
    status, body = _create(client, world, token, "0.50", customer=florist, box_type="QB", extra=extra)
    assert status == 409 and body["currentPrice"] == 0.7
    status, body = _create(client, world, token, "0.70", customer=florist, box_type="QB", extra=extra)
    assert status == 200, body


@pytest.mark.django_db
def test_a_sold_out_product_keeps_its_latest_price(client, world):
    make_line(world, boxes_on_hand=2, boxes_sold=2, price=Decimal("0.90"))
    florist = make_customer(world.company, name="Late Florist")
    token = issue_token(world.company, "customer", customer=florist)
    status, body = _create(client, world, token, "0.10", customer=florist)
    assert status == 409 and body["currentPrice"] == 0.9


@pytest.mark.django_db
def test_a_product_nothing_prices_is_refused_to_a_customer_but_not_to_the_wholesaler(client, world):
    florist = make_customer(world.company, name="Unpriced Florist")
    status, body = _create(
        client, world, issue_token(world.company, "customer", customer=florist), "0.01", customer=florist
    )
    assert status == 400 and body["errors"][0]["field"] == "items[0].price"
    status, body = _create(client, world, issue_token(world.company, "company"), "0.01", customer=florist)
    assert status == 200, body


@pytest.mark.django_db
def test_the_prebooks_of_an_api_made_standing_order_carry_the_transaction_fee(client, world):
    world.company.transaction_fee_percent = Decimal("2.50")
    world.company.save(update_fields=["transaction_fee_percent"])
    make_line(world)
    florist = make_customer(world.company, name="Marketplace Florist")
    token = issue_token(world.company, "customer", customer=florist)
    status, body = _create(client, world, token, "0.80", customer=florist)
    assert status == 200, body
    assert generate_standing_order_prebooks(today=MONDAY) >= 1
    prebooks = list(Prebook.objects.filter(standing_order_id=body["standingOrderId"]))
    assert prebooks
    for prebook in prebooks:
        [fee] = FeeEntry.objects.filter(prebook=prebook)
        assert fee.entry_type == FeeEntryType.CHARGE and fee.rate_percent == Decimal("2.50")
        assert fee.base_amount == prebook.total == Decimal("400.00")
        assert fee.amount == Decimal("10.00")
        assert prebook.created_by_token_id is not None


@pytest.mark.django_db
def test_the_prebooks_of_a_back_office_standing_order_carry_no_fee(world):
    world.company.transaction_fee_percent = Decimal("2.50")
    world.company.save(update_fields=["transaction_fee_percent"])
    order = create_standing_order(
        world.company,
        customer=make_customer(world.company, name="Phone Florist"),
        carrier=world.carrier,
        days="Monday",
        start_date=MONDAY,
        end_date=dt.date(2026, 6, 30),
        items=[
            StandingLineRequest(
                product_code=world.product.code,
                box_type_code="HB",
                boxes=2,
                price=Decimal("0.01"),
                bunches=10,
                stems_bunch=25,
            )
        ],
    )
    assert generate_standing_order_prebooks(today=MONDAY) >= 1
    assert Prebook.objects.filter(standing_order=order).exists()
    assert not FeeEntry.objects.filter(prebook__standing_order=order).exists()
