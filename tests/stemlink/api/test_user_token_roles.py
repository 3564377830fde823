"""User tokens (from `login`) act with their user's role, expire, die on a password change or when
the user or membership is deactivated, and a repeated login answers the one live token.

The matrix (every registered method × every role) is generated from the registry and the one
permission map, so a method added later is covered without editing this file.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from stemlink.api.models import ApiToken
from stemlink.api.registry import US, load_all_methods
from stemlink.api.services import log_in, regenerate_token
from stemlink.errors import InvalidState
from stemlink.orders.models import Invoice, InvoiceStatus
from stemlink.tenancy.models import Membership
from stemlink.tenancy.rules import METHOD_PERMISSIONS, ROLES, Perm, allows
from tests.api_helpers import api
from tests.factories import World, make_user
from tests.stemlink.web.orders_world import web_order_invoice

pytestmark = pytest.mark.django_db

REGISTRY = load_all_methods()
PASSWORD = "roses-are-red-26"


def _login(client: Any, username: str, password: str = PASSWORD) -> tuple[int, dict[str, Any]]:
    return api(client, "login", {"username": username, "password": password}, token="")


def _key(client: Any, world: World, role: str, username: str | None = None) -> str:
    name = username or f"u-{role}"
    make_user(world.company, username=name, role=role, password=PASSWORD)
    status, body = _login(client, name)
    assert status == 200, body
    return str(body["apiKey"])


def test_every_registered_method_has_an_entry_in_the_permission_map() -> None:
    assert sorted(REGISTRY) == sorted(METHOD_PERMISSIONS)
    for name, spec in REGISTRY.items():
        assert (METHOD_PERMISSIONS[name] is None) == (not spec.needs_token), name


@pytest.mark.parametrize("role", ROLES)
def test_every_method_answers_a_user_token_as_its_role_allows(client: Any, world: World, role: str) -> None:
    key = _key(client, world, role)
    for name in sorted(REGISTRY):
        spec = REGISTRY[name]
        if not spec.needs_token:
            continue
        status, body = api(client, name, {}, token=key, account=world.company.pk)
        code = body.get("errorCode") if isinstance(body, dict) else None
        if US not in spec.tokens:
            assert (status, code) == (403, "method_not_allowed_for_token"), (role, name, body)
            continue
        needed = METHOD_PERMISSIONS[name]
        assert needed is not None
        if allows(role, needed):
            assert code not in {"not_allowed_for_role", "method_not_allowed_for_token"}, (role, name, body)
            assert status != 500, (role, name, body)
        else:
            assert (status, code) == (403, "not_allowed_for_role"), (role, name, body)
            assert needed.value in body["message"]


@pytest.mark.parametrize("role", ROLES)
def test_only_the_roles_that_may_void_void_an_invoice_through_the_api(
    client: Any, world: World, role: str
) -> None:
    invoice = web_order_invoice(world)
    key = _key(client, world, role)
    status, body = api(
        client,
        "invoice.void",
        {"invoiceNumber": invoice.number, "reason": "customer cancelled", "locationId": invoice.location_id},
        token=key,
    )
    invoice.refresh_from_db()
    assert (invoice.status == InvoiceStatus.VOIDED) == allows(role, Perm.INVOICES_VOID), body
    if not allows(role, Perm.INVOICES_VOID):
        assert status == 403 and body["errorCode"] == "not_allowed_for_role"


def test_a_role_change_applies_to_the_live_token_at_once(client: Any, world: World) -> None:
    invoice = web_order_invoice(world)
    key = _key(client, world, "admin", "boss")
    Membership.objects.filter(user__username="boss").update(role="warehouse")
    status, body = api(
        client,
        "invoice.confirm",
        {"invoiceNumber": invoice.number, "locationId": invoice.location_id},
        token=key,
    )
    assert status == 403 and body["errorCode"] == "not_allowed_for_role"
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.PENDING


def test_login_answers_the_same_live_token_and_keeps_one_row(client: Any, world: World) -> None:
    first = _key(client, world, "sales_rep", "rita")
    for _ in range(3):
        status, body = _login(client, "rita")
        assert status == 200 and body["apiKey"] == first
    assert ApiToken.objects.filter(user__username="rita").count() == 1
    token = ApiToken.objects.get(user__username="rita")
    assert first not in (token.digest, token.login_nonce, token.auth_hash)


def test_a_user_token_expires_after_the_configured_hours(client: Any, world: World, settings: Any) -> None:
    settings.USER_TOKEN_HOURS = 2
    key = _key(client, world, "admin", "eva")
    token = ApiToken.objects.get(user__username="eva")
    assert token.expires_on is not None
    lifetime = token.expires_on - token.created_on
    assert dt.timedelta(hours=2) - dt.timedelta(minutes=1) < lifetime <= dt.timedelta(hours=2)
    assert api(client, "company.list", token=key, verb="GET")[0] == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_on=timezone.now() - dt.timedelta(seconds=1))
    status, body = api(client, "company.list", token=key, verb="GET")
    assert status == 401 and "expired" in body["message"]
    # The next login makes a new token and retires the expired one.
    status, body = _login(client, "eva")
    assert status == 200 and body["apiKey"] != key
    assert api(client, "company.list", token=body["apiKey"], verb="GET")[0] == 200
    token.refresh_from_db()
    assert token.revoked_on is not None
    assert ApiToken.objects.filter(user__username="eva", revoked_on__isnull=True).count() == 1


def test_a_password_change_ends_the_users_token(client: Any, world: World) -> None:
    key = _key(client, world, "admin", "paul")
    user = ApiToken.objects.get(user__username="paul").user
    assert user is not None
    user.set_password("a-brand-new-secret-26")
    user.save()
    status, body = api(client, "company.list", token=key, verb="GET")
    assert status == 401 and "password" in body["message"]
    assert _login(client, "paul")[0] == 401  # the old password no longer signs in
    status, body = _login(client, "paul", "a-brand-new-secret-26")
    assert status == 200 and body["apiKey"] != key


def test_deactivating_the_user_or_the_membership_ends_the_token(client: Any, world: World) -> None:
    key = _key(client, world, "admin", "dora")
    Membership.objects.filter(user__username="dora").update(active=False)
    assert api(client, "company.list", token=key, verb="GET")[0] == 401
    Membership.objects.filter(user__username="dora").update(active=True)
    assert api(client, "company.list", token=key, verb="GET")[0] == 200
    user = ApiToken.objects.get(user__username="dora").user
    assert user is not None
    user.is_active = False
    user.save()
    assert api(client, "company.list", token=key, verb="GET")[0] == 401


def test_a_user_token_is_not_regenerated_by_hand(world: World) -> None:
    make_user(world.company, username="reg", role="admin", password=PASSWORD)
    token, _ = log_in("reg", PASSWORD)
    with pytest.raises(InvalidState):
        regenerate_token(token)
