"""The pricing a wholesaler meets: Price A from cost, Price B markups, e-commerce markup, rounding."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stemlink.customers.rules import (
    NO_MARKUP,
    Markup,
    PricingTerms,
    box_price,
    customer_unit_price,
    price_a,
    round_money,
)

D = Decimal


def test_price_a_is_the_lines_own_price_when_it_has_one():
    assert price_a(D("0.85"), D("0.400"), D("30")) == D("0.85")


def test_price_a_from_cost_reaches_the_gross_margin():
    # 30% gross margin on a 0.70 cost: 0.70 / 0.70 = 1.00, and (1.00 - 0.70) / 1.00 = 30%.
    assert price_a(None, D("0.700"), D("30")) == D("1.00")


def test_price_a_from_cost_rounds_half_a_cent_up():
    # 0.4725 / 0.90 = 0.525 exactly: half a cent goes up.
    assert price_a(None, D("0.4725"), D("10")) == D("0.53")


def test_zero_margin_sells_at_cost():
    assert price_a(None, D("0.555"), D("0")) == D("0.56")


@pytest.mark.parametrize("margin", [D("100"), D("120"), D("-1")])
def test_refuses_a_margin_no_price_can_carry(margin):
    with pytest.raises(ValueError):
        price_a(None, D("1"), margin)


def test_price_a_customer_pays_price_a_in_the_back_office():
    terms = PricingTerms("A", Markup("percent", D("10")), Markup("percent", D("5")))
    assert customer_unit_price(D("1.00"), D("0.5"), D("30"), terms, ecommerce=False) == D("1.00")


def test_price_b_markup_in_percent():
    terms = PricingTerms("B", Markup("percent", D("10")))
    assert customer_unit_price(D("0.85"), D("0.5"), D("30"), terms, ecommerce=False) == D("0.94")


def test_price_b_markup_as_an_amount_per_unit():
    terms = PricingTerms("B", Markup("amount", D("0.05")))
    assert customer_unit_price(D("0.85"), D("0.5"), D("30"), terms, ecommerce=False) == D("0.90")


def test_ecommerce_markup_applies_on_top_of_price_b():
    terms = PricingTerms("B", Markup("percent", D("10")), Markup("percent", D("5")))
    # 0.85 -> B 0.935 -> 0.94 -> e-commerce 0.987 -> 0.99
    assert customer_unit_price(D("0.85"), D("0.5"), D("30"), terms) == D("0.99")


def test_ecommerce_markup_as_an_amount():
    terms = PricingTerms("A", NO_MARKUP, Markup("amount", D("0.10")))
    assert customer_unit_price(D("0.80"), D("0.5"), D("30"), terms) == D("0.90")


def test_ecommerce_markup_is_left_out_off_the_ecommerce_view():
    terms = PricingTerms("A", NO_MARKUP, Markup("amount", D("0.10")))
    assert customer_unit_price(D("0.80"), D("0.5"), D("30"), terms, ecommerce=False) == D("0.80")


def test_half_cents_round_up_at_every_step():
    assert round_money(D("0.125")) == D("0.13")
    assert round_money(D("0.124999")) == D("0.12")
    # 0.45 * 1.1 = 0.495 -> 0.50 (binary floats would give 0.49)
    assert customer_unit_price(D("0.45"), D("0"), D("0"), PricingTerms("B", Markup("percent", D("10")))) == D(
        "0.50"
    )


def test_box_price_is_unit_price_times_units_per_box():
    assert box_price(D("0.85"), 250) == D("212.50")


@given(
    price=st.decimals(min_value=D("0.01"), max_value=D("50"), places=2),
    pct=st.decimals(min_value=D("0"), max_value=D("200"), places=2),
)
def test_a_markup_never_lowers_a_price_and_result_is_in_cents(price, pct):
    terms = PricingTerms("B", Markup("percent", pct), Markup("percent", pct))
    result = customer_unit_price(price, D("0"), D("0"), terms)
    assert result >= price
    assert result == result.quantize(D("0.01"))
