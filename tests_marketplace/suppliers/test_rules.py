import datetime as dt

import pytest

from marketplace.suppliers import rules

NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)


def test_reads_rate_limit_headers_with_unix_reset_time():
    rate = rules.parse_rate_limit(
        {"X-RateLimit-Limit": "3000", "X-RateLimit-Remaining": "12", "X-RateLimit-Reset": "1795000000"}, NOW
    )
    assert rate == rules.RateLimit(3000, 12, dt.datetime.fromtimestamp(1795000000, tz=dt.UTC))


def test_reads_reset_given_as_seconds_from_now_or_iso_time():
    assert rules.parse_rate_limit({"x-ratelimit-reset": "60"}, NOW).reset_at == NOW + dt.timedelta(seconds=60)
    iso = rules.parse_rate_limit({"x-ratelimit-reset": "2026-11-29T00:00:00Z"}, NOW)
    assert iso.reset_at == dt.datetime(2026, 11, 29, tzinfo=dt.UTC)


def test_no_rate_limit_headers_means_no_rate_limit():
    assert rules.parse_rate_limit({"content-type": "application/json"}, NOW) is None


def test_does_not_slow_down_while_quota_is_plentiful():
    rate = rules.RateLimit(3000, 2000, NOW + dt.timedelta(hours=1))
    assert rules.pacing_delay(rate, NOW, slowdown_share=0.1, max_delay=10) == 0


def test_spreads_the_last_calls_over_the_time_left():
    rate = rules.RateLimit(3000, 100, NOW + dt.timedelta(seconds=200))
    assert rules.pacing_delay(rate, NOW, slowdown_share=0.1, max_delay=10) == pytest.approx(2.0)
    rate = rules.RateLimit(3000, 1, NOW + dt.timedelta(hours=3))
    assert rules.pacing_delay(rate, NOW, slowdown_share=0.1, max_delay=10) == 10


def test_quota_is_exhausted_only_until_it_resets():
    assert rules.quota_exhausted(rules.RateLimit(3000, 0, NOW + dt.timedelta(minutes=1)), NOW)
    assert not rules.quota_exhausted(rules.RateLimit(3000, 0, NOW - dt.timedelta(minutes=1)), NOW)
    assert not rules.quota_exhausted(rules.RateLimit(3000, 1, NOW + dt.timedelta(minutes=1)), NOW)


def test_sync_leaves_the_last_share_of_quota_to_checkouts():
    later = NOW + dt.timedelta(hours=2)
    assert rules.quota_allows_sync(rules.RateLimit(3000, 151, later), NOW, reserve_share=0.05)
    assert not rules.quota_allows_sync(rules.RateLimit(3000, 150, later), NOW, reserve_share=0.05)
    assert rules.quota_allows_sync(
        rules.RateLimit(3000, 10, NOW - dt.timedelta(seconds=1)), NOW, reserve_share=0.05
    )


def test_backoff_doubles_up_to_the_ceiling():
    waits = [rules.backoff_seconds(n, base=15, ceiling=300) for n in range(0, 8)]
    assert waits == [0, 15, 30, 60, 120, 240, 300, 300]


def test_accepts_a_correctly_signed_webhook():
    body = b'{"type":"inventory.changed"}'
    sig = rules.webhook_signature("s3cret", 1700000000, body)
    header = f"t=1700000000,v1={sig}"
    assert rules.verify_webhook_signature(header, "s3cret", body, 1700000100, tolerance_seconds=300) is None


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("", "missing"),
        ("v1=abc", "timestamp"),
        ("t=1700000000,v1=deadbeef", "does not match"),
        ("t=1600000000,v1=deadbeef", "too old"),
    ],
)
def test_refuses_bad_webhook_signatures(header, reason):
    assert reason in rules.verify_webhook_signature(
        header, "s3cret", b"{}", 1700000100, tolerance_seconds=300
    )


def test_refuses_a_body_changed_after_signing():
    sig = rules.webhook_signature("s3cret", 1700000000, b'{"a":1}')
    problem = rules.verify_webhook_signature(
        f"t=1700000000,v1={sig}", "s3cret", b'{"a":2}', 1700000000, tolerance_seconds=300
    )
    assert problem == "signature does not match"


def test_decodes_komet_signed_byte_strings():
    assert rules.decode_signed_bytes("37, 80, 68, 70, -30, -126, -84") == b"%PDF\xe2\x82\xac"


def test_refuses_byte_values_out_of_range():
    with pytest.raises(ValueError, match="out of range"):
        rules.decode_signed_bytes("37, 300")


@pytest.mark.parametrize(
    ("base", "url"),
    [
        ("http://h:8000", "http://h:8000/api/ecommerce/inventory.list"),
        ("http://h:8000/", "http://h:8000/api/ecommerce/inventory.list"),
        ("https://h/api", "https://h/api/ecommerce/inventory.list"),
        ("https://h/api/v2/", "https://h/api/v2/ecommerce/inventory.list"),
    ],
)
def test_builds_method_urls_from_any_base_url_form(base, url):
    assert rules.api_endpoint(base, "ecommerce/inventory.list") == url
