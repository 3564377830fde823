"""The purchasing loop in Chromium, as a new user runs it: a purchase order typed in the back
office and confirmed → its future boxes in the marketplace's e-commerce feed → a florist buys
them as a prebook (over HTTP, as a marketplace does) → the boxes received on the order's page →
the prebook's boxes come out of the received line."""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
import urllib.request
from typing import Any

import pytest
from django.utils import timezone

from stemlink.inventory.models import InventoryLine
from stemlink.purchasing.models import Cover, PurchaseOrder
from tests.api_helpers import issue_token
from tests.browser.conftest import screenshot
from tests.factories import make_user, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _call(base: str, method: str, params: dict[str, Any], token: str, account: int) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{base}/api/{method}",
        data=json.dumps(params).encode(),
        headers={"Content-Type": "application/json", "authenticationToken": token, "X-ACCOUNT": str(account)},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def test_a_purchase_order_typed_confirmed_sold_and_received_in_the_browser(
    live_server: Any, browser_page: Any
) -> None:
    world = make_world("Loop Roses")
    make_user(world.company, username="ana", role="admin", password="flowers-2026")
    buyer = issue_token(world.company, "customer", customer=world.customer)
    base = live_server.url
    page = browser_page
    page.goto(f"{base}/login/")
    page.fill("#id_username", "ana")
    page.fill("#id_password", "flowers-2026")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=company-name]")

    # Purchasing » New purchase order: one line of 10 QB.
    page.click("nav.mainnav >> text=Purchasing")
    page.click("text=New purchase order")
    ship = timezone.now().date() + dt.timedelta(days=2)
    # The grower and the product are searched as one types, then chosen among the matches.
    page.fill("#id_vendor_search", "rosas")
    page.wait_for_selector(f"#id_vendor option[value='{world.vendor.pk}']", state="attached")
    page.select_option("#id_vendor", str(world.vendor.pk))
    page.fill("#id_ship_date", ship.isoformat())
    page.fill("#id_line-0-product_search", world.product.code)
    page.wait_for_selector(f"#id_line-0-product option[value='{world.product.pk}']", state="attached")
    page.select_option("#id_line-0-product", str(world.product.pk))
    page.select_option("#id_line-0-box_type", str(world.qb.pk))
    page.fill("#id_line-0-bunches", "10")
    page.fill("#id_line-0-stems_bunch", "25")
    page.fill("#id_line-0-boxes", "10")
    page.fill("#id_line-0-unit_cost", "0.35")
    page.fill("#id_line-0-price", "0.90")
    screenshot(page, "purchasing-new-order")
    page.click("text=Make purchase order")
    page.wait_for_selector("#po-status")
    assert page.inner_text("#po-status") == "Open"
    page.click("text=Grower confirmed")
    page.wait_for_selector("#po-status:has-text('Confirmed by grower')")
    order = PurchaseOrder.objects.get(company=world.company)
    future_id = order.items.get().future_line_id

    # The marketplace sees the future boxes at once and a florist buys 4 of them: a prebook.
    query = urllib.parse.urlencode({"customerId": world.customer.pk, "rows": 50})
    request = urllib.request.Request(
        f"{base}/api/ecommerce/inventory.list?{query}",
        headers={"authenticationToken": buyer, "X-ACCOUNT": str(world.company.pk)},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        feed = json.loads(answer.read())
    offer = next(i for i in feed["inventoryItems"] if i["inventoryOrigin"] == 2)
    assert (int(offer["inventoryIds"]), offer["quantity"]) == (future_id, 10)
    added = _call(
        base,
        "web-order-item.add",
        {
            "customerId": world.customer.pk,
            "inventoryIds": offer["inventoryIds"],
            "inventoryOrigin": 2,
            "price": offer["price"],
            "quantity": 4,
            "carrierId": world.carrier.pk,
            "date": ship.isoformat(),
        },
        buyer,
        world.company.pk,
    )
    checked_out = _call(
        base,
        "web-order.checkout",
        {"customerId": world.customer.pk, "webOrderId": added["webOrderId"]},
        buyer,
        world.company.pk,
    )
    assert checked_out["status"] == 1, checked_out

    # Back on the order's page: the AWB, then 10 boxes received.
    page.reload()
    assert "4 sold of 10" in page.inner_text("#po-items")
    page.fill("#id_awb", "145-2026 0001")
    page.click("button[value=awb]")
    page.wait_for_selector("#po-status:has-text('Shipped')")
    item = order.items.get()
    page.fill(f"input[name=boxes_{item.pk}]", "10")
    page.click("button[value=receive]")
    page.wait_for_selector("text=10 box(es) received on hand.")
    assert page.inner_text("#po-status") == "Received"
    screenshot(page, "purchasing-received")
    line = InventoryLine.objects.get(company=world.company, awb="145-2026 0001")
    assert (line.boxes_on_hand, line.boxes_sold) == (10, 4)
    cover = Cover.objects.get(prebook_item__prebook_id=checked_out["prebooks"][0]["prebookId"])
    assert (cover.inventory_line_id, cover.boxes, cover.uncovered) == (line.pk, 4, False)
