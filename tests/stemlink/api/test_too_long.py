"""Too long is still the envelope: an over-long URL, header or parameter list answers JSON, audited."""

from __future__ import annotations

import pytest

from stemlink.api import rules
from stemlink.api.models import ApiCall
from stemlink.commands.gunicorn_worker import refusal_bytes
from tests.api_helpers import issue_token

pytestmark = pytest.mark.django_db


def _envelope(response, status, code):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == 0 and body["errorCode"] == code and body["message"]
    return body


def test_an_over_long_url_answers_414_with_the_envelope_and_is_audited(client, world):
    token = issue_token(world.company, "company")
    before = ApiCall.objects.count()
    response = client.get(
        "/api/carrier.list", {"name": "x" * rules.MAX_URL_BYTES}, headers={"authenticationToken": token}
    )
    body = _envelope(response, 414, "uri_too_long")
    assert "POST body" in body["message"]
    assert ApiCall.objects.count() == before + 1


def test_a_url_just_under_the_limit_is_answered(client, world):
    token = issue_token(world.company, "company")
    response = client.get(
        "/api/carrier.list",
        {"pad": "x" * (rules.MAX_URL_BYTES - 100)},
        headers={"authenticationToken": token},
    )
    assert response.status_code == 200


def test_an_over_long_header_answers_431_with_the_envelope(client, world):
    token = issue_token(world.company, "company")
    response = client.get(
        "/api/carrier.list",
        headers={"authenticationToken": token, "X-Padding": "p" * (rules.MAX_HEADER_BYTES + 1)},
    )
    body = _envelope(response, 431, "header_too_large")
    assert "X-Padding" in body["message"]


def test_too_many_query_parameters_answer_414_with_the_envelope(client, world):
    token = issue_token(world.company, "company")
    query = "&".join(f"p{i}=1" for i in range(rules.MAX_PARAMETERS + 5))
    response = client.get(f"/api/carrier.list?{query}", headers={"authenticationToken": token})
    _envelope(response, 414, "uri_too_long")


def test_too_many_form_fields_answer_400_with_the_envelope(client, world):
    token = issue_token(world.company, "company")
    data = "&".join(f"p{i}=1" for i in range(rules.MAX_PARAMETERS + 5))
    response = client.post(
        "/api/carrier.list",
        data,
        content_type="application/x-www-form-urlencoded",
        headers={"authenticationToken": token},
    )
    body = _envelope(response, 400, "validation_error")
    assert body["errors"] == [{"field": "body", "message": "has more than 1,000 fields; send fewer"}]


def test_the_worker_writes_gunicorns_own_refusals_as_the_envelope():
    from gunicorn.http.errors import LimitRequestHeaders, LimitRequestLine

    for exc, status, code in (
        (LimitRequestLine(9000, 8190), b"414", b"uri_too_long"),
        (LimitRequestHeaders("too large"), b"431", b"header_too_large"),
    ):
        answer = refusal_bytes(exc)
        assert answer is not None
        head, body = answer.split(b"\r\n\r\n", 1)
        assert head.startswith(b"HTTP/1.1 " + status) and b"application/json" in head
        assert code in body and body.startswith(b'{"status": 0')
    assert refusal_bytes(ValueError("other")) is None
