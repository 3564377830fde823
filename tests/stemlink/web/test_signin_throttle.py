"""Sign-in is throttled (django-axes) per account and per address, in the back office, the Django
admin and the API's `login`, and the lock ends after the cool-off."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client

from tests.factories import World, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "flowers-2026"


def _sign_in(client: Client, username: str, password: str, ip: str = "198.51.100.7") -> Any:
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def _signed_in(client: Client) -> bool:
    return client.get("/").status_code == 200


def _api_login(client: Client, username: str, password: str, ip: str = "198.51.100.7") -> Any:
    return client.post(
        "/api/login",
        data=json.dumps({"username": username, "password": password}),
        content_type="application/json",
        REMOTE_ADDR=ip,
    )


def _cool_off_passes() -> None:
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(minutes=16))


def test_25_wrong_passwords_then_the_right_one_does_not_sign_in(world: World, client: Client) -> None:
    make_user(world.company, username="maria", password=PASSWORD)
    for _ in range(25):
        _sign_in(client, "maria", "wrong-guess")
    answer = _sign_in(client, "maria", PASSWORD)
    assert answer.status_code == 429
    assert "locked" in answer.content.decode()
    assert not _signed_in(client)


def test_the_lock_is_per_account_from_any_address(world: World) -> None:
    make_user(world.company, username="maria", password=PASSWORD)
    make_user(world.company, username="joe", password=PASSWORD)
    for i in range(5):
        _sign_in(Client(), "maria", "wrong-guess", ip=f"203.0.113.{i + 1}")  # a new address each time
    elsewhere = Client()
    assert _sign_in(elsewhere, "maria", PASSWORD, ip="192.0.2.50").status_code == 429
    assert not _signed_in(elsewhere)
    # Another account from a clean address is not affected.
    other = Client()
    assert _sign_in(other, "joe", PASSWORD, ip="192.0.2.51").status_code == 302
    assert _signed_in(other)


def test_the_lock_is_per_address_for_any_account(world: World) -> None:
    make_user(world.company, username="joe", password=PASSWORD)
    for i in range(5):
        _sign_in(Client(), f"guess{i}", "wrong-guess", ip="203.0.113.9")  # a new account each time
    same_address = Client()
    assert _sign_in(same_address, "joe", PASSWORD, ip="203.0.113.9").status_code == 429
    assert not _signed_in(same_address)
    other_address = Client()
    assert _sign_in(other_address, "joe", PASSWORD, ip="203.0.113.10").status_code == 302


def test_the_lock_ends_after_the_cool_off(world: World, client: Client) -> None:
    make_user(world.company, username="maria", password=PASSWORD)
    for _ in range(6):
        _sign_in(client, "maria", "wrong-guess")
    assert _sign_in(client, "maria", PASSWORD).status_code == 429
    _cool_off_passes()
    assert _sign_in(client, "maria", PASSWORD).status_code == 302
    assert _signed_in(client)


def test_api_login_is_throttled_with_a_json_answer(world: World, client: Client) -> None:
    make_user(world.company, username="maria", password=PASSWORD)
    for _ in range(25):
        assert _api_login(client, "maria", "wrong-guess").status_code in {401, 429}
    answer = _api_login(client, "maria", PASSWORD)
    assert answer.status_code == 429
    assert answer["Content-Type"] == "application/json"
    body = answer.json()
    assert body["status"] == 0 and body["errorCode"] == "too_many_sign_in_attempts"
    assert "apiKey" not in body
    # Per account: from another address too; and the back office shares the same count.
    assert _api_login(client, "maria", PASSWORD, ip="192.0.2.77").status_code == 429
    assert _sign_in(Client(), "maria", PASSWORD, ip="192.0.2.78").status_code == 429
    _cool_off_passes()
    answer = _api_login(client, "maria", PASSWORD)
    assert answer.status_code == 200 and answer.json()["apiKey"]


def test_api_login_per_address(world: World, client: Client) -> None:
    make_user(world.company, username="joe", password=PASSWORD)
    for i in range(5):
        _api_login(client, f"guess{i}", "wrong-guess", ip="203.0.113.20")
    assert _api_login(client, "joe", PASSWORD, ip="203.0.113.20").json()["errorCode"] == (
        "too_many_sign_in_attempts"
    )
    assert _api_login(client, "joe", PASSWORD, ip="203.0.113.21").status_code == 200


def test_a_right_password_before_the_limit_resets_the_count(world: World, client: Client) -> None:
    make_user(world.company, username="maria", password=PASSWORD)
    for _ in range(4):
        _sign_in(client, "maria", "wrong-guess")
    assert _sign_in(client, "maria", PASSWORD).status_code == 302
    client.post("/logout/")
    for _ in range(4):
        _sign_in(client, "maria", "wrong-guess")
    assert _sign_in(client, "maria", PASSWORD).status_code == 302


def test_no_password_is_kept_by_the_throttle(world: World, client: Client) -> None:
    make_user(world.company, username="maria", password=PASSWORD)
    _sign_in(client, "maria", "my-secret-guess-1")
    client.post("/api/login?username=maria&password=my-secret-guess-2", REMOTE_ADDR="192.0.2.9")
    for attempt in AccessAttempt.objects.all():
        assert "my-secret-guess" not in attempt.post_data + attempt.get_data
