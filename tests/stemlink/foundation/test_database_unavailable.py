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
