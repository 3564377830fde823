"""Whatever a person (or a bot) sends, the back office answers with a page, never a server error."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from stemlink.api.services import create_token
from stemlink.integrations.services import add_endpoint
from tests.factories import World, make_future_line, make_line
from tests.stemlink.web.orders_world import web_order_invoice

pytestmark = pytest.mark.django_db

JUNK = [
    {},
    {"action": "nonsense"},
    {
        "action": "save",
        "description": "x" * 5000,
        "token_type": "user",
        "customer": "-1",
        "vendor": "abc",
        "methods": ["nope", "'; drop table"],
        "secret_signed": "forged:value",
        "transaction_fee_percent": "1e999",
        "checkout_timer_minutes": "99999999999999999999",
        "gross_margin_percent": "NaN",
        "standing_order_lead_days": "",
        "default_price": "Z",
        "price_b_markup": "Infinity",
        "ecommerce_markup": "-0",
        "url": "javascript:alert(1)",
        "boxes": "-5",
        "unit_cost": "1e10",
        "price": "abc",
        "quantity": "3.5",
        "product": "999999",
        "box_type": "x",
        "ship_date": "2026-02-30",
        "available_from": "tomorrow",
        "available_to": "2026-13-01",
        "reason": "r" * 1000,
        "invoice": ["x", "-1", "999999"],
        "line": "999999",
        "company": "999999",
        "enabled": "maybe",
    },
]


def _urls(world: World) -> list[str]:
    token, _ = create_token(world.company, token_type="company", description="t", methods="all")
    endpoint, _ = add_endpoint(world.company, url="https://partner.example/hook")
    invoice = web_order_invoice(world)
    line = make_line(world)
    future = make_future_line(world)
    return [
        reverse("web:settings"),
        reverse("web:token_new"),
        reverse("web:token", args=[token.pk]),
        reverse("web:token_enable", args=[token.pk]),
        reverse("web:endpoints"),
        reverse("web:endpoint", args=[endpoint.pk]),
        reverse("web:customer", args=[world.customer.pk]),
        reverse("web:inventory_new", args=["onhand"]),
        reverse("web:inventory_new", args=["future"]),
        reverse("web:inventory_line", args=["onhand", line.pk]),
        reverse("web:inventory_line", args=["future", future.pk]),
        reverse("web:orders_confirm"),
        reverse("web:invoice_void", args=[invoice.pk]),
        reverse("web:switch_company"),
        reverse("web:login"),
    ]


def test_junk_posts_never_answer_a_server_error(world: World, admin_client: Client) -> None:
    for url in _urls(world):
        for data in JUNK:
            response = admin_client.post(url, data)
            assert response.status_code < 500, (url, data.get("action"), response.status_code)


def test_junk_query_strings_never_answer_a_server_error(world: World, admin_client: Client) -> None:
    junk = {
        "page": "-1",
        "view": "../../etc",
        "q": "%' OR 1=1 --",
        "category": "x",
        "vendor": "-1",
        "box_type": "1e9",
        "inventory_type": "Q",
        "reserved_for": "abc",
        "available_only": "maybe",
        "status": "99",
        "customer": "x",
        "date_from": "2026-02-30",
        "date_to": "9999-99-99",
        "sales_rep": "x",
        "active": "perhaps",
        "customer_type": "<b>",
    }
    for name in (
        "web:home",
        "web:orders",
        "web:invoices",
        "web:prebooks",
        "web:inventory",
        "web:fees",
        "web:fees_export",
        "web:customers",
        "web:customers_export",
        "web:tokens",
        "web:endpoints",
    ):
        response = admin_client.get(reverse(name), junk)
        assert response.status_code < 500, name


HOSTILE_IDS = ["²", "١٢", "１２", "1²", "9" * 40, str(2**63), "0", "-1"]


def test_ids_of_non_ascii_digits_or_out_of_range_never_answer_a_server_error(
    world: World, admin_client: Client
) -> None:
    from stemlink.web.parsing import parse_id

    for raw in HOSTILE_IDS:
        assert parse_id(raw) is None, raw
        for url in _urls(world):
            for field in ("invoice", "line", "company"):
                response = admin_client.post(url, {field: raw, "action": "release"})
                assert response.status_code < 500, (url, field, raw, response.status_code)
        for name in ("web:invoices", "web:inventory", "web:orders"):
            for field in ("q", "status", "page"):
                response = admin_client.get(reverse(name), {field: raw})
                assert response.status_code < 500, (name, field, raw)
    assert parse_id(" 42 ") == 42 and parse_id(str(2**63 - 1)) == 2**63 - 1


@pytest.mark.parametrize("where", ["query", "form"])
def test_a_nul_character_in_any_back_office_field_is_refused_by_name(
    world: World, admin_client: Client, where: str
) -> None:
    for url in [
        *_urls(world)[:6],
        reverse("web:invoices"),
        reverse("web:customers"),
        reverse("web:inventory"),
    ]:
        if where == "query":
            response = admin_client.get(url, {"q": "rose\x00"})
        else:
            response = admin_client.post(url, {"description": "a\x00b", "action": "save"})
        assert response.status_code == 400, url
        text = html.unescape(response.content.decode())
        assert ("'q'" if where == "query" else "'description'") in text and "NUL" in text


@pytest.mark.parametrize("digits", ["١", "１２", "²", " ٣ "])
def test_a_number_in_digits_other_than_0_9_is_refused_by_name_not_read_as_an_id(
    world: World, admin_client: Client, digits: str
) -> None:
    # Django's ModelChoiceField would read "١" as the id 1: the back office refuses it first.
    response = admin_client.post(
        reverse("web:inventory_new", args=["onhand"]), {"product": digits, "box_type": world.hb.pk}
    )
    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert "'product'" in text and "0-9" in text
    ok = admin_client.get(reverse("web:customers"), {"name": "Rosa ٣ Flores"})  # text with a digit is text
    assert ok.status_code == 200
