"""What a customer pays per unit: one pure function prices both the listing and the order.

No Django here. Prices are Decimal; every published price is rounded half-up to the cent at the
step where a person would see it (Price A, then Price B, then the e-commerce price), so the
numbers a wholesaler reads in the back office add up to what the marketplace shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

CENT = Decimal("0.01")
MarkupKindName = Literal["percent", "amount"]


def round_money(amount: Decimal) -> Decimal:
    """Round to the cent, half a cent going up (12.345 -> 12.35)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Markup:
    kind: MarkupKindName
    value: Decimal

    def apply(self, price: Decimal) -> Decimal:
        """Mark a price up; a percent of it or an amount per unit."""
        if self.kind == "percent":
            return price * (Decimal(1) + self.value / Decimal(100))
        return price + self.value


NO_MARKUP = Markup("percent", Decimal(0))


@dataclass(frozen=True)
class PricingTerms:
    """A customer's pricing terms, as plain values."""

    price_level: Literal["A", "B"] = "A"
    price_b_markup: Markup = NO_MARKUP
    ecommerce_markup: Markup = NO_MARKUP


def price_a(line_price: Decimal | None, unit_cost: Decimal, gross_margin_percent: Decimal) -> Decimal:
    """Return Price A: the line's own price, or its cost marked up to the company's gross margin.

    Gross margin is the share of the price that is profit: price = cost / (1 - margin).
    Raises ValueError for a margin of 100% or more (no price could carry it).
    """
    if line_price is not None:
        return round_money(line_price)
    if gross_margin_percent >= 100 or gross_margin_percent < 0:
        raise ValueError("gross margin must be at least 0% and below 100%")
    return round_money(unit_cost / (Decimal(1) - gross_margin_percent / Decimal(100)))


def customer_unit_price(
    line_price: Decimal | None,
    unit_cost: Decimal,
    gross_margin_percent: Decimal,
    terms: PricingTerms,
    *,
    ecommerce: bool = True,
) -> Decimal:
    """Return the unit price this customer pays for a line.

    Price A; plus the Price B markup for a customer on Price B; plus the e-commerce markup for the
    e-commerce view and web orders. Each step is rounded to the cent.
    """
    price = price_a(line_price, unit_cost, gross_margin_percent)
    if terms.price_level == "B":
        price = round_money(terms.price_b_markup.apply(price))
    if ecommerce:
        price = round_money(terms.ecommerce_markup.apply(price))
    return price


def box_price(unit_price: Decimal, units_per_box: int) -> Decimal:
    """Return what one box costs at a unit price."""
    return round_money(unit_price * units_per_box)
