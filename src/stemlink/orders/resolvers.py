"""The one set of look-ups every order path uses: customer, ship-to, carrier, location.

Web orders, invoices, prebooks and standing orders all name these records the same way and meet
the same policy for inactive ones:

- a record of another company, or none with that id or code: `NotFound`;
- the ordering customer inactive: `InvalidState` (the party cannot order at all);
- an inactive ship-to, carrier or location named in the call: `ValidationFailed` on the parameter
  that named it (the caller fixes it by naming an active one);
- no location named: the company's first active location, `ValidationFailed` when it has none.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError

from stemlink.catalog.models import Carrier
from stemlink.customers.models import Customer, ShipTo
from stemlink.errors import FieldError, InvalidState, NotFound, ValidationFailed
from stemlink.tenancy.models import Company, Location


def _field_error(name: str, message: str) -> ValidationFailed:
    return ValidationFailed(FieldError(name, message))


def require_active_customer(company: Company, customer: Customer) -> Customer:
    """Check a customer already loaded: the company's own, and active. Raises NotFound, InvalidState."""
    if customer.company_id != company.pk:
        raise NotFound(f"Customer {customer.pk} was not found.")
    if not customer.active:
        raise InvalidState(f"Customer {customer.code} is inactive; activate it before ordering for it.")
    return customer


def _renamed(error: ValidationFailed, names: dict[str, str]) -> ValidationFailed:
    return ValidationFailed([FieldError(names.get(e.field, e.field), e.message) for e in error.errors])


def _new_customer(company: Company, code: str, description: str) -> Customer:
    """Komet's customerCode + customerDescription: a code that names no customer makes one of that name."""
    from stemlink.customers.services import add_customer

    try:
        return add_customer(company, name=description, code=code)
    except ValidationFailed as error:
        raise _renamed(error, {"name": "customerDescription", "code": "customerCode"}) from None


def _new_carrier(company: Company, code: str, description: str) -> Carrier:
    """Komet's carrierCode + carrierDescription: a code that names no carrier makes one of that name."""
    carrier = Carrier(company=company, code=code, name=description.strip())
    try:
        carrier.full_clean(exclude=["company"])
    except DjangoValidationError as error:
        names = {"code": "carrierCode", "name": "carrierDescription"}
        raise ValidationFailed(
            [
                FieldError(names.get(field, field), " ".join(str(m) for m in messages))
                for field, messages in error.message_dict.items()
            ]
        ) from None
    carrier.save()
    return carrier


def resolve_customer(
    company: Company,
    *,
    customer_id: int | None,
    customer_code: str | None = None,
    customer_description: str | None = None,
    field_prefix: str = "customer",
) -> Customer:
    """Return the company's active customer named by id, else by code.

    As Komet: a code that names no customer, sent with a `customer_description`, makes a customer
    of that code and name (call it inside the transaction of the document it is for, so a refused
    document leaves no customer behind). Raises ValidationFailed when neither is given, NotFound
    when there is no such customer (and no description), InvalidState when it is inactive.
    """
    query = Customer.objects.filter(company=company)
    if customer_id is not None:
        customer = query.filter(pk=customer_id).first()
        if customer is None:
            raise NotFound(f"Customer {customer_id} was not found.")
    elif customer_code:
        customer = query.filter(code__iexact=customer_code.strip()).first()
        if customer is None and customer_description and customer_description.strip():
            customer = _new_customer(company, customer_code.strip(), customer_description.strip())
        if customer is None:
            raise NotFound(f"No customer has the code {customer_code!r}; check customer.list for the codes.")
    else:
        raise _field_error(f"{field_prefix}Id", "is required (or give customerCode)")
    return require_active_customer(company, customer)


def resolve_carrier(
    company: Company,
    *,
    carrier_id: int | None,
    carrier_code: str | None = None,
    carrier_description: str | None = None,
) -> Carrier:
    """Return the company's active carrier named by id, else by code.

    As Komet: a code that names no carrier, sent with a `carrier_description`, makes a carrier of
    that code and name (inside the document's transaction, as for customers). Raises
    ValidationFailed when neither is given or the carrier is inactive, NotFound when there is no
    such carrier (and no description).
    """
    query = Carrier.objects.filter(company=company)
    if carrier_id is not None:
        carrier = next(iter(query.filter(pk=carrier_id).order_by()[:1]), None)  # by id: no ORDER BY
        if carrier is None:
            raise NotFound(f"Carrier {carrier_id} was not found.")
    elif carrier_code:
        carrier = query.filter(code__iexact=carrier_code.strip()).first()
        if carrier is None and carrier_description and carrier_description.strip():
            carrier = _new_carrier(company, carrier_code.strip(), carrier_description.strip())
        if carrier is None:
            raise NotFound(f"No carrier has the code {carrier_code!r}; check carrier.list for the codes.")
    else:
        raise _field_error("carrierId", "is required (or give carrierCode)")
    if not carrier.active:
        raise _field_error(
            "carrierId" if carrier_id is not None else "carrierCode",
            f"carrier {carrier.code} is inactive; choose an active one",
        )
    return carrier


def resolve_ship_to(customer: Customer, ship_to_id: int | None) -> ShipTo | None:
    """Return the customer's active ship-to with this id (None when no id is given).

    Raises NotFound when the ship-to is not this customer's, ValidationFailed when it is inactive.
    """
    if ship_to_id is None:
        return None
    ship_to = next(
        iter(
            ShipTo.objects.filter(
                company_id=customer.company_id, customer=customer, pk=ship_to_id
            ).order_by()[:1]
        ),
        None,
    )
    if ship_to is None:
        raise NotFound(f"Ship-to {ship_to_id} was not found for customer {customer.code}.")
    if not ship_to.active:
        raise _field_error("shipToId", f"ship-to {ship_to_id} is inactive; choose an active one")
    return ship_to


def resolve_location(
    company: Company,
    location_id: int | None,
    location_code: str | None = None,
    *,
    field_name: str = "locationId",
) -> Location:
    """Return the named active location of the company, or its first active one.

    Raises NotFound for a location the company does not have, ValidationFailed for an inactive
    one or when the company has no active location at all.
    """
    query = Location.objects.filter(company=company)
    if location_id is not None or location_code:
        if location_id is not None:
            location = next(iter(query.filter(pk=location_id).order_by()[:1]), None)  # by id: no ORDER BY
            if location is None:
                raise NotFound(f"Location {location_id} was not found.")
        else:
            location = query.filter(code__iexact=(location_code or "").strip()).first()
            if location is None:
                raise NotFound(f"No location has the code {location_code!r}; check location.list.")
        if not location.active:
            raise _field_error(field_name, f"location {location.code} is inactive; choose an active one")
        return location
    location = query.filter(active=True).order_by("id").first()
    if location is None:
        raise _field_error(field_name, "the company has no active location; add one in the back office")
    return location
