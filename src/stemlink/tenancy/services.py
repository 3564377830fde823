"""Company use cases: who the signed-in user works for, and the company's own settings."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from stemlink.errors import FieldError, NotFound, ValidationFailed
from stemlink.tenancy.models import Company, Membership
from stemlink.tenancy.rules import time_zone_problem


def current_membership(user: Any, company_id: int | None = None) -> Membership:
    """Return the user's active membership in an active company (the one named, else the first).

    Raises NotFound when the user works for no active company (or not for the one named).
    """
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotFound("Sign in to see your company.")
    memberships = Membership.objects.select_related("company").filter(
        user_id=user.pk, active=True, company__active=True
    )
    if company_id is not None:
        memberships = memberships.filter(company_id=company_id)
    membership = memberships.order_by("id").first()
    if membership is None:
        raise NotFound("Your user is not a member of any active company.")
    return membership


def memberships_of(user: Any) -> list[Membership]:
    """Return the user's active memberships in active companies, by company name."""
    return list(
        Membership.objects.select_related("company")
        .filter(user_id=user.pk, active=True, company__active=True)
        .order_by("company__name", "company_id")
    )


def current_company_for(user: Any, company_id: int | None = None) -> Company:
    """Return the company the user is working in. Raises NotFound as `current_membership`."""
    return current_membership(user, company_id).company


# Limits mirror the model validators, so a bad value is refused with a message before the
# database's own checks would turn it into an error page.
_DECIMAL_LIMITS = {
    "transaction_fee_percent": (Decimal("0"), Decimal("100"), "a percent from 0 to 100"),
    "gross_margin_percent": (Decimal("0"), Decimal("95"), "a percent from 0 to 95"),
}
_INT_LIMITS = {
    "checkout_timer_minutes": (1, 24 * 60, "whole minutes from 1 to 1440"),
    "standing_order_lead_days": (1, 60, "whole days from 1 to 60"),
}


def _decimal(field: str, value: Any, errors: list[FieldError]) -> Decimal | None:
    low, high, wanted = _DECIMAL_LIMITS[field]
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.append(FieldError(field, f"must be {wanted}"))
        return None
    if not number.is_finite() or number < low or number > high:
        errors.append(FieldError(field, f"must be {wanted}"))
        return None
    if number != number.quantize(Decimal("0.01")):
        errors.append(FieldError(field, "use at most 2 decimal places"))
        return None
    return number.quantize(Decimal("0.01"))


def _int(field: str, value: Any, errors: list[FieldError]) -> int | None:
    low, high, wanted = _INT_LIMITS[field]
    try:
        number = int(str(value).strip())
    except ValueError:
        errors.append(FieldError(field, f"must be {wanted}"))
        return None
    if number < low or number > high:
        errors.append(FieldError(field, f"must be {wanted}"))
        return None
    return number


@transaction.atomic
def update_company_settings(
    company: Company,
    *,
    transaction_fee_percent: Decimal | str,
    checkout_timer_minutes: int | str,
    autoconfirm_on_checkout: bool,
    gross_margin_percent: Decimal | str,
    standing_order_lead_days: int | str,
    time_zone: str | None = None,
    address: str | None = None,
) -> list[str]:
    """Change the company's sales settings; return the names of the fields that changed.

    `time_zone` (an IANA name) and `address` change only when given.

    Raises ValidationFailed, naming every bad field, and changes nothing when any value is out of range.
    """
    errors: list[FieldError] = []
    values: dict[str, Any] = {
        "transaction_fee_percent": _decimal("transaction_fee_percent", transaction_fee_percent, errors),
        "gross_margin_percent": _decimal("gross_margin_percent", gross_margin_percent, errors),
        "checkout_timer_minutes": _int("checkout_timer_minutes", checkout_timer_minutes, errors),
        "standing_order_lead_days": _int("standing_order_lead_days", standing_order_lead_days, errors),
        "autoconfirm_on_checkout": bool(autoconfirm_on_checkout),
    }
    if time_zone is not None:
        values["time_zone"] = time_zone.strip()
        problem = time_zone_problem(values["time_zone"])
        if problem:
            errors.append(FieldError("time_zone", problem))
    if address is not None:
        values["address"] = address.strip()
    if errors:
        raise ValidationFailed(errors)
    locked = Company.objects.select_for_update().get(pk=company.pk)
    changed = [name for name, value in values.items() if getattr(locked, name) != value]
    if changed:
        for name in changed:
            setattr(locked, name, values[name])
        locked.save(update_fields=[*changed, "updated_on"])
        for name in changed:
            setattr(company, name, values[name])
    return changed
