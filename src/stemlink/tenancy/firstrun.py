"""The first run: on an install with no company, create the company and its first administrator.

One use case, shared by the back office's first page and `stemlink init`. It runs once per
install: once a company exists (made here, by the demo data or by an earlier version) it refuses,
and two first runs at once make one company (see `FirstRun`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction

from stemlink.errors import FieldError, InvalidState, ValidationFailed
from stemlink.tenancy.models import Company, FirstRun, Location, Membership, Role
from stemlink.tenancy.rules import currency_problem, time_zone_problem
from stemlink.tenancy.services import _decimal


class AlreadySetUp(InvalidState):
    code = "already_set_up"

    def __init__(self) -> None:
        super().__init__("This Stemlink already has a company: sign in instead (the first run happens once).")


@dataclass(frozen=True)
class FirstRunResult:
    company: Company
    location: Location
    admin: Any


def first_run_done() -> bool:
    """Whether the install has had its first run (or has a company some other way)."""
    return FirstRun.objects.exists() or Company.objects.exists()


def _location_code(name: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", name.upper())[:6] or "MAIN"


def start_company(
    *,
    name: str,
    address: str,
    time_zone: str,
    currency: str,
    location_name: str,
    location_code: str = "",
    transaction_fee_percent: Decimal | str,
    admin_username: str,
    admin_email: str = "",
    admin_password: str,
) -> FirstRunResult:
    """Create the install's first company, its first location and its administrator.

    Raises ValidationFailed naming every bad field (nothing is created), or AlreadySetUp when the
    install already has a company — also when another first run won the race a moment earlier.
    """
    user_model = get_user_model()
    errors: list[FieldError] = []
    name, address = (name or "").strip(), (address or "").strip()
    time_zone, currency = (time_zone or "").strip(), (currency or "").strip().upper()
    location_name = (location_name or "").strip()
    location_code = (location_code or "").strip().upper() or _location_code(location_name)
    admin_username, admin_email = (admin_username or "").strip(), (admin_email or "").strip()
    if not name:
        errors.append(FieldError("name", "is required"))
    elif len(name) > 200:
        errors.append(FieldError("name", "use at most 200 characters"))
    if not address:
        errors.append(FieldError("address", "is required (it is printed on invoices)"))
    problems = (("time_zone", time_zone_problem(time_zone)), ("currency", currency_problem(currency)))
    for field, problem in problems:
        if problem:
            errors.append(FieldError(field, problem))
    if not location_name:
        errors.append(FieldError("location_name", "is required (your warehouse, e.g. Miami warehouse)"))
    elif len(location_name) > 120:
        errors.append(FieldError("location_name", "use at most 120 characters"))
    if not re.fullmatch(r"[A-Z0-9-]{1,20}", location_code):
        errors.append(FieldError("location_code", "use 1 to 20 capital letters, digits or dashes, e.g. MIA"))
    fee = _decimal("transaction_fee_percent", transaction_fee_percent, errors)
    username_field = user_model._meta.get_field("username")
    try:
        username_field.run_validators(admin_username)
        if not admin_username:
            raise DjangoValidationError("is required")
    except DjangoValidationError as exc:
        errors.append(FieldError("admin_username", " ".join(exc.messages)))
    else:
        if user_model.objects.filter(username__iexact=admin_username).exists():
            errors.append(FieldError("admin_username", f"{admin_username!r} is taken; choose another"))
    if admin_email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", admin_email):
        errors.append(FieldError("admin_email", "is not an e-mail address"))
    try:
        validate_password(admin_password or "", user_model(username=admin_username, email=admin_email))
    except DjangoValidationError as exc:
        errors.append(FieldError("admin_password", " ".join(exc.messages)))
    if errors:
        raise ValidationFailed(errors)
    assert fee is not None
    try:
        with transaction.atomic():
            if first_run_done():
                raise AlreadySetUp()
            company = Company.objects.create(
                name=name,
                address=address,
                time_zone=time_zone,
                currency=currency,
                transaction_fee_percent=fee,
            )
            # The claim: a second first run at the same moment fails here (see FirstRun).
            FirstRun.objects.create(id=FirstRun.ONLY_ID, company=company)
            location = Location.objects.create(
                company=company, name=location_name, short_name=location_code[:30], code=location_code
            )
            admin = user_model.objects.create_user(
                username=admin_username, email=admin_email, password=admin_password
            )
            Membership.objects.create(user=admin, company=company, role=Role.ADMIN)
    except IntegrityError:
        if first_run_done():
            raise AlreadySetUp() from None
        raise
    return FirstRunResult(company=company, location=location, admin=admin)
