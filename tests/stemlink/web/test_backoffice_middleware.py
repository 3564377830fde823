"""API calls pass the back office's sessions, signed-in user, messages and axes hook by;
every other path still goes through them (stemlink.web.backoffice_middleware)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.utils.module_loading import import_string

from tests.factories import World

BACK_OFFICE = [
    "stemlink.web.backoffice_middleware.BackOfficeSessionMiddleware",
    "stemlink.web.backoffice_middleware.BackOfficeAuthenticationMiddleware",
    "stemlink.web.backoffice_middleware.BackOfficeMessageMiddleware",
    "stemlink.web.backoffice_middleware.BackOfficeAxesMiddleware",
]


def _chain(seen: dict[str, Any]) -> Any:
    def view(request: HttpRequest) -> HttpResponse:
        seen["session"] = hasattr(request, "session")
        seen["user"] = hasattr(request, "user")
        seen["messages"] = hasattr(request, "_messages")
        return HttpResponse("ok")

    handler: Any = view
    for path in reversed(BACK_OFFICE):
        handler = import_string(path)(handler)
    return handler


def test_the_settings_use_the_back_office_classes() -> None:
    for path in BACK_OFFICE:
        assert path in settings.MIDDLEWARE
    assert "django.contrib.sessions.middleware.SessionMiddleware" not in settings.MIDDLEWARE
    # Django's own CSRF class, under the name `check --deploy` looks for.
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE


@pytest.mark.parametrize(
    ("path", "runs"),
    [("/api/carrier.list", False), ("/api/v2/login", False), ("/orders/", True), ("/", True)],
)
def test_the_middleware_runs_for_the_back_office_only(path: str, runs: bool) -> None:
    seen: dict[str, Any] = {}
    response = _chain(seen)(RequestFactory().get(path))
    assert response.status_code == 200
    assert seen == {"session": runs, "user": runs, "messages": runs}


@pytest.mark.django_db
def test_a_back_office_form_without_its_csrf_token_is_still_refused(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post("/login/", {"username": "x", "password": "y"}).status_code == 403


@pytest.mark.django_db
def test_an_api_call_sets_no_session_or_csrf_cookie(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/login", data="{}", content_type="application/json")
    assert response["Content-Type"] == "application/json"
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_the_handler_loads_the_settings_middleware() -> None:
    handler = BaseHandler()
    handler.load_middleware()  # raises if a class cannot be built from settings.MIDDLEWARE
