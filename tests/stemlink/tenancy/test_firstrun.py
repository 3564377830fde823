"""The first run: an install with no company makes its company and first administrator, once."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from stemlink.errors import ValidationFailed
from stemlink.tenancy.firstrun import AlreadySetUp, first_run_done, start_company
from stemlink.tenancy.models import Company, FirstRun, Location, Membership, Role

GOOD: dict[str, Any] = {
    "name": "Acme Flowers",
    "address": "1 Main Street, Miami, FL",
    "time_zone": "America/New_York",
    "currency": "usd",
    "location_name": "Miami warehouse",
    "location_code": "mia",
    "transaction_fee_percent": "1.75",
    "admin_username": "boss",
    "admin_email": "boss@acme.test",
    "admin_password": "roses-are-red-2026",
}


@pytest.mark.django_db
def test_makes_the_company_its_location_and_an_administrator() -> None:
    assert not first_run_done()
    result = start_company(**GOOD)
    company = Company.objects.get()
    assert (company.name, company.time_zone, company.currency) == ("Acme Flowers", "America/New_York", "USD")
    assert company.address == "1 Main Street, Miami, FL"
    assert company.transaction_fee_percent == Decimal("1.75")
    assert Location.objects.get(company=company).code == "MIA"
    membership = Membership.objects.get(company=company)
    assert membership.user == result.admin and membership.role == Role.ADMIN
    assert result.admin.check_password("roses-are-red-2026")
    assert not result.admin.is_staff  # the Django admin is not the way in
    assert first_run_done() and FirstRun.objects.get().company == company


@pytest.mark.django_db
def test_bad_values_are_all_named_and_nothing_is_made() -> None:
    bad = {
        **GOOD,
        "name": " ",
        "time_zone": "Miami",
        "currency": "DOLLARS",
        "transaction_fee_percent": "101",
        "location_code": "no spaces!",
        "admin_username": "a b",
        "admin_email": "nope",
        "admin_password": "short",
    }
    with pytest.raises(ValidationFailed) as caught:
        start_company(**bad)
    fields = {e.field for e in caught.value.errors}
    assert fields == {
        "name",
        "time_zone",
        "currency",
        "transaction_fee_percent",
        "location_code",
        "admin_username",
        "admin_email",
        "admin_password",
    }
    assert not Company.objects.exists() and not get_user_model().objects.exists()


@pytest.mark.django_db
def test_a_taken_username_is_refused() -> None:
    get_user_model().objects.create_user(username="Boss", password="x")
    with pytest.raises(ValidationFailed, match="admin_username"):
        start_company(**GOOD)
    assert not Company.objects.exists()


@pytest.mark.django_db
def test_happens_once_even_when_the_demo_made_the_company(world: Any) -> None:
    assert first_run_done()
    with pytest.raises(AlreadySetUp):
        start_company(**{**GOOD, "admin_username": "intruder"})
    assert Company.objects.count() == 1
    assert not get_user_model().objects.filter(username="intruder").exists()


@pytest.mark.django_db
def test_stays_done_when_its_company_is_deleted() -> None:
    start_company(**GOOD)
    Company.objects.all().delete()
    assert first_run_done()
    with pytest.raises(AlreadySetUp):
        start_company(**{**GOOD, "admin_username": "again"})


@pytest.mark.django_db(transaction=True)
def test_two_first_runs_at_once_make_one_company() -> None:
    barrier = threading.Barrier(4)
    won: list[object] = []
    lost: list[BaseException] = []

    def run(n: int) -> None:
        try:
            barrier.wait()
            won.append(start_company(**{**GOOD, "name": f"Company {n}", "admin_username": f"admin{n}"}))
        except BaseException as error:  # collected: a thread's failure must fail the test
            lost.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(won) == 1 and len(lost) == 3, (won, lost)
    assert all(isinstance(error, AlreadySetUp) for error in lost), lost
    assert Company.objects.count() == 1 and Location.objects.count() == 1
    assert get_user_model().objects.count() == 1 and Membership.objects.count() == 1
