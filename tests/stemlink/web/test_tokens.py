"""Setup » Settings » Integrations » Tokens: Generate shows the token, Save keeps only its digest."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from stemlink.api.models import ApiToken
from stemlink.web.token_forms import BLOOMNET_METHODS
from tests.api_helpers import api
from tests.factories import World

pytestmark = pytest.mark.django_db

NEW = reverse("web:token_new")


def _secret(page: str) -> str:
    found = re.search(r'id="token-secret" class="secret" value="([a-z0-9]+)"', page)
    assert found, "no token shown"
    return found.group(1)


def _signed(page: str) -> str:
    found = re.search(r'name="secret_signed" value="([^"]+)"', page)
    assert found
    return found.group(1)


def _ticked(page: str) -> set[str]:
    return set(re.findall(r'name="methods" value="([^"]+)" checked', page))


def _generate(client: Client, **data: object) -> str:
    response = client.post(NEW, {"action": "generate", **data})
    assert response.status_code == 200
    return response.content.decode()


def test_new_token_form_groups_methods_by_area(admin_client: Client) -> None:
    page = admin_client.get(NEW).content.decode()
    assert "Token Type" in page and "Transactional API Access" in page
    assert 'value="boxtype.list"' in page
    assert 'value="web-order.create"' not in page  # a Company token cannot call it
    assert page.count("<h3") >= 3


def test_generate_shows_a_26_character_token_and_stores_nothing(admin_client: Client) -> None:
    page = _generate(admin_client, description="BloomNet company", token_type="company")
    assert len(_secret(page)) == 26
    assert 'value="BloomNet company"' in page
    assert not ApiToken.objects.exists()


def test_bloomnet_preset_ticks_the_marketplace_methods_for_the_type(
    world: World, admin_client: Client
) -> None:
    for token_type in ("company", "customer"):
        response = admin_client.post(
            NEW, {"action": "bloomnet", "token_type": token_type, "description": "x"}
        )
        assert _ticked(response.content.decode()) == set(BLOOMNET_METHODS[token_type])


def test_changing_the_type_shows_the_customer_picker(world: World, admin_client: Client) -> None:
    page = admin_client.post(NEW, {"action": "refresh", "token_type": "customer"}).content.decode()
    assert 'name="customer"' in page and "BloomNet" in page
    assert 'value="web-order.create"' in page


def test_save_keeps_the_generated_token_which_then_works_against_the_api(
    world: World, admin_client: Client, client: Client
) -> None:
    page = _generate(admin_client, description="BloomNet company", token_type="company")
    secret, signed = _secret(page), _signed(page)
    response = admin_client.post(
        NEW,
        {
            "action": "save",
            "description": "BloomNet company",
            "token_type": "company",
            "methods": list(BLOOMNET_METHODS["company"]),
            "secret_signed": signed,
        },
    )
    token = ApiToken.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("web:token", args=[token.pk])
    assert token.prefix == secret[:6] and secret not in token.digest
    assert sorted(token.methods) == sorted(BLOOMNET_METHODS["company"])
    detail = admin_client.get(response["Location"]).content.decode()
    assert secret not in detail  # never shown again
    status, answer = api(client, "boxtype.list", token=secret, account=world.company.pk)
    assert status == 200 and answer["status"] == 1
    calls = admin_client.get(response["Location"]).content.decode()
    assert "boxtype.list" in calls.split("Recent calls")[1]


def test_save_without_generate_asks_for_generate_and_keeps_what_was_typed(admin_client: Client) -> None:
    response = admin_client.post(
        NEW, {"action": "save", "description": "Mine", "token_type": "company", "methods": ["boxtype.list"]}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Press Generate" in page
    assert 'value="Mine"' in page and _ticked(page) == {"boxtype.list"}
    assert not ApiToken.objects.exists()


def test_save_refuses_a_token_the_server_did_not_generate(admin_client: Client) -> None:
    response = admin_client.post(
        NEW,
        {
            "action": "save",
            "description": "Mine",
            "token_type": "company",
            "methods": ["boxtype.list"],
            "secret_signed": "aaaaaaaaaaaaaaaaaaaaaaaaaa",
        },
    )
    assert "Press Generate" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_customer_token_needs_its_customer_message_next_to_the_field(admin_client: Client) -> None:
    page = _generate(admin_client, description="BloomNet customer", token_type="customer")
    response = admin_client.post(
        NEW,
        {
            "action": "save",
            "description": "BloomNet customer",
            "token_type": "customer",
            "methods": ["web-order.create"],
            "secret_signed": _signed(page),
        },
    )
    page = response.content.decode()
    assert re.search(r'id="field-customer">.*Choose the customer this token is bound to', page, re.S)
    assert _secret(page)  # the generated token is still in the form
    assert not ApiToken.objects.exists()


def test_refuses_another_companys_customer(world: World, other_world: World, admin_client: Client) -> None:
    page = _generate(admin_client, description="x", token_type="customer")
    response = admin_client.post(
        NEW,
        {
            "action": "save",
            "description": "x",
            "token_type": "customer",
            "customer": other_world.customer.pk,
            "methods": ["web-order.create"],
            "secret_signed": _signed(page),
        },
    )
    assert "Select a valid choice" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_second_token_for_one_customer_is_refused_with_a_message(world: World, admin_client: Client) -> None:
    for expected in (1, 1):
        page = _generate(admin_client, description="c", token_type="customer")
        response = admin_client.post(
            NEW,
            {
                "action": "save",
                "description": "c",
                "token_type": "customer",
                "customer": world.customer.pk,
                "methods": ["web-order.create"],
                "secret_signed": _signed(page),
            },
        )
        assert ApiToken.objects.count() == expected
    assert "already has a token" in response.content.decode()


def test_method_a_type_cannot_call_is_refused(admin_client: Client) -> None:
    page = _generate(admin_client, description="x", token_type="company")
    response = admin_client.post(
        NEW,
        {
            "action": "save",
            "description": "x",
            "token_type": "company",
            "methods": ["web-order.create"],
            "secret_signed": _signed(page),
        },
    )
    assert "Select a valid choice" in response.content.decode()
    assert not ApiToken.objects.exists()


def _saved_token(client: Client, world: World) -> tuple[ApiToken, str]:
    page = _generate(client, description="co", token_type="company")
    client.post(
        NEW,
        {
            "action": "save",
            "description": "co",
            "token_type": "company",
            "methods": ["boxtype.list", "carrier.list"],
            "secret_signed": _signed(page),
        },
    )
    return ApiToken.objects.get(), _secret(page)


def test_edit_regenerate_disable_and_revoke(world: World, admin_client: Client, client: Client) -> None:
    token, secret = _saved_token(admin_client, world)
    url = reverse("web:token", args=[token.pk])
    admin_client.post(url, {"description": "renamed", "methods": ["carrier.list"], "transactional": "on"})
    token.refresh_from_db()
    assert (token.description, token.methods, token.transactional) == ("renamed", ["carrier.list"], True)
    bad = admin_client.post(url, {"description": "", "methods": []}).content.decode()
    assert "This field is required" in bad and "Tick at least one API method" in bad

    page = admin_client.post(reverse("web:token_regenerate", args=[token.pk])).content.decode()
    new_secret = _secret(page)
    assert new_secret != secret
    assert api(client, "carrier.list", token=secret)[1]["status"] == 0
    assert api(client, "carrier.list", token=new_secret)[1]["status"] == 1
    assert new_secret not in admin_client.get(url).content.decode()

    admin_client.post(reverse("web:token_enable", args=[token.pk]), {"enabled": "0"})
    assert api(client, "carrier.list", token=new_secret)[1]["status"] == 0
    admin_client.post(reverse("web:token_enable", args=[token.pk]), {"enabled": "1"})
    assert api(client, "carrier.list", token=new_secret)[1]["status"] == 1
    admin_client.post(reverse("web:token_revoke", args=[token.pk]))
    assert api(client, "carrier.list", token=new_secret)[1]["status"] == 0
    listing = admin_client.get(reverse("web:tokens")).content.decode()
    token.refresh_from_db()
    assert new_secret.startswith(token.prefix)
    assert "Revoked" in listing and token.prefix in listing


def test_saving_the_same_generated_token_twice_is_refused_with_a_message(admin_client: Client) -> None:
    page = _generate(admin_client, description="co", token_type="company")
    data = {
        "action": "save",
        "description": "co",
        "token_type": "company",
        "methods": ["boxtype.list"],
        "secret_signed": _signed(page),
    }
    admin_client.post(NEW, data)
    again = admin_client.post(NEW, data)
    assert "already saved" in again.content.decode()
    assert ApiToken.objects.count() == 1


def test_create_token_keeps_a_given_secret_only_if_it_is_a_real_token(world: World) -> None:
    from stemlink.api.rules import new_token_secret
    from stemlink.api.services import authenticate_token, create_token
    from stemlink.errors import ValidationFailed

    secret = new_token_secret()
    token, raw = create_token(
        world.company, token_type="company", description="x", methods="all", secret=secret
    )
    assert raw == secret and authenticate_token(secret).pk == token.pk
    for weak in ("short", "A" * 26, "a" * 25 + "!"):
        with pytest.raises(ValidationFailed):
            create_token(world.company, token_type="company", description="x", methods="all", secret=weak)
