"""What a token may see: the one place that turns a client's customerId into a customer.

A Customer token sees only its own customer; naming any other is answered as "not found" (not
"forbidden"), so a token cannot even learn which customer ids exist.
"""

from __future__ import annotations

from typing import Any

from stemlink.api.registry import CallContext
from stemlink.customers.models import Customer
from stemlink.errors import FieldError, NotFound, ValidationFailed


def customer_for(ctx: CallContext, customer_id: Any, *, include_inactive: bool = True) -> Customer:
    """Return the customer `customer_id` of the caller's company, as the token may see it.

    A Customer token may only name its own customer (None means that customer). Raises NotFound
    for a customer of another company, another customer than a Customer token's, or (with
    `include_inactive=False`) a deactivated one; ValidationFailed when a company-wide token names
    no customer.
    """
    if customer_id is None or customer_id == "":
        if ctx.customer is not None:
            return ctx.customer
        raise ValidationFailed(FieldError("customerId", "is required"))
    try:
        wanted = int(customer_id)
    except (TypeError, ValueError):
        raise ValidationFailed(
            FieldError("customerId", f"must be a whole number, got {customer_id!r}")
        ) from None
    missing = NotFound(f"Customer {wanted} was not found.")
    if ctx.customer is not None:
        if ctx.customer.pk != wanted or ctx.customer.company_id != ctx.company.pk:
            raise missing
        customer = ctx.customer
    else:
        found = Customer.objects.filter(pk=wanted, company=ctx.company).first()
        if found is None:
            raise missing
        customer = found
    if not include_inactive and not customer.active:
        raise missing
    return customer
