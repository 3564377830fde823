"""Stemlink and the marketplace as real processes, each with its own fresh SQLite database.

The wholesaler is `stemlink demo-data` with BloomNet's two tokens made by `stemlink tokens create`;
the marketplace connects it with `marketplace setup-demo-supplier`, syncs it with its worker, and
a florist buys through the marketplace's pages over HTTP. Between the two sits a small proxy that
can lose an answer after the wholesaler committed, and the wholesaler's server is killed and
restarted mid-checkout: neither may make a duplicate order.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

BIN = Path(sys.executable).parent
COMPANY_METHODS = (
    "boxtype.list,carrier.list,category.list,product.list,customer.shipto.add,customer.shipto.update,"
    "customer.shipto.list,location.list"
)
CUSTOMER_METHODS = (
    "customer.details.get,customer.shipto.list,ecommerce/inventory.list,ecommerce/inventory.get,"
    "ecommerce/inventory-available-dates.list,ecommerce/customer-carriers.list,web-order.create,"
    "web-order-item.add,web-order-item.delete,web-order.checkout,web-order-details.list,web-order.delete,"
    "invoice.list,invoice.details.list,invoice.pdf.get,prebook.list,standing.order.create"
)
FLORIST_PASSWORD = "daisy-lane-2026"
WEBHOOK_SECRET = "whsec-e2e-marketplace-0123456789abcdef"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listens on port {port} after {timeout}s")


class LossyProxy:
    """Forwards HTTP to the wholesaler; can drop the answer to a method after the wholesaler handled it."""

    def __init__(self, target_port: int) -> None:
        self.target = f"http://127.0.0.1:{target_port}"
        self.lose_answer_of: set[str] = set()
        self.lost: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return None

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {
                    k: v for k, v in self.headers.items() if k.lower() not in {"host", "content-length"}
                }
                try:
                    answer = httpx.post(proxy.target + self.path, content=body, headers=headers, timeout=30)
                except httpx.TransportError:
                    self.close_connection = True
                    self.connection.close()
                    return
                method = self.path.split("/api/", 1)[-1]
                if method in proxy.lose_answer_of:
                    # The wholesaler did the work; its answer never reaches the marketplace.
                    proxy.lose_answer_of.discard(method)
                    proxy.lost.append(method)
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.send_response(answer.status_code)
                for name, value in answer.headers.items():
                    if name.lower() not in {
                        "content-length",
                        "transfer-encoding",
                        "connection",
                        "content-encoding",
                    }:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_POST

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Loop:
    """Both applications running, with what a test needs to drive and check them."""

    tmp: Path
    env: dict[str, str]
    stemlink_port: int
    marketplace_port: int
    company_id: int
    customer_id: int
    carrier_id: int
    admin_token: str
    proxy: LossyProxy
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.stemlink_port}/api"

    @property
    def shop(self) -> str:
        return f"http://127.0.0.1:{self.marketplace_port}"

    def start(self, name: str, *args: str) -> None:
        log = (self.tmp / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            [str(BIN / args[0]), *args[1:]],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self, name: str) -> None:
        process = self.processes.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def start_stemlink(self) -> None:
        self.start(
            "stemlink-serve",
            "stemlink",
            "serve",
            "--port",
            str(self.stemlink_port),
            "--workers",
            "1",
            "--no-collectstatic",
        )
        _wait_for_port(self.stemlink_port)

    def call(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """Call the wholesaler's API with the wholesaler's own all-methods Company token."""
        answer = httpx.post(
            f"{self.api}/{method}",
            json=params,
            timeout=20,
            headers={"authenticationToken": self.admin_token, "X-ACCOUNT": str(self.company_id)},
        )
        body: dict[str, Any] = answer.json()
        assert body.get("status") == 1, (method, body)
        return body

    def marketplace_shell(self, code: str) -> str:
        return _run(self.env, "marketplace", "shell", "-c", code)

    def stemlink_shell(self, code: str) -> str:
        return _run(self.env, "stemlink", "shell", "-c", code)


def _run(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [str(BIN / args[0]), *args[1:]],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _token(output: str) -> str:
    match = re.search(r"^([a-z0-9]{26})$", output, re.MULTILINE)
    assert match, output
    return match.group(1)


@pytest.fixture(scope="module")
def loop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loop]:
    tmp = tmp_path_factory.mktemp("e2e")
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "DATABASE_URL", "MARKETPLACE_"))
        },
        "STEMLINK_VAR_DIR": str(tmp),
        "DATABASE_URL": f"sqlite:///{tmp / 'stemlink.sqlite3'}",
        "MARKETPLACE_DATABASE_URL": f"sqlite:///{tmp / 'marketplace.sqlite3'}",
        "MARKETPLACE_SYNC_DELTA_SECONDS": "2",
        "MARKETPLACE_ORDER_STATUS_REFRESH_SECONDS": "0",
        "MARKETPLACE_API_RETRY_SECONDS": "0.2",
        "MARKETPLACE_API_READ_TIMEOUT": "10",
        "STEMLINK_WORKER_POLL_SECONDS": "0.5",
        # Both applications run on 127.0.0.1 here: they opt in to loopback, as the demo does.
        "STEMLINK_WEBHOOK_ALLOW_PRIVATE_NETWORKS": "1",
        "MARKETPLACE_ALLOW_PRIVATE_NETWORKS": "1",
    }
    _run(env, "stemlink", "migrate", "--no-input")
    demo = _run(env, "stemlink", "demo-data")
    company_id = int(re.search(r"Company ID (\d+)", demo).group(1))  # type: ignore[union-attr]
    customer_id = int(re.search(r"BloomNet is Customer ID (\d+)", demo).group(1))  # type: ignore[union-attr]
    company_token = _token(
        _run(
            env,
            "stemlink",
            "tokens",
            "create",
            "--company",
            str(company_id),
            "--type",
            "company",
            "--methods",
            COMPANY_METHODS,
            "--description",
            "BloomNet company",
        )
    )
    customer_token = _token(
        _run(
            env,
            "stemlink",
            "tokens",
            "create",
            "--company",
            str(company_id),
            "--type",
            "customer",
            "--customer",
            str(customer_id),
            "--methods",
            CUSTOMER_METHODS,
            "--description",
            "BloomNet customer",
        )
    )
    admin_token = _token(
        _run(
            env,
            "stemlink",
            "tokens",
            "create",
            "--company",
            str(company_id),
            "--type",
            "company",
            "--methods",
            "all",
            "--description",
            "e2e wholesaler checks",
        )
    )
    stemlink_port, marketplace_port = _free_port(), _free_port()
    proxy = LossyProxy(stemlink_port)
    state = Loop(tmp, env, stemlink_port, marketplace_port, company_id, customer_id, 0, admin_token, proxy)
    try:
        state.start_stemlink()
        carriers = state.call("carrier.list", {"code": "ARM"})["carriers"]
        state.carrier_id = int(carriers[0]["id"])
        _run(
            env,
            "stemlink",
            "endpoints",
            "add",
            "--company",
            str(company_id),
            "--customer",
            str(customer_id),
            "--url",
            f"{state.shop}/webhooks/1/",
            "--description",
            "marketplace",
            "--secret-stdin",
            stdin=WEBHOOK_SECRET + "\n",
        )
        state.start("stemlink-worker", "stemlink", "worker")
        _run(env, "marketplace", "migrate", "--no-input")
        _run(
            env,
            "marketplace",
            "setup-demo-supplier",
            "--name", "Sunrise Flowers Miami",
            "--base-url", f"http://127.0.0.1:{proxy.port}",
            "--company-id", str(company_id),
            "--customer-id", str(customer_id),
            "--carrier-id", str(state.carrier_id),
            "--secrets-stdin",
            "--florist-email", "daisy@example.com",
            "--florist-password", FLORIST_PASSWORD,
            "--wait", "20",
            stdin=f"{company_token}\n{customer_token}\n{WEBHOOK_SECRET}\n",
        )  # fmt: skip
        state.start(
            "marketplace-serve", "marketplace", "serve", "--port", str(marketplace_port), "--workers", "1"
        )
        state.start("marketplace-worker", "marketplace", "worker", "--poll", "0.5")
        _wait_for_port(marketplace_port)
        _wait_until(
            lambda: (
                "ok"
                in state.marketplace_shell(
                    "from marketplace.suppliers.models import Supplier; "
                    "print(Supplier.objects.get().last_sync_status)"
                )
            ),
            "the first sync",
        )
        yield state
    finally:
        for name in list(state.processes):
            state.kill(name)
        proxy.close()


def _wait_until(condition: Any, what: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


class Florist:
    """A browser-less florist: the marketplace's pages over HTTP, with its session and CSRF cookies."""

    def __init__(self, loop: Loop) -> None:
        self.loop = loop
        self.http = httpx.Client(base_url=loop.shop, timeout=120, follow_redirects=False)

    def _csrf(self, path: str) -> str:
        page = self.http.get(path).text
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert match, page[:500]
        return match.group(1)

    def post(self, path: str, data: dict[str, Any], *, form_page: str | None = None) -> httpx.Response:
        token = self._csrf(form_page or path)
        return self.http.post(
            path, data={**data, "csrfmiddlewaretoken": token}, headers={"Referer": self.loop.shop}
        )

    def sign_in(self, email: str = "daisy@example.com", password: str = FLORIST_PASSWORD) -> None:
        answer = self.post("/accounts/login/", {"email": email, "password": password})
        assert answer.status_code == 302, answer.text[:1000]

    def sign_up(self, email: str) -> None:
        answer = self.post(
            "/accounts/signup/",
            {
                "shop_name": f"Shop {email}",
                "address": "1 Elm St",
                "city": "Peoria",
                "state": "IL",
                "zipcode": "61602",
                "email": email,
                "password": FLORIST_PASSWORD,
            },
        )
        assert answer.status_code == 302, answer.text[:2000]

    def offers(self, query: str) -> list[dict[str, Any]]:
        page = self.http.get(f"/?{query}").text
        found = []
        for row in re.findall(r'<tr class="offer" data-offer="(\d+)">(.*?)</tr>', page, re.S):
            offer_id, html = row
            boxes = int(re.search(r'<td class="num boxes">(\d+)</td>', html).group(1))  # type: ignore[union-attr]
            dates = re.findall(r'<option value="(\d{4}-\d\d-\d\d)"', html)
            found.append({"id": int(offer_id), "boxes": boxes, "dates": dates})
        return found

    def add(self, offer: dict[str, Any], boxes: int) -> None:
        answer = self.post(f"/offers/{offer['id']}/", {"boxes": boxes, "ship_date": offer["dates"][0]})
        assert answer.status_code == 302 and answer.headers["location"] == "/cart/", answer.text[:2000]

    def checkout(self, po: str) -> str:
        answer = self.post("/checkout/", {"customer_po": po}, form_page="/cart/")
        assert answer.status_code == 302, answer.text[:2000]
        return str(answer.headers["location"])


def _offer_with(florist: Florist, query: str, boxes: int) -> dict[str, Any]:
    offers = [o for o in florist.offers(query) if o["boxes"] >= boxes and o["dates"]]
    assert offers, f"no offer with {boxes} boxes for {query}"
    return offers[0]


def _synced_offer(loop: Loop, florist: Florist, *, pick: int) -> dict[str, Any]:
    """An on-hand offer once the marketplace shows exactly the boxes the wholesaler has left."""
    lines = loop.call(
        "ecommerce/inventory.list", {"customerId": loop.customer_id, "rows": 500, "inventoryOrigin": 1}
    )["inventoryItems"]
    line = [ln for ln in lines if ln["inventoryOrigin"] == 1 and ln["quantity"] >= 2][pick]
    offer_id = int(
        loop.marketplace_shell(
            "from marketplace.sync.models import Offer; "
            f"print(Offer.objects.get(inventory_origin=1, inventory_ids='{line['inventoryIds']}').pk)"
        )
        .strip()
        .splitlines()[-1]
    )

    def shown() -> dict[str, Any] | None:
        page = florist.http.get(f"/offers/{offer_id}/").text
        boxes = re.search(r'<dd class="boxes">(\d+)</dd>', page)
        dates = re.findall(r'<option value="(\d{4}-\d\d-\d\d)"', page)
        if boxes and int(boxes.group(1)) == int(line["quantity"]):
            return {"id": offer_id, "boxes": int(boxes.group(1)), "dates": dates}
        return None

    _wait_until(lambda: shown() is not None, "the marketplace to show the wholesaler's boxes")
    found = shown()
    assert found is not None
    return found


def _invoices_with_po(loop: Loop, po: str) -> list[dict[str, Any]]:
    today = time.strftime("%Y-%m-%d", time.gmtime())
    invoices = loop.call(
        "invoice.list", {"orderDateFrom": today, "orderDateTo": today, "customerId": loop.customer_id}
    )["invoices"]
    return [i for i in invoices if i.get("poNumber") == po]


def test_a_florist_buys_on_hand_and_future_boxes_and_sees_the_rep_confirm(loop: Loop) -> None:
    florist = Florist(loop)
    florist.sign_in()
    florist.add(_offer_with(florist, "origin=1", 2), 2)
    florist.add(_offer_with(florist, "origin=2", 1), 1)
    result = florist.http.get(florist.checkout("E2E-PO-1")).text
    invoice_number = re.search(r'invoice <strong class="doc">W(\d+)</strong>', result)
    prebook_number = re.search(r'prebook <strong class="doc">(\d+)</strong>', result)
    assert invoice_number and prebook_number, result

    invoices = _invoices_with_po(loop, "E2E-PO-1")
    assert len(invoices) == 1
    invoice = invoices[0]
    assert invoice["status"] == 0 and invoice["isEcommerce"] is True
    assert str(invoice["number"]) == invoice_number.group(1)
    today = time.strftime("%Y-%m-%d", time.gmtime())
    in_90_days = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 90 * 86400))
    prebooks = loop.call(
        "prebook.list", {"dateFrom": today, "dateTo": in_90_days, "customerPONumber": "E2E-PO-1"}
    )["prebooks"]
    assert [str(p["number"]) for p in prebooks] == [prebook_number.group(1)]
    fees = json.loads(
        loop.stemlink_shell(
            "import json; from stemlink.orders.models import FeeEntry; "
            "print(json.dumps([[f.document_kind, str(f.amount), str(f.base_amount), str(f.rate_percent)] "
            f"for f in FeeEntry.objects.filter(company_id={loop.company_id}, invoice_id={invoice['id']})"
            f" | FeeEntry.objects.filter(company_id={loop.company_id}, prebook_id={prebooks[0]['id']})]))"
        )
        .strip()
        .splitlines()[-1]
    )
    assert sorted(kind for kind, *_ in fees) == ["invoice", "prebook"], fees
    for _, amount, base, rate in fees:
        assert Decimal(amount) == (Decimal(base) * Decimal(rate) / 100).quantize(Decimal("0.01")) > 0

    assert "Pending Approval" in florist.http.get("/orders/").text
    loop.call("invoice.confirm", {"invoiceNumber": int(invoice_number.group(1))})
    orders = florist.http.get("/orders/").text
    row = re.search(rf'<tr class="order".*?W{invoice_number.group(1)}.*?</tr>', orders, re.S)
    assert row and '<td class="status">Confirmed</td>' in row.group(0), orders
    pdf = florist.http.get(re.search(r'href="(/orders/\d+/invoice.pdf)"', row.group(0)).group(1))  # type: ignore[union-attr]
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_stock_sold_at_the_wholesaler_disappears_from_the_marketplace(loop: Loop) -> None:
    lines = loop.call(
        "ecommerce/inventory.list", {"customerId": loop.customer_id, "rows": 500, "inventoryOrigin": 1}
    )["inventoryItems"]
    line = next(ln for ln in lines if ln["inventoryOrigin"] == 1 and "," not in str(ln["inventoryIds"]))
    offer_id = int(
        loop.marketplace_shell(
            "from marketplace.sync.models import Offer; "
            f"print(Offer.objects.get(inventory_origin=1, inventory_ids='{line['inventoryIds']}').pk)"
        )
        .strip()
        .splitlines()[-1]
    )
    florist = Florist(loop)
    assert florist.http.get(f"/offers/{offer_id}/").status_code == 200
    other = next(c for c in loop.call("customer.list", {})["customers"] if int(c["id"]) != loop.customer_id)
    loop.call(
        "invoice.create",
        {
            "customerId": other["id"],
            "carrierId": loop.carrier_id,
            "shipDate": time.strftime("%Y-%m-%d", time.gmtime()),
            "items": [
                {
                    "orderItemId": int(line["inventoryIds"]),
                    "boxes": int(line["quantity"]),
                    "price": line["price"],
                }
            ],
        },
    )
    _wait_until(lambda: florist.http.get(f"/offers/{offer_id}/").status_code == 404, "the sold line to go")


def test_losing_the_checkout_answer_makes_no_duplicate(loop: Loop) -> None:
    florist = Florist(loop)
    florist.sign_up("lost-answer@example.com")
    florist.add(_offer_with(florist, "origin=1", 1), 1)
    loop.proxy.lose_answer_of.add("web-order.checkout")
    result = florist.http.get(florist.checkout("E2E-PO-LOST")).text
    assert loop.proxy.lost == ["web-order.checkout"]
    assert re.search(r'invoice <strong class="doc">W\d+</strong>', result), result
    assert len(_invoices_with_po(loop, "E2E-PO-LOST")) == 1


def test_killing_the_wholesaler_during_checkout_loses_nothing_and_a_retry_places_it_once(loop: Loop) -> None:
    florist = Florist(loop)
    florist.sign_up("killed@example.com")
    florist.add(_offer_with(florist, "origin=1", 1), 1)
    csrf = florist._csrf("/cart/")
    loop.kill("stemlink-serve")
    answer = florist.http.post(
        "/checkout/",
        data={"customer_po": "E2E-PO-KILL", "csrfmiddlewaretoken": csrf},
        headers={"Referer": loop.shop},
    )
    result_url = str(answer.headers["location"])
    result = florist.http.get(result_url).text
    assert "did not answer" in result and "press Retry" in result, result
    assert 'class="cart-line"' in florist.http.get("/cart/").text  # nothing lost: still in the cart

    loop.start_stemlink()
    assert _invoices_with_po(loop, "E2E-PO-KILL") == []
    retried = florist.post(f"{result_url}retry/", {}, form_page=result_url)
    assert retried.status_code == 302
    page = florist.http.get(result_url).text
    assert re.search(r'invoice <strong class="doc">W\d+</strong>', page), page
    florist.post(f"{result_url}retry/", {}, form_page=result_url)  # a second press changes nothing
    assert len(_invoices_with_po(loop, "E2E-PO-KILL")) == 1


@pytest.mark.browser
def test_the_florists_path_in_chromium_against_the_real_wholesaler(
    loop: Loop, monkeypatch: pytest.MonkeyPatch
) -> None:
    chromium = "/usr/bin/chromium"
    if not os.access(chromium, os.X_OK):
        pytest.skip("Debian's Chromium is not installed (make browser)")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.set_default_timeout(30_000)
            page.goto(f"{loop.shop}/accounts/login/")
            page.fill("#id_email", "daisy@example.com")
            page.fill("#id_password", FLORIST_PASSWORD)
            page.click("form.card button[type=submit]")
            page.wait_for_url(f"{loop.shop}/")
            page.select_option("#id_origin", "1")
            page.click("form.filters button")
            page.locator("tr.offer").first.locator("form.add button").click()
            page.wait_for_url(f"{loop.shop}/cart/")
            page.fill("#id_customer_po", "E2E-PO-CHROMIUM")
            page.click("#place-order")
            page.wait_for_selector("section.result.placed")
            number = page.inner_text("section.result.placed strong.doc")
        finally:
            browser.close()
    invoices = _invoices_with_po(loop, "E2E-PO-CHROMIUM")
    assert [f"W{i['number']}" for i in invoices] == [number]


def test_two_florists_race_for_the_same_boxes_and_the_loser_is_told_why(loop: Loop) -> None:
    first, second = Florist(loop), Florist(loop)
    first.sign_up("first-buyer@example.com")
    second.sign_up("second-buyer@example.com")
    offer = _synced_offer(loop, first, pick=-1)
    first.add(offer, offer["boxes"])
    second.add(offer, offer["boxes"])
    won = first.http.get(first.checkout("E2E-PO-RACE-1")).text
    assert re.search(r'invoice <strong class="doc">W\d+</strong>', won), won
    answer = second.post("/checkout/", {"customer_po": "E2E-PO-RACE-2"}, form_page="/cart/")
    if answer.status_code == 302:
        # The wholesaler refused the line: the florist is told why, and the offer is refreshed.
        lost = second.http.get(answer.headers["location"]).text
        assert "Not placed." in lost and ("sold out" in lost or "left, you asked for" in lost), lost
        assert "Not placed" in second.http.get("/cart/").text
    else:
        # The winner's webhook reached the marketplace first: the cart already says the boxes are gone.
        assert answer.status_code == 400, answer.text[:2000]
        assert "no longer available" in answer.text or "boxes are available" in answer.text, answer.text
    assert _invoices_with_po(loop, "E2E-PO-RACE-2") == []
    assert second.http.get(f"/offers/{offer['id']}/").status_code == 404
