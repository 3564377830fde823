"""The florist's path in Chromium: sign up, filter, add to cart, fix a refused quantity, buy, see the order.

The marketplace runs in a thread on a loopback port; the wholesaler is the fake served over real
HTTP on a loopback port, so the marketplace's client, timeouts and retries are the real ones.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from marketplace.shop.models import SupplierOrder
from marketplace.suppliers import services as supplier_services
from marketplace.sync.services import sync_supplier
from tests_marketplace import fake_wholesaler as fw
from tests_marketplace.conftest import connection

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _wholesaler_on_loopback(settings: Any) -> None:
    # The fake wholesaler listens on 127.0.0.1: these tests opt in to loopback, as the demo does.
    settings.ALLOW_PRIVATE_NETWORKS = True


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip("Debian's Chromium is not installed (make browser)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the test's ORM calls are plain
    # synchronous calls, so Django's async-safety guard must stand aside.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
        context.set_default_timeout(15_000)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()
            # Under Playwright's greenlets the test's ORM calls get their own connection, which
            # pytest-django does not see: close it, or PostgreSQL cannot drop the test database.
            connections.close_all()


@pytest.fixture
def marketplace_url(transactional_db: Any) -> Iterator[str]:
    """The marketplace served on a loopback port by threads that close their database connection
    after every request (a kept-alive browser socket must not hold one past the test: PostgreSQL
    would then refuse to drop the test database)."""
    from django.core.handlers.wsgi import WSGIHandler

    django_app = WSGIHandler()

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        try:
            return list(django_app(environ, start_response))
        finally:
            connections.close_all()

    with fw.serve_wsgi(app) as url:
        yield url


@pytest.fixture
def served_wholesaler() -> Iterator[tuple[fw.FakeWholesaler, str]]:
    fake = fw.FakeWholesaler()
    with fw.serve_fake(fake) as base_url:
        yield fake, base_url


def _shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"marketplace-{name}.png"), full_page=True)


def test_a_florist_signs_up_fixes_a_quantity_buys_and_sees_the_invoice(
    marketplace_url, served_wholesaler, page
):
    fake, base_url = served_wholesaler
    supplier = supplier_services.save_supplier(connection(base_url=base_url))
    assert sync_supplier(supplier, full=True).ok
    url = marketplace_url

    page.goto(f"{url}/accounts/signup/")
    page.fill("#id_shop_name", "Daisy Lane Florist")
    page.fill("#id_address", "12 Main Street")
    page.fill("#id_city", "Springfield")
    page.fill("#id_state", "IL")
    page.fill("#id_zipcode", "62701")
    page.fill("#id_email", "daisy@example.com")
    page.fill("#id_password", "a-good-password-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")
    assert "Daisy Lane Florist" in page.inner_text("header")

    page.select_option("#id_category", "Roses")
    page.click("form.filters button")
    rows = page.locator("tr.offer")
    assert rows.count() == 2
    _shot(page, "offers")

    page.locator("tr.offer", has_text="Rose Freedom").locator("a").click()
    page.fill("#id_boxes", "20")
    page.click("form.card button[type=submit]")
    # Refused: the reason stands next to the boxes field, and nothing went into the cart.
    assert "Only 8 boxes are available." in page.inner_text(".field.has-error")
    assert "Cart (0)" in page.inner_text("header")
    page.fill("#id_boxes", "2")
    page.click("form.card button[type=submit]")
    page.wait_for_url(f"{url}/cart/")
    assert "$275.00" in page.inner_text("main")

    page.goto(f"{url}/?origin=2")
    future = page.locator("tr.offer", has_text="Hydrangea Blue")
    future.locator("button").click()
    page.wait_for_url(f"{url}/cart/")
    _shot(page, "cart")

    page.fill("#id_customer_po", "PO-4411")
    page.click("#place-order")
    page.wait_for_selector("section.result")
    _shot(page, "checkout")
    orders = {o.inventory_origin: o for o in SupplierOrder.objects.all()}
    assert orders[1].state == "placed" and orders[2].state == "placed"
    text = page.inner_text("main")
    assert orders[1].invoice_number in text and orders[2].prebook_number in text

    next(iter(fake.invoices.values()))["status"] = 1  # the sales rep confirms at the wholesaler
    page.click("text=See all your orders")
    invoice_row = page.locator("tr.order", has_text=orders[1].invoice_number)
    assert invoice_row.locator("td.status").inner_text() == "Confirmed"
    _shot(page, "orders")
    with page.expect_download() as download:
        invoice_row.locator("a.pdf").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")


def test_a_sold_out_line_is_explained_and_the_cart_shows_what_is_left(
    marketplace_url, served_wholesaler, page
):
    fake, base_url = served_wholesaler
    supplier = supplier_services.save_supplier(connection(base_url=base_url))
    sync_supplier(supplier, full=True)
    url = marketplace_url
    from marketplace.shop import services

    services.sign_up_florist(
        shop_name="Rose & Co",
        address="1 Elm St",
        city="Peoria",
        state="IL",
        zipcode="61602",
        email="rose@example.com",
        password="a-good-password-2",
    )
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_email", "rose@example.com")
    page.fill("#id_password", "a-good-password-2")
    page.click("form.card button[type=submit]")
    page.locator("tr.offer", has_text="Rose Vendela").locator("input[name=boxes]").fill("4")
    page.locator("tr.offer", has_text="Rose Vendela").locator("button").click()
    page.wait_for_url(f"{url}/cart/")
    fake.touch(1, "102", quantity=1)  # sold elsewhere before the florist checks out
    page.click("#place-order")
    page.wait_for_selector("section.result.failed")
    assert "only 1 box left, you asked for 4" in page.inner_text("section.result")
    page.click("text=Review these lines in your cart")
    assert "only 1 box left" in page.inner_text(".notice")
    assert "Only 1 box is available." in page.inner_text("main")
    assert page.locator("#place-order").is_disabled()
    _shot(page, "sold-out")


def test_an_operator_connects_a_wholesaler_named_wrong_field_first(marketplace_url, served_wholesaler, page):
    from django.contrib.auth import get_user_model

    from marketplace.suppliers.models import Supplier
    from marketplace.sync.services import run_due_syncs

    _, base_url = served_wholesaler
    get_user_model().objects.create_user("operator", password="operator-pass-123", is_staff=True)
    page.goto(f"{marketplace_url}/operator/")
    page.fill("#id_email", "operator")
    page.fill("#id_password", "operator-pass-123")
    page.click("form.card button[type=submit]")
    page.wait_for_url(f"{marketplace_url}/operator/")
    page.click("text=Connect a wholesaler")
    page.fill("#id_name", "Sunrise Flowers")
    page.fill("#id_base_url", base_url)
    page.fill("#id_company_id", str(fw.COMPANY_ID))
    page.fill("#id_customer_id", "41")
    page.fill("#id_company_token", fw.COMPANY_TOKEN)
    page.fill("#id_customer_token", fw.CUSTOMER_TOKEN)
    page.fill("#id_carrier_id", str(fw.CARRIER_ID))
    page.click("form.card button[type=submit]")
    error = page.locator(".field.has-error")
    assert (
        "Customer ID" in error.inner_text()
        and "not the customer the Customer token is bound to" in error.inner_text()
    )
    assert page.input_value("#id_customer_token") == ""  # a token is never sent back to the browser
    _shot(page, "operator-error")
    page.fill("#id_customer_id", str(fw.CUSTOMER_ID))
    page.fill("#id_company_token", fw.COMPANY_TOKEN)
    page.fill("#id_customer_token", fw.CUSTOMER_TOKEN)
    page.click("form.card button[type=submit]")
    page.wait_for_selector("#sync-now")
    supplier = Supplier.objects.get()
    assert [r.ok for r in run_due_syncs()] == [True]
    page.reload()
    assert page.inner_text("dt:text-is('Offers') + dd") == "3"
    assert page.locator("tr.run").count() == 1
    with page.expect_navigation():
        page.click("#sync-now")
    assert "A full sync of Sunrise Flowers is queued" in page.inner_text(".messages")
    assert Supplier.objects.get(pk=supplier.pk).full_sync_requested
    _shot(page, "operator-supplier")


def test_the_first_operator_in_chromium(page: Any, marketplace_url: str) -> None:
    """A new marketplace: the storefront points to the set-up, which makes the operator, once."""
    from django.contrib.auth import get_user_model

    page.goto(f"{marketplace_url}/")
    page.click("[data-testid=needs-operator] a")
    page.wait_for_selector("[data-testid=first-run]")
    page.fill("#id_username", "operator")
    page.fill("#id_email", "ops@market.test")
    page.fill("#id_password", "market-open-2026")
    page.fill("#id_password_again", "market-open-2026")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "marketplace-first-operator.png"), full_page=True)
    page.click("text=Create the operator")
    page.wait_for_selector("text=Welcome, operator")
    assert page.url.endswith("/operator/")
    assert get_user_model().objects.get(username="operator").is_staff
    assert page.goto(f"{marketplace_url}/operator/welcome/").status == 404
