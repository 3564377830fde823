"""Customer account use cases for the back office: pricing terms, and company pricing settings.

Anything that changes what a customer pays moves `Customer.pricing_updated_on`, so a marketplace
polling the e-commerce view with `updatedAsOf` is sent every line again at the new prices.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from stemlink.customers.models import Customer, MarkupKind, PriceLevel
from stemlink.errors import FieldError, NotFound, ValidationFailed
from stemlink.tenancy.models import Company
from stemlink.tenancy.services import update_company_settings

_MAX_MARKUP = Decimal("9999999.999")


def customer_of(company: Company, customer_id: int | str) -> Customer:
    """Return the company's customer with this id. Raises NotFound for anybody else's."""
    try:
        pk = int(customer_id)
    except (TypeError, ValueError):
        raise NotFound(f"There is no customer {customer_id!r}.") from None
    customer = Customer.objects.filter(company=company, pk=pk).first()
    if customer is None:
        raise NotFound(f"There is no customer {pk}.")
    return customer


def _markup(field: str, value: Any, errors: list[FieldError]) -> Decimal | None:
    try:
        number = Decimal(str(value).strip() or "0")
    except (InvalidOperation, ValueError):
        errors.append(FieldError(field, "must be a number, 0 or more"))
        return None
    if not number.is_finite() or number < 0:
        errors.append(FieldError(field, "must be a number, 0 or more"))
        return None
    if number > _MAX_MARKUP:
        errors.append(FieldError(field, "is too large"))
        return None
    if number != number.quantize(Decimal("0.001")):
        errors.append(FieldError(field, "use at most 3 decimal places"))
        return None
    return number.quantize(Decimal("0.001"))


def _choice(field: str, value: str, allowed: list[str], errors: list[FieldError]) -> str | None:
    if value not in allowed:
        errors.append(FieldError(field, f"must be one of {', '.join(allowed)}"))
        return None
    return value


@transaction.atomic
def update_pricing_terms(
    customer: Customer,
    *,
    default_price: str,
    price_b_markup_kind: str,
    price_b_markup: Decimal | str,
    ecommerce_markup_kind: str,
    ecommerce_markup: Decimal | str,
) -> bool:
    """Change a customer's Price A/B level and markups; return whether anything changed.

    Moves `pricing_updated_on` when the terms change. Raises ValidationFailed naming every bad field.
    """
    errors: list[FieldError] = []
    values: dict[str, Any] = {
        "default_price": _choice("default_price", default_price, list(PriceLevel.values), errors),
        "price_b_markup_kind": _choice(
            "price_b_markup_kind", price_b_markup_kind, list(MarkupKind.values), errors
        ),
        "price_b_markup": _markup("price_b_markup", price_b_markup, errors),
        "ecommerce_markup_kind": _choice(
            "ecommerce_markup_kind", ecommerce_markup_kind, list(MarkupKind.values), errors
        ),
        "ecommerce_markup": _markup("ecommerce_markup", ecommerce_markup, errors),
    }
    if errors:
        raise ValidationFailed(errors)
    locked = Customer.objects.select_for_update().get(pk=customer.pk, company_id=customer.company_id)
    changed = [name for name, value in values.items() if getattr(locked, name) != value]
    if not changed:
        return False
    now = timezone.now()
    for name in changed:
        setattr(locked, name, values[name])
        setattr(customer, name, values[name])
    locked.pricing_updated_on = now
    locked.save(update_fields=[*changed, "pricing_updated_on", "updated_on"])
    customer.pricing_updated_on = now
    return True


@transaction.atomic
def apply_company_settings(company: Company, **settings_values: Any) -> list[str]:
    """Change the company's sales settings; when the gross margin changes, reprice every customer.

    A new gross margin changes Price A of every line without its own price, so every customer's
    `pricing_updated_on` moves in the same transaction. Raises ValidationFailed as
    `stemlink.tenancy.services.update_company_settings`.
    """
    changed = update_company_settings(company, **settings_values)
    if "gross_margin_percent" in changed:
        Customer.objects.filter(company=company).update(pricing_updated_on=timezone.now())
    return changed
