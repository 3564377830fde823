"""A fake wholesaler speaking the public API as spec/API.md describes it, for the marketplace tests.

It serves the same answers through httpx.MockTransport (unit and page tests) and as a real HTTP
server in a thread (browser tests). Money goes out as JSON numbers, like the real server.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import socketserver
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import httpx

COMPANY_ID = 7
CUSTOMER_ID = 42
COMPANY_TOKEN = "companytoken0000000000000a"
CUSTOMER_TOKEN = "customertoken000000000000b"
CARRIER_ID = 3

STATUS_BY_CODE = {
    "invalid_token": 401,
    "method_not_allowed_for_token": 403,
    "wrong_account": 403,
    "validation_error": 400,
    "not_found": 404,
    "unknown_method": 404,
    "not_available": 409,
    "price_changed": 409,
    "invalid_state": 409,
    "idempotency_conflict": 409,
    "quota_exceeded": 429,
}

CUSTOMER_METHODS = {
    "customer.details.get",
    "ecommerce/inventory.list",
    "web-order.create",
    "web-order-item.add",
    "web-order.checkout",
    "web-order.delete",
    "invoice.list",
    "prebook.list",
    "invoice.pdf.get",
    "standing.order.create",
    "customer.shipto.add",
}
ACCOUNT_REQUIRED_PREFIXES = ("ecommerce/", "web-order")


class Refusal(Exception):
    def __init__(self, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.extra = extra


def _num(value: Decimal) -> float:
    return float(value)


@dataclass
class Line:
    origin: int
    ids: str
    product_id: int
    description: str
    category: str
    color: str
    grade: str
    box_type: str
    bunches: int
    stems: int
    quantity: int
    price: Decimal
    available_from: dt.date | None = None
    available_to: dt.date | None = None
    updated_on: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    product_code: str = ""

    def as_item(self) -> dict[str, Any]:
        return {
            "inventoryOrigin": self.origin,
            "inventoryIds": self.ids,
            "companyProductId": self.product_id,
            "productCode": self.product_code or f"P{self.product_id}",
            "productDescription": self.description,
            "category": self.category,
            "variety": self.description.split()[-1],
            "color": self.color,
            "grade": self.grade,
            "boxTypeId": 1 if self.box_type == "FB" else 2,
            "boxTypeCode": self.box_type,
            "unitType": "Stem",
            "bunches": self.bunches,
            "stemsBunch": self.stems,
            "unitsPerBox": self.bunches * self.stems,
            "quantity": self.quantity,
            "price": _num(self.price),
            "availableFrom": self.available_from.isoformat() if self.available_from else None,
            "availableTo": self.available_to.isoformat() if self.available_to else None,
            "vendorName": "Rosas del Ecuador",
            "locationId": 1,
            "updatedOn": self.updated_on.strftime("%Y-%m-%dT%H:%M:%S"),
        }


class FakeWholesaler:
    """In-memory wholesaler: catalogue, e-commerce lines, web orders, invoices, prebooks, idempotency."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        # Answer Stemlink's nextCursor extension (a Komet server does not).
        self.cursors = False
        today = dt.date.today()
        self.lines: dict[tuple[int, str], Line] = {}
        self.add_line(
            1,
            "101",
            11,
            "Rose Freedom",
            "Roses",
            "Red",
            "50 cm",
            "HB",
            10,
            25,
            8,
            Decimal("0.55"),
            today,
            today + dt.timedelta(days=6),
        )
        self.add_line(
            1,
            "102",
            12,
            "Rose Vendela",
            "Roses",
            "White",
            "60 cm",
            "QB",
            5,
            25,
            5,
            Decimal("0.70"),
            today,
            today + dt.timedelta(days=6),
        )
        self.add_line(
            2,
            "9001",
            13,
            "Hydrangea Blue",
            "Hydrangeas",
            "Blue",
            "Select",
            "FB",
            20,
            1,
            12,
            Decimal("1.90"),
            today + dt.timedelta(days=7),
            today + dt.timedelta(days=21),
        )
        self.calls: list[tuple[str, dict[str, Any], dict[str, str]]] = []
        self.idempotency: dict[tuple[str, str], tuple[str, int, dict[str, Any]]] = {}
        self.seq = itertools.count(500)
        self.ship_tos: dict[int, dict[str, Any]] = {}
        self.web_orders: dict[int, dict[str, Any]] = {}
        self.invoices: dict[int, dict[str, Any]] = {}
        self.prebooks: dict[int, dict[str, Any]] = {}
        self.standing_orders: dict[int, dict[str, Any]] = {}
        self.quota_limit = 3000
        self.quota_used = 0
        self.down = False
        # Methods whose next call is carried out and then the answer is lost (a crash after commit).
        self.lose_answer_once: set[str] = set()
        # Methods that fail with a network error before doing anything, this many times.
        self.fail_before: dict[str, int] = {}
        self.send_rate_headers = True

    # Data ----------------------------------------------------------------------------------
    def add_line(
        self,
        origin: int,
        ids: str,
        product_id: int,
        description: str,
        category: str,
        color: str,
        grade: str,
        box_type: str,
        bunches: int,
        stems: int,
        quantity: int,
        price: Decimal,
        available_from: dt.date | None = None,
        available_to: dt.date | None = None,
    ) -> Line:
        line = Line(
            origin,
            ids,
            product_id,
            description,
            category,
            color,
            grade,
            box_type,
            bunches,
            stems,
            quantity,
            price,
            available_from,
            available_to,
        )
        self.lines[(origin, ids)] = line
        return line

    def touch(self, origin: int, ids: str, **changes: Any) -> None:
        with self.lock:
            line = self.lines[(origin, ids)]
            for key, value in changes.items():
                setattr(line, key, value)
            line.updated_on = dt.datetime.now(dt.UTC)

    def count(self, method: str) -> int:
        return sum(1 for m, _, _ in self.calls if m == method)

    # Transport -----------------------------------------------------------------------------
    def handle(
        self, method: str, headers: dict[str, str], params: dict[str, Any]
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        with self.lock:
            self.calls.append((method, params, headers))
            self.quota_used += 1
            extra_headers: dict[str, str] = {}
            if self.send_rate_headers:
                extra_headers = {
                    "X-RateLimit-Limit": str(self.quota_limit),
                    "X-RateLimit-Remaining": str(max(self.quota_limit - self.quota_used, 0)),
                    "X-RateLimit-Reset": str(
                        int((dt.datetime.now(dt.UTC) + dt.timedelta(hours=5)).timestamp())
                    ),
                }
            token = headers.get("authenticationtoken", "")
            key = headers.get("idempotency-key")
            digest = hashlib.sha256(
                json.dumps([method, params], sort_keys=True, default=str).encode()
            ).hexdigest()
            if key and (token, key) in self.idempotency:
                stored_digest, status, body = self.idempotency[(token, key)]
                if stored_digest != digest:
                    return (
                        409,
                        {
                            "status": 0,
                            "message": "Idempotency-Key reused with other parameters",
                            "errorCode": "idempotency_conflict",
                        },
                        extra_headers,
                    )
                return status, body, extra_headers
            try:
                if self.quota_used > self.quota_limit:
                    raise Refusal("quota_exceeded", "daily quota exceeded")
                body = self._dispatch(method, token, headers, params)
                body = {"status": 1, "message": body.pop("message", "OK"), **body}
                status = 200
            except Refusal as exc:
                status = STATUS_BY_CODE.get(exc.code, 400)
                body = {"status": 0, "message": exc.message, "errorCode": exc.code, **exc.extra}
            if key and status < 500 and status != 429:
                self.idempotency[(token, key)] = (digest, status, body)
            return status, body, extra_headers

    def mock_transport(self) -> httpx.MockTransport:
        def handler(request: httpx.Request) -> httpx.Response:
            method = request.url.path.split("/api/", 1)[1]
            if self.down:
                raise httpx.ConnectError("connection refused", request=request)
            if self.fail_before.get(method, 0) > 0:
                self.fail_before[method] -= 1
                raise httpx.ReadTimeout("timed out", request=request)
            params = json.loads(request.content or b"{}")
            status, body, extra = self.handle(
                method, {k.lower(): v for k, v in request.headers.items()}, params
            )
            if method in self.lose_answer_once:
                self.lose_answer_once.discard(method)
                raise httpx.RemoteProtocolError(
                    "server disconnected without sending a response", request=request
                )
            return httpx.Response(status, json=body, headers=extra)

        return httpx.MockTransport(handler)

    def wsgi_app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        path = environ.get("PATH_INFO", "")
        if "/api/" not in path:
            start_response("404 Not Found", [("Content-Type", "text/html")])
            return [b"<html>not here</html>"]
        method = path.split("/api/", 1)[1]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b"{}"
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        status, body, extra = self.handle(method, headers, json.loads(raw or b"{}"))
        start_response(f"{status} X", [("Content-Type", "application/json"), *extra.items()])
        return [json.dumps(body).encode()]

    # Methods -------------------------------------------------------------------------------
    def _dispatch(
        self, method: str, token: str, headers: dict[str, str], p: dict[str, Any]
    ) -> dict[str, Any]:
        if token == COMPANY_TOKEN:
            kind = "Co"
        elif token == CUSTOMER_TOKEN:
            kind = "Cu"
        else:
            raise Refusal(
                "invalid_token", "The authentication token is missing, unknown, disabled or revoked."
            )
        account = headers.get("x-account")
        if account is not None and str(account) != str(COMPANY_ID):
            raise Refusal("wrong_account", "X-ACCOUNT is not the company of this token.")
        if method.startswith(ACCOUNT_REQUIRED_PREFIXES) and account is None:
            raise Refusal(
                "validation_error",
                "X-ACCOUNT header is required",
                errors=[{"field": "X-ACCOUNT", "message": "required"}],
            )
        handler = getattr(self, "m_" + method.replace("/", "_").replace(".", "_").replace("-", "_"), None)
        if handler is None:
            raise Refusal("unknown_method", f"Unknown method {method}.")
        if kind == "Cu" and method not in CUSTOMER_METHODS:
            raise Refusal("method_not_allowed_for_token", f"This token may not call {method}.")
        if kind == "Cu" and "customerId" in p and str(p["customerId"]) != str(CUSTOMER_ID):
            raise Refusal("not_found", "Customer not found.")
        return handler(p)

    def m_carrier_list(self, p: dict[str, Any]) -> dict[str, Any]:
        return {
            "carriers": [
                {"id": CARRIER_ID, "code": "ARM", "name": "Armellini Express", "active": True},
                {"id": 4, "code": "FDX", "name": "FedEx", "active": True},
            ]
        }

    def m_location_list(self, p: dict[str, Any]) -> dict[str, Any]:
        return {"locations": [{"id": 1, "name": "Miami", "code": "MIA"}]}

    def m_product_list(self, p: dict[str, Any]) -> dict[str, Any]:
        seen = {line.product_id: line for line in self.lines.values()}
        return {
            "products": [
                {
                    "id": pid,
                    "description": ln.description,
                    "active": True,
                    "category": ln.category,
                    "variety": ln.description.split()[-1],
                    "color": ln.color,
                    "grade": ln.grade,
                    "legacyCode": f"P{pid}",
                }
                for pid, ln in seen.items()
            ]
        }

    def m_boxtype_list(self, p: dict[str, Any]) -> dict[str, Any]:
        return {
            "boxtypes": [
                {"id": 1, "code": "FB", "fbe": 1.0},
                {"id": 2, "code": "HB", "fbe": 0.5},
                {"id": 3, "code": "QB", "fbe": 0.25},
            ]
        }

    def m_category_list(self, p: dict[str, Any]) -> dict[str, Any]:
        return {
            "categoryItems": [
                {"categoryId": 1, "categoryName": "Roses", "active": True},
                {"categoryId": 2, "categoryName": "Hydrangeas", "active": True},
            ]
        }

    def m_customer_details_get(self, p: dict[str, Any]) -> dict[str, Any]:
        if str(p.get("customerId")) != str(CUSTOMER_ID):
            raise Refusal("not_found", "Customer not found.")
        return {"customer": {"id": CUSTOMER_ID, "name": "BloomNet", "defaultPrice": "A"}}

    def m_ecommerce_inventory_list(self, p: dict[str, Any]) -> dict[str, Any]:
        page, rows = int(p.get("page", 1)), min(int(p.get("rows", 30)), 500)
        lines = sorted(self.lines.values(), key=lambda ln: (ln.origin, ln.ids))
        if p.get("updatedAsOf"):
            since = dt.datetime.strptime(str(p["updatedAsOf"])[:19], "%Y-%m-%d %H:%M:%S").replace(
                tzinfo=dt.UTC
            )
            lines = [ln for ln in lines if ln.updated_on >= since]
        else:
            lines = [ln for ln in lines if ln.quantity > 0]
        total = len(lines)
        if self.cursors and p.get("cursor"):
            # Seek: the lines after the one the cursor names, however many there are now.
            origin, ids = str(p["cursor"]).split(":", 1)
            lines = [ln for ln in lines if (ln.origin, ln.ids) > (int(origin), ids)]
            page = 1
        chunk = lines[(page - 1) * rows : page * rows]
        answer = {"total": total, "inventoryItems": [ln.as_item() for ln in chunk]}
        if self.cursors:
            answer["nextCursor"] = f"{chunk[-1].origin}:{chunk[-1].ids}" if len(chunk) == rows else None
        return answer

    def m_customer_shipto_add(self, p: dict[str, Any]) -> dict[str, Any]:
        if not p.get("name"):
            raise Refusal(
                "validation_error", "name is required", errors=[{"field": "name", "message": "required"}]
            )
        ship_to_id = next(self.seq)
        self.ship_tos[ship_to_id] = p
        return {"shipToId": ship_to_id, "message": "Ship to was successfully saved"}

    def m_web_order_create(self, p: dict[str, Any]) -> dict[str, Any]:
        order_id = next(self.seq)
        self.web_orders[order_id] = {"id": order_id, "status": 1, "items": [], "params": p}
        return {"webOrderId": order_id, "message": "Web order was successfully created."}

    def m_web_order_item_add(self, p: dict[str, Any]) -> dict[str, Any]:
        order = self.web_orders.get(int(p["webOrderId"]))
        if order is None or order["status"] != 1:
            raise Refusal("invalid_state", "The web order is not pending.")
        line = self.lines.get((int(p["inventoryOrigin"]), str(p["inventoryIds"])))
        if line is None:
            raise Refusal("not_found", "Inventory line not found.")
        boxes = int(p["quantity"])
        if boxes > line.quantity:
            raise Refusal(
                "not_available", f"Only {line.quantity} boxes are available.", availableBoxes=line.quantity
            )
        if Decimal(str(p["price"])) != line.price:
            raise Refusal("price_changed", f"The price is now {line.price}.", currentPrice=_num(line.price))
        if order["items"] and order["items"][0]["origin"] != line.origin:
            raise Refusal("validation_error", "on-hand and future lines cannot share one web order")
        line.quantity -= boxes
        line.updated_on = dt.datetime.now(dt.UTC)
        item_id = next(self.seq)
        order["items"].append(
            {
                "id": item_id,
                "origin": line.origin,
                "ids": line.ids,
                "boxes": boxes,
                "price": line.price,
                "units": line.bunches * line.stems,
                "date": p["date"],
                "shipToId": p.get("shipToId"),
                "carrierId": p.get("carrierId"),
            }
        )
        return {"webOrderId": order["id"], "webOrderItemId": item_id, "availableBoxes": line.quantity}

    def m_web_order_delete(self, p: dict[str, Any]) -> dict[str, Any]:
        order = self.web_orders.get(int(p["webOrderId"]))
        if order is None:
            raise Refusal("not_found", "Web order not found.")
        if order["status"] == 1:
            for item in order["items"]:
                line = self.lines[(item["origin"], item["ids"])]
                line.quantity += item["boxes"]
                line.updated_on = dt.datetime.now(dt.UTC)
            order["status"] = 3
        return {"message": "The Web Order was successfully canceled."}

    def m_web_order_checkout(self, p: dict[str, Any]) -> dict[str, Any]:
        order = self.web_orders.get(int(p["webOrderId"]))
        if order is None:
            raise Refusal("not_found", "Web order not found.")
        if order["status"] != 1:
            raise Refusal("invalid_state", "The web order was already checked out.")
        if not order["items"]:
            raise Refusal("invalid_state", "The web order has no lines.")
        order["status"] = 2
        total = sum((i["price"] * i["units"] * i["boxes"] for i in order["items"]), Decimal(0))
        result: dict[str, Any] = {"webOrderId": order["id"], "invoices": [], "prebooks": []}
        doc_id = next(self.seq)
        today = dt.date.today()
        if order["items"][0]["origin"] == 1:
            number = f"W{doc_id}"
            self.invoices[doc_id] = {
                "id": doc_id,
                "number": number,
                "status": 0,
                "customerId": CUSTOMER_ID,
                "createdOn": today.isoformat(),
                "total": total,
                "fee": total * Decimal("0.015"),
                "items": order["items"],
            }
            result["invoices"].append(
                {"invoiceId": doc_id, "invoiceNumber": doc_id, "prefix": "W", "status": 0}
            )
        else:
            number = str(doc_id)
            self.prebooks[doc_id] = {
                "id": doc_id,
                "number": number,
                "truckDate": order["items"][0]["date"],
                "customerId": CUSTOMER_ID,
                "checkOutStatus": 1,
                "total": total,
                "items": order["items"],
            }
            result["prebooks"].append({"prebookId": doc_id, "prebookNumber": doc_id})
        result["message"] = "The Web Order was successfully checked out."
        return result

    def m_invoice_list(self, p: dict[str, Any]) -> dict[str, Any]:
        found = [
            {
                "id": inv["id"],
                "number": inv["id"],
                "prefix": "W",
                "status": inv["status"],
                "customerId": inv["customerId"],
                "createdOn": inv["createdOn"],
                "total": _num(inv["total"]),
            }
            for inv in self.invoices.values()
            if p.get("orderDateFrom", "") <= inv["createdOn"] <= p.get("orderDateTo", "9999")
        ]
        return {"invoices": found, "message": "OK" if found else "Orders not found."}

    def m_prebook_list(self, p: dict[str, Any]) -> dict[str, Any]:
        return {
            "prebooks": [
                {
                    "id": pb["id"],
                    "number": pb["number"],
                    "truckDate": pb["truckDate"],
                    "checkOutStatus": pb["checkOutStatus"],
                    "total": _num(pb["total"]),
                }
                for pb in self.prebooks.values()
                if p.get("dateFrom", "") <= pb["truckDate"] <= p.get("dateTo", "9999")
            ]
        }

    def m_invoice_pdf_get(self, p: dict[str, Any]) -> dict[str, Any]:
        invoice = self.invoices.get(int(p["invoiceId"]))
        if invoice is None:
            raise Refusal("not_found", "Invoice not found.")
        content = b"%PDF-1.4\n% invoice " + invoice["number"].encode() + b"\n\xe2\x82\xac%%EOF\n"
        signed = ", ".join(str(b - 256 if b > 127 else b) for b in content)
        return {"suggestedFileName": f"Invoice_{invoice['number']}.pdf", "file": signed}

    def m_invoice_confirm(self, p: dict[str, Any]) -> dict[str, Any]:
        for invoice in self.invoices.values():
            if invoice["number"].lstrip("W") == str(p["invoiceNumber"]).lstrip("W"):
                invoice["status"] = 1
                return {"message": "The invoice was successfully confirmed."}
        raise Refusal("not_found", "Invoice not found.")

    def m_standing_order_create(self, p: dict[str, Any]) -> dict[str, Any]:
        if not p.get("days"):
            raise Refusal("validation_error", "days is required")
        standing_id = next(self.seq)
        self.standing_orders[standing_id] = p
        return {"standingOrderId": standing_id}


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _ThreadingWSGIServer(WSGIServer):
    daemon_threads = True


@contextmanager
def serve_fake(wholesaler: FakeWholesaler) -> Iterator[str]:
    """Serve a fake wholesaler on a free loopback port; yield its base URL."""
    with serve_wsgi(wholesaler.wsgi_app) as url:
        yield url


@contextmanager
def serve_wsgi(app: Callable[..., Any]) -> Iterator[str]:
    """Serve a WSGI application on a free loopback port, one thread per connection; yield its URL."""

    class Server(socketserver.ThreadingMixIn, _ThreadingWSGIServer):
        pass

    server = make_server("127.0.0.1", 0, app, server_class=Server, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def routing_transport(fakes: dict[str, FakeWholesaler]) -> httpx.MockTransport:
    """One transport for several fake wholesalers, chosen by the request's host name."""
    transports = {host: fake.mock_transport() for host, fake in fakes.items()}

    def handler(request: httpx.Request) -> httpx.Response:
        return transports[request.url.host].handle_request(request)

    return httpx.MockTransport(handler)
