"""Customer use cases. Pricing terms live here so the e-commerce view and web orders share them."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction

from stemlink.catalog.models import Carrier
from stemlink.customers.models import Customer, CustomerType, ShipTo
from stemlink.customers.rules import Markup, PricingTerms, customer_unit_price
from stemlink.errors import FieldError, NotFound, ValidationFailed
from stemlink.tenancy.models import Company, Membership


def pricing_terms_for(customer: Customer | None) -> PricingTerms:
    """Return a customer's pricing terms as plain values (Price A, no markups, for nobody)."""
    if customer is None:
        return PricingTerms()
    return PricingTerms(
        price_level="B" if customer.default_price == "B" else "A",
        price_b_markup=Markup(
            "amount" if customer.price_b_markup_kind == "amount" else "percent", customer.price_b_markup
        ),
        ecommerce_markup=Markup(
            "amount" if customer.ecommerce_markup_kind == "amount" else "percent", customer.ecommerce_markup
        ),
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


# --- Customers and ship-tos (the API's customer.add and customer.shipto.*, the back office) ---

_CUSTOMER_FIELDS = frozenset(
    {
        "accounting_code",
        "billing_address",
        "billing_city",
        "billing_state",
        "billing_zipcode",
        "billing_country",
        "shipping_address",
        "shipping_city",
        "shipping_state",
        "shipping_zipcode",
        "shipping_country",
        "email",
        "email_for_invoices",
        "phone",
        "default_price",
        "credit_limit",
        "fax",
        "website",
        "email_for_statements",
        "terms",
        "credit_hold",
        "payment_method",
        "charge_fuel_surcharge",
        "charge_tax",
        "send_invoice_via",
    }
)
_SHIP_TO_FIELDS = frozenset(
    {
        "code",
        "name",
        "address",
        "city",
        "state",
        "zipcode",
        "country",
        "phone",
        "fax",
        "carrier_account",
        "sales_person_code_flowers",
        "sales_person_code_plants",
    }
)


def _field_errors(error: DjangoValidationError) -> list[FieldError]:
    if hasattr(error, "message_dict"):
        return [
            FieldError(field if field != NON_FIELD_ERRORS else "", " ".join(str(m) for m in messages))
            for field, messages in error.message_dict.items()
        ]
    return [FieldError("", " ".join(str(m) for m in error.messages))]


def _customer_type(value: str | None) -> str:
    if value is None or str(value).strip() == "":
        return CustomerType.FLORIST
    text = str(value).strip().lower()
    for choice, label in CustomerType.choices:
        if text in (choice, str(label).lower()):
            return choice
    names = ", ".join(CustomerType.values)
    raise ValidationFailed(FieldError("customer_type", f"must be one of {names}, got {value!r}"))


def _free_code(company: Company, name: str) -> str:
    base = re.sub(r"[^A-Z0-9]", "", name.upper())[:12] or "CUST"
    code, n = base, 1
    while Customer.objects.filter(company=company, code__iexact=code).exists():
        n += 1
        code = f"{base}{n}"
    return code


def add_customer(
    company: Company,
    *,
    name: str,
    code: str | None = None,
    customer_type: str | None = None,
    sales_rep_id: int | None = None,
    **fields: Any,
) -> Customer:
    """Create a customer of `company`; a missing code is made from the name.

    `fields` are Customer model fields (addresses, phone, emails, default_price, credit_limit, …).
    Raises ValidationFailed (missing name, code in use, bad type or values, with model field names).
    """
    unknown = sorted(set(fields) - _CUSTOMER_FIELDS)
    if unknown:
        raise ValueError(f"add_customer does not set {', '.join(unknown)}")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(FieldError("name", "is required"))
    chosen_type = _customer_type(customer_type)
    sales_rep = None
    if sales_rep_id is not None:
        membership = Membership.objects.filter(company=company, user_id=sales_rep_id, active=True).first()
        if membership is None:
            raise ValidationFailed(
                FieldError("sales_rep", f"no sales person {sales_rep_id} works for this company")
            )
        sales_rep = membership.user
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items() if v is not None}
    with transaction.atomic():
        code = (code or "").strip() or _free_code(company, name)
        if Customer.objects.filter(company=company, code__iexact=code).exists():
            raise ValidationFailed(FieldError("code", f"{code!r} is already the code of another customer"))
        customer = Customer(
            company=company, name=name, code=code, customer_type=chosen_type, sales_rep=sales_rep, **values
        )
        try:
            customer.full_clean(exclude=["company", "sales_rep", "default_carrier"])
        except DjangoValidationError as error:
            raise ValidationFailed(_field_errors(error)) from None
        try:
            with transaction.atomic():
                customer.save()
        except IntegrityError:
            raise ValidationFailed(
                FieldError("code", f"{code!r} is already the code of another customer")
            ) from None
    return customer


def ship_to_of(company: Company, ship_to_id: int, *, customer: Customer | None = None) -> ShipTo:
    """Return an active ship-to of the company (of `customer`, when given). Raises NotFound."""
    ship_tos = ShipTo.objects.filter(pk=ship_to_id, company=company, active=True)
    if customer is not None:
        ship_tos = ship_tos.filter(customer=customer)
    ship_to = ship_tos.select_related("customer", "carrier").first()
    if ship_to is None:
        raise NotFound(f"Ship-to {ship_to_id} was not found.")
    return ship_to


def _carrier_of(company: Company, carrier_id: int | None) -> Carrier | None:
    if carrier_id is None:
        return None
    carrier = Carrier.objects.filter(pk=carrier_id, company=company).first()
    if carrier is None:
        raise NotFound(f"Carrier {carrier_id} was not found.")
    return carrier


def _save_ship_to(ship_to: ShipTo) -> ShipTo:
    if not ship_to.name.strip():
        raise ValidationFailed(FieldError("name", "is required"))
    try:
        ship_to.full_clean(exclude=["company", "customer", "carrier"])
    except DjangoValidationError as error:
        raise ValidationFailed(_field_errors(error)) from None
    with transaction.atomic():
        ship_to.save()
    return ship_to


def add_ship_to(customer: Customer, *, carrier_id: int | None = None, **fields: Any) -> ShipTo:
    """Add a delivery address to a customer (a marketplace adds one per florist).

    `fields`: name (required), code, address, city, state, zipcode, country, phone, carrier_account.
    Raises ValidationFailed (missing name, values too long) or NotFound (carrier of another company).
    """
    unknown = sorted(set(fields) - _SHIP_TO_FIELDS)
    if unknown:
        raise ValueError(f"add_ship_to does not set {', '.join(unknown)}")
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items() if v is not None}
    ship_to = ShipTo(
        company=customer.company,
        customer=customer,
        carrier=_carrier_of(customer.company, carrier_id),
        **values,
    )
    return _save_ship_to(ship_to)


def update_ship_to(ship_to: ShipTo, *, carrier_id: int | None = None, **changes: Any) -> ShipTo:
    """Change the given fields of a ship-to (others stay as they are).

    Raises ValidationFailed (empty name, values too long) or NotFound (carrier of another company).
    """
    unknown = sorted(set(changes) - _SHIP_TO_FIELDS)
    if unknown:
        raise ValueError(f"update_ship_to does not set {', '.join(unknown)}")
    for key, value in changes.items():
        if value is not None:
            setattr(ship_to, key, value.strip() if isinstance(value, str) else value)
    if carrier_id is not None:
        ship_to.carrier = _carrier_of(ship_to.company, carrier_id)
    return _save_ship_to(ship_to)


def remove_ship_to(ship_to: ShipTo) -> None:
    """Remove a ship-to from the customer's list; orders that used it keep their address."""
    ship_to.active = False
    with transaction.atomic():
        ship_to.save(update_fields=["active", "updated_on"])


def update_customer(
    customer: Customer,
    *,
    sales_rep_id: Any = ...,
    default_carrier_id: Any = ...,
    customer_type: str | None = None,
    **changes: Any,
) -> Customer:
    """Change a customer's details (the back office's customer form): name, code, type, sales rep,
    default carrier, addresses, e-mails, phone, credit limit, `active`.

    Pricing terms change only through `accounts.update_pricing_terms` (they move the feed's
    pricing clock). An inactive customer cannot order (`orders.resolvers`). Raises
    ValidationFailed naming every bad field; nothing changes then.
    """
    allowed = (_CUSTOMER_FIELDS - {"default_price"}) | {"name", "code", "active"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValueError(f"update_customer does not set {', '.join(unknown)}")
    company = customer.company
    errors: list[FieldError] = []
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk, company_id=customer.company_id)
        for key, value in changes.items():
            if value is None and key != "credit_limit":
                continue
            setattr(locked, key, value.strip() if isinstance(value, str) else value)
        if customer_type is not None:
            try:
                locked.customer_type = _customer_type(customer_type)
            except ValidationFailed as exc:
                errors.extend(exc.errors)
        if sales_rep_id is not ...:
            if sales_rep_id is None:
                locked.sales_rep = None
            else:
                membership = Membership.objects.filter(
                    company=company, user_id=sales_rep_id, active=True
                ).first()
                if membership is None:
                    errors.append(
                        FieldError("sales_rep", f"no sales person {sales_rep_id} works for this company")
                    )
                else:
                    locked.sales_rep = membership.user
        if default_carrier_id is not ...:
            if default_carrier_id is None:
                locked.default_carrier = None
            else:
                carrier = Carrier.objects.filter(company=company, pk=default_carrier_id, active=True).first()
                if carrier is None:
                    errors.append(
                        FieldError("default_carrier", f"there is no active carrier {default_carrier_id}")
                    )
                else:
                    locked.default_carrier = carrier
        if not locked.name.strip():
            errors.append(FieldError("name", "is required"))
        if not locked.code.strip():
            errors.append(FieldError("code", "is required"))
        elif (
            Customer.objects.filter(company=company, code__iexact=locked.code).exclude(pk=locked.pk).exists()
        ):
            errors.append(FieldError("code", f"{locked.code!r} is already the code of another customer"))
        try:
            locked.full_clean(
                exclude=["company", "sales_rep", "default_carrier"],
                validate_unique=False,
                validate_constraints=False,
            )
        except DjangoValidationError as error:
            errors.extend(_field_errors(error))
        if errors:
            raise ValidationFailed(errors)
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError:
            raise ValidationFailed(
                FieldError("code", f"{locked.code!r} is already the code of another customer")
            ) from None
    return locked
