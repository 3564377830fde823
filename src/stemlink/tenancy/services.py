"""Company use cases: who the signed-in user works for, and the company's own settings."""

from __future__ import annotations

import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction

from stemlink.errors import FieldError, InvalidState, NotFound, ValidationFailed
from stemlink.tenancy.models import Company, Location, Membership, Role
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


# --- locations and the people of a company (Setup » Locations, Setup » Users) ------------------


def save_location(company: Company, location: Location | None = None, **changes: Any) -> Location:
    """Add a location (None) or change one: name, short name, code, active.

    A company keeps at least one active location (orders and lines default to it).
    Raises ValidationFailed naming every bad field.
    """
    if location is not None and location.company_id != company.pk:
        raise NotFound(f"There is no location {location.pk}.")
    record = location if location is not None else Location(company=company)
    unknown = sorted(set(changes) - {"name", "short_name", "code", "active"})
    if unknown:
        raise ValueError(f"save_location does not set {', '.join(unknown)}")
    for name, value in changes.items():
        if value is not None:
            setattr(record, name, value.strip() if isinstance(value, str) else value)
    errors: list[FieldError] = []
    try:
        record.full_clean(exclude=["company"], validate_unique=False, validate_constraints=False)
    except DjangoValidationError as error:
        errors.extend(
            FieldError(field, " ".join(str(m) for m in messages))
            for field, messages in error.message_dict.items()
        )
    if (
        record.code
        and Location.objects.filter(company=company, code=record.code).exclude(pk=record.pk).exists()
    ):
        errors.append(FieldError("code", f"{record.code!r} is already the code of another location"))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        if not record.active and record.pk is not None:
            others = (
                Location.objects.select_for_update()
                .filter(company=company, active=True)
                .exclude(pk=record.pk)
            )
            if not others.exists():
                raise ValidationFailed(FieldError("active", "a company keeps at least one active location"))
        try:
            with transaction.atomic():
                record.save()
        except IntegrityError:
            raise ValidationFailed(FieldError("code", "another location already has this code")) from None
    return record


def member_of(company: Company, membership_id: int) -> Membership:
    """Return a membership of the company by id. Raises NotFound for anybody else's."""
    membership = Membership.objects.filter(company=company, pk=membership_id).select_related("user").first()
    if membership is None:
        raise NotFound(f"There is no user {membership_id} in this company.")
    return membership


def new_password() -> str:
    """A random first password (about 96 bits), shown once to the administrator who made the user."""
    return secrets.token_urlsafe(12)


def add_member(
    company: Company,
    *,
    username: str,
    role: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> tuple[Membership, str]:
    """Make a user of `company` with `role` and a random first password; return it with the password.

    The password is returned once, for the administrator to hand over, and is stored only as
    Django's hash. A username already taken (in any company) is refused: a user of another
    company is never attached to this one by name. Raises ValidationFailed naming the field.
    """
    user_model = get_user_model()
    username = (username or "").strip()
    errors: list[FieldError] = []
    if role not in Role.values:
        errors.append(FieldError("role", f"must be one of {', '.join(Role.values)}"))
    candidate = user_model(
        username=username,
        email=(email or "").strip(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
    )
    try:
        candidate.full_clean(exclude=["password"], validate_unique=False)
    except DjangoValidationError as error:
        errors.extend(
            FieldError(field, " ".join(str(m) for m in messages))
            for field, messages in error.message_dict.items()
        )
    if username and user_model.objects.filter(username__iexact=username).exists():
        errors.append(FieldError("username", f"{username!r} is taken; choose another username"))
    if errors:
        raise ValidationFailed(errors)
    password = new_password()
    with transaction.atomic():
        candidate.set_password(password)
        try:
            with transaction.atomic():
                candidate.save()
        except IntegrityError:
            raise ValidationFailed(
                FieldError("username", f"{username!r} is taken; choose another username")
            ) from None
        membership = Membership.objects.create(user=candidate, company=company, role=role)
    return membership, password


def _keeps_an_administrator(company: Company, membership: Membership) -> None:
    others = (
        Membership.objects.select_for_update()
        .filter(company=company, role=Role.ADMIN, active=True, user__is_active=True)
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise InvalidState(
            "The company would be left without an active administrator; make another one first."
        )


@transaction.atomic
def change_member(
    company: Company, membership_id: int, *, role: str | None = None, active: bool | None = None
) -> Membership:
    """Change a member's role or (de)activate their membership; the change applies to their next
    page and API call (User tokens read the role live).

    Refuses (InvalidState) to leave the company without an active administrator.
    """
    membership = member_of(company, membership_id)
    if role is not None and role not in Role.values:
        raise ValidationFailed(FieldError("role", f"must be one of {', '.join(Role.values)}"))
    new_role = role if role is not None else membership.role
    new_active = active if active is not None else membership.active
    if membership.role == Role.ADMIN and membership.active and (new_role != Role.ADMIN or not new_active):
        _keeps_an_administrator(company, membership)
    changed = []
    if new_role != membership.role:
        membership.role = new_role
        changed.append("role")
    if new_active != membership.active:
        membership.active = new_active
        changed.append("active")
    if changed:
        membership.save(update_fields=changed)
    return membership


@transaction.atomic
def reset_member_password(company: Company, membership_id: int) -> tuple[Membership, str]:
    """Give a member a new random password (shown once); their sessions and User tokens end."""
    membership = member_of(company, membership_id)
    password = new_password()
    membership.user.set_password(password)
    membership.user.save(update_fields=["password"])
    return membership, password
