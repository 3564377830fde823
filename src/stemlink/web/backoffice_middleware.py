"""The back office's middleware, passed by for API calls (`/api/`).

The API is stateless: a call carries its token, reads no session or cookie, has no signed-in user
and no messages to show. Sessions, the signed-in user, messages and django-axes' response hook cost
every API call time and did nothing for it, so each of them here is Django's (or axes') own class,
unchanged for every other path, that hands a request under `/api/` straight on. What stays for the
API: SecurityMiddleware, CommonMiddleware, CsrfViewMiddleware (Django's own, under its own name,
which `check --deploy` looks for; the gateway's view is csrf_exempt, so it does next to nothing),
XFrameOptionsMiddleware, and the gateway's own checks.

Sign-in throttling still covers the API's `login`: the throttle is axes' authentication backend,
which `services.log_in` calls with the request (`authenticate`); the middleware only turns a
lockout into a page, and under `/api/` the gateway answers `too_many_sign_in_attempts` itself
(see `stemlink.web.lockout`). The classes are subclasses of Django's, so the admin's system checks
still find them; axes' check looks for its class by name only (`axes.W002`, silenced in settings).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from axes.middleware import AxesMiddleware
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest

API_PREFIX = "/api/"


def is_api_call(request: HttpRequest) -> bool:
    """True for a request the API gateway answers (its path, within the site, starts with /api/)."""
    return request.path_info.startswith(API_PREFIX)


class _PassApi:
    """Hand a request under /api/ straight to the next layer; run the middleware for any other."""

    get_response: Callable[[HttpRequest], Any]

    def __call__(self, request: HttpRequest) -> Any:
        if is_api_call(request):
            return self.get_response(request)
        return super().__call__(request)  # type: ignore[misc]


class BackOfficeSessionMiddleware(_PassApi, SessionMiddleware):
    """Django's sessions, not for API calls."""


class BackOfficeAuthenticationMiddleware(_PassApi, AuthenticationMiddleware):
    """Django's signed-in user, not for API calls (a call acts as its token)."""


class BackOfficeMessageMiddleware(_PassApi, MessageMiddleware):
    """Django's messages, not for API calls."""


class BackOfficeAxesMiddleware(_PassApi, AxesMiddleware):
    """axes' lockout page, not for API calls (the gateway answers a lockout in its envelope)."""
