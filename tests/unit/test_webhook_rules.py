"""Webhook rules without a database: recipients, signing, verification, backoff, URL checks."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stemlink.integrations import rules
from stemlink.integrations.rules import (
    BACKOFF_CAP_SECONDS,
    FAILING_AFTER_FAILURES,
    DeliveryStatus,
    after_attempt,
    backoff_seconds,
    endpoint_receives,
    recipients,
    secret_problem,
    signature_header,
    url_problem,
    verify_signature,
)

SECRET = "whsec_test-secret-0123456789"
BODY = b'{"id":"e1","type":"inventory.changed","data":{"lineId":1}}'


# --- who gets what ---


def test_an_unbound_endpoint_gets_every_event():
    for event_type in rules.EVENT_TYPES:
        assert endpoint_receives(event_type, 5, None)
        assert endpoint_receives(event_type, None, None)


def test_a_bound_endpoint_gets_its_customers_events_and_events_about_nobody():
    assert endpoint_receives("web_order.checked_out", 5, 5)
    assert endpoint_receives("invoice.voided", None, 5)
    assert not endpoint_receives("invoice.confirmed", 6, 5)


def test_a_bound_endpoint_gets_open_market_stock_changes_but_not_another_customers_reserved_lines():
    assert endpoint_receives("inventory.changed", None, 5)
    assert endpoint_receives("inventory.changed", 5, 5)
    assert not endpoint_receives("inventory.changed", 6, 5)


def test_recipients_keeps_the_endpoint_order():
    assert recipients("invoice.confirmed", 5, [(1, None), (2, 6), (3, 5)]) == [1, 3]


# --- signing ---


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body():
    header = signature_header(SECRET, 1_700_000_000, BODY)
    expected = hmac.new(SECRET.encode(), b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={expected}"


def test_headers_carry_event_id_type_and_signature():
    headers = rules.webhook_headers(secret=SECRET, timestamp=10, body=BODY, event_id="abc", event_type="x.y")
    assert headers["X-Stemlink-Event-Id"] == "abc"
    assert headers["X-Stemlink-Event-Type"] == "x.y"
    assert headers["X-Stemlink-Signature"].startswith("t=10,v1=")
    assert SECRET not in "".join(headers.values())


def test_verifies_a_good_signature_within_tolerance():
    header = signature_header(SECRET, 1000, BODY)
    assert verify_signature(SECRET, header, BODY, now=1000).ok
    assert verify_signature(SECRET, header, BODY, now=1299).ok


@pytest.mark.parametrize(
    ("header", "body", "now", "secret", "reason"),
    [
        (None, BODY, 1000, SECRET, "missing"),
        ("v1=abc", BODY, 1000, SECRET, "no timestamp"),
        ("t=abc,v1=abc", BODY, 1000, SECRET, "not a whole number"),
        ("t=1000", BODY, 1000, SECRET, "no v1 signature"),
        ("GOOD", BODY, 1301, SECRET, "outside the tolerance"),
        ("GOOD", BODY, 699, SECRET, "outside the tolerance"),
        ("GOOD", BODY + b" ", 1000, SECRET, "does not match"),
        ("GOOD", BODY, 1000, "whsec_another-secret-99999", "does not match"),
    ],
)
def test_refuses_a_bad_signature_saying_why(header, body, now, secret, reason):
    if header == "GOOD":
        header = signature_header(SECRET, 1000, BODY)
    check = verify_signature(secret, header, body, now=now)
    assert not check.ok
    assert reason in check.reason


def test_accepts_any_one_of_several_signatures_during_a_rotation():
    good = signature_header(SECRET, 1000, BODY).split(",")[1]
    header = f"t=1000,v1={'0' * 64},{good}"
    assert verify_signature(SECRET, header, BODY, now=1000).ok


@given(st.binary(max_size=300), st.integers(min_value=0, max_value=2**40), st.text(min_size=16, max_size=40))
def test_whatever_the_body_a_signature_verifies_and_a_changed_body_does_not(body, t, secret):
    header = signature_header(secret, t, body)
    assert verify_signature(secret, header, body, now=t).ok
    assert not verify_signature(secret, header, body + b"x", now=t).ok


# --- retries ---


def test_backoff_doubles_from_five_seconds_without_jitter():
    assert [backoff_seconds(n) for n in range(1, 6)] == [5, 10, 20, 40, 80]


def test_backoff_is_capped_at_an_hour():
    assert backoff_seconds(11) == BACKOFF_CAP_SECONDS
    assert backoff_seconds(10_000) == BACKOFF_CAP_SECONDS


@given(st.integers(min_value=1, max_value=200), st.floats(min_value=0, max_value=1))
def test_jitter_stays_within_twenty_percent_and_under_the_cap(failures, draw):
    plain = backoff_seconds(failures)
    jittered = backoff_seconds(failures, draw)
    assert 0.8 * plain - 1e-9 <= jittered <= min(1.2 * plain, BACKOFF_CAP_SECONDS) + 1e-9


def test_a_2xx_marks_delivered_and_resets_the_failures():
    for code in (200, 201, 202, 204, 299):
        assert after_attempt(code, 7) == rules.AttemptOutcome(DeliveryStatus.DELIVERED, 0, None)


@pytest.mark.parametrize("code", [None, 100, 301, 302, 400, 404, 410, 429, 500, 503])
def test_anything_else_is_retried(code):
    outcome = after_attempt(code, 0)
    assert outcome.status == DeliveryStatus.PENDING
    assert outcome.consecutive_failures == 1
    assert outcome.retry_in_seconds == 5


def test_many_failures_in_a_row_mark_failing_but_never_stop_retrying():
    assert after_attempt(500, FAILING_AFTER_FAILURES - 2).status == DeliveryStatus.PENDING
    failing = after_attempt(500, FAILING_AFTER_FAILURES - 1)
    assert failing.status == DeliveryStatus.FAILING
    much_later = after_attempt(500, 500)
    assert much_later.status == DeliveryStatus.FAILING
    assert much_later.retry_in_seconds == BACKOFF_CAP_SECONDS


# --- validation ---


@pytest.mark.parametrize(
    "url", ["https://partner.example/hook", "http://127.0.0.1:8001/x?y=1", "HTTPS://Partner.Example:8443/"]
)
def test_accepts_http_and_https_urls(url):
    assert url_problem(url, allow_private=True) is None


def test_loopback_is_refused_unless_the_server_opts_in():
    assert "private or loopback" in url_problem("http://127.0.0.1:8001/x")


@pytest.mark.parametrize(
    "url",
    [
        "",
        "   ",
        "ftp://a.example",
        "a.example/hook",
        "file:///etc/passwd",
        "https://",
        "https://a.example/#x",
    ],
)
def test_refuses_other_urls(url):
    assert url_problem(url)


def test_secret_rules():
    assert secret_problem("short")
    assert secret_problem("has spaces in the secret")
    assert secret_problem("x" * 201)
    assert secret_problem("a-perfectly-good-secret") is None


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/x",
        "http://0.0.0.0/x",
        "http://224.0.0.1/x",
    ],
)
def test_never_accepts_link_local_multicast_or_unspecified_addresses(url):
    assert "never calls" in url_problem(url, allow_private=True)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8001/h", "http://10.0.0.5/h", "http://[::1]/h", "http://192.168.1.2/h"]
)
def test_private_addresses_depend_on_the_server_setting(url):
    assert url_problem(url, allow_private=True) is None
    assert "private or loopback" in url_problem(url, allow_private=False)


def test_public_addresses_and_names_pass_the_address_check():
    assert url_problem("https://93.184.215.14/h", allow_private=False) is None
    assert url_problem("https://partner.example/h", allow_private=False) is None
