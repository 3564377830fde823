"""The gateway's token memo: a remembered token is checked against the database on every call.

A process remembers the Company and Customer tokens it met with their company and customer
(`stemlink.api.services`), and each call checks them with one narrow statement. These tests prove
that nothing the memo keeps outlives the change that ends or changes it: revocation, switching
off, a new secret, a deactivated company or customer (even by a bulk update that moves no stamp),
a new whitelist, new price terms.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stemlink.api import services
from stemlink.api.errors import InvalidToken
from stemlink.api.models import ApiToken, DailyUsage, RateWindow
from stemlink.api.services import (
    authenticate_token,
    create_token,
    regenerate_token,
    revoke_token,
    set_token_enabled,
    update_token,
)
from stemlink.customers.accounts import update_pricing_terms
from stemlink.customers.models import Customer
from stemlink.tenancy.models import Company
from tests.api_helpers import api

FEED = "ecommerce/inventory.list"


def call(client, world, raw):
    return api(client, FEED, {"customerId": world.customer.pk}, token=raw, account=world.company.pk)


@pytest.fixture(autouse=True)
def _empty_memo():
    services.forget_tokens()
    yield
    services.forget_tokens()


@pytest.fixture
def buyer(world):
    token, raw = create_token(
        world.company, token_type="customer", customer=world.customer, description="", methods="all"
    )
    authenticate_token(raw)  # remembered from here on
    return token, raw


def test_a_remembered_token_costs_one_narrow_statement_and_is_the_same_token(world, buyer):
    token, raw = buyer
    with CaptureQueriesContext(connection) as captured:
        again = authenticate_token(raw)
    sql = [q["sql"] for q in captured.captured_queries]
    assert len(sql) == 1, sql
    assert '"description"' not in sql[0] and '"billing_address"' not in sql[0]  # the stamp, not the rows
    assert again.pk == token.pk and again.methods == token.methods
    assert again.company.pk == world.company.pk and again.company.name == world.company.name
    assert again.customer.pk == world.customer.pk and again.customer.code == world.customer.code


def test_revoking_a_remembered_token_ends_it_at_once(client, world, buyer):
    token, raw = buyer
    status, _ = call(client, world, raw)
    assert status == 200
    revoke_token(token)
    with pytest.raises(InvalidToken, match="revoked"):
        authenticate_token(raw)
    status, body = call(client, world, raw)
    assert status == 401 and "revoked" in body["message"], body


def test_switching_a_remembered_token_off_ends_it_at_once(world, buyer):
    token, raw = buyer
    set_token_enabled(token, False)
    with pytest.raises(InvalidToken, match="disabled"):
        authenticate_token(raw)
    set_token_enabled(token, True)
    assert authenticate_token(raw).pk == token.pk


def test_a_new_secret_ends_the_old_one_at_once(world, buyer):
    token, raw = buyer
    _, new_raw = regenerate_token(token)
    with pytest.raises(InvalidToken, match="not a valid token"):
        authenticate_token(raw)
    assert authenticate_token(new_raw).pk == token.pk


def test_a_customer_or_company_switched_off_by_a_bulk_update_ends_the_token_at_once(world, buyer):
    # A queryset update moves no change stamp: the active flags themselves are read on every call.
    _, raw = buyer
    Customer.objects.filter(pk=world.customer.pk).update(active=False)
    with pytest.raises(InvalidToken, match="customer of this token is deactivated"):
        authenticate_token(raw)
    Customer.objects.filter(pk=world.customer.pk).update(active=True)
    authenticate_token(raw)
    Company.objects.filter(pk=world.company.pk).update(active=False)
    with pytest.raises(InvalidToken, match="company of this token is deactivated"):
        authenticate_token(raw)


def test_a_new_whitelist_applies_to_the_next_call(client, world, buyer):
    token, raw = buyer
    status, _ = call(client, world, raw)
    assert status == 200
    update_token(token, methods=[m for m in token.methods if m != FEED])
    status, body = call(client, world, raw)
    assert status == 403, body


def test_new_price_terms_of_the_customer_reach_the_next_call(world, buyer):
    _, raw = buyer
    assert authenticate_token(raw).customer.ecommerce_markup == Decimal("0")
    customer = world.customer
    update_pricing_terms(
        customer,
        default_price=customer.default_price,
        price_b_markup_kind=customer.price_b_markup_kind,
        price_b_markup=customer.price_b_markup,
        ecommerce_markup_kind="percent",
        ecommerce_markup="12.5",
    )
    assert authenticate_token(raw).customer.ecommerce_markup == Decimal("12.500")


def test_a_new_company_setting_reaches_the_next_call(world, buyer):
    _, raw = buyer
    world.company.checkout_timer_minutes = 45
    world.company.save()
    assert authenticate_token(raw).company.checkout_timer_minutes == 45


def test_each_call_gets_its_own_instances(world, buyer):
    _, raw = buyer
    first = authenticate_token(raw)
    first.company.name = "changed in one call only"
    first.customer.name = "changed in one call only"
    first.methods.clear()
    second = authenticate_token(raw)
    assert second is not first and second.company is not first.company
    assert second.customer is not first.customer
    assert second.company.name == world.company.name
    assert second.customer.name == world.customer.name
    assert second.methods


def test_a_deleted_token_is_forgotten(world, buyer):
    token, raw = buyer
    token.delete()
    with pytest.raises(InvalidToken, match="not a valid token"):
        authenticate_token(raw)


def test_a_change_that_moves_no_stamp_is_seen_within_the_memo_s_lifetime(world, buyer, monkeypatch):
    _, raw = buyer
    Company.objects.filter(pk=world.company.pk).update(paid_users=7)  # updated_on stays as it was
    assert authenticate_token(raw).company.paid_users == 1  # remembered: the stamp did not move
    later = services.time.monotonic() + services._MEMO_SECONDS + 1
    monkeypatch.setattr(services.time, "monotonic", lambda: later)
    assert authenticate_token(raw).company.paid_users == 7


def _counts(world, token) -> tuple[int, int]:
    """The token's calls in its burst windows and its company's calls on all days, as counted."""
    burst = sum(RateWindow.objects.filter(key=f"token:{token.pk}").values_list("calls", flat=True))
    daily = sum(DailyUsage.objects.filter(company=world.company).values_list("calls", flat=True))
    return burst, daily


def test_a_remembered_token_s_call_is_counted_once_and_checked_in_one_statement(client, world, buyer):
    # On PostgreSQL the statement that checks a remembered token also counts its call; on SQLite
    # the counters are their own statements. Either way each call counts once, in both counters.
    token, raw = buyer
    call(client, world, raw)
    before = _counts(world, token)
    with CaptureQueriesContext(connection) as captured:
        status, _ = call(client, world, raw)
    assert status == 200
    assert _counts(world, token) == (before[0] + 1, before[1] + 1)
    token_sql = [q["sql"] for q in captured.captured_queries if '"api_apitoken"' in q["sql"]]
    assert len(token_sql) == 1, token_sql  # the stamp: the token was not read in full again
    counted_with_it = '"api_dailyusage"' in token_sql[0] and '"api_ratewindow"' in token_sql[0]
    assert counted_with_it == (connection.vendor == "postgresql"), token_sql


def test_a_call_of_a_token_that_is_no_longer_live_is_not_counted_against_it(client, world, buyer):
    token, raw = buyer
    call(client, world, raw)
    before = _counts(world, token)
    ApiToken.objects.filter(pk=token.pk).update(revoked_on=timezone.now())  # moves no stamp but its own
    status, body = call(client, world, raw)
    assert status == 401 and "revoked" in body["message"], body
    Customer.objects.filter(pk=world.customer.pk).update(active=False)
    ApiToken.objects.filter(pk=token.pk).update(revoked_on=None)
    status, body = call(client, world, raw)
    assert status == 401 and "customer of this token is deactivated" in body["message"], body
    assert _counts(world, token) == before  # counted against the caller's address instead
    Customer.objects.filter(pk=world.customer.pk).update(active=True)
    status, _ = call(client, world, raw)
    assert status == 200 and _counts(world, token) == (before[0] + 1, before[1] + 1)


def test_a_change_committed_while_a_token_is_read_reaches_the_next_call(world, monkeypatch):
    """The memo reads the stamp before the token: a change made in between (or just after) leaves
    the remembered stamp older than the database's, so the next call reads the token again. Read
    the other way round, the token would be remembered older than its stamp and kept for a minute."""
    token, raw = create_token(
        world.company, token_type="customer", customer=world.customer, description="", methods="all"
    )
    load = services._load_token

    def load_then_change(digest):
        found = load(digest)
        update_token(token, methods=[m for m in token.methods if m != FEED])  # committed after the read
        return found

    monkeypatch.setattr(services, "_load_token", load_then_change)
    assert FEED in authenticate_token(raw).methods  # as read, before the change
    monkeypatch.setattr(services, "_load_token", load)
    assert FEED not in authenticate_token(raw).methods


def test_a_user_token_is_read_in_full_once_a_call(client, world):
    """User tokens are never remembered (their user's password and role are read with them): after
    the first call a user token costs the full read alone, not a stamp read before it."""
    from tests.factories import make_user

    make_user(world.company, username="memo-user", role="admin", password="roses-are-red-26")
    _, raw = services.log_in("memo-user", "roses-are-red-26", company_id=world.company.pk)
    authenticate_token(raw)
    with CaptureQueriesContext(connection) as captured:
        authenticate_token(raw)
    assert len(captured.captured_queries) == 2, [q["sql"] for q in captured.captured_queries]  # token, role
