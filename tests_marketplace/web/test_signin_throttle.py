"""The marketplace's sign-in (florists and operators) is throttled per account and per address."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.db.models import F
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "operator-pass-123"


@pytest.fixture
def operator():
    return get_user_model().objects.create_user("operator", password=PASSWORD, is_staff=True)


def _sign_in(client: Client, name: str, password: str, ip: str = "198.51.100.7"):
    return client.post("/accounts/login/", {"email": name, "password": password}, REMOTE_ADDR=ip)


def _on_operator_pages(client: Client) -> bool:
    return client.get("/operator/").status_code == 200


def test_25_wrong_operator_passwords_then_the_right_one_does_not_sign_in(operator) -> None:
    client = Client()
    for _ in range(25):
        _sign_in(client, "operator", "wrong-guess")
    answer = _sign_in(client, "operator", PASSWORD)
    assert answer.status_code == 429
    assert "locked" in answer.content.decode()
    assert not _on_operator_pages(client)


def test_the_lock_is_per_account_and_per_address_and_ends_after_the_cool_off(operator) -> None:
    for i in range(5):
        _sign_in(Client(), "operator", "wrong-guess", ip=f"203.0.113.{i + 1}")
    assert _sign_in(Client(), "operator", PASSWORD, ip="192.0.2.1").status_code == 429  # per account
    get_user_model().objects.create_user("second", password=PASSWORD, is_staff=True)
    for i in range(5):
        _sign_in(Client(), f"nobody{i}", "wrong-guess", ip="203.0.113.50")
    assert _sign_in(Client(), "second", PASSWORD, ip="203.0.113.50").status_code == 429  # per address
    assert _sign_in(Client(), "second", PASSWORD, ip="203.0.113.51").status_code == 302
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(minutes=16))
    client = Client()
    assert _sign_in(client, "operator", PASSWORD, ip="192.0.2.1").status_code == 302
    assert _on_operator_pages(client)
