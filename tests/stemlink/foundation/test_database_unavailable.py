"""A database that cannot be reached answers 503 with Retry-After: the API's envelope, a plain page."""

from __future__ import annotations

import orjson
import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.urls import reverse

from stemlink.api import dispatch
from tests.factories import make_user


def _down(*args, **kwargs):
    raise OperationalError("connection to server at 127.0.0.1 failed: server closed the connection")


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_an_api_call_gets_the_envelope_with_unavailable_503_and_retry_after(db, monkeypatch, error):
    def down(*args, **kwargs):
        raise error("connection already closed")

    monkeypatch.setattr(dispatch.services, "authenticate_and_count", down)
    response = Client(raise_request_exception=False).post(
        "/api/web-order.create",
        data=b"{}",
        content_type="application/json",
        headers={"authenticationToken": "x"},
    )
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json" and response["Retry-After"] == "5"
    body = orjson.loads(response.content)
    assert body["status"] == 0 and body["errorCode"] == "unavailable" and body["retryAfter"] == 5
    assert "Traceback" not in response.content.decode() and "127.0.0.1" not in body["message"]


def test_a_back_office_page_gets_a_plain_503_page(world, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(make_user(world.company, role="sales_rep"))
    monkeypatch.setattr("stemlink.web.views.home.worker_status", _down)
    response = client.get(reverse("web:home"))
    assert response.status_code == 503 and response["Retry-After"] == "5"
    page = response.content.decode()
    assert "briefly unavailable" in page and "Traceback" not in page and "server closed" not in page


def test_other_failures_stay_a_500(world, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(make_user(world.company, role="sales_rep"))

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("stemlink.web.views.home.worker_status", broken)
    assert client.get(reverse("web:home")).status_code == 500


def _session_save_fails(monkeypatch, error: Exception) -> None:
    """The session row cannot be updated at the end of a request (creating one still works)."""
    from django.contrib.sessions.models import Session

    original = Session.save

    def save(self, *args, **kwargs):
        if kwargs.get("force_update"):
            raise error
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Session, "save", save)


def _sign_in(client: Client):
    return client.post(reverse("web:login"), {"username": "rita", "password": "flowers-2026"})


def test_a_sign_in_whose_session_cannot_be_saved_because_the_database_went_away_gets_503(world, monkeypatch):
    # Django's session middleware turns the failed save into SessionInterrupted, a 400: the
    # sender did nothing wrong, so the answer is the outage's 503 that says to retry.
    make_user(world.company, username="rita", role="sales_rep", password="flowers-2026")
    _session_save_fails(monkeypatch, OperationalError("server closed the connection unexpectedly"))
    response = _sign_in(Client(raise_request_exception=False))
    assert response.status_code == 503 and response["Retry-After"] == "5"
    page = response.content.decode()
    assert "briefly unavailable" in page and "server closed" not in page


def test_a_session_deleted_by_a_concurrent_request_stays_a_400(world, monkeypatch):
    # What SessionInterrupted is for (the row is gone, e.g. signed out in another tab) is not an outage.
    from django.db import DatabaseError

    make_user(world.company, username="rita", role="sales_rep", password="flowers-2026")
    _session_save_fails(monkeypatch, DatabaseError("Forced update did not affect any rows."))
    response = _sign_in(Client(raise_request_exception=False))
    assert response.status_code == 400
    assert "Retry-After" not in response
