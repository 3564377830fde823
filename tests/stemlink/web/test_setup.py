"""Setup » Settings (company settings) and Setup » Customers (filters, Excel export, pricing terms)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from stemlink.customers.models import Customer
from tests.factories import World, make_customer, make_user

pytestmark = pytest.mark.django_db

SETTINGS = {
    "transaction_fee_percent": "2.25",
    "checkout_timer_minutes": "45",
    "autoconfirm_on_checkout": "on",
    "gross_margin_percent": "35",
    "standing_order_lead_days": "10",
    "time_zone": "America/Bogota",
    "address": "Calle 26 #92-32, Bogotá",
}


def test_saves_company_settings(world: World, admin_client: Client) -> None:
    response = admin_client.post(reverse("web:settings"), SETTINGS, follow=True)
    assert "Settings saved" in response.content.decode()
    world.company.refresh_from_db()
    c = world.company
    assert (c.transaction_fee_percent, c.checkout_timer_minutes, c.autoconfirm_on_checkout) == (
        Decimal("2.25"),
        45,
        True,
    )
    assert (c.gross_margin_percent, c.standing_order_lead_days) == (Decimal("35.00"), 10)
    assert (c.time_zone, c.address) == ("America/Bogota", "Calle 26 #92-32, Bogotá")


def test_refuses_a_time_zone_not_in_the_iana_database(world: World, admin_client: Client) -> None:
    response = admin_client.post(reverse("web:settings"), {**SETTINGS, "time_zone": "Miami"})
    assert response.status_code == 200
    assert "is not an IANA time zone name" in response.content.decode()
    world.company.refresh_from_db()
    assert world.company.time_zone == "UTC"
    assert world.company.transaction_fee_percent != Decimal("2.25")


def test_settings_show_the_currency_and_time_zone(world: World, admin_client: Client) -> None:
    page = admin_client.get(reverse("web:settings")).content.decode()
    assert 'id="settings-currency">USD<' in page
    assert 'value="UTC"' in page


def test_new_gross_margin_moves_every_customers_pricing_clock(world: World, admin_client: Client) -> None:
    before = Customer.objects.get(pk=world.customer.pk).pricing_updated_on
    admin_client.post(reverse("web:settings"), SETTINGS)
    assert Customer.objects.get(pk=world.customer.pk).pricing_updated_on > before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("transaction_fee_percent", "101", "less than or equal to 100"),
        ("transaction_fee_percent", "abc", "Enter a number"),
        ("checkout_timer_minutes", "0", "greater than or equal to 1"),
        ("checkout_timer_minutes", "2.5", "Enter a whole number"),
        ("gross_margin_percent", "99", "less than or equal to 95"),
        ("standing_order_lead_days", "-3", "greater than or equal to 1"),
    ],
)
def test_refuses_bad_settings_next_to_the_field_and_keeps_the_input(
    world: World, admin_client: Client, field: str, value: str, message: str
) -> None:
    response = admin_client.post(reverse("web:settings"), {**SETTINGS, field: value})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="{field}-error">' in page and message in page
    assert f'value="{value}"' in page
    world.company.refresh_from_db()
    assert world.company.checkout_timer_minutes == 30


def test_filters_customers_and_exports_the_filtered_rows_with_their_ids(
    world: World, admin_client: Client
) -> None:
    rep = make_user(world.company, username="sam", role="sales_rep")
    a = make_customer(world.company, name="Rosa Florist", code="ROSA", sales_rep=rep)
    make_customer(world.company, name="Rosa Wholesale", code="ROSW", customer_type="wholesaler")
    make_customer(world.company, name="Tulip Shop", code="TULIP", active=False)
    page = admin_client.get(
        reverse("web:customers"), {"name": "rosa", "customer_type": "florist"}
    ).content.decode()
    assert "Rosa Florist" in page and "Rosa Wholesale" not in page and "Tulip Shop" not in page
    assert (
        "Rosa Florist" in admin_client.get(reverse("web:customers"), {"sales_rep": rep.pk}).content.decode()
    )
    inactive = admin_client.get(reverse("web:customers"), {"active": "no"}).content.decode()
    assert "Tulip Shop" in inactive and "Rosa Florist" not in inactive

    export = admin_client.get(reverse("web:customers_export"), {"name": "rosa"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(
        load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.iter_rows(values_only=True)
    )
    assert rows[0][:3] == ("ID", "Code", "Name")
    assert {(r[0], r[1]) for r in rows[1:]} == {
        (a.pk, "ROSA"),
        (Customer.objects.get(code="ROSW").pk, "ROSW"),
    }


def test_export_without_filters_has_every_customer_of_the_company_only(
    world: World, other_world: World, admin_client: Client
) -> None:
    rows = list(
        load_workbook(
            io.BytesIO(b"".join(admin_client.get(reverse("web:customers_export")).streaming_content))
        ).active.iter_rows(values_only=True)
    )
    assert [r[0] for r in rows[1:]] == [world.customer.pk]


def test_bad_filter_values_do_not_break_the_list(world: World, admin_client: Client) -> None:
    response = admin_client.get(reverse("web:customers"), {"sales_rep": "x", "customer_type": "alien"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_customer_page_shows_ship_tos_and_saves_pricing_terms(world: World, admin_client: Client) -> None:
    from tests.factories import make_ship_to

    make_ship_to(world.customer, name="Rosa's Florist Miami")
    url = reverse("web:customer", args=[world.customer.pk])
    assert "Rosa&#x27;s Florist Miami" in admin_client.get(url).content.decode()
    before = world.customer.pricing_updated_on
    admin_client.post(
        url,
        {
            "default_price": "B",
            "price_b_markup_kind": "percent",
            "price_b_markup": "10",
            "ecommerce_markup_kind": "amount",
            "ecommerce_markup": "0.05",
        },
    )
    world.customer.refresh_from_db()
    assert world.customer.default_price == "B" and world.customer.price_b_markup == Decimal("10")
    assert world.customer.ecommerce_markup_kind == "amount" and world.customer.ecommerce_markup == Decimal(
        "0.05"
    )
    assert world.customer.pricing_updated_on > before


def test_refuses_a_negative_markup_next_to_the_field(world: World, admin_client: Client) -> None:
    url = reverse("web:customer", args=[world.customer.pk])
    response = admin_client.post(
        url,
        {
            "default_price": "A",
            "price_b_markup_kind": "percent",
            "price_b_markup": "-1",
            "ecommerce_markup_kind": "bogus",
            "ecommerce_markup": "x",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="price_b_markup-error"' in page and 'id="ecommerce_markup_kind-error"' in page
    assert 'value="-1"' in page
    world.customer.refresh_from_db()
    assert world.customer.price_b_markup == 0


def test_reserves_and_releases_inventory_from_the_customer_page(world: World, admin_client: Client) -> None:
    from stemlink.inventory.models import InventoryLine
    from tests.factories import make_line

    line = make_line(world, boxes_on_hand=10)
    url = reverse("web:customer", args=[world.customer.pk])
    assert 'id="id_line_search"' in admin_client.get(url).content.decode()  # the line is searched for
    found = admin_client.get(reverse("web:pick_line"), {"field": "line", "line_search": "freedom"})
    assert f"#{line.pk} Rose Freedom 50cm HB · 10 free" in found.content.decode()
    bad = admin_client.post(url, {"action": "reserve", "line": line.pk, "boxes": 11})
    assert bad.status_code == 200 and "only 10 free box(es)" in bad.content.decode()
    admin_client.post(url, {"action": "reserve", "line": line.pk, "boxes": 4})
    reserved = InventoryLine.objects.get(reserved_for=world.customer)
    assert reserved.boxes_on_hand == 4
    admin_client.post(url, {"action": "release", "line": reserved.pk})
    reserved.refresh_from_db()
    assert reserved.boxes_on_hand == 0
    assert InventoryLine.objects.filter(reserved_for__isnull=True, boxes_on_hand=4).exists()


def test_cannot_reserve_another_companys_line_from_the_customer_page(
    world: World, other_world: World, admin_client: Client
) -> None:
    from stemlink.inventory.models import InventoryLine
    from tests.factories import make_line

    theirs = make_line(other_world, boxes_on_hand=10)
    response = admin_client.post(
        reverse("web:customer", args=[world.customer.pk]), {"action": "reserve", "line": theirs.pk}
    )
    assert "Select a valid choice" in response.content.decode()
    assert not InventoryLine.objects.filter(reserved_for__isnull=False).exists()


def test_settings_page_lists_the_location_and_carrier_ids_a_marketplace_asks_for(
    world: World, other_world: World, admin_client: Client
) -> None:
    page = admin_client.get(reverse("web:settings")).content.decode()
    assert f'<td class="num">{world.location.pk}</td><td>MIA</td>' in page
    assert f'<td class="num">{world.carrier.pk}</td><td>ARM</td>' in page
    assert f'<td class="num">{other_world.location.pk}</td><td>MIA</td>' not in page
