"""Customer use cases. Pricing terms live here so the e-commerce view and web orders share them."""

from __future__ import annotations

from decimal import Decimal

from stemlink.customers.models import Customer
from stemlink.customers.rules import Markup, PricingTerms, customer_unit_price


def pricing_terms_for(customer: Customer | None) -> PricingTerms:
    """Return a customer's pricing terms as plain values (Price A, no markups, for nobody)."""
    if customer is None:
        return PricingTerms()
    return PricingTerms(
        price_level="B" if customer.default_price == "B" else "A",
        price_b_markup=Markup("amount" if customer.price_b_markup_kind == "amount" else "percent",
                              customer.price_b_markup),
        ecommerce_markup=Markup("amount" if customer.ecommerce_markup_kind == "amount" else "percent",
                                customer.ecommerce_markup),
    )


def unit_price_for(
    customer: Customer | None,
    *,
    line_price: Decimal | None,
    unit_cost: Decimal,
    gross_margin_percent: Decimal,
    ecommerce: bool = True,
) -> Decimal:
    """Return what this customer pays per unit of a line: the one pricing rule, fed from the models."""
    return customer_unit_price(
        line_price, unit_cost, gross_margin_percent, pricing_terms_for(customer), ecommerce=ecommerce
    )
