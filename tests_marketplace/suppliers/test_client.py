"""The API client against httpx.MockTransport fakes that answer as spec/API.md says."""

import datetime as dt
import json
from decimal import Decimal

import httpx
import pytest

from marketplace.suppliers import client as api
from marketplace.suppliers import rules
from tests_marketplace import fake_wholesaler as fw


def _client(handler, **kwargs):
    kwargs.setdefault("retry_seconds", 0)
    return api.WholesalerClient(
        "http://w.test", "tok", account=7, transport=httpx.MockTransport(handler), **kwargs
    )


def test_sends_token_account_and_json_parameters():
    seen = {}

    def handler(request):
        seen.update(headers=dict(request.headers), url=str(request.url), body=json.loads(request.content))
        return httpx.Response(200, json={"status": 1, "message": "OK", "carriers": []})

    answer = _client(handler).call("carrier.list", {"active": True})
    assert answer["carriers"] == []
    assert seen["url"] == "http://w.test/api/carrier.list"
    assert seen["headers"]["authenticationtoken"] == "tok"
    assert seen["headers"]["x-account"] == "7"
    assert seen["body"] == {"active": True}
    assert "idempotency-key" not in seen["headers"]


def test_reads_money_as_decimal_never_float():
    def handler(request):
        return httpx.Response(200, content=b'{"status":1,"message":"OK","price":0.1}')

    assert _client(handler).call("x")["price"] == Decimal("0.1")


def test_retries_network_failures_with_the_same_idempotency_key():
    keys = []

    def handler(request):
        keys.append(request.headers.get("idempotency-key"))
        if len(keys) < 3:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json={"status": 1, "message": "ok", "webOrderId": 9})

    sleeps = []
    answer = _client(handler, attempts=3, retry_seconds=0.5, sleep=sleeps.append).call(
        "web-order.create", {"customerId": 1}, idempotency_key="k-1"
    )
    assert answer["webOrderId"] == 9
    assert keys == ["k-1", "k-1", "k-1"]
    assert sleeps == [0.5, 1.0]


def test_gives_up_after_the_last_attempt_as_unreachable():
    calls = []

    def handler(request):
        calls.append(1)
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(api.Unreachable, match="after 2 attempts"):
        _client(handler, attempts=2).call("web-order.checkout", {}, idempotency_key="k")
    assert len(calls) == 2


def test_retries_gateway_errors_but_not_refusals():
    statuses = iter([502, 503, 200])

    def handler(request):
        status = next(statuses)
        return httpx.Response(status, json={"status": 1, "message": "OK"} if status == 200 else {})

    assert _client(handler, attempts=3).call("carrier.list")["status"] == 1


def test_raises_typed_errors_with_available_boxes_and_current_price():
    def handler(request):
        body = json.loads(request.content)
        if body["quantity"] > 3:
            return httpx.Response(
                409,
                json={
                    "status": 0,
                    "message": "Only 3 boxes",
                    "errorCode": "not_available",
                    "availableBoxes": 3,
                },
            )
        return httpx.Response(
            409,
            json={"status": 0, "message": "Price is 0.6", "errorCode": "price_changed", "currentPrice": 0.6},
        )

    client = _client(handler)
    with pytest.raises(api.NotAvailable) as sold_out:
        client.call("web-order-item.add", {"quantity": 5}, idempotency_key="a")
    assert sold_out.value.available_boxes == 3
    assert sold_out.value.code == "not_available"
    with pytest.raises(api.PriceChanged) as repriced:
        client.call("web-order-item.add", {"quantity": 1}, idempotency_key="b")
    assert repriced.value.current_price == Decimal("0.6")
    assert repriced.value.message == "Price is 0.6"


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [
        (401, "invalid_token", api.InvalidToken),
        (403, "method_not_allowed_for_token", api.MethodNotAllowed),
        (403, "wrong_account", api.WrongAccount),
        (400, "validation_error", api.ValidationFailed),
        (409, "idempotency_conflict", api.IdempotencyConflict),
        (429, "quota_exceeded", api.QuotaExceeded),
        (401, "", api.InvalidToken),
    ],
)
def test_maps_error_codes_to_error_types(status, code, error):
    def handler(request):
        return httpx.Response(status, json={"status": 0, "message": "no", "errorCode": code})

    with pytest.raises(error):
        _client(handler, attempts=1).call("carrier.list")


def test_a_status_0_answer_with_http_200_is_still_a_failure():
    def handler(request):
        return httpx.Response(200, json={"status": "0", "message": "Komet style failure"})

    with pytest.raises(api.ApiError, match="Komet style failure"):
        _client(handler).call("carrier.list")


def test_an_html_page_means_the_base_url_is_wrong():
    def handler(request):
        return httpx.Response(404, text="<html>Not found</html>")

    with pytest.raises(api.BadAnswer, match="base URL"):
        _client(handler).call("carrier.list")


def test_remembers_rate_limit_headers_and_reports_them():
    reported = []

    def handler(request):
        return httpx.Response(
            200,
            json={"status": 1, "message": "OK"},
            headers={
                "X-RateLimit-Limit": "3000",
                "X-RateLimit-Remaining": "2999",
                "X-RateLimit-Reset": "3600",
            },
        )

    client = _client(handler, on_rate_limit=reported.append)
    client.call("carrier.list")
    assert client.rate_limit.remaining == 2999
    assert reported == [client.rate_limit]


def test_slows_down_when_the_quota_is_nearly_used_up():
    now = dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC)

    def handler(request):
        return httpx.Response(200, json={"status": 1, "message": "OK"})

    sleeps = []
    client = _client(
        handler,
        rate_limit=rules.RateLimit(3000, 10, now + dt.timedelta(seconds=20)),
        sleep=sleeps.append,
        clock=lambda: now,
        max_pacing_seconds=5,
    )
    client.call("carrier.list")
    assert sleeps == [pytest.approx(2.0)]


def test_does_not_call_at_all_once_the_quota_is_used_up():
    now = dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC)
    calls = []

    def handler(request):
        calls.append(1)
        return httpx.Response(200, json={"status": 1})

    client = _client(
        handler, rate_limit=rules.RateLimit(3000, 0, now + dt.timedelta(hours=1)), clock=lambda: now
    )
    with pytest.raises(api.QuotaExceeded):
        client.call("carrier.list")
    assert calls == []


def test_replayed_write_after_a_lost_answer_changes_nothing_twice():
    fake = fw.FakeWholesaler()
    fake.lose_answer_once.add("web-order.create")
    client = api.WholesalerClient(
        "http://w.test",
        fw.CUSTOMER_TOKEN,
        account=fw.COMPANY_ID,
        transport=fake.mock_transport(),
        retry_seconds=0,
    )
    answer = client.call(
        "web-order.create", {"customerId": fw.CUSTOMER_ID, "companyId": 7}, idempotency_key="once"
    )
    assert len(fake.web_orders) == 1
    assert answer["webOrderId"] in fake.web_orders
    assert fake.count("web-order.create") == 2
