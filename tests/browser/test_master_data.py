"""Setup in Chromium, as a wholesaler's administrator does it: a product and a line that the
marketplace then offers; a products spreadsheet refused for one bad cell, then accepted."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from openpyxl import Workbook

from stemlink.api.services import create_token
from stemlink.catalog.models import Product
from stemlink.customers.models import Customer
from stemlink.integrations.models import OutboxEvent
from stemlink.inventory.models import InventoryLine
from tests.browser.conftest import screenshot
from tests.factories import make_user, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "stems-and-petals-2026"


def _sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=company-name]")


def test_an_admin_adds_a_product_and_a_line_and_the_marketplace_offers_it(
    live_server: Any, browser_page: Any
) -> None:
    world = make_world("Sunrise Flowers")
    make_user(world.company, username="maria", role="admin", password=PASSWORD)
    base, page = live_server.url, browser_page
    _sign_in(page, base, "maria")

    # Setup » Products, from the menu.
    page.click("summary:has-text('Setup')")
    page.click(".menu-panel >> text=Products")
    page.click("#new-record")
    # Forgetting the category is named beside its field; nothing is made.
    page.fill("#id_code", "VEN-50")
    page.fill("#id_description", "Rose Vendela 50cm")
    page.click("#save")
    page.wait_for_selector("#category-error")
    assert page.input_value("#id_description") == "Rose Vendela 50cm"
    assert not Product.objects.filter(code="VEN-50").exists()
    page.select_option("#id_category", label="Roses")
    page.fill("#id_color", "White")
    page.fill("#id_grade", "50cm")
    page.click("#save")
    page.wait_for_selector("text=added")
    screenshot(page, "setup-01-product-added")
    product = Product.objects.get(company=world.company, code="VEN-50")
    assert product.active and product.category == world.roses

    # Its page says it has no boxes yet and links to adding a line.
    page.click("#on-hand >> text=Add an on-hand line")
    page.select_option("#id_product", label="Rose Vendela 50cm [VEN-50]")
    page.select_option("#id_box_type", label="HB")
    page.select_option("#id_inventory_type", "M")
    page.fill("#id_quantity", "8")
    page.select_option("#id_unit_type", "Stem")
    page.fill("#id_bunches", "10")
    page.fill("#id_stems_bunch", "25")
    page.fill("#id_unit_cost", "0.40")
    page.fill("#id_price", "0.65")
    page.fill("#id_awb", "729-5555 1234")
    page.fill("#id_ship_date", "2026-12-01")
    page.click("text=Add line")
    page.wait_for_selector("text=added")
    line = InventoryLine.objects.get(company=world.company, product=product)
    assert line.boxes_on_hand == 8

    # The product's page now shows the line on hand.
    page.goto(f"{base}/setup/products/{product.pk}/")
    assert "729-5555 1234" in page.inner_text("#on-hand")
    screenshot(page, "setup-02-product-with-line")

    # A new customer, on the New customer page, for the marketplace that buys from the company.
    page.goto(f"{base}/setup/customers/")
    page.click("#new-customer")
    page.fill("#id_name", "Petal Market")
    page.fill("#id_email_for_invoices", "ap@petal.example")
    page.click("#save")
    page.wait_for_selector("#customer-id")
    customer = Customer.objects.get(company=world.company, name="Petal Market")

    # The partner hears of the new line, and the marketplace's sync finds it in the feed.
    assert OutboxEvent.objects.filter(
        company=world.company, event_type="inventory.changed", payload__inventoryId=line.pk
    ).exists()
    _, secret = create_token(
        world.company, token_type="customer", description="Petal Market", methods="all", customer=customer
    )
    with httpx.Client(base_url=f"{base}/api/", timeout=30) as http:
        feed = http.post(
            "ecommerce/inventory.list",
            json={"customerId": customer.pk},
            headers={"authenticationToken": secret, "X-ACCOUNT": str(world.company.pk)},
        ).json()
        assert feed["status"] == 1, feed
        offered = [i for i in feed["inventoryItems"] if str(line.pk) in str(i["inventoryIds"]).split(",")]
        assert offered and offered[0]["productCode"] == "VEN-50"

        # Hidden on its page, the product leaves the marketplace's next delta with quantity 0.
        page.goto(f"{base}/setup/products/{product.pk}/")
        page.uncheck("#id_active")
        page.click("#save")
        page.wait_for_selector("text=saved")
        delta = http.post(
            "ecommerce/inventory.list",
            json={"customerId": customer.pk, "updatedAsOf": "2000-01-01T00:00:00"},
            headers={"authenticationToken": secret, "X-ACCOUNT": str(world.company.pk)},
        ).json()
    assert delta["status"] == 1, delta
    hidden = [i for i in delta["inventoryItems"] if str(line.pk) in str(i["inventoryIds"]).split(",")]
    assert hidden and int(hidden[0]["quantity"]) == 0


def _workbook(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_products_spreadsheet_with_one_bad_row_is_refused_then_accepted_when_fixed(
    live_server: Any, browser_page: Any
) -> None:
    world = make_world("Sunrise Flowers")
    make_user(world.company, username="maria", role="admin", password=PASSWORD)
    base, page = live_server.url, browser_page
    _sign_in(page, base, "maria")

    page.goto(f"{base}/setup/products/")
    page.click("#import")
    # The template downloads as a workbook.
    with page.expect_download() as download:
        page.click("#template")
    assert download.value.suggested_filename == "products-template.xlsx"

    rows = [
        ["Code", "Description", "Category", "Variety", "Color", "Grade", "Active"],
        ["VEN-50", "Rose Vendela 50cm", "Roses", "Vendela", "White", "50cm", "yes"],
        ["HYD-WHT", "Hydrangea White", "Hydrangeas", "", "White", "", "maybe"],
        ["CARN-RED", "Carnation Red", "Carnations", "", "Red", "", "yes"],
    ]
    page.set_input_files(
        "#file",
        files=[{"name": "products.xlsx", "mimeType": "application/octet-stream", "buffer": _workbook(rows)}],
    )
    page.click("#upload")
    page.wait_for_selector("[data-testid=refused]")
    bad = page.locator("tr[data-row='3'] td.cell-error")
    assert bad.count() == 1
    assert bad.get_attribute("data-column") == "Active"
    assert "Row 3, Active: 'maybe' is not yes or no" in bad.inner_text()
    assert page.locator("#confirm-import").count() == 0
    screenshot(page, "import-01-refused")
    assert not Product.objects.filter(company=world.company, code__in=["VEN-50", "CARN-RED"]).exists()

    rows[2][6] = "yes"
    page.set_input_files(
        "#file",
        files=[{"name": "products.xlsx", "mimeType": "application/octet-stream", "buffer": _workbook(rows)}],
    )
    page.click("#upload")
    page.wait_for_selector("[data-testid=all-good]")
    screenshot(page, "import-02-preview")
    assert not Product.objects.filter(company=world.company, code="VEN-50").exists()
    page.click("#confirm-import")
    page.wait_for_selector("text=3 product(s) imported")
    screenshot(page, "import-03-imported")
    codes = set(Product.objects.filter(company=world.company).values_list("code", flat=True))
    assert {"VEN-50", "HYD-WHT", "CARN-RED"} <= codes
    assert "Hydrangea White" in page.inner_text("#records")
