"""The daily quota and the burst limit: counted in the database, shared by every process."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
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


@pytest.mark.django_db(transaction=True)
def test_counting_a_call_outside_a_transaction_commits_without_waiting_for_the_disk(client, world):
    """On PostgreSQL the counters' statement sets synchronous_commit off for its own transaction only
    (a limit, not a record); inside a transaction nothing is relaxed, and the setting never outlives
    the statement's transaction."""
    if connection.vendor != "postgresql":
        pytest.skip("synchronous_commit is PostgreSQL's")
    from django.test.utils import CaptureQueriesContext

    token = issue_token(world.company, "company")
    with CaptureQueriesContext(connection) as captured:
        for _ in range(3):  # the first call reads the token in full, the next ones check and count
            assert client.get(f"/api/carrier.list?authenticationToken={token}").status_code == 200
    counting = [q["sql"] for q in captured.captured_queries if 'INSERT INTO "api_ratewindow"' in q["sql"]]
    assert len(counting) == 3 and all("synchronous_commit" in sql for sql in counting), counting
    assert DailyUsage.objects.get(company=world.company).calls == 3
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        quota.count_token_call(99, world.company, timezone.now())
    assert not any("synchronous_commit" in q["sql"] for q in captured.captured_queries)
    assert RateWindow.objects.get(key="token:99").calls == 1
