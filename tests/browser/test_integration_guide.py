"""The BloomNet integration guide, followed in Chromium as a wholesaler would follow it.

Sign in; make the Company token and the Customer token through the token form with the BloomNet
preset; read the Customer ID from the Excel export and the Company ID from the avatar menu; then
call the API with exactly what was read; and confirm, on the Orders page, an order that came in
through the API.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from stemlink.api.models import ApiToken
from stemlink.orders.models import Invoice, InvoiceStatus
from tests.browser.conftest import screenshot
from tests.factories import World, make_customer, make_line, make_ship_to, make_user, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Any, base: str, username: str = "ana", password: str = "flowers-2026") -> None:
    page.goto(f"{base}/login/")
    screenshot(page, "01-sign-in")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=company-name]")


def _new_token(
    page: Any, base: str, *, description: str, token_type: str, customer: str | None = None
) -> str:
    """Fill in New Token as the guide says; return the token shown after Generate (then Save it)."""
    page.goto(f"{base}/setup/settings/integrations/tokens/")
    page.click("#new-token")
    page.fill("#id_description", description)
    if token_type != "company":
        page.select_option("#id_token_type", token_type)
        # htmx swaps in the picker for the bound customer or vendor.
        page.wait_for_selector("#id_customer" if token_type == "customer" else "#id_vendor")
        page.fill("#id_description", description)
    if customer:
        # The customer is searched as one types, then chosen among the matches.
        page.fill("#id_customer_search", customer)
        page.wait_for_selector(f"#id_customer option:has-text({customer!r})", state="attached")
        page.select_option("#id_customer", label=customer)
    page.click("#bloomnet-preset")
    page.wait_for_selector("input[name=methods]:checked")
    page.click("#generate")
    secret_box = page.wait_for_selector("[data-testid=token-secret]")
    secret = secret_box.input_value()
    assert re.fullmatch(r"[a-z0-9]{26}", secret)
    screenshot(page, f"03-new-{token_type}-token")
    page.click("#save-token")
    page.wait_for_selector("text=never shown again")
    assert secret not in page.content()
    return secret


def test_following_the_bloomnet_guide_gives_tokens_and_ids_that_work(
    live_server: Any, browser_page: Any, tmp_path: Path
) -> None:
    neighbour = make_world("Other Wholesaler")  # its ids must never show up
    make_customer(neighbour.company, name="Their florist")  # so our Customer ID differs from our Company ID
    world: World = make_world("Sunrise Flowers")
    assert world.customer.pk != world.company.pk
    make_user(world.company, username="ana", role="admin")
    line = make_line(world, boxes_on_hand=10)
    ship_to = make_ship_to(world.customer, name="Rosa's Florist")
    base = live_server.url
    page = browser_page

    _sign_in(page, base)
    screenshot(page, "02-home")

    company_secret = _new_token(page, base, description="BloomNet company token", token_type="company")
    customer_secret = _new_token(
        page,
        base,
        description="BloomNet customer token",
        token_type="customer",
        customer="BloomNet",
    )
    page.goto(f"{base}/setup/settings/integrations/tokens/")
    screenshot(page, "04-tokens")
    tokens = {t.token_type: t for t in ApiToken.objects.filter(company=world.company)}
    assert tokens["customer"].customer_id == world.customer.pk
    assert "web-order.checkout" in tokens["customer"].methods and "boxtype.list" in tokens["company"].methods

    # The Customer ID, from the Excel export of Setup » Customers.
    page.goto(f"{base}/setup/customers/")
    screenshot(page, "05-customers")
    with page.expect_download() as download_info:
        page.click("#export-excel")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    workbook = load_workbook(saved)
    rows = list(workbook.active.iter_rows(values_only=True))
    header = list(rows[0])
    bloomnet = next(r for r in rows[1:] if r[header.index("Code")] == "BLOOMNET")
    customer_id = int(bloomnet[header.index("ID")])

    # The Company ID, from the avatar menu at the top right.
    page.click("[data-testid=avatar-menu] summary")
    company_id = int(page.inner_text("[data-testid=company-id]").strip())
    page.click("[data-copy='#company-id']")
    page.wait_for_selector("text=Copied")
    assert page.evaluate("navigator.clipboard.readText()") == str(company_id)
    screenshot(page, "06-avatar-menu")
    assert (customer_id, company_id) == (world.customer.pk, world.company.pk)

    with httpx.Client(base_url=f"{base}/api/", timeout=10) as http:

        def call(method: str, token: str, **params: Any) -> dict[str, Any]:
            headers = {"authenticationToken": token, "X-ACCOUNT": str(company_id)}
            answer = http.post(method, json=params, headers=headers).json()
            assert answer["status"] == 1, (method, answer)
            return answer

        call("boxtype.list", company_secret)
        call("carrier.list", company_secret)
        call("customer.shipto.list", company_secret, customerId=customer_id)
        call("customer.details.get", customer_secret, customerId=customer_id)
        offers = call("ecommerce/inventory.list", customer_secret, customerId=customer_id)["inventoryItems"]
        offer = next(o for o in offers if str(line.pk) in str(o["inventoryIds"]).split(","))
        added = call(
            "web-order-item.add",
            customer_secret,
            customerId=customer_id,
            inventoryIds=offer["inventoryIds"],
            inventoryOrigin=1,
            price=offer["price"],
            quantity=2,
            carrierId=world.carrier.pk,
            date=offer["availableFrom"],
            shipToId=ship_to.pk,
        )
        checked_out = call(
            "web-order.checkout", customer_secret, customerId=customer_id, webOrderId=added["webOrderId"]
        )
    number = checked_out["invoices"][0]["invoiceNumber"]
    invoice = Invoice.objects.get(company=world.company, pk=checked_out["invoices"][0]["invoiceId"])
    assert invoice.status == InvoiceStatus.PENDING

    # A sales rep confirms it on the Orders page.
    page.goto(f"{base}/orders/")
    row = page.locator(f"tr[data-number='W{invoice.number}']")
    assert row.count() == 1 and str(number).lstrip("W") == str(invoice.number)
    screenshot(page, "07-orders-waiting")
    row.locator("input[name=invoice]").check()
    page.click("#confirm-orders")
    page.wait_for_selector("text=order(s) confirmed")
    screenshot(page, "08-orders-confirmed")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.CONFIRMED

    page.goto(f"{base}/orders/invoices/{invoice.pk}/")
    assert "Confirmed" in page.inner_text("#invoice-status")
    screenshot(page, "09-invoice")
    page.goto(f"{base}/")
    screenshot(page, "10-home-after")


def test_main_pages_render_and_refuse_bad_input_in_the_browser(live_server: Any, browser_page: Any) -> None:
    world = make_world("Sunrise Flowers")
    make_user(world.company, username="ana", role="admin")
    make_line(world, boxes_on_hand=10, boxes_held=1, boxes_sold=2)
    base = live_server.url
    page = browser_page
    _sign_in(page, base)
    for path, name in [
        ("/setup/settings/", "11-settings"),
        ("/setup/settings/integrations/endpoints/", "12-partner-endpoints"),
        ("/inventory/", "13-inventory"),
        ("/inventory/?view=future", "14-inventory-future"),
        (f"/setup/customers/{world.customer.pk}/", "15-customer"),
        ("/fees/", "16-fees"),
        ("/orders/invoices/", "17-invoices"),
    ]:
        response = page.goto(f"{base}{path}")
        assert response is not None and response.status == 200, path
        screenshot(page, name)

    page.goto(f"{base}/setup/settings/")
    page.fill("#id_checkout_timer_minutes", "0")
    page.click("text=Save settings")
    error = page.wait_for_selector("#checkout_timer_minutes-error")
    assert "greater than or equal to 1" in error.inner_text()
    assert page.input_value("#id_checkout_timer_minutes") == "0"
    screenshot(page, "18-settings-error")
    world.company.refresh_from_db()
    assert world.company.checkout_timer_minutes == 30

    page.goto(f"{base}/setup/settings/integrations/tokens/new/")
    page.fill("#id_description", "no methods")
    page.click("#generate")
    page.click("#save-token")
    assert "Tick at least one API method" in page.inner_text("#methods")
    assert page.input_value("#id_description") == "no methods"
    assert not ApiToken.objects.exists()


def test_customer_filters_update_the_table_and_the_export_as_you_type(
    live_server: Any, browser_page: Any, tmp_path: Path
) -> None:
    world = make_world("Sunrise Flowers")
    make_user(world.company, username="ana", role="admin")
    rosa = make_customer(world.company, name="Rosa Florist", code="ROSA")
    make_customer(world.company, name="Tulip Shop", code="TULIP")
    page = browser_page
    _sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/setup/customers/")
    page.fill("#id_name", "rosa")
    page.wait_for_function("document.querySelectorAll('#customers tbody tr').length === 1")
    assert "Tulip Shop" not in page.inner_text("#customers")
    assert "name=rosa" in page.url
    with page.expect_download() as download_info:
        page.click("#export-excel")
    saved = tmp_path / "customers.xlsx"
    download_info.value.save_as(saved)
    rows = list(load_workbook(saved).active.iter_rows(values_only=True))
    assert [(r[0], r[1]) for r in rows[1:]] == [(rosa.pk, "ROSA")]


def test_the_inventory_grower_filter_is_searched_then_chosen_and_filters_the_table(
    live_server: Any, browser_page: Any
) -> None:
    """The grower filter lists no grower until one types; choosing a match filters the table."""
    from stemlink.catalog.models import Vendor

    world = make_world("Sunrise Flowers")
    make_user(world.company, username="ana", role="admin")
    flores = Vendor.objects.create(company=world.company, code="FLOR", name="Flores de la Sabana")
    theirs = make_line(world, vendor=flores)
    ours = make_line(world)
    page = browser_page
    _sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/inventory/")
    assert page.locator("#id_vendor option").count() == 1  # "Any" only
    page.fill("#id_vendor_search", "sabana")
    page.wait_for_selector("#id_vendor option:has-text('Flores de la Sabana')", state="attached")
    page.select_option("#id_vendor", label="Flores de la Sabana")
    page.wait_for_function("document.querySelectorAll('#inventory tbody tr').length === 1")
    row = page.inner_text("#inventory tbody tr")
    assert "Flores de la Sabana" in row and row.split()[0] == str(theirs.pk) != str(ours.pk)
    assert f"vendor={flores.pk}" in page.url
