"""Setup » Products, Categories, Box types, Carriers, Growers, Locations, Users; new and edited
customers and their ship-tos: lists, forms naming the wrong field, the services' effects (outbox
events, the feed's clock), roles, and another company's ids answering 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from stemlink.catalog.models import BoxType, Carrier, Category, Product, Vendor
from stemlink.customers.models import Customer, ShipTo
from stemlink.integrations.models import OutboxEvent
from stemlink.tenancy.models import Location, Membership
from tests.factories import (
    World,
    make_customer,
    make_future_line,
    make_line,
    make_product,
    make_ship_to,
    make_user,
)

pytestmark = pytest.mark.django_db


def test_an_admin_adds_a_product_and_a_wrong_field_is_named(world: World, admin_client: Client) -> None:
    page = admin_client.get("/setup/products/new/")
    assert page.status_code == 200
    bad = admin_client.post(
        "/setup/products/new/",
        {"code": world.product.code, "description": "Rose Vendela", "category": world.roses.pk},
    )
    assert bad.status_code == 200
    assert "is already used by another product" in bad.content.decode()
    assert not Product.objects.filter(description="Rose Vendela").exists()
    missing = admin_client.post("/setup/products/new/", {"code": "VEN-50", "description": "", "category": ""})
    body = missing.content.decode()
    assert 'id="description-error"' in body and 'id="category-error"' in body
    done = admin_client.post(
        "/setup/products/new/",
        {"code": "VEN-50", "description": "Rose Vendela 50cm", "category": world.roses.pk, "active": "on"},
    )
    product = Product.objects.get(company=world.company, code="VEN-50")
    assert done.status_code == 302 and done["Location"] == f"/setup/products/{product.pk}/"
    assert product.active and product.category == world.roses


def test_hiding_a_product_on_its_page_records_events_for_its_lines(
    world: World, admin_client: Client
) -> None:
    line = make_line(world)
    before = world.product.updated_on
    got = admin_client.post(
        f"/setup/products/{world.product.pk}/",
        {"code": world.product.code, "description": world.product.description, "category": world.roses.pk},
    )
    assert got.status_code == 302
    world.product.refresh_from_db()
    assert world.product.active is False and world.product.updated_on > before
    event = OutboxEvent.objects.filter(company=world.company, event_type="inventory.changed").latest("id")
    data = event.payload.get("data", event.payload)
    assert data["inventoryId"] == line.pk and data["quantity"] == 0 and data["reason"] == "product_hidden"


def test_a_products_page_shows_its_lines_on_hand_and_to_come(world: World, admin_client: Client) -> None:
    on_hand = make_line(world, awb="369-ONHAND")
    future = make_future_line(world)
    body = admin_client.get(f"/setup/products/{world.product.pk}/").content.decode()
    assert "369-ONHAND" in body
    assert f"/inventory/onhand/{on_hand.pk}/" in body and f"/inventory/future/{future.pk}/" in body


@pytest.mark.parametrize(
    ("slug", "values", "model", "lookup"),
    [
        ("categories", {"name": "Hydrangeas", "active": "on"}, Category, {"name": "Hydrangeas"}),
        ("box-types", {"code": "eb", "description": "Eighth", "fbe": "0.125"}, BoxType, {"code": "EB"}),
        ("carriers", {"code": "FEDX", "name": "FedEx", "active": "on"}, Carrier, {"code": "FEDX"}),
        ("growers", {"code": "FINCA", "name": "Finca Azul", "active": "on"}, Vendor, {"code": "FINCA"}),
        ("locations", {"code": "NYC", "name": "New York", "active": "on"}, Location, {"code": "NYC"}),
    ],
)
def test_each_kind_is_added_listed_searched_and_exported(
    world: World, admin_client: Client, slug: str, values: dict[str, str], model: Any, lookup: dict[str, str]
) -> None:
    assert admin_client.post(f"/setup/{slug}/new/", values).status_code == 302
    record = model.objects.get(company=world.company, **lookup)
    listed = admin_client.get(f"/setup/{slug}/", {"q": next(iter(lookup.values()))}).content.decode()
    assert f'data-id="{record.pk}"' in listed
    export = admin_client.get(f"/setup/{slug}/export.xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")
    again = admin_client.post(f"/setup/{slug}/new/", values)
    assert again.status_code == 200 and "already" in again.content.decode()


def test_box_type_fbe_must_be_positive_and_the_field_is_named(world: World, admin_client: Client) -> None:
    got = admin_client.post("/setup/box-types/new/", {"code": "XB", "fbe": "0"})
    assert 'id="fbe-error"' in got.content.decode()
    assert not BoxType.objects.filter(company=world.company, code="XB").exists()


def test_the_last_active_location_cannot_be_deactivated(world: World, admin_client: Client) -> None:
    got = admin_client.post(f"/setup/locations/{world.location.pk}/", {"code": "MIA", "name": "Miami"})
    assert "at least one active location" in got.content.decode()
    world.location.refresh_from_db()
    assert world.location.active


def test_deactivating_a_category_moves_its_products_clock(world: World, admin_client: Client) -> None:
    before = world.product.updated_on
    assert admin_client.post(f"/setup/categories/{world.roses.pk}/", {"name": "Roses"}).status_code == 302
    world.product.refresh_from_db()
    assert world.product.updated_on > before


@pytest.mark.parametrize(
    "url",
    [
        "/setup/products/{product}/",
        "/setup/categories/{category}/",
        "/setup/box-types/{box_type}/",
        "/setup/carriers/{carrier}/",
        "/setup/growers/{grower}/",
        "/setup/locations/{location}/",
        "/setup/customers/{customer}/edit/",
        "/setup/customers/{customer}/ship-tos/new/",
        "/setup/customers/{customer}/ship-tos/{ship_to}/",
        "/setup/users/{member}/",
    ],
)
def test_another_companys_records_are_not_found(
    world: World, other_world: World, admin_client: Client, url: str
) -> None:
    other_member = Membership.objects.get(user=make_user(other_world.company, role="admin"))
    ids = {
        "product": other_world.product.pk,
        "category": other_world.roses.pk,
        "box_type": other_world.hb.pk,
        "carrier": other_world.carrier.pk,
        "grower": other_world.vendor.pk,
        "location": other_world.location.pk,
        "customer": other_world.customer.pk,
        "ship_to": make_ship_to(other_world.customer).pk,
        "member": other_member.pk,
    }
    target = url.format(**ids)
    assert admin_client.get(target).status_code == 404
    assert (
        admin_client.post(
            target, {"name": "Stolen", "code": "X", "role": "admin", "active": "on"}
        ).status_code
        == 404
    )
    other_world.product.refresh_from_db()
    assert other_world.product.description != "Stolen"


def test_a_ship_to_of_another_customer_of_the_same_company_is_not_found(
    world: World, admin_client: Client
) -> None:
    other = make_customer(world.company)
    ship_to = make_ship_to(other)
    assert admin_client.get(f"/setup/customers/{world.customer.pk}/ship-tos/{ship_to.pk}/").status_code == 404


def test_lists_show_only_the_companys_own_records(
    world: World, other_world: World, admin_client: Client
) -> None:
    mine = make_product(world.company, world.roses, description="Mine Rose")
    theirs = make_product(other_world.company, other_world.roses, description="Their Rose")
    body = admin_client.get("/setup/products/").content.decode()
    assert f'data-id="{mine.pk}"' in body and f'data-id="{theirs.pk}"' not in body


def test_a_new_company_sees_what_to_do_next(db: Any) -> None:
    from tests.factories import make_company

    company = make_company("Empty Wholesaler")
    Location.objects.create(company=company, name="Main", code="MAIN")
    client = Client()
    client.force_login(make_user(company, role="admin"))
    products = client.get("/setup/products/").content.decode()
    assert 'data-testid="empty-state"' in products and "/setup/products/new/" in products
    assert "/setup/import/products/" in products
    customers = client.get("/setup/customers/").content.decode()
    assert "/setup/customers/new/" in customers


def test_a_rep_adds_a_customer_but_cannot_change_the_catalog(world: World, rep_client: Client) -> None:
    got = rep_client.post("/setup/customers/new/", {"name": "Petal Pushers", "customer_type": "florist"})
    assert got.status_code == 302
    customer = Customer.objects.get(company=world.company, name="Petal Pushers")
    assert customer.code == "PETALPUSHERS" and customer.default_price == "A"
    assert rep_client.get("/setup/products/").status_code == 200
    assert rep_client.get("/setup/products/new/").status_code == 403
    shown = rep_client.get(f"/setup/products/{world.product.pk}/").content.decode()
    assert 'id="record-form"' not in shown and "<td>Roses</td>" in shown
    assert rep_client.post(f"/setup/products/{world.product.pk}/", {"code": "X"}).status_code == 403
    assert rep_client.get("/setup/users/").status_code == 403
    assert rep_client.get(f"/setup/customers/{customer.pk}/edit/").status_code == 403


def test_an_admin_edits_a_customer_and_its_ship_tos(world: World, admin_client: Client) -> None:
    c = world.customer
    bad = admin_client.post(
        f"/setup/customers/{c.pk}/edit/",
        {"name": c.name, "code": c.code, "customer_type": "florist", "email_for_invoices": "not-an-address"},
    )
    assert 'id="email_for_invoices-error"' in bad.content.decode()
    ok = admin_client.post(
        f"/setup/customers/{c.pk}/edit/",
        {
            "name": "Bloom Renamed",
            "code": c.code,
            "customer_type": "wholesaler",
            "default_carrier": world.carrier.pk,
        },
    )
    assert ok.status_code == 302
    c.refresh_from_db()
    assert c.name == "Bloom Renamed" and c.customer_type == "wholesaler" and not c.active
    assert c.default_carrier == world.carrier
    added = admin_client.post(
        f"/setup/customers/{c.pk}/ship-tos/new/",
        {"name": "Shop Doral", "city": "Doral", "carrier": world.carrier.pk},
    )
    assert added.status_code == 302
    ship_to = ShipTo.objects.get(customer=c, name="Shop Doral")
    assert ship_to.carrier == world.carrier
    admin_client.post(f"/setup/customers/{c.pk}/ship-tos/{ship_to.pk}/", {"name": "Shop Doral 2"})
    ship_to.refresh_from_db()
    assert ship_to.name == "Shop Doral 2"
    admin_client.post(f"/setup/customers/{c.pk}/ship-tos/{ship_to.pk}/", {"action": "deactivate"})
    ship_to.refresh_from_db()
    assert not ship_to.active


def test_a_customers_page_shows_its_documents_and_fees(world: World, admin_client: Client) -> None:
    from tests.stemlink.web.orders_world import web_order_invoice

    invoice = web_order_invoice(world)
    body = admin_client.get(f"/setup/customers/{invoice.customer_id}/").content.decode()
    assert f"/orders/invoices/{invoice.pk}/" in body
    assert 'id="prebooks"' in body and 'id="standing-orders"' in body and 'id="fee-total"' in body


def test_users_are_added_with_a_role_shown_a_password_once_and_deactivated(
    world: World, admin_client: Client, admin_user: Any, caplog: pytest.LogCaptureFixture
) -> None:
    got = admin_client.post(
        "/setup/users/new/", {"username": "rosa", "role": "warehouse", "email": "rosa@x.test"}
    )
    assert got.status_code == 200 and "no-store" in got["Cache-Control"]
    membership = Membership.objects.get(company=world.company, user__username="rosa")
    password = got.context["password"]
    assert membership.role == "warehouse" and membership.user.check_password(password)
    assert password not in caplog.text
    fresh = Client()
    signed_in = fresh.post("/login/", {"username": "rosa", "password": password})
    assert signed_in.status_code == 302 and fresh.get("/inventory/").status_code == 200
    taken = admin_client.post("/setup/users/new/", {"username": "ROSA", "role": "admin"})
    assert 'id="username-error"' in taken.content.decode()
    admin_client.post(f"/setup/users/{membership.pk}/", {"role": "sales_rep", "active": ""})
    membership.refresh_from_db()
    assert membership.role == "sales_rep" and not membership.active
    own = Membership.objects.get(user=admin_user, company=world.company)
    refused = admin_client.post(f"/setup/users/{own.pk}/", {"role": "sales_rep", "active": "on"})
    assert "without an active administrator" in refused.content.decode()
    own.refresh_from_db()
    assert own.role == "admin"


@pytest.mark.parametrize(
    "url",
    [
        "/setup/products/new/",
        "/setup/categories/new/",
        "/setup/box-types/new/",
        "/setup/carriers/new/",
        "/setup/growers/new/",
        "/setup/locations/new/",
        "/setup/customers/new/",
        "/setup/users/new/",
        "/setup/products/?page=abc&active=maybe&category=x",
    ],
)
def test_junk_is_answered_without_a_500(world: World, admin_client: Client, url: str) -> None:
    junk = {
        "code": "x" * 500,
        "name": "\u202e" * 3,
        "description": "",
        "category": "99999999999999999999",
        "fbe": "NaN",
        "active": "maybe",
        "role": "god",
        "customer_type": "alien",
        "sales_rep": "-1",
        "default_carrier": "abc",
        "credit_limit": "1e999",
        "username": "a b/c",
    }
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, junk).status_code in {200, 400}
