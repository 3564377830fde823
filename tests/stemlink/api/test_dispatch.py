"""The gateway's transport, as §1–2 of the API spec say: where tokens and parameters come from,
the envelope, the failures and their HTTP statuses, the audit log."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client

from stemlink.api.answers import Amount, Answer, NoAnswer
from stemlink.api.models import ApiCall, ApiToken
from stemlink.api.registry import CO, REGISTRY, CallContext, Params, api_method
from stemlink.api.services import recent_calls
from stemlink.customers.models import ShipTo
from stemlink.errors import InvalidState, NotAvailable
from tests.api_helpers import api, issue_token


@pytest.fixture
def token(world):
    return issue_token(world.company, "company")


def test_token_in_the_query_string_on_a_get(client, world, token):
    response = client.get(f"/api/carrier.list?authenticationToken={token}")
    assert response.status_code == 200
    assert response.json()["carriers"][0]["code"] == "ARM"


def test_token_in_the_json_body_on_a_post(client, world, token):
    response = client.post(
        "/api/carrier.list",
        data=json.dumps({"authenticationToken": token, "code": "ARM"}),
        content_type="application/json",
    )
    assert response.status_code == 200 and len(response.json()["carriers"]) == 1


def test_token_in_a_form_body(client, world, token):
    response = client.post("/api/carrier.list", {"authenticationToken": token, "code": "NOPE"})
    assert response.status_code == 200 and response.json()["carriers"] == []


def test_token_in_the_header_with_x_account(client, world, token):
    response = client.get(
        "/api/carrier.list", headers={"authenticationToken": token, "X-ACCOUNT": str(world.company.pk)}
    )
    assert response.status_code == 200


def test_v2_is_an_alias_of_the_same_method(client, world, token):
    response = client.get(f"/api/v2/carrier.list?authenticationToken={token}")
    assert response.status_code == 200 and response.json()["carriers"][0]["code"] == "ARM"


def test_the_header_token_wins_over_a_bad_one_in_the_query(client, world, token):
    response = client.get(
        "/api/carrier.list?authenticationToken=wrong", headers={"authenticationToken": token}
    )
    assert response.status_code == 200


def test_json_body_parameters_win_over_the_query_string(client, world, token):
    response = client.post(
        f"/api/carrier.list?code=NOPE&authenticationToken={token}",
        data=json.dumps({"code": "ARM"}),
        content_type="application/json",
    )
    assert len(response.json()["carriers"]) == 1


def test_a_json_body_without_content_type_is_still_read(client, world, token):
    response = client.post(
        "/api/carrier.list", data=json.dumps({"authenticationToken": token}), content_type="text/plain"
    )
    assert response.status_code == 200


def test_unknown_parameters_are_ignored(client, world, token):
    status, body = api(client, "carrier.list", {"shoeSize": 44}, token=token)
    assert status == 200 and body["status"] == 1


def test_unknown_method_is_404(client, world, token):
    status, body = api(client, "carrier.fly", token=token)
    assert status == 404 and body == {
        "status": 0,
        "message": "There is no API method 'carrier.fly'; see /api/docs for the list.",
        "errorCode": "unknown_method",
    }


@pytest.mark.parametrize(
    ("secret", "why"),
    [("", "missing"), ("abcdefghijklmnopqrstuvwxyz", "not a valid token")],
)
def test_missing_or_unknown_token_is_401_invalid_token(client, world, secret, why):
    status, body = api(client, "carrier.list", token=secret)
    assert status == 401 and body["status"] == 0 and body["errorCode"] == "invalid_token"
    assert why in body["message"]


def test_invalid_json_is_a_validation_error_not_a_crash(client, world, token):
    response = client.post(
        "/api/carrier.list",
        data=b'{"code": ',
        content_type="application/json",
        headers={"authenticationToken": token},
    )
    assert response.status_code == 400
    assert response.json()["errorCode"] == "validation_error" and "JSON" in response.json()["message"]


def test_a_json_body_that_is_not_an_object_is_refused(client, world, token):
    response = client.post(
        "/api/carrier.list",
        data=b"[1,2]",
        content_type="application/json",
        headers={"authenticationToken": token},
    )
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "body"


def test_a_body_over_64_kb_is_refused_before_it_is_parsed(client, world, token):
    body = b'{"name": "' + b"x" * (64 * 1024) + b'"}'
    response = client.post(
        "/api/carrier.list",
        data=body,
        content_type="application/json",
        headers={"authenticationToken": token},
    )
    assert response.status_code == 413
    assert response.json()["errorCode"] == "request_too_large"


def test_a_body_just_under_64_kb_is_accepted(client, world, token):
    body = b'{"shoeSize": "' + b"x" * (64 * 1024 - 100) + b'"}'
    response = client.post(
        "/api/carrier.list",
        data=body,
        content_type="application/json",
        headers={"authenticationToken": token},
    )
    assert response.status_code == 200


def test_wrong_x_account_is_403(client, world, other_world, token):
    status, body = api(client, "carrier.list", token=token, account=other_world.company.pk)
    assert status == 403 and body["errorCode"] == "wrong_account"
    response = client.get("/api/carrier.list", headers={"authenticationToken": token, "X-ACCOUNT": "abc"})
    assert response.status_code == 403


def test_a_method_not_in_the_whitelist_is_refused_before_it_runs(client, world):
    token = issue_token(world.company, "company", methods=["boxtype.list"])
    status, body = api(client, "carrier.list", token=token)
    assert status == 403 and body["errorCode"] == "method_not_allowed_for_token"
    assert "carrier.list" in body["message"]


def test_a_method_not_for_the_token_type_is_refused(client, world):
    token = issue_token(world.company, "customer", customer=world.customer)
    status, body = api(client, "carrier.list", token=token)
    assert status == 403 and body["errorCode"] == "method_not_allowed_for_token"


def test_the_csrf_check_does_not_apply_to_the_api(world, token):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        "/api/carrier.list", data=json.dumps({"authenticationToken": token}), content_type="application/json"
    )
    assert response.status_code == 200


def test_other_http_verbs_are_answered_in_json(client, world, token):
    response = client.put("/api/carrier.list", headers={"authenticationToken": token})
    assert response.status_code == 404 and response.json()["status"] == 0


def test_every_answer_carries_rate_limit_headers(client, world, token):
    ok = client.get(f"/api/carrier.list?authenticationToken={token}")
    bad = client.get("/api/carrier.list?authenticationToken=nope")
    for response in (ok, bad):
        assert {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} <= set(response.headers)
    assert ok.headers["X-RateLimit-Limit"] == "1000"
    assert ok.headers["X-RateLimit-Remaining"] == "999"


def test_last_use_time_and_address_are_recorded(client, world, token):
    client.get(f"/api/carrier.list?authenticationToken={token}", REMOTE_ADDR="10.9.8.7")
    stored = ApiToken.objects.get(prefix=token[:6])
    assert stored.last_used_ip == "10.9.8.7" and stored.last_used_on is not None


def test_every_call_is_audited_without_secrets(client, world, token):
    api(
        client,
        "carrier.list",
        {"code": "ARM", "password": "hunter2"},
        token=token,
        headers={"X-SALES-CHANNEL": "K2K"},
    )
    api(client, "carrier.list", {"id": "abc"}, token=token)
    stored = ApiToken.objects.get(prefix=token[:6])
    calls = recent_calls(stored, 10)
    assert [c.http_status for c in calls] == [400, 200]
    bad, good = calls
    assert bad.error_code == "validation_error" and bad.status == 0
    assert good.method == "carrier.list" and good.status == 1 and good.token_prefix == token[:6]
    assert good.params == {"code": "ARM"} and good.sales_channel == "K2K"
    assert good.company == world.company and good.ip == "127.0.0.1" and good.duration_ms >= 0
    everything = json.dumps(list(ApiCall.objects.values("params", "token_prefix")))
    assert token not in everything and "hunter2" not in everything


def test_calls_with_bad_tokens_are_audited_too(client, world):
    api(client, "carrier.list", {"authenticationToken": "zzz"}, token="")
    call = ApiCall.objects.get()
    assert call.http_status == 401 and call.token is None and "authenticationToken" not in call.params


@pytest.fixture
def test_methods():
    """Two throwaway methods: one crashes like a bug would, one returns money and a failure."""

    class MoneyParams(Params):
        fail: bool = False

    class MoneyAnswer(Answer):
        amount: Amount
        unitCost: Amount

    @api_method("test.crash", tokens={CO}, answer=NoAnswer)
    def crash(ctx: CallContext, params: Params) -> dict:
        raise RuntimeError("a bug")

    @api_method("test.money", tokens={CO}, params=MoneyParams, answer_key="amount", answer=MoneyAnswer)
    def money(ctx: CallContext, params: MoneyParams) -> dict:
        if params.fail:
            raise NotAvailable("Only 2 boxes are left.", available_boxes=2)
        return {"amount": Decimal("12.50"), "unitCost": Decimal("0.125"), "message": "Done."}

    @api_method("test.write", tokens={CO}, params=MoneyParams, writes=True, answer=NoAnswer)
    def write(ctx: CallContext, params: MoneyParams) -> dict:
        customer = ctx.company.customers.first()
        with transaction.atomic():
            ShipTo.objects.create(company=ctx.company, customer=customer, name="kept by the use case")
        ShipTo.objects.create(company=ctx.company, customer=customer, name="outside")
        if params.fail:
            raise InvalidState("Refused after keeping something on purpose.")
        raise RuntimeError("a bug after writing")

    yield
    for name in ("test.crash", "test.money", "test.write"):
        REGISTRY.pop(name)


def test_a_bug_in_a_method_is_a_logged_500_with_status_0(client, world, test_methods, caplog):
    token = issue_token(world.company, "company", methods=["carrier.list"])
    ApiToken.objects.filter(prefix=token[:6]).update(methods=["test.crash"])
    status, body = api(client, "test.crash", token=token)
    assert status == 500 and body["status"] == 0 and body["errorCode"] == "internal_error"
    assert "a bug" not in body["message"]
    assert any("test.crash" in r.getMessage() for r in caplog.records)


def test_money_is_an_exact_json_number_and_failures_carry_their_extras(client, world, test_methods):
    token = issue_token(world.company, "company", methods=["carrier.list"])
    ApiToken.objects.filter(prefix=token[:6]).update(methods=["test.money"])
    response = client.post("/api/test.money", headers={"authenticationToken": token})
    assert response.content == b'{"status":1,"message":"Done.","amount":12.50,"unitCost":0.125}'
    status, body = api(client, "test.money", {"fail": True}, token=token)
    assert status == 409
    assert body == {
        "status": 0,
        "message": "Only 2 boxes are left.",
        "errorCode": "not_available",
        "availableBoxes": 2,
    }


def test_a_bug_in_a_write_method_rolls_back_everything_it_wrote(client, world, test_methods):
    token = issue_token(world.company, "company", methods=["carrier.list"])
    ApiToken.objects.filter(prefix=token[:6]).update(methods=["test.write"])
    status, body = api(client, "test.write", token=token, headers={"Idempotency-Key": "k1"})
    assert status == 500 and body["status"] == 0
    assert not ShipTo.objects.exists()
    # The key's claim went with the rollback: a retry runs again instead of replaying a crash.
    status, _ = api(client, "test.write", token=token, headers={"Idempotency-Key": "k1"})
    assert status == 500


def test_a_refusal_is_an_answer_and_keeps_what_the_use_case_committed(client, world, test_methods):
    token = issue_token(world.company, "company", methods=["carrier.list"])
    ApiToken.objects.filter(prefix=token[:6]).update(methods=["test.write"])
    status, body = api(client, "test.write", {"fail": True}, token=token)
    assert status == 409 and body["errorCode"] == "invalid_state"
    assert ShipTo.objects.filter(name="kept by the use case").count() == 1


def test_a_form_with_too_many_fields_or_a_broken_multipart_body_is_a_400(client, world, token):
    many = "&".join(f"f{i}=1" for i in range(1500))
    response = client.post(
        "/api/carrier.list",
        data=many,
        content_type="application/x-www-form-urlencoded",
        headers={"authenticationToken": token},
    )
    assert response.status_code == 400 and response.json()["errorCode"] == "validation_error"
    response = client.post(
        "/api/carrier.list",
        data=b"--xx\r\nbroken",
        content_type="multipart/form-data; boundary=xx",
        headers={"authenticationToken": token},
    )
    assert response.status_code in (200, 400) and response.json()["status"] in (0, 1)


def test_a_declared_length_over_the_limit_is_refused_without_reading(client, world, token):
    response = client.generic(
        "POST",
        "/api/carrier.list",
        data=b"{}",
        content_type="application/json",
        headers={"authenticationToken": token},
        CONTENT_LENGTH=str(10 * 1024 * 1024),
    )
    assert response.status_code == 413
