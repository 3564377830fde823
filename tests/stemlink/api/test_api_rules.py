"""The gateway's pure rules: no database."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from stemlink.api import rules


def test_digest_depends_on_the_key_and_the_token():
    assert rules.token_digest("abc", "k1") != rules.token_digest("abc", "k2")
    assert rules.token_digest("abc", "k1") != rules.token_digest("abd", "k1")
    assert len(rules.token_digest("abc", "k1")) == 64


def test_method_access_refuses_the_wrong_type_before_the_whitelist():
    refusal = rules.check_method_access(
        method="customer.add",
        token_type="customer",
        token_methods=["customer.add"],
        allowed_types={"company"},
    )
    assert refusal is not None and refusal.http_status == 403 and "company tokens" in refusal.message
    refusal = rules.check_method_access(
        method="carrier.list", token_type="company", token_methods=["boxtype.list"], allowed_types={"company"}
    )
    assert refusal is not None and refusal.code == "method_not_allowed_for_token"
    assert (
        rules.check_method_access(
            method="carrier.list",
            token_type="company",
            token_methods=["carrier.list"],
            allowed_types={"company"},
        )
        is None
    )


def test_account_header_must_be_the_company_id_when_sent_or_required():
    assert rules.check_account(None, 5, required=False) is None
    assert rules.check_account(" 5 ", 5, required=True) is None
    assert rules.check_account(None, 5, required=True).code == "wrong_account"
    assert rules.check_account("6", 5, required=False).code == "wrong_account"
    assert rules.check_account("five", 5, required=False).http_status == 403


def test_daily_quota_is_a_thousand_per_paid_user():
    assert rules.daily_quota(1) == 1000
    assert rules.daily_quota(3) == 3000


def test_quota_resets_at_the_next_utc_midnight():
    now = dt.datetime(2026, 6, 20, 23, 59, 59, tzinfo=dt.UTC)
    assert rules.next_utc_midnight(now) == dt.datetime(2026, 6, 21, tzinfo=dt.UTC)
    est = dt.timezone(dt.timedelta(hours=-5))
    assert rules.next_utc_midnight(dt.datetime(2026, 6, 20, 20, 0, tzinfo=est)) == dt.datetime(
        2026, 6, 22, tzinfo=dt.UTC
    )


def test_redaction_drops_secrets_at_any_depth_and_cuts_long_values():
    cleaned = rules.redact_params(
        {
            "authenticationToken": "abc",
            "Password": "pw",
            "apiKey": "k",
            "items": [{"token": "t", "boxes": 2}],
            "x": "y" * 900,
        }
    )
    assert cleaned == {"items": [{"boxes": 2}], "x": "y" * 500}


def test_redaction_of_a_huge_parameter_set_keeps_only_the_names():
    cleaned = rules.redact_params({f"k{i}": "v" * 400 for i in range(50)})
    assert cleaned["_truncated"] is True and "k0" in cleaned["keys"]


def test_fingerprint_ignores_the_token_and_key_order_but_not_values_or_method():
    a = rules.params_fingerprint("m", {"a": 1, "b": 2, "authenticationToken": "x"})
    assert a == rules.params_fingerprint("m", {"b": 2, "a": 1, "authenticationToken": "y"})
    assert a != rules.params_fingerprint("m", {"a": 1, "b": 3})
    assert a != rules.params_fingerprint("n", {"a": 1, "b": 2})


def test_pydantic_messages_read_as_instructions():
    assert rules.human_field_message("Field required") == "is required"
    assert rules.human_field_message("Value error, must be a whole number") == "must be a whole number"
    assert rules.human_field_message("Input should be a valid string") == "must be a valid string"


@given(st.text(max_size=200))
def test_looks_like_token_never_raises(text):
    assert rules.looks_like_token(text) in (True, False)


def test_secrets_use_the_token_alphabet():
    for _ in range(50):
        raw = rules.new_token_secret()
        assert len(raw) == 26 and set(raw) <= set(rules.TOKEN_ALPHABET)
