"""Idempotency-Key on write methods: a repeat replays the first answer and changes nothing."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test import Client

from stemlink.api.models import IdempotencyKey
from stemlink.customers.models import ShipTo
from tests.api_helpers import api, issue_token

KEY = {"Idempotency-Key": "7f1c1c7e-2b7a-4c55-9a3e-3d1f0e5a9b10"}


def _add(client, world, token, name="Flowers on Main", headers=KEY):
    return api(
        client,
        "customer.shipto.add",
        {"customerId": world.customer.pk, "name": name},
        token=token,
        headers=headers,
    )


def test_a_repeat_with_the_same_key_replays_the_answer_and_adds_nothing(client, world):
    token = issue_token(world.company, "company")
    first = _add(client, world, token)
    second = _add(client, world, token)
    assert first == second and first[0] == 200
    assert ShipTo.objects.count() == 1
    response = client.post(
        "/api/customer.shipto.add",
        data={"customerId": world.customer.pk, "name": "Flowers on Main"},
        content_type="application/json",
        headers={"authenticationToken": token, **KEY},
    )
    assert response.headers["Idempotent-Replayed"] == "true"


def test_the_same_key_with_other_parameters_is_a_conflict(client, world):
    token = issue_token(world.company, "company")
    _add(client, world, token)
    status, body = _add(client, world, token, name="Another shop")
    assert status == 409 and body["errorCode"] == "idempotency_conflict"
    assert list(ShipTo.objects.values_list("name", flat=True)) == ["Flowers on Main"]


def test_keys_belong_to_their_token(client, world):
    one = issue_token(world.company, "company")
    two = issue_token(world.company, "company")
    _add(client, world, one)
    _add(client, world, two)
    assert ShipTo.objects.count() == 2


def test_without_a_key_every_call_writes(client, world):
    token = issue_token(world.company, "company")
    _add(client, world, token, headers={})
    _add(client, world, token, headers={})
    assert ShipTo.objects.count() == 2


def test_a_failed_first_call_is_replayed_as_it_was(client, world, other_world):
    token = issue_token(world.company, "company")
    params = {"customerId": world.customer.pk, "name": "X", "carrierId": other_world.carrier.pk}
    first = api(client, "customer.shipto.add", params, token=token, headers=KEY)
    again = api(client, "customer.shipto.add", params, token=token, headers=KEY)
    assert first == again and first[0] == 404
    assert not ShipTo.objects.exists()


def test_a_request_refused_for_its_parameters_does_not_use_up_the_key(client, world):
    token = issue_token(world.company, "company")
    status, _ = api(
        client, "customer.shipto.add", {"customerId": world.customer.pk}, token=token, headers=KEY
    )
    assert status == 400
    assert _add(client, world, token)[0] == 200
    assert ShipTo.objects.count() == 1


def test_keys_are_kept_24_hours_then_forgotten(client, world):
    token = issue_token(world.company, "company")
    _add(client, world, token)
    stored = IdempotencyKey.objects.get()
    IdempotencyKey.objects.filter(pk=stored.pk).update(created_on=stored.created_on - dt.timedelta(hours=23))
    _add(client, world, token)
    assert ShipTo.objects.count() == 1
    IdempotencyKey.objects.filter(pk=stored.pk).update(created_on=stored.created_on - dt.timedelta(hours=25))
    _add(client, world, token)
    assert ShipTo.objects.count() == 2


def test_an_unusable_key_is_a_validation_error(client, world):
    token = issue_token(world.company, "company")
    status, body = _add(client, world, token, headers={"Idempotency-Key": "k" * 300})
    assert status == 400 and body["errors"][0]["field"] == "Idempotency-Key"
    assert not ShipTo.objects.exists()


def test_read_methods_ignore_the_key(client, world):
    token = issue_token(world.company, "company")
    api(client, "carrier.list", token=token, headers=KEY)
    api(client, "carrier.list", {"code": "X"}, token=token, headers=KEY)
    assert not IdempotencyKey.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_repeats_write_once_and_all_get_the_same_answer(world):
    token = issue_token(world.company, "company")
    answers: list[tuple[int, dict]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(5)

    def send() -> None:
        try:
            barrier.wait()
            answers.append(_add(Client(), world, token))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert ShipTo.objects.count() == 1
    ok = [a for a in answers if a[0] == 200]
    assert ok and all(a == ok[0] for a in ok)
    # A repeat may at worst be told the first is still running; never a second ship-to or a 500.
    assert all(a[0] in (200, 409) for a in answers)
