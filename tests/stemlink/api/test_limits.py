"""The daily quota and the burst limit: counted in the database, shared by every process."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from stemlink.api import quota
from stemlink.api.models import DailyUsage, RateWindow
from stemlink.tenancy.models import Company
from tests.api_helpers import api, issue_token


def test_a_company_with_one_paid_user_gets_1000_calls_a_day_then_429(client, world):
    token = issue_token(world.company, "company")
    today = timezone.now().astimezone(dt.UTC).date()
    DailyUsage.objects.create(company=world.company, day=today, calls=999)
    response = client.get(f"/api/carrier.list?authenticationToken={token}")
    assert response.status_code == 200
    assert response.headers["X-RateLimit-Limit"] == "1000"
    assert response.headers["X-RateLimit-Remaining"] == "0"
    response = client.get(f"/api/carrier.list?authenticationToken={token}")
    assert response.status_code == 429
    body = response.json()
    assert body["errorCode"] == "quota_exceeded" and body["status"] == 0 and "1,000" in body["message"]
    assert int(response.headers["Retry-After"]) > 0
    reset = dt.datetime.fromtimestamp(int(response.headers["X-RateLimit-Reset"]), tz=dt.UTC)
    assert reset.time() == dt.time(0, 0) and reset.date() == today + dt.timedelta(days=1)


def test_the_quota_grows_with_paid_users_and_is_per_company(client, world, other_world):
    Company.objects.filter(pk=world.company.pk).update(paid_users=3)
    token = issue_token(world.company, "company")
    other = issue_token(other_world.company, "company")
    response = client.get(f"/api/carrier.list?authenticationToken={token}")
    assert response.headers["X-RateLimit-Limit"] == "3000"
    client.get(f"/api/carrier.list?authenticationToken={token}")
    response = client.get(f"/api/carrier.list?authenticationToken={other}")
    assert response.headers["X-RateLimit-Remaining"] == "999"


def test_yesterdays_calls_do_not_count_today(client, world):
    token = issue_token(world.company, "company")
    yesterday = timezone.now().astimezone(dt.UTC).date() - dt.timedelta(days=1)
    DailyUsage.objects.create(company=world.company, day=yesterday, calls=5000)
    assert client.get(f"/api/carrier.list?authenticationToken={token}").status_code == 200


def test_the_burst_limit_refuses_a_token_that_calls_too_fast(client, world, settings):
    settings.API_BURST_PER_MINUTE = 3
    token = issue_token(world.company, "company")
    other = issue_token(world.company, "company")
    statuses = [client.get(f"/api/carrier.list?authenticationToken={token}").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    # Another token of the same company has its own burst window.
    assert client.get(f"/api/carrier.list?authenticationToken={other}").status_code == 200


def test_calls_without_a_valid_token_are_limited_per_address(client, db, settings):
    settings.API_ANON_PER_MINUTE = 2
    statuses = [client.get("/api/carrier.list?authenticationToken=guess").status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
    status, body = api(client, "login", {"username": "a", "password": "b"}, token="")
    assert status == 429 and body["errorCode"] == "quota_exceeded"


def test_old_burst_windows_are_swept(db):
    now = timezone.now()
    RateWindow.objects.create(key="token:1", window=1, calls=5)
    quota.count_burst("token:1", now, 10)
    assert list(RateWindow.objects.values_list("calls", flat=True)) == [1]


@pytest.mark.django_db(transaction=True)
def test_concurrent_calls_are_all_counted(world):
    now = timezone.now()
    errors: list[BaseException] = []

    def hammer() -> None:
        try:
            for _ in range(10):
                quota.count_daily_call(world.company, now)
                quota.count_token_burst(42, now)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=hammer) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert DailyUsage.objects.get(company=world.company).calls == 60
    assert RateWindow.objects.get(key="token:42").calls == 60


def test_a_call_refused_by_the_burst_limit_does_not_use_the_daily_quota(client, world, settings):
    settings.API_BURST_PER_MINUTE = 2
    token = issue_token(world.company, "company")
    statuses = [client.get(f"/api/carrier.list?authenticationToken={token}").status_code for _ in range(4)]
    assert statuses == [200, 200, 429, 429]
    assert DailyUsage.objects.get(company=world.company).calls == 2


def test_counting_a_token_call_counts_its_burst_window_and_its_company_day(world, settings):
    settings.API_BURST_PER_MINUTE = 100
    now = timezone.now()
    burst, daily = quota.count_token_call(7, world.company, now)
    burst, daily = quota.count_token_call(7, world.company, now)
    assert burst.calls == 2 and burst.limit == 100 and burst.reset.second == 0
    assert daily is not None and daily.calls == 2 and daily.limit == 1000
    assert RateWindow.objects.get(key="token:7").calls == 2
    assert DailyUsage.objects.get(company=world.company).calls == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_token_calls_are_all_counted(world):
    now = timezone.now()
    errors: list[BaseException] = []

    def hammer(token_id: int) -> None:
        try:
            for _ in range(10):
                quota.count_token_call(token_id, world.company, now)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=hammer, args=(40 + n % 2,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert DailyUsage.objects.get(company=world.company).calls == 60
    assert sorted(RateWindow.objects.values_list("calls", flat=True)) == [30, 30]


@pytest.mark.django_db(transaction=True)
def test_counting_keeps_working_when_the_session_loses_its_prepared_statements(world):
    now = timezone.now()
    quota.count_token_call(9, world.company, now)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DEALLOCATE ALL")
    burst, daily = quota.count_token_call(9, world.company, now)
    assert burst.calls == 2 and daily is not None and daily.calls == 2
    assert DailyUsage.objects.get(company=world.company).calls == 2
