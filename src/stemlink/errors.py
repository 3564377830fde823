"""The errors Stemlink speaks: one base with a stable code and a message a person can act on.

One place turns them into API answers (`stemlink.api`), one into page messages (`stemlink.web`).
No Django here, so rules may raise them too.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class StemlinkError(Exception):
    """A failure the caller can act on; `code` is stable, `message` is for a person."""

    code = "error"
    http_status = 400

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        # Extra answer fields a client can use (`availableBoxes`, `currentPrice`, …).
        self.extra: dict[str, Any] = extra


class ValidationFailed(StemlinkError):
    code = "validation_error"
    http_status = 400

    def __init__(self, errors: list[FieldError] | FieldError, message: str | None = None) -> None:
        errs = [errors] if isinstance(errors, FieldError) else list(errors)
        text = message or "; ".join(f"{e.field}: {e.message}" if e.field else e.message for e in errs)
        super().__init__(text)
        self.errors = errs


class NotFound(StemlinkError):
    code = "not_found"
    http_status = 404


class NotAvailable(StemlinkError):
    """Not enough boxes to sell; `availableBoxes` says how many there are."""

    code = "not_available"
    http_status = 409

    def __init__(self, message: str, available_boxes: int, **extra: Any) -> None:
        super().__init__(message, availableBoxes=available_boxes, **extra)
        self.available_boxes = available_boxes


class PriceChanged(StemlinkError):
    code = "price_changed"
    http_status = 409

    def __init__(self, message: str, current_price: Decimal, **extra: Any) -> None:
        super().__init__(message, currentPrice=current_price, **extra)
        self.current_price = current_price


class InvalidState(StemlinkError):
    code = "invalid_state"
    http_status = 409


class PermissionDenied(StemlinkError):
    code = "method_not_allowed_for_token"
    http_status = 403


class RoleRefused(StemlinkError):
    """The signed-in user's role may not do this (the permission map of `stemlink.tenancy.rules`)."""

    code = "not_allowed_for_role"
    http_status = 403


class TooManySignInAttempts(StemlinkError):
    """Sign-in is locked for this account or address after too many wrong passwords."""

    code = "too_many_sign_in_attempts"
    http_status = 429
