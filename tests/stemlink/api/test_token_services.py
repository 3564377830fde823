"""Token services: made from a secure source, kept as a digest, one per customer, revocable."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction

from stemlink.api import rules
from stemlink.api.errors import InvalidToken
from stemlink.api.models import ApiToken
from stemlink.api.services import (
    authenticate_token,
    create_token,
    methods_for_type,
    record_token_use,
    regenerate_token,
    revoke_token,
    set_token_enabled,
    update_token,
)
from stemlink.errors import InvalidState, NotFound, ValidationFailed
from tests.factories import make_customer


def test_a_new_token_is_26_lowercase_letters_and_digits_kept_only_as_a_keyed_digest(world):
    token, raw = create_token(world.company, token_type="company", description="ERP", methods="all")
    assert len(raw) == 26 and set(raw) <= set(rules.TOKEN_ALPHABET)
    assert token.prefix == raw[:6]
    assert token.digest == rules.token_digest(raw, settings.TOKEN_HASH_KEY)
    assert token.digest != rules.token_digest(raw, "another key")
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert raw not in {str(v) for v in stored.values()}
    assert authenticate_token(raw).pk == token.pk


def test_tokens_differ_every_time(world):
    secrets = {
        create_token(world.company, token_type="company", description="", methods="all")[1] for _ in range(20)
    }
    assert len(secrets) == 20


def test_all_methods_means_every_method_that_type_may_call(world):
    token, _ = create_token(
        world.company, token_type="customer", customer=world.customer, description="", methods="all"
    )
    assert token.methods == methods_for_type("customer")
    assert "customer.details.get" in token.methods and "customer.add" not in token.methods


def test_a_method_the_type_may_not_call_or_that_does_not_exist_is_refused(world):
    with pytest.raises(ValidationFailed, match=r"cannot call: customer\.add"):
        create_token(
            world.company,
            token_type="customer",
            customer=world.customer,
            description="",
            methods=["customer.add"],
        )
    with pytest.raises(ValidationFailed, match="unknown method"):
        create_token(world.company, token_type="company", description="", methods="carrier.list,nope.list")
    assert not ApiToken.objects.exists()


def test_a_customer_token_needs_a_customer_of_the_same_company(world, other_world):
    with pytest.raises(ValidationFailed):
        create_token(world.company, token_type="customer", description="", methods="all")
    with pytest.raises(NotFound):
        create_token(
            world.company, token_type="customer", customer=other_world.customer, description="", methods="all"
        )
    with pytest.raises(ValidationFailed):
        create_token(
            world.company, token_type="company", customer=world.customer, description="", methods="all"
        )
    with pytest.raises(ValidationFailed):
        create_token(world.company, token_type="user", description="", methods="all")


def test_one_live_token_per_customer_and_a_revoked_one_does_not_count(world):
    first, _ = create_token(
        world.company, token_type="customer", customer=world.customer, description="", methods="all"
    )
    with pytest.raises(InvalidState, match="already has a token"):
        create_token(
            world.company, token_type="customer", customer=world.customer, description="", methods="all"
        )
    revoke_token(first)
    second, _ = create_token(
        world.company, token_type="customer", customer=world.customer, description="", methods="all"
    )
    assert second.pk != first.pk


def test_the_database_itself_refuses_a_second_live_customer_token(world):
    token, _ = create_token(
        world.company, token_type="customer", customer=world.customer, description="", methods="all"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiToken.objects.create(
            company=world.company,
            token_type="customer",
            customer=world.customer,
            digest="x" * 64,
            prefix="xxxxxx",
        )
    assert token.pk


def test_one_live_token_per_vendor(world):
    create_token(world.company, token_type="vendor", vendor=world.vendor, description="", methods="all")
    with pytest.raises(InvalidState):
        create_token(world.company, token_type="vendor", vendor=world.vendor, description="", methods="all")


def test_regenerate_gives_a_new_secret_and_the_old_one_stops_working(world):
    token, old = create_token(world.company, token_type="company", description="", methods="all")
    _, new = regenerate_token(token)
    assert new != old
    with pytest.raises(InvalidToken):
        authenticate_token(old)
    assert authenticate_token(new).pk == token.pk


def test_update_changes_description_whitelist_and_transactional_access(world):
    token, _ = create_token(world.company, token_type="company", description="old", methods="all")
    update_token(token, description="BloomNet", methods=["carrier.list", "boxtype.list"], transactional=True)
    token.refresh_from_db()
    assert token.description == "BloomNet"
    assert token.methods == ["boxtype.list", "carrier.list"]
    assert token.transactional is True


@pytest.mark.parametrize("how", ["revoked", "disabled", "company", "customer"])
def test_a_token_stops_working_when_it_or_what_it_is_bound_to_is_switched_off(world, how):
    token, raw = create_token(
        world.company, token_type="customer", customer=world.customer, description="", methods="all"
    )
    if how == "revoked":
        revoke_token(token)
    elif how == "disabled":
        set_token_enabled(token, False)
    elif how == "company":
        world.company.active = False
        world.company.save()
    else:
        world.customer.active = False
        world.customer.save()
    with pytest.raises(InvalidToken):
        authenticate_token(raw)


def test_a_vendor_token_stops_working_when_its_vendor_is_deactivated(world):
    _, raw = create_token(
        world.company, token_type="vendor", vendor=world.vendor, description="", methods="all"
    )
    world.vendor.active = False
    world.vendor.save()
    with pytest.raises(InvalidToken):
        authenticate_token(raw)


def test_a_disabled_token_works_again_when_enabled_but_a_revoked_one_never(world):
    token, raw = create_token(world.company, token_type="company", description="", methods="all")
    set_token_enabled(token, False)
    set_token_enabled(token, True)
    assert authenticate_token(raw).pk == token.pk
    revoke_token(token)
    with pytest.raises(InvalidState):
        set_token_enabled(token, True)


@pytest.mark.parametrize("junk", [None, "", "   ", "x" * 500, "not a token at all", "\x00\x01"])
def test_junk_is_not_a_token(db, junk):
    with pytest.raises(InvalidToken):
        authenticate_token(junk)


def test_last_use_is_recorded_with_time_and_address(world):
    token, _ = create_token(world.company, token_type="company", description="", methods="all")
    record_token_use(token, "10.1.2.3")
    token.refresh_from_db()
    assert token.last_used_ip == "10.1.2.3" and token.last_used_on is not None


def test_customers_of_the_same_company_each_get_their_own_token(world):
    other = make_customer(world.company)
    create_token(world.company, token_type="customer", customer=world.customer, description="", methods="all")
    create_token(world.company, token_type="customer", customer=other, description="", methods="all")
    assert ApiToken.objects.filter(token_type="customer").count() == 2


def test_sweeping_removes_only_what_is_old(world):
    import datetime as dt

    from django.utils import timezone

    from stemlink.api.models import ApiCall, DailyUsage, IdempotencyKey, RateWindow
    from stemlink.api.services import sweep_gateway_records

    now = timezone.now()
    token, _ = create_token(world.company, token_type="company", description="", methods="all")
    for age in (dt.timedelta(days=91), dt.timedelta(days=1)):
        ApiCall.objects.create(
            created_on=now - age, company=world.company, method="m", status=1, http_status=200, duration_ms=1
        )
    minute = int(now.timestamp()) // 60
    RateWindow.objects.create(key="token:1", window=minute - 10, calls=1)
    RateWindow.objects.create(key="token:1", window=minute, calls=1)
    IdempotencyKey.objects.create(
        token=token, key="old", method="m", fingerprint="f", created_on=now - dt.timedelta(hours=25)
    )
    IdempotencyKey.objects.create(token=token, key="new", method="m", fingerprint="f", created_on=now)
    DailyUsage.objects.create(company=world.company, day=(now - dt.timedelta(days=8)).date(), calls=3)
    DailyUsage.objects.create(company=world.company, day=now.date(), calls=3)
    assert sweep_gateway_records(now) == {
        "calls": 1,
        "rate_windows": 1,
        "idempotency_keys": 1,
        "daily_usage": 1,
    }
    assert ApiCall.objects.count() == RateWindow.objects.count() == IdempotencyKey.objects.count() == 1
    assert DailyUsage.objects.get().day == now.date()


def test_a_token_comes_back_with_what_it_is_bound_to_read_as_the_orm_reads_it(world):
    token, raw = create_token(
        world.company, token_type="customer", customer=world.customer, description="", methods="all"
    )
    found = authenticate_token(raw)
    expected = ApiToken.objects.select_related("company", "customer").get(pk=token.pk)
    for model_field in ApiToken._meta.concrete_fields:
        assert getattr(found, model_field.attname) == getattr(expected, model_field.attname)
    for relation in ("company", "customer"):
        loaded, read = getattr(found, relation), getattr(expected, relation)
        for model_field in type(read)._meta.concrete_fields:
            value = getattr(loaded, model_field.attname)
            assert value == getattr(read, model_field.attname), model_field.name
            assert type(value) is type(getattr(read, model_field.attname)), model_field.name
    assert found.vendor is None and found.user is None


def test_a_user_token_stops_working_when_the_user_leaves_the_company_or_is_deactivated(world):
    from stemlink.api.services import log_in
    from stemlink.tenancy.models import Membership
    from tests.factories import make_user

    user = make_user(world.company, username="anna")
    _, raw = log_in("anna", "flowers-2026")
    assert authenticate_token(raw).user == user
    Membership.objects.filter(user=user).update(active=False)
    with pytest.raises(InvalidToken, match="no longer works"):
        authenticate_token(raw)
    Membership.objects.filter(user=user).update(active=True)
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    with pytest.raises(InvalidToken, match="deactivated"):
        authenticate_token(raw)


@pytest.mark.django_db(transaction=True)
def test_the_token_look_up_keeps_working_when_the_session_loses_its_prepared_statement(world):
    from django.db import connection

    token, raw = create_token(world.company, token_type="company", description="", methods="all")
    assert authenticate_token(raw).pk == token.pk
    assert authenticate_token(raw).company == world.company
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DEALLOCATE ALL")
    assert authenticate_token(raw).pk == token.pk
    revoke_token(token)
    with pytest.raises(InvalidToken, match="revoked"):
        authenticate_token(raw)
