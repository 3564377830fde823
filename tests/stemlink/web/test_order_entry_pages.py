"""Order entry and standing orders in the back office: the pages call the services, name the wrong
field, never answer 500 to junk and never show (or touch) another company's records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from stemlink.orders import entry
from stemlink.orders.models import (
    FeeEntry,
    Invoice,
    InvoiceStatus,
    Origin,
    PrebookStatus,
    StandingOrder,
    StandingOrderStatus,
    WebOrder,
    WebOrderStatus,
)
from stemlink.orders.standing import StandingLineRequest, create_standing_order
from tests.factories import World, make_future_line, make_line, make_ship_to, make_user

pytestmark = pytest.mark.django_db


def _start_form(world: World, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "invoice",
        "customer": world.customer.pk,
        "ship_to": "",
        "carrier": world.carrier.pk,
        "ship_date": timezone.now().date().isoformat(),
    }
    data.update(overrides)
    return data


def test_a_rep_takes_an_order_and_confirms_it_with_no_fee(world: World, rep_client: Client) -> None:
    world.company.transaction_fee_percent = Decimal("2.00")
    world.company.save()
    line = make_line(world, boxes_on_hand=8)
    ship_to = make_ship_to(world.customer, name="Rosa's Florist")
    assert rep_client.get(reverse("web:entry_new")).status_code == 200
    options = rep_client.get(reverse("web:entry_ship_tos"), {"customer": world.customer.pk}).content.decode()
    assert f'value="{ship_to.pk}"' in options

    started = rep_client.post(reverse("web:entry_new"), _start_form(world, ship_to=ship_to.pk))
    assert started.status_code == 302
    found = WebOrder.objects.get(rep_entered=True)
    assert started["Location"] == reverse("web:entry", args=[found.pk])
    page = rep_client.get(started["Location"]).content.decode()
    assert world.product.description in page and 'id="line-search"' in page
    fragment = rep_client.get(reverse("web:entry_search", args=[found.pk]), {"q": "freedom"}).content.decode()
    assert f'data-line="{line.pk}"' in fragment and "0.80" in fragment
    nothing = rep_client.get(reverse("web:entry_search", args=[found.pk]), {"q": "orchid"}).content.decode()
    assert "Nothing with boxes free matches" in nothing

    rep_client.post(started["Location"], {"action": "add", "line": line.pk, "boxes": "3"})
    line.refresh_from_db()
    assert line.boxes_held == 3
    done = rep_client.post(started["Location"], {"action": "confirm", "po_number": "PHONE-1"})
    invoice = Invoice.objects.get(web_order=found)
    assert done["Location"] == reverse("web:invoice", args=[invoice.pk])
    shown = rep_client.get(done["Location"]).content.decode()
    assert "Confirmed" in shown and "no marketplace fee" in shown
    assert invoice.status == InvoiceStatus.CONFIRMED and invoice.ship_to == ship_to
    assert not FeeEntry.objects.exists()


def test_the_start_form_names_each_wrong_field(world: World, rep_client: Client, other_world: World) -> None:
    answer = rep_client.post(
        reverse("web:entry_new"),
        _start_form(world, customer="abc", carrier="", ship_date="31/12/2026", kind="gift"),
    )
    assert answer.status_code == 400
    form = answer.context["form"]
    assert set(form.errors) == {"customer", "carrier", "ship_date", "kind"}
    theirs = rep_client.post(reverse("web:entry_new"), _start_form(world, customer=other_world.customer.pk))
    assert theirs.status_code == 400 and "customer" in theirs.context["form"].errors
    stranger = make_ship_to(other_world.customer)
    wrong = rep_client.post(reverse("web:entry_new"), _start_form(world, ship_to=stranger.pk))
    assert "ship_to" in wrong.context["form"].errors
    past = (timezone.now().date() - dt.timedelta(days=2)).isoformat()
    late = rep_client.post(reverse("web:entry_new"), _start_form(world, ship_date=past))
    assert late.status_code == 400 and "in the past" in str(late.context["form"].errors["ship_date"])
    assert not WebOrder.objects.exists()
    # Another company's customer never lends its ship-tos to the picker.
    options = rep_client.get(reverse("web:entry_ship_tos"), {"customer": other_world.customer.pk})
    assert f'value="{stranger.pk}"' not in options.content.decode()


def test_junk_on_an_entry_never_answers_500_and_holds_nothing(world: World, rep_client: Client) -> None:
    line = make_line(world, boxes_on_hand=2)
    found = entry.start_entry(
        world.company,
        customer_id=world.customer.pk,
        carrier_id=world.carrier.pk,
        ship_date=timezone.now().date(),
    )
    url = reverse("web:entry", args=[found.pk])
    for data in (
        {"action": "add", "line": line.pk, "boxes": "abc"},
        {"action": "add", "line": line.pk, "boxes": "-1"},
        {"action": "add", "line": line.pk, "boxes": "99999999999999999999999"},
        {"action": "add", "line": "x", "boxes": "1"},
        {"action": "add", "line": line.pk, "boxes": "3"},  # more than are free
        {"action": "add", "line": "999999999", "boxes": "1"},
        {"action": "remove", "item": "nope"},
        {"action": "remove", "item": "424242"},
        {"action": "confirm", "po_number": "x" * 61},
        {"action": "checkout"},  # no lines yet
        {"action": "launch"},
        {},
    ):
        answer = rep_client.post(url, data, follow=True)
        assert answer.status_code in (200, 400), data
    page = rep_client.post(
        url, {"action": "add", "line": line.pk, "boxes": "abc"}, follow=True
    ).content.decode()
    assert "Boxes" in page and "whole number" in page
    line.refresh_from_db()
    assert line.boxes_held == 0
    assert (
        rep_client.get(reverse("web:entry_search", args=[found.pk]), {"q": "\u2603" * 300}).status_code == 200
    )


def test_another_companys_entry_invoice_and_standing_order_are_not_found(
    world: World, other_world: World, other_admin_client: Client, admin_client: Client
) -> None:
    found = entry.start_entry(
        world.company,
        customer_id=world.customer.pk,
        carrier_id=world.carrier.pk,
        ship_date=timezone.now().date(),
    )
    line = make_line(world)
    entry.add_entry_line(world.company, found.pk, line_id=line.pk, boxes=1)
    [invoice] = entry.finish_entry(world.company, found.pk, "draft").invoices
    order = _standing(world)
    for url in (
        reverse("web:entry", args=[found.pk]),
        reverse("web:entry_search", args=[found.pk]),
        reverse("web:invoice_search", args=[invoice.pk]),
        reverse("web:standing", args=[order.pk]),
    ):
        assert other_admin_client.get(url).status_code == 404, url
    for url, data in (
        (reverse("web:entry", args=[found.pk]), {"action": "discard"}),
        (
            reverse("web:invoice_lines", args=[invoice.pk]),
            {"action": "delete", "item": invoice.items.get().pk},
        ),
        (reverse("web:invoice_checkout", args=[invoice.pk]), {}),
        (reverse("web:standing", args=[order.pk]), {"action": "pause"}),
    ):
        assert other_admin_client.post(url, data).status_code == 404, url
    invoice.refresh_from_db()
    order.refresh_from_db()
    assert invoice.status == InvoiceStatus.DRAFT and invoice.items.count() == 1
    assert order.status == StandingOrderStatus.ACTIVE
    # A marketplace cart's id is no entry either.
    cart = WebOrder.objects.create(
        company=world.company,
        location=world.location,
        customer=world.customer,
        number=999,
        expires_at=timezone.now(),
    )
    assert admin_client.get(reverse("web:entry", args=[cart.pk])).status_code == 404


def test_a_draft_invoices_lines_change_on_its_page_then_it_is_checked_out(
    world: World, rep_client: Client
) -> None:
    line = make_line(world, boxes_on_hand=10)
    other = make_line(world, boxes_on_hand=5)
    found = entry.start_entry(
        world.company,
        customer_id=world.customer.pk,
        carrier_id=world.carrier.pk,
        ship_date=timezone.now().date(),
    )
    entry.add_entry_line(world.company, found.pk, line_id=line.pk, boxes=2)
    [invoice] = entry.finish_entry(world.company, found.pk, "draft").invoices
    page = rep_client.get(reverse("web:invoice", args=[invoice.pk])).content.decode()
    assert 'id="invoice-checkout"' in page and f'data-line="{other.pk}"' in page
    lines_url = reverse("web:invoice_lines", args=[invoice.pk])
    item = invoice.items.get()
    bad = rep_client.post(
        lines_url, {"action": "update", "item": item.pk, "boxes": "2", "price": "cheap"}, follow=True
    )
    assert "Unit price" in bad.content.decode()
    rep_client.post(lines_url, {"action": "update", "item": item.pk, "boxes": "4", "price": "0.90"})
    rep_client.post(lines_url, {"action": "add", "line": other.pk, "boxes": "1"})
    too_many = rep_client.post(lines_url, {"action": "add", "line": other.pk, "boxes": "50"}, follow=True)
    assert "available" in too_many.content.decode()
    invoice.refresh_from_db()
    assert invoice.items.count() == 2 and invoice.total == Decimal("1100.00")  # 4x250x0.90 + 250x0.80
    rep_client.post(reverse("web:invoice_checkout", args=[invoice.pk]))
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PENDING
    assert not FeeEntry.objects.exists()


def _standing(world: World, **extra: object) -> StandingOrder:
    return create_standing_order(
        world.company,
        customer=world.customer,
        carrier=world.carrier,
        days="Monday",
        start_date=timezone.now().date(),
        items=[
            StandingLineRequest(
                "", "HB", 2, Decimal("0.80"), product_id=world.product.pk, bunches=10, stems_bunch=25
            )
        ],
        **extra,  # type: ignore[arg-type]
    )


def test_a_standing_order_is_created_on_its_form_with_wrong_fields_named(
    world: World, rep_client: Client
) -> None:
    make_line(world)  # prices the product in HB
    world.customer.ecommerce_markup = Decimal("10")  # the marketplace's price, not a rep's
    world.customer.save()
    url = reverse("web:standing_new")
    today = timezone.now().date()
    bad = rep_client.post(
        url,
        {
            "customer": world.customer.pk,
            "carrier": world.carrier.pk,
            "start_date": today.isoformat(),
            "end_date": (today - dt.timedelta(days=1)).isoformat(),
            "product_0": world.product.pk,
            "boxes_0": "two",
        },
    )
    assert bad.status_code == 400
    assert {"days", "end_date", "boxes_0", "box_type_0"} <= set(bad.context["form"].errors)
    good = rep_client.post(
        url,
        {
            "customer": world.customer.pk,
            "carrier": world.carrier.pk,
            "days": ["Monday", "Thursday"],
            "start_date": today.isoformat(),
            "product_0": world.product.pk,
            "box_type_0": world.hb.pk,
            "boxes_0": "2",
        },
    )
    order = StandingOrder.objects.get()
    assert good["Location"] == reverse("web:standing", args=[order.pk])
    assert order.days == "Monday,Thursday" and order.created_by_token_id is None
    assert order.items.get().unit_price == Decimal("0.80")  # the customer's own price now
    assert "Monday, Thursday" in rep_client.get(good["Location"]).content.decode()


def test_a_standing_order_is_paused_resumed_and_ended_from_its_page(
    world: World, rep_client: Client, admin_client: Client
) -> None:
    order = _standing(world)
    made_by_api = _standing(world, token_id=77)
    listing = rep_client.get(reverse("web:standing_orders")).content.decode()
    assert "Back office" in listing and "Marketplace API" in listing
    url = reverse("web:standing", args=[order.pk])
    rep_client.post(url, {"action": "pause"})
    order.refresh_from_db()
    assert order.status == StandingOrderStatus.PAUSED
    assert "none while paused" in rep_client.get(url).content.decode()
    paused_list = rep_client.get(reverse("web:standing_orders"), {"status": "paused"}).content.decode()
    assert (
        f'href="{url}"' in paused_list and reverse("web:standing", args=[made_by_api.pk]) not in paused_list
    )
    again = rep_client.post(url, {"action": "pause"}, follow=True).content.decode()
    assert "cannot be paused" in again
    junk = rep_client.post(url, {"action": "snooze"}, follow=True)
    assert junk.status_code == 200 and "Choose pause, resume or end" in junk.content.decode()
    rep_client.post(url, {"action": "resume"})
    rep_client.post(url, {"action": "end"})
    order.refresh_from_db()
    assert order.status == StandingOrderStatus.CANCELLED and order.end_date == timezone.now().date()
    assert rep_client.get(reverse("web:standing_orders"), {"status": "junk", "page": "x"}).status_code == 200


def test_warehouse_sees_standing_orders_but_changes_nothing(world: World) -> None:
    order = _standing(world)
    client = Client()
    client.force_login(make_user(world.company, role="warehouse"))
    url = reverse("web:standing", args=[order.pk])
    page = client.get(url).content.decode()
    assert 'id="pause"' not in page
    assert client.post(url, {"action": "pause"}).status_code == 403
    assert client.get(reverse("web:entry_new")).status_code == 403
    order.refresh_from_db()
    assert order.status == StandingOrderStatus.ACTIVE
    assert WebOrder.objects.filter(status=WebOrderStatus.PENDING).count() == 0


def test_a_reps_prebook_loses_a_line_then_is_cancelled_on_its_page(
    world: World, rep_client: Client, other_admin_client: Client
) -> None:
    first = make_future_line(world, boxes=10)
    second = make_future_line(world, boxes=10)
    truck = first.available_from
    found = entry.start_entry(
        world.company,
        customer_id=world.customer.pk,
        carrier_id=world.carrier.pk,
        ship_date=truck,
        origin=Origin.FUTURE,
    )
    entry.add_entry_line(world.company, found.pk, line_id=first.pk, boxes=2)
    entry.add_entry_line(world.company, found.pk, line_id=second.pk, boxes=3)
    [prebook] = entry.finish_entry(world.company, found.pk, "checkout").prebooks
    page = rep_client.get(reverse("web:prebook", args=[prebook.pk])).content.decode()
    assert 'id="prebook-cancel"' in page and "no marketplace fee" in page
    url = reverse("web:prebook_change", args=[prebook.pk])
    assert other_admin_client.post(url, {"action": "cancel"}).status_code == 404
    junk_posts = (
        {"action": "remove", "item": "x"},
        {"action": "remove", "item": "999999"},
        {"action": "melt"},
    )
    for junk in junk_posts:
        assert rep_client.post(url, junk, follow=True).status_code == 200
    item = prebook.items.get(future_line=second)
    rep_client.post(url, {"action": "remove", "item": item.pk})
    second.refresh_from_db()
    assert second.boxes_sold == 0 and prebook.items.count() == 1
    rep_client.post(url, {"action": "cancel"})
    prebook.refresh_from_db()
    first.refresh_from_db()
    assert prebook.status == PrebookStatus.CANCELLED and first.boxes_sold == 0
    assert not FeeEntry.objects.exists()
