"""Customer pricing terms from the back office, and the company settings that reprice everyone."""

from __future__ import annotations

from decimal import Decimal

import pytest

from stemlink.customers.accounts import apply_company_settings, customer_of, update_pricing_terms
from stemlink.customers.models import Customer
from stemlink.customers.services import unit_price_for
from stemlink.errors import NotFound, ValidationFailed
from tests.factories import World

pytestmark = pytest.mark.django_db

TERMS = {
    "default_price": "B",
    "price_b_markup_kind": "percent",
    "price_b_markup": "10",
    "ecommerce_markup_kind": "amount",
    "ecommerce_markup": "0.05",
}


def test_new_terms_change_the_price_and_move_the_pricing_clock(world: World) -> None:
    customer = world.customer
    before = customer.pricing_updated_on
    assert update_pricing_terms(customer, **TERMS) is True
    stored = Customer.objects.get(pk=customer.pk)
    assert stored.pricing_updated_on > before
    price = unit_price_for(
        stored, line_price=Decimal("1.00"), unit_cost=Decimal("0.5"), gross_margin_percent=Decimal(30)
    )
    assert price == Decimal("1.15")  # 1.00 + 10% = 1.10, + 0.05 per unit


def test_unchanged_terms_leave_the_clock_alone(world: World) -> None:
    update_pricing_terms(world.customer, **TERMS)
    clock = Customer.objects.get(pk=world.customer.pk).pricing_updated_on
    assert update_pricing_terms(world.customer, **TERMS) is False
    assert Customer.objects.get(pk=world.customer.pk).pricing_updated_on == clock


def test_refuses_bad_terms_naming_each_field(world: World) -> None:
    with pytest.raises(ValidationFailed) as refused:
        update_pricing_terms(
            world.customer,
            default_price="C",
            price_b_markup_kind="percent",
            price_b_markup="-1",
            ecommerce_markup_kind="lots",
            ecommerce_markup="0.0001",
        )
    fields = {e.field for e in refused.value.errors}
    assert fields == {"default_price", "price_b_markup", "ecommerce_markup_kind", "ecommerce_markup"}
    assert Customer.objects.get(pk=world.customer.pk).default_price == "A"


def test_customer_of_another_company_is_not_found(world: World, other_world: World) -> None:
    assert customer_of(world.company, world.customer.pk) == world.customer
    for wrong in (other_world.customer.pk, "abc", None):
        with pytest.raises(NotFound):
            customer_of(world.company, wrong)  # type: ignore[arg-type]


def test_a_new_gross_margin_moves_every_customers_clock_but_a_new_fee_does_not(
    world: World, other_world: World
) -> None:
    settings = {
        "transaction_fee_percent": "2",
        "checkout_timer_minutes": 30,
        "autoconfirm_on_checkout": False,
        "gross_margin_percent": "30",
        "standing_order_lead_days": 7,
    }
    clock = Customer.objects.get(pk=world.customer.pk).pricing_updated_on
    apply_company_settings(world.company, **settings)
    assert Customer.objects.get(pk=world.customer.pk).pricing_updated_on == clock
    apply_company_settings(world.company, **{**settings, "gross_margin_percent": "40"})
    assert Customer.objects.get(pk=world.customer.pk).pricing_updated_on > clock
    theirs = Customer.objects.get(pk=other_world.customer.pk)
    assert theirs.pricing_updated_on < Customer.objects.get(pk=world.customer.pk).pricing_updated_on
