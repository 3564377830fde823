"""A wholesaler's day in Chromium: a sales rep takes a phone order and confirms it; an order left
half-entered gives its boxes back; a standing order is created, paused, resumed and ended."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from stemlink.inventory.models import InventoryLine
from stemlink.orders.models import (
    FeeEntry,
    Invoice,
    InvoiceStatus,
    Prebook,
    StandingOrder,
    StandingOrderStatus,
    WebOrder,
    WebOrderStatus,
)
from stemlink.orders.standing import generate_standing_order_prebooks
from stemlink.orders.weborders import expire_overdue_web_orders
from tests.browser.conftest import screenshot
from tests.factories import World, make_line, make_product, make_ship_to, make_user, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "flowers-2026")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=company-name]")


def _pick(page: Any, select: str, typed: str, label: str) -> None:
    """Choose in a search picker: type in its box, wait for the match, choose it."""
    page.fill(f"{select}_search", typed)
    page.wait_for_selector(f"{select} option:has-text({label!r})", state="attached")
    page.select_option(select, label=label)


def _start_order(page: Any, world: World, ship_to: Any = None) -> None:
    page.click("#nav-new-order")
    page.wait_for_selector("#entry-start")
    _pick(page, "#id_customer", world.customer.name, world.customer.name)
    if ship_to is not None:
        # htmx swaps in this customer's ship-tos.
        page.wait_for_selector(f"#id_ship_to option[value='{ship_to.pk}']", state="attached")
        page.select_option("#id_ship_to", label=f"{ship_to.name}, {ship_to.city}")
    page.select_option("#id_carrier", label=str(world.carrier))
    page.fill("#id_ship_date", timezone.now().date().isoformat())
    page.click("#start-entry")
    page.wait_for_selector("#entry-lines")


def _add(page: Any, search: str, line: InventoryLine, boxes: int) -> None:
    page.fill("#line-search", search)
    # htmx runs the search as the rep types and swaps in what it found.
    page.wait_for_selector(f"#offers[data-q='{search}']")
    assert len(page.query_selector_all("#offers tbody tr[data-line]")) == 1
    row = page.wait_for_selector(f"#offers tr[data-line='{line.pk}']")
    row.query_selector("input[name=boxes]").fill(str(boxes))
    row.query_selector("button[type=submit]").click()
    page.wait_for_selector(f"#entry-lines >> text={line.product.code}")


def test_a_rep_takes_a_phone_order_and_confirms_it(live_server: Any, browser_page: Any) -> None:
    make_world("Other Wholesaler")
    world = make_world("Sunrise Flowers", transaction_fee_percent=Decimal("2.00"))
    make_user(world.company, username="rick", role="sales_rep")
    ship_to = make_ship_to(world.customer, name="Rosa's Florist")
    rose = make_line(world, boxes_on_hand=10)
    tulip = make_line(
        world,
        product=make_product(world.company, world.roses, code="TULY40", description="Tulip Yellow 40cm"),
        boxes_on_hand=6,
        price=Decimal("0.60"),
    )
    page = browser_page
    _sign_in(page, live_server.url, "rick")

    _start_order(page, world, ship_to=ship_to)
    _add(page, "freedom", rose, 3)
    _add(page, "tulip", tulip, 2)
    screenshot(page, "phone-order-lines")
    rose.refresh_from_db()
    tulip.refresh_from_db()
    assert (rose.boxes_held, tulip.boxes_held) == (3, 2)  # held while the rep types
    page.fill("#id_po_number", "PHONE-0930")
    page.click("#confirm-order")
    page.wait_for_selector("#invoice-status")
    screenshot(page, "phone-order-confirmed")

    assert page.inner_text("#invoice-status") == "Confirmed"
    assert "no marketplace fee" in page.inner_text("#invoice-channel")
    invoice = Invoice.objects.get(company=world.company)
    assert invoice.status == InvoiceStatus.CONFIRMED and invoice.ship_to == ship_to
    assert invoice.carrier == world.carrier and invoice.po_number == "PHONE-0930"
    assert invoice.total == Decimal("900.00")  # 3 x 250 x 0.80 + 2 x 250 x 0.60
    assert not FeeEntry.objects.filter(company=world.company).exists()
    rose.refresh_from_db()
    assert (rose.boxes_held, rose.boxes_sold) == (0, 3)


def test_an_order_left_half_entered_gives_its_boxes_back(live_server: Any, browser_page: Any) -> None:
    world = make_world("Sunrise Flowers")
    make_user(world.company, username="rick", role="sales_rep")
    rose = make_line(world, boxes_on_hand=4)
    page = browser_page
    _sign_in(page, live_server.url, "rick")
    _start_order(page, world)
    _add(page, "rose", rose, 4)
    rose.refresh_from_db()
    assert rose.boxes_held == 4

    # The rep hangs up and walks away; the worker's next pass, past the checkout timer, expires it.
    entry = WebOrder.objects.get(rep_entered=True)
    assert expire_overdue_web_orders(entry.expires_at + dt.timedelta(seconds=1)) == 1
    page.reload()
    page.wait_for_selector("#entry-status")
    screenshot(page, "phone-order-expired")
    assert page.inner_text("#entry-status") == "Expired"
    assert "went back to stock" in page.content()
    rose.refresh_from_db()
    entry.refresh_from_db()
    assert rose.boxes_held == 0 and entry.status == WebOrderStatus.EXPIRED
    assert not Invoice.objects.exists()


def test_a_standing_order_is_created_paused_resumed_and_ended(live_server: Any, browser_page: Any) -> None:
    world = make_world("Sunrise Flowers")
    make_user(world.company, username="rick", role="sales_rep")
    make_line(world)  # prices the roses in HB for the customer
    today = timezone.now().date()
    page = browser_page
    _sign_in(page, live_server.url, "rick")

    page.click("#nav-standing-orders")
    page.click("#new-standing-order")
    _pick(page, "#id_customer", world.customer.name, world.customer.name)
    page.select_option("#id_carrier", label=str(world.carrier))
    for day in ("Monday", "Wednesday", "Friday"):
        page.check(f"input[name=days][value={day}]")
    page.fill("#id_start_date", today.isoformat())
    _pick(page, "#id_product_0", world.product.code, str(world.product))
    page.select_option("#id_box_type_0", label=str(world.hb))
    page.fill("#id_boxes_0", "2")
    page.click("#create-standing")
    page.wait_for_selector("#standing-status")
    screenshot(page, "standing-order-created")
    order = StandingOrder.objects.get(company=world.company)
    assert page.inner_text("#standing-status") == "Active" and "Back office" in page.inner_text(
        "#standing-channel"
    )

    page.click("#pause")
    page.wait_for_selector("#resume")
    assert page.inner_text("#standing-status") == "Paused"
    assert generate_standing_order_prebooks(today=today) == 0  # paused: the worker makes nothing
    assert not Prebook.objects.filter(standing_order=order).exists()
    screenshot(page, "standing-order-paused")

    page.click("#resume")
    page.wait_for_selector("#pause")
    made = generate_standing_order_prebooks(today=today)
    assert made >= 3  # Mon, Wed, Fri within the 7 lead days
    page.reload()
    assert len(page.query_selector_all("#standing-prebooks tbody tr a")) == made

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#end")
    page.wait_for_selector("#standing-status:has-text('Ended')")
    order.refresh_from_db()
    assert order.status == StandingOrderStatus.CANCELLED
    assert generate_standing_order_prebooks(today=today + dt.timedelta(days=7)) == 0
    screenshot(page, "standing-order-ended")
