"""Every back-office page × every role, generated from the URLconf and the one permission map.

A page added without a declared permission fails `test_every_routed_view_declares_who_may_open_it`;
a page added with one is covered by the matrix below without editing this file.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from stemlink.api.services import create_token
from stemlink.integrations.services import add_endpoint
from stemlink.orders.entry import start_entry
from stemlink.orders.models import Invoice, InvoiceStatus
from stemlink.orders.standing import StandingLineRequest, create_standing_order
from stemlink.tenancy.rules import ROLES, Perm, allows
from stemlink.web.access import ACCESS_ATTRIBUTE
from tests.factories import World, make_line, make_ship_to, make_user
from tests.stemlink.web.orders_world import purchase_order, web_order_invoice, web_order_prebook

pytestmark = pytest.mark.django_db


def _web_patterns() -> list[tuple[str, URLPattern]]:
    """(route, pattern) of every back-office route, walking nested includes."""
    found: list[tuple[str, URLPattern]] = []

    def walk(patterns: list[Any], prefix: str, namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
            elif namespace == "web":
                found.append((prefix + str(p.pattern), p))

    walk(get_resolver().url_patterns, "", None)
    return found


WEB = _web_patterns()
COMPANY_PAGES = [(route, p) for route, p in WEB if getattr(p.callback, ACCESS_ATTRIBUTE)[0] == "company"]


def test_the_walk_finds_the_back_office() -> None:
    names = {p.name for _, p in WEB}
    assert {"home", "orders", "invoice_void", "customer", "tokens", "fees", "inventory_line"} <= names
    assert len(COMPANY_PAGES) >= 29


def test_every_routed_view_declares_who_may_open_it() -> None:
    undeclared = [route for route, p in WEB if not getattr(p.callback, ACCESS_ATTRIBUTE, None)]
    assert undeclared == []
    kinds = {p.name: getattr(p.callback, ACCESS_ATTRIBUTE)[0] for _, p in WEB}
    # Only sign-in, sign-out and the first-run page are open to anyone (static files are served by
    # WhiteNoise's middleware, outside the URLconf).
    assert sorted(n for n, k in kinds.items() if k == "public") == ["first_run", "login", "logout"]
    for _, p in COMPANY_PAGES:
        _, read, change = getattr(p.callback, ACCESS_ATTRIBUTE)
        assert isinstance(read, Perm) and isinstance(change, Perm)


def test_a_view_cannot_be_wrapped_without_a_permission() -> None:
    from stemlink.web.access import company_page

    with pytest.raises(TypeError):
        company_page(lambda request: None)  # type: ignore[arg-type]


@pytest.fixture
def objects(world: World) -> dict[str, Any]:
    token, _ = create_token(world.company, token_type="company", description="matrix", methods="all")
    endpoint, _ = add_endpoint(world.company, url="https://partner.example/hook")
    invoice = web_order_invoice(world)
    return {
        "token_id": token.pk,
        "endpoint_id": endpoint.pk,
        "delivery_id": 999_999,  # none exists: an allowed role gets "not found", a refused one 403
        "customer_id": world.customer.pk,
        "view": "onhand",
        "line_id": make_line(world).pk,
        "invoice_id": invoice.pk,
        "prebook_id": web_order_prebook(world).pk,
        # Setup's master-data pages
        "product_id": world.product.pk,
        "category_id": world.roses.pk,
        "box_type_id": world.hb.pk,
        "carrier_id": world.carrier.pk,
        "grower_id": world.vendor.pk,
        "location_id": world.location.pk,
        "ship_to_id": make_ship_to(world.customer).pk,
        "member_id": make_user(world.company, username="matrix-user", role="sales_rep").memberships.get().pk,
        "entry_id": start_entry(
            world.company,
            customer_id=world.customer.pk,
            carrier_id=world.carrier.pk,
            ship_date=timezone.now().date(),
        ).pk,
        "standing_id": create_standing_order(
            world.company,
            customer=world.customer,
            carrier=world.carrier,
            days="Monday",
            start_date=timezone.now().date(),
            items=[
                StandingLineRequest(
                    "", "HB", 1, Decimal("0.80"), product_id=world.product.pk, bunches=10, stems_bunch=25
                )
            ],
        ).pk,
        "order_id": purchase_order(world).pk,
    }


def _url(pattern_route: str, values: dict[str, Any]) -> str:
    url = "/" + pattern_route
    for key, value in values.items():
        for conv in ("int", "str", "path"):
            url = url.replace(f"<{conv}:{key}>", str(value))
    assert "<" not in url, url
    return url


def _client(world: World, role: str) -> Client:
    client = Client()
    client.force_login(make_user(world.company, username=f"m-{role}", role=role))
    return client


@pytest.mark.parametrize("role", ROLES)
def test_every_page_and_action_answers_each_role_as_the_map_says(
    world: World, objects: dict[str, Any], role: str
) -> None:
    client = _client(world, role)
    checked = 0
    for route, pattern in COMPANY_PAGES:
        _, read, change = getattr(pattern.callback, ACCESS_ATTRIBUTE)
        url = _url(route, objects)
        got = client.get(url)
        if got.status_code != 405:  # POST-only actions answer GET with 405 for everyone
            if allows(role, read):
                expected = {404} if "delivery_id" in route else {200}
                assert got.status_code in expected, (role, url, got.status_code)
            else:
                assert got.status_code == 403, (role, url, got.status_code)
        posted = client.post(url, {"action": "nothing-in-particular"})
        if allows(role, change):
            assert posted.status_code != 403, (role, url)
        else:
            assert posted.status_code == 403, (role, url, posted.status_code)
        checked += 1
    assert checked == len(COMPANY_PAGES)


@pytest.mark.parametrize("role", ROLES)
def test_a_refused_post_changes_nothing(world: World, objects: dict[str, Any], role: str) -> None:
    client = _client(world, role)
    invoice = Invoice.objects.get(pk=objects["invoice_id"])
    client.post(f"/orders/invoices/{invoice.pk}/void/", {"reason": "Customer cancelled by phone"})
    invoice.refresh_from_db()
    voided = invoice.status == InvoiceStatus.VOIDED
    assert voided == allows(role, Perm.INVOICES_VOID)


@pytest.mark.parametrize("role", ROLES)
def test_reserving_on_a_line_page_needs_the_reservations_right(
    world: World, objects: dict[str, Any], role: str
) -> None:
    from stemlink.inventory.models import InventoryLine

    client = _client(world, role)
    line = InventoryLine.objects.get(pk=objects["line_id"])
    answer = client.post(
        f"/inventory/onhand/{line.pk}/",
        {"action": "reserve", "customer": world.customer.pk, "boxes": 1},
    )
    reserved = InventoryLine.objects.filter(company=world.company, reserved_for=world.customer).exists()
    assert reserved == allows(role, Perm.RESERVATIONS_CHANGE)
    if not allows(role, Perm.INVENTORY_EDIT) or not allows(role, Perm.RESERVATIONS_CHANGE):
        assert answer.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_costs_and_fees_are_shown_only_to_the_roles_that_may_see_them(
    world: World, objects: dict[str, Any], role: str
) -> None:
    client = _client(world, role)
    inventory = client.get("/inventory/").content.decode()
    assert ('<th class="num">Cost</th>' in inventory) == allows(role, Perm.COSTS_VIEW)
    home = client.get("/").content.decode()
    assert ('id="fees-today"' in home) == allows(role, Perm.FEES_VIEW)
    invoices = client.get("/orders/invoices/").content.decode()
    assert ('<th class="num">Fee</th>' in invoices) == allows(role, Perm.FEES_VIEW)
    invoice = client.get(f"/orders/invoices/{objects['invoice_id']}/").content.decode()
    assert ('id="void-form"' in invoice) == allows(role, Perm.INVOICES_VOID)
    assert ("Transaction fee" in invoice) == allows(role, Perm.FEES_VIEW)
    orders = client.get("/orders/").content.decode()
    assert ('id="confirm-orders"' in orders) == allows(role, Perm.ORDERS_CONFIRM)
