"""A wholesaler's first run in Chromium: from an empty database to a product, a line and a token.

Followed as a new user would: open the back office, create the company on its first page (a
mistake first, to see it refused), land signed in, check Setup » Settings. Then what the back
office's Setup pages make the first category and product (the empty Products list says what to
do), the on-hand line and the marketplace's customer (New customer) are made on their pages, and
the Customer token made on the Tokens page then sees the line in the e-commerce feed a
marketplace syncs. Nothing is made in the database or through the API behind the user's back.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from stemlink.api.models import ApiToken
from stemlink.catalog.models import Product
from stemlink.customers.models import Customer
from stemlink.inventory.models import InventoryLine
from stemlink.tenancy.models import Company, Membership, Role
from tests.browser.conftest import screenshot
from tests.browser.test_integration_guide import _new_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_first_run(page: Any, **overrides: str) -> None:
    values = {
        "#id_name": "Acme Flowers",
        "#id_address": "2300 NW 89th Place\nDoral, FL 33172",
        "#id_time_zone": "America/New_York",
        "#id_currency": "USD",
        "#id_location_name": "Miami warehouse",
        "#id_location_code": "MIA",
        "#id_transaction_fee_percent": "1.50",
        "#id_admin_username": "maria",
        "#id_admin_email": "maria@acme.test",
        "#id_admin_password": "roses-are-red-2026",
        "#id_admin_password_again": "roses-are-red-2026",
        **overrides,
    }
    for selector, value in values.items():
        page.fill(selector, value)


def test_from_an_empty_database_to_a_product_a_line_and_a_customer_token(
    live_server: Any, browser_page: Any
) -> None:
    assert not Company.objects.exists()
    base = live_server.url
    page = browser_page

    # The back office's first page, on an install with no company, is the first run.
    page.goto(f"{base}/")
    page.wait_for_selector("[data-testid=first-run]")
    assert page.url == f"{base}/welcome/"
    screenshot(page, "first-run-01-welcome")

    # A time zone that is not an IANA name is refused beside its field; nothing is made.
    _fill_first_run(page, **{"#id_time_zone": "Miami"})
    page.click("text=Create the company")
    page.wait_for_selector("#time_zone-error")
    assert "not an IANA time zone name" in page.inner_text("#time_zone-error")
    assert page.input_value("#id_name") == "Acme Flowers"
    assert not Company.objects.exists()
    screenshot(page, "first-run-02-refused")

    _fill_first_run(page)
    page.click("text=Create the company")
    page.wait_for_selector("[data-testid=company-name]")
    assert page.inner_text("[data-testid=company-name]") == "Acme Flowers"
    assert "Welcome to Stemlink, Acme Flowers" in page.content()
    screenshot(page, "first-run-03-signed-in")
    company = Company.objects.get()
    assert (company.time_zone, company.currency) == ("America/New_York", "USD")
    assert Membership.objects.get(company=company).role == Role.ADMIN

    # Setup » Settings shows what the first run set.
    page.goto(f"{base}/setup/settings/")
    assert page.input_value("#id_time_zone") == "America/New_York"
    assert page.inner_text("#settings-currency") == "USD"
    assert page.input_value("#id_transaction_fee_percent") == "1.50"
    screenshot(page, "first-run-04-settings")

    # The first run is gone for good, for this browser and any other.
    assert page.goto(f"{base}/welcome/").status == 404

    # The empty Products list says what to do next; the category and product are made on
    # their Setup pages.
    page.goto(f"{base}/setup/products/")
    page.wait_for_selector("[data-testid=empty-state]")
    page.goto(f"{base}/setup/categories/new/")
    page.fill("#id_name", "Roses")
    page.click("#save")
    page.wait_for_selector("text=added")
    page.goto(f"{base}/setup/products/new/")
    page.fill("#id_code", "RFREE50")
    page.fill("#id_description", "Rose Freedom 50cm")
    page.select_option("#id_category", label="Roses")
    page.click("#save")
    page.wait_for_selector("text=added")
    assert Product.objects.get(company=company, code="RFREE50").category.name == "Roses"

    # The first on-hand line, on the Inventory page (box type FB came with the first run).
    page.goto(f"{base}/inventory/onhand/new/")
    # Products are picked by searching (a catalogue has thousands): type, then choose a match.
    page.fill("#id_product_search", "freedom")
    page.select_option("#id_product", label="Rose Freedom 50cm [RFREE50]")
    page.select_option("#id_box_type", label="FB")
    page.select_option("#id_inventory_type", "M")
    page.fill("#id_quantity", "12")
    page.select_option("#id_unit_type", "Stem")
    page.fill("#id_bunches", "10")
    page.fill("#id_stems_bunch", "25")
    page.fill("#id_unit_cost", "0.35")
    page.fill("#id_awb", "729-1234 5675")
    page.fill("#id_ship_date", "2026-12-01")
    page.click("text=Add line")
    page.wait_for_selector("text=added")
    screenshot(page, "first-run-05-first-line")
    line = InventoryLine.objects.get(company=company)
    assert line.boxes_on_hand == 12

    # The marketplace's customer, on the New customer page (from the empty Customers list).
    page.goto(f"{base}/setup/customers/")
    page.click("#new-customer")
    page.fill("#id_name", "BloomNet")
    page.fill("#id_code", "BLOOMNET")
    page.select_option("#id_customer_type", "marketplace")
    page.fill("#id_email_for_invoices", "orders@bloomnet.example")
    page.click("#save")
    page.wait_for_selector("#customer-id")
    customer_id = Customer.objects.get(company=company, code="BLOOMNET").pk

    with httpx.Client(base_url=f"{base}/api/", timeout=30) as http:
        # The Customer token a marketplace needs, on the Tokens page, bound to that customer.
        customer_secret = _new_token(
            page,
            base,
            description="BloomNet customer token",
            token_type="customer",
            customer="BloomNet",
        )
        token = ApiToken.objects.get(company=company, token_type="customer")
        assert token.customer_id == customer_id

        # What a marketplace would do next: the token sees the line in the e-commerce feed.
        feed = http.post(
            "ecommerce/inventory.list",
            json={"customerId": customer_id},
            headers={"authenticationToken": customer_secret, "X-ACCOUNT": str(company.pk)},
        ).json()
    assert feed["status"] == 1, feed
    assert any(str(line.pk) in str(item["inventoryIds"]).split(",") for item in feed["inventoryItems"])
    page.goto(f"{base}/setup/settings/integrations/tokens/")
    screenshot(page, "first-run-06-tokens")
