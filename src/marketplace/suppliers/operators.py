"""The marketplace's first run: on an install with no operator, make the first one, once.

Shared by the operator's first page and `marketplace init`. An operator is a staff user: they
connect wholesalers (Operator » Suppliers). Once any operator exists (made here, by the demo's
`setup-demo-supplier`, or earlier) the first run refuses.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from marketplace.suppliers.models import FirstOperator


class AlreadySetUp(Exception):
    message = "This marketplace already has an operator: sign in instead (the first run happens once)."

    def __init__(self) -> None:
        super().__init__(self.message)


class OperatorErrors(Exception):
    """Values to fix, per field; nothing was made."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def first_run_done() -> bool:
    """Whether the marketplace has had its first operator (or has a staff user some other way)."""
    return FirstOperator.objects.exists() or get_user_model().objects.filter(is_staff=True).exists()


def create_first_operator(*, username: str, email: str = "", password: str) -> Any:
    """Make the first operator (a staff user). Raises OperatorErrors or AlreadySetUp."""
    user_model = get_user_model()
    username, email = (username or "").strip(), (email or "").strip().lower()
    errors: dict[str, str] = {}
    try:
        user_model._meta.get_field("username").run_validators(username)
        if not username:
            raise ValidationError("is required")
    except ValidationError as exc:
        errors["username"] = " ".join(exc.messages)
    else:
        if user_model.objects.filter(username__iexact=username).exists():
            errors["username"] = f"{username!r} is taken (by a florist?); choose another"
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        errors["email"] = "is not an e-mail address"
    try:
        validate_password(password or "", user_model(username=username, email=email))
    except ValidationError as exc:
        errors["password"] = " ".join(exc.messages)
    if errors:
        raise OperatorErrors(errors)
    try:
        with transaction.atomic():
            if first_run_done():
                raise AlreadySetUp()
            user = user_model.objects.create_user(username=username, email=email, password=password)
            user.is_staff = True
            user.save(update_fields=["is_staff"])
            # The claim: a second first run at the same moment fails here (see FirstOperator).
            FirstOperator.objects.create(id=FirstOperator.ONLY_ID, user=user)
    except IntegrityError:
        if first_run_done():
            raise AlreadySetUp() from None
        raise
    return user
