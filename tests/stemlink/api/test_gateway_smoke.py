from __future__ import annotations

import pytest

from tests.api_helpers import api, covers, issue_token


@covers("boxtype.list")
def test_boxtype_list_answers_the_company_box_types_by_code(client, world):
    token = issue_token(world.company, "company")
    status, body = api(client, "boxtype.list", token=token)
    assert status == 200, body
    assert body["status"] == 1 and body["message"] == "OK"
    assert [b["code"] for b in body["boxtypes"]] == ["FB", "HB", "QB"]
    assert body["boxtypes"][1]["fbe"] == 0.5


@pytest.mark.django_db
def test_a_call_without_token_is_refused(client, world):
    status, body = api(client, "boxtype.list", token="")
    assert status == 401
    assert body["errorCode"] == "invalid_token"
