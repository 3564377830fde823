"""Inventory pages: lines with available / held / sold, filters, add and edit, reserving for a customer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from stemlink.inventory.models import FutureLine, InventoryLine
from tests.factories import World, make_future_line, make_line

pytestmark = pytest.mark.django_db


def test_lists_lines_with_available_held_and_sold(world: World, rep_client: Client) -> None:
    make_line(world, boxes_on_hand=10, boxes_held=2, boxes_sold=3, awb="AWB-777")
    page = rep_client.get(reverse("web:inventory")).content.decode()
    assert "AWB-777" in page
    assert 'id="boxes-available">5<' in page and 'id="boxes-held">2<' in page and 'id="boxes-sold">3<' in page


def test_search_and_filters(world: World, rep_client: Client) -> None:
    make_line(world, awb="AWB-ONE")
    make_line(world, awb="AWB-TWO", box_type=world.fb)
    page = rep_client.get(reverse("web:inventory"), {"q": "AWB-ONE"}).content.decode()
    assert "AWB-ONE" in page and "AWB-TWO" not in page
    page = rep_client.get(reverse("web:inventory"), {"box_type": world.fb.pk}).content.decode()
    assert "AWB-TWO" in page and "AWB-ONE" not in page


def test_future_lines_view(world: World, admin_client: Client) -> None:
    line = make_future_line(world, boxes=20)
    page = admin_client.get(reverse("web:inventory"), {"view": "future"}).content.decode()
    assert reverse("web:inventory_line", args=["future", line.pk]) in page


def _pack(world: World) -> dict[str, object]:
    return {
        "product": world.product.pk,
        "box_type": world.hb.pk,
        "vendor": world.vendor.pk,
        "unit_type": "Stem",
        "bunches": 10,
        "stems_bunch": 25,
        "unit_cost": "0.45",
        "price": "0.85",
    }


def test_adds_an_on_hand_line(world: World, admin_client: Client) -> None:
    today = dt.date.today().isoformat()
    response = admin_client.post(
        reverse("web:inventory_new", args=["onhand"]),
        {**_pack(world), "inventory_type": "M", "quantity": 7, "awb": "123-456", "ship_date": today},
    )
    line = InventoryLine.objects.get(awb="123-456")
    assert response["Location"] == reverse("web:inventory_line", args=["onhand", line.pk])
    assert (line.boxes_on_hand, line.units_per_box, line.price) == (7, 250, Decimal("0.85"))


def test_adds_a_future_line_and_refuses_dates_out_of_order(world: World, admin_client: Client) -> None:
    url = reverse("web:inventory_new", args=["future"])
    bad = admin_client.post(
        url, {**_pack(world), "boxes": 5, "available_from": "2026-12-10", "available_to": "2026-12-01"}
    )
    assert bad.status_code == 200 and "cannot be before" in bad.content.decode()
    assert 'value="2026-12-10"' in bad.content.decode()
    admin_client.post(
        url, {**_pack(world), "boxes": 5, "available_from": "2026-12-01", "available_to": "2026-12-10"}
    )
    assert FutureLine.objects.get().boxes == 5


def test_add_refuses_bad_input_next_to_each_field(
    world: World, other_world: World, admin_client: Client
) -> None:
    response = admin_client.post(
        reverse("web:inventory_new", args=["onhand"]),
        {**_pack(world), "product": other_world.product.pk, "quantity": 0, "bunches": "x", "awb": ""},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="field-error"') >= 4
    assert not InventoryLine.objects.exists()


def test_edits_a_line_but_never_below_what_is_held_or_sold(world: World, admin_client: Client) -> None:
    line = make_line(world, boxes_on_hand=10, boxes_held=2, boxes_sold=3)
    url = reverse("web:inventory_line", args=["onhand", line.pk])
    response = admin_client.post(url, {"action": "edit", "boxes": 4, "unit_cost": "0.5", "price": "0.9"})
    assert response.status_code == 200 and "cannot have fewer than 5" in response.content.decode()
    admin_client.post(url, {"action": "edit", "boxes": 12, "unit_cost": "0.5", "price": ""})
    line.refresh_from_db()
    assert line.boxes_on_hand == 12 and line.price is None


def test_reserves_boxes_for_a_customer_and_shows_them_on_its_page(world: World, admin_client: Client) -> None:
    line = make_line(world, boxes_on_hand=10)
    url = reverse("web:inventory_line", args=["onhand", line.pk])
    response = admin_client.post(url, {"action": "reserve", "customer": world.customer.pk, "boxes": 4})
    reserved = InventoryLine.objects.get(reserved_for=world.customer)
    assert response["Location"] == reverse("web:inventory_line", args=["onhand", reserved.pk])
    assert reserved.boxes_on_hand == 4
    page = admin_client.get(reverse("web:customer", args=[world.customer.pk])).content.decode()
    assert reverse("web:inventory_line", args=["onhand", reserved.pk]) in page
    too_many = admin_client.post(url, {"action": "reserve", "customer": world.customer.pk, "boxes": 50})
    assert "only 6 free box(es)" in too_many.content.decode()
