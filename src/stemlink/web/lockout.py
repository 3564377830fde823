"""What django-axes (the sign-in throttle) is told about a request, and what a locked-out caller sees.

The back office, the Django admin and the API's `login` all sign in through Django's
`authenticate`, so one throttle (configured in settings: per account and per address) covers
them. The API answers a lockout itself, in its JSON envelope (`too_many_sign_in_attempts`, 429);
pages get a page saying when to try again.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from stemlink.errors import TooManySignInAttempts
from stemlink.web.errors import error_page


def client_ip(request: HttpRequest) -> str:
    """The address a sign-in attempt is counted against: the peer's, as the API gateway counts it."""
    return str(request.META.get("REMOTE_ADDR") or "")


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The answer to a locked-out sign-in: the API's own JSON answer, or a page (429)."""
    if request.path.startswith("/api/") and original_response is not None:
        return original_response  # the gateway already answered too_many_sign_in_attempts
    minutes = f"{settings.SIGNIN_COOLOFF_MINUTES:g}"
    error = TooManySignInAttempts(
        "Too many wrong passwords for this account or from this address: sign-in is locked for "
        f"{minutes} minutes. Try again later, or ask an administrator to reset your password."
    )
    return error_page(request, error, status=429, title="Sign-in locked for a while")
