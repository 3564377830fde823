"""login, company.list, location.list, company.location.list."""

from __future__ import annotations

from stemlink.api.models import ApiToken
from stemlink.tenancy.models import Location
from tests.api_helpers import api, covers, issue_token
from tests.factories import make_customer, make_user


@covers("login")
def test_login_exchanges_username_and_password_for_a_user_token_that_works(client, world):
    make_user(world.company, username="maria", password="roses-are-red-26")
    status, body = api(client, "login", {"username": "maria", "password": "roses-are-red-26"}, token="")
    assert status == 200, body
    assert body["status"] == 1 and body["message"] == "OK"
    key = body["apiKey"]
    assert len(key) == 26 and key.isalnum() and key == key.lower()
    token = ApiToken.objects.get(prefix=key[:6], token_type="user")
    assert token.digest != key and key not in token.digest
    status, body = api(client, "company.list", token=key, verb="GET")
    assert status == 200, body
    assert body["companyResult"][0]["companyId"] == world.company.pk
    assert body["companyResult"][0]["roleId"] == 1  # admin


def test_login_with_query_parameters_as_komet_documents_it(client, world):
    make_user(world.company, username="joe", password="tulips-2026-x")
    response = client.post("/api/login?username=joe&password=tulips-2026-x")
    assert response.status_code == 200
    assert response.json()["apiKey"]


def test_login_with_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client, world):
    make_user(world.company, username="maria", password="roses-are-red-26")
    status, body = api(client, "login", {"username": "maria", "password": "wrong-password"}, token="")
    assert status == 401 and body["status"] == 0
    assert body["errorCode"] == "invalid_token"
    assert "username or password" in body["message"]
    status, body = api(client, "login", {"username": "nobody", "password": "wrong-password"}, token="")
    assert status == 401


def test_login_without_password_names_the_missing_field(client, db):
    status, body = api(client, "login", {"username": "maria"}, token="")
    assert status == 400
    assert body["errors"] == [{"field": "password", "message": "is required"}]


def test_login_of_a_user_without_an_active_company_is_refused(client, world):
    user = make_user(world.company, username="gone", password="roses-are-red-26")
    user.memberships.update(active=False)
    status, _ = api(client, "login", {"username": "gone", "password": "roses-are-red-26"}, token="")
    assert status == 401


def test_a_user_token_stops_working_when_the_user_leaves_the_company(client, world):
    user = make_user(world.company, username="maria", password="roses-are-red-26")
    _, body = api(client, "login", {"username": "maria", "password": "roses-are-red-26"}, token="")
    user.memberships.update(active=False)
    status, body = api(client, "company.list", token=body["apiKey"])
    assert status == 401


@covers("company.list")
def test_company_list_answers_the_company_id_without_an_envelope(client, world, other_world):
    token = issue_token(world.company, "company")
    status, body = api(client, "company.list", token=token, verb="GET")
    assert status == 200
    assert body == {
        "companyResult": [
            {
                "companyId": world.company.pk,
                "companyName": "Sunrise Flowers",
                "roleId": None,
                "customerId": None,
                "customerName": None,
            }
        ]
    }


@covers("location.list")
def test_location_list_filters_by_name_part_and_exact_code(client, world, other_world):
    Location.objects.create(company=world.company, name="Bogota farm office", code="BOG")
    Location.objects.create(company=world.company, name="Closed", code="OLD", active=False)
    token = issue_token(world.company, "company")
    status, body = api(client, "location.list", token=token, verb="GET")
    assert status == 200 and body["status"] == 1
    assert [loc["code"] for loc in body["locations"]] == ["BOG", "MIA"]  # by name, active only
    assert set(body["locations"][0]) == {"id", "name", "code"}
    _, body = api(client, "location.list", {"name": "miami"}, token=token)
    assert [loc["code"] for loc in body["locations"]] == ["MIA"]
    _, body = api(client, "location.list", {"code": "bo"}, token=token)
    assert body["locations"] == []
    _, body = api(client, "location.list", {"id": other_world.location.pk}, token=token)
    assert body["locations"] == []


@covers("company.location.list")
def test_company_location_list_needs_x_account_and_answers_without_envelope(client, world):
    token = issue_token(world.company, "customer", customer=world.customer)
    status, body = api(client, "company.location.list", {"customerId": world.customer.pk}, token=token)
    assert status == 403 and body["errorCode"] == "wrong_account"
    status, body = api(
        client,
        "company.location.list",
        {"customerId": world.customer.pk},
        token=token,
        account=world.company.pk,
    )
    assert status == 200, body
    assert body == {
        "locations": [
            {
                "id": world.location.pk,
                "name": "Miami warehouse",
                "shortName": "MIA",
                "code": "MIA",
                "active": True,
            }
        ]
    }


def test_company_location_list_with_a_customer_token_naming_another_customer_is_not_found(client, world):
    other = make_customer(world.company)
    token = issue_token(world.company, "customer", customer=world.customer)
    status, body = api(
        client, "company.location.list", {"customerId": other.pk}, token=token, account=world.company.pk
    )
    assert status == 404 and body["errorCode"] == "not_found"
