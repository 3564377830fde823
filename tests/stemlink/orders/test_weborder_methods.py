"""Web-order and invoice-status API methods through HTTP with real tokens."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from stemlink.api.services import log_in
from stemlink.inventory.models import InventoryLine
from stemlink.orders.models import FeeEntry, Invoice, InvoiceStatus, Prebook, WebOrder, WebOrderStatus
from tests.api_helpers import api, covers, issue_token
from tests.factories import World, make_customer, make_future_line, make_line, make_user

D = Decimal


@pytest.fixture
def buyer(world: World) -> str:
    return issue_token(world.company, "customer", customer=world.customer)


def call(client, world: World, method: str, params: dict, token: str, **kw) -> tuple[int, dict]:
    return api(client, method, params, token=token, account=world.company.id, **kw)


def add_params(world: World, line: InventoryLine, quantity: int = 1, **extra: object) -> dict:
    params = {
        "customerId": world.customer.id,
        "inventoryIds": str(line.id),
        "inventoryOrigin": 1,
        "price": 0.80,
        "quantity": quantity,
        "carrierId": world.carrier.id,
        "date": timezone.now().date().isoformat(),
    }
    params.update(extra)
    return params


def held(line: InventoryLine) -> tuple[int, int]:
    line.refresh_from_db()
    return line.boxes_held, line.boxes_sold


@covers("web-order.create")
def test_create_answers_the_new_web_order_id(client, world, buyer) -> None:
    status, body = call(
        client,
        world,
        "web-order.create",
        {"customerId": world.customer.id, "companyId": world.company.id},
        buyer,
    )
    assert status == 200, body
    assert body["status"] == 1
    assert body["message"] == "Web order was successfully created."
    order = WebOrder.objects.get(id=body["webOrderId"])
    assert order.customer == world.customer and order.status == WebOrderStatus.PENDING


def test_create_needs_the_company_id_of_the_token(client, world, other_world, buyer) -> None:
    status, body = call(
        client,
        world,
        "web-order.create",
        {"customerId": world.customer.id, "companyId": other_world.company.id},
        buyer,
    )
    assert status == 400 and body["errorCode"] == "validation_error"
    assert not WebOrder.objects.exists()


def test_a_customer_token_cannot_order_for_another_customer(client, world, buyer) -> None:
    other = make_customer(world.company)
    status, body = call(
        client, world, "web-order.create", {"customerId": other.id, "companyId": world.company.id}, buyer
    )
    assert status == 404 and body["errorCode"] == "not_found"


def test_web_order_methods_need_x_account(client, world, buyer) -> None:
    status, body = api(
        client,
        "web-order.create",
        {"customerId": world.customer.id, "companyId": world.company.id},
        token=buyer,
    )
    assert status in (400, 403) and body["status"] == 0


def test_a_company_token_may_not_use_web_orders(client, world) -> None:
    token = issue_token(world.company, "company")
    status, body = call(
        client,
        world,
        "web-order.create",
        {"customerId": world.customer.id, "companyId": world.company.id},
        token,
    )
    assert status == 403 and body["status"] == 0


@covers("web-order-item.add")
def test_add_holds_boxes_and_answers_the_boxes_left(client, world, buyer) -> None:
    line = make_line(world, boxes_on_hand=6)
    status, body = call(client, world, "web-order-item.add", add_params(world, line, 2), buyer)
    assert status == 200, body
    assert body["availableBoxes"] == 4
    assert body["webOrderItemId"] and body["webOrderId"]
    assert held(line) == (2, 0)


def test_add_refuses_gone_boxes_with_the_boxes_left(client, world, buyer) -> None:
    line = make_line(world, boxes_on_hand=1)
    status, body = call(client, world, "web-order-item.add", add_params(world, line, 2), buyer)
    assert status == 409
    assert body["errorCode"] == "not_available" and body["availableBoxes"] == 1
    assert held(line) == (0, 0)


def test_add_refuses_a_stale_price_with_the_current_one(client, world, buyer) -> None:
    line = make_line(world, price=D("0.95"))
    status, body = call(client, world, "web-order-item.add", add_params(world, line, 1, price="0.80"), buyer)
    assert status == 409
    assert body["errorCode"] == "price_changed" and body["currentPrice"] == 0.95
    assert held(line) == (0, 0)


def test_add_explains_bad_input_field_by_field(client, world, buyer) -> None:
    line = make_line(world)
    status, body = call(client, world, "web-order-item.add", add_params(world, line, 0), buyer)
    assert status == 400 and body["errorCode"] == "validation_error"
    assert "whole number of boxes" in body["message"]
    status, body = call(
        client, world, "web-order-item.add", add_params(world, line, 1, date="tomorrow"), buyer
    )
    assert status == 400 and body["errors"][0]["field"] == "date"


def test_add_by_product_code_needs_a_transactional_token(client, world, buyer) -> None:
    line = make_line(world)
    params = add_params(world, line, 1, productCode=world.product.code, boxTypeCode="HB")
    del params["inventoryIds"]
    status, body = call(client, world, "web-order-item.add", params, buyer)
    assert status == 400 and "Transactional" in body["message"]


def test_add_by_product_code_finds_the_lines_at_that_price(client, world) -> None:
    make_line(world, price=D("0.95"), boxes_on_hand=5)
    cheap = make_line(world, boxes_on_hand=5)
    token = issue_token(world.company, "customer", customer=world.customer, transactional=True)
    params = add_params(world, cheap, 2, productCode=world.product.code, boxTypeCode="HB")
    del params["inventoryIds"]
    status, body = call(client, world, "web-order-item.add", params, token)
    assert status == 200, body
    assert held(cheap) == (2, 0)


@covers("web-order-item.delete")
def test_delete_item_releases_the_boxes(client, world, buyer) -> None:
    line = make_line(world)
    _, added = call(client, world, "web-order-item.add", add_params(world, line, 3), buyer)
    status, body = call(
        client,
        world,
        "web-order-item.delete",
        {
            "customerId": world.customer.id,
            "webOrderId": added["webOrderId"],
            "webOrderItemId": added["webOrderItemId"],
        },
        buyer,
    )
    assert status == 200, body
    assert held(line) == (0, 0)


@covers("web-order.checkout", "web-order-details.list")
def test_checkout_answers_the_documents_and_details_show_the_fee(client, world, buyer) -> None:
    line = make_line(world, boxes_on_hand=4)
    _, added = call(client, world, "web-order-item.add", add_params(world, line, 2), buyer)
    order_id = added["webOrderId"]

    status, body = call(
        client, world, "web-order-details.list", {"customerId": world.customer.id}, buyer, verb="GET"
    )
    assert status == 200
    [pending] = body["webOrders"]
    assert pending["statusId"] == 1 and pending["total"] == 400.0 and pending["transactionFee"] == 6.0
    assert pending["items"][0]["quantity"] == 2 and pending["items"][0]["price"] == 0.8

    status, body = call(
        client, world, "web-order.checkout", {"customerId": world.customer.id, "webOrderId": order_id}, buyer
    )
    assert status == 200, body
    assert body["message"] == "The Web Order was successfully checked out."
    [inv] = body["invoices"]
    invoice = Invoice.objects.get(id=inv["invoiceId"])
    assert inv["invoiceNumber"] == invoice.number and invoice.prefix == "W" == inv["prefix"]
    assert invoice.status == InvoiceStatus.PENDING
    assert body["prebooks"] == []
    assert held(line) == (0, 2)

    status, body = call(
        client,
        world,
        "web-order-details.list",
        {"customerId": world.customer.id, "webOrderId": order_id},
        buyer,
        verb="GET",
    )
    [done] = body["webOrders"]
    assert done["statusId"] == 2
    assert done["transactionFee"] == 6.0
    assert done["invoiceNumbers"] == [f"W{invoice.number}"]


def test_checkout_twice_is_refused(client, world, buyer) -> None:
    _, added = call(client, world, "web-order-item.add", add_params(world, make_line(world), 1), buyer)
    params = {"customerId": world.customer.id, "webOrderId": added["webOrderId"]}
    assert call(client, world, "web-order.checkout", params, buyer)[0] == 200
    status, body = call(client, world, "web-order.checkout", params, buyer)
    assert status == 409 and body["errorCode"] == "invalid_state"
    assert Invoice.objects.count() == 1


def test_checkout_of_future_lines_answers_a_prebook(client, world, buyer) -> None:
    line = make_future_line(world)
    params = add_params(world, line, 2, inventoryOrigin=2, price="0.70", date=line.available_from.isoformat())  # type: ignore[arg-type]
    _, added = call(client, world, "web-order-item.add", params, buyer)
    status, body = call(
        client,
        world,
        "web-order.checkout",
        {"customerId": world.customer.id, "webOrderId": added["webOrderId"]},
        buyer,
    )
    assert status == 200, body
    [pb] = body["prebooks"]
    assert Prebook.objects.get(id=pb["prebookId"]).checkout_status == 1


@covers("web-order.delete")
def test_delete_releases_holds(client, world, buyer) -> None:
    line = make_line(world)
    _, added = call(client, world, "web-order-item.add", add_params(world, line, 2), buyer)
    status, body = call(
        client,
        world,
        "web-order.delete",
        {"customerId": world.customer.id, "webOrderId": added["webOrderId"]},
        buyer,
    )
    assert status == 200, body
    assert held(line) == (0, 0)


def test_a_user_token_orders_for_any_customer_of_its_company(client, world) -> None:
    user = make_user(world.company, username="rep1", role="sales_rep")
    _, token = log_in(user.username, "flowers-2026", company_id=world.company.id)
    line = make_line(world)
    status, body = call(client, world, "web-order-item.add", add_params(world, line, 1), token)
    assert status == 200, body
    assert WebOrder.objects.get(id=body["webOrderId"]).customer == world.customer


def _invoice_through_api(client, world: World, buyer: str, line: InventoryLine) -> Invoice:
    _, added = call(client, world, "web-order-item.add", add_params(world, line, 2), buyer)
    _, body = call(
        client,
        world,
        "web-order.checkout",
        {"customerId": world.customer.id, "webOrderId": added["webOrderId"]},
        buyer,
    )
    return Invoice.objects.get(id=body["invoices"][0]["invoiceId"])


@covers("invoice.confirm")
def test_confirm_by_number(client, world, buyer) -> None:
    invoice = _invoice_through_api(client, world, buyer, make_line(world))
    token = issue_token(world.company, "company")
    status, body = api(client, "invoice.confirm", {"invoiceNumber": invoice.number}, token=token)
    assert status == 200, body
    assert body["message"] == "The invoice was successfully confirmed."
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.CONFIRMED
    status, body = api(client, "invoice.confirm", {"invoiceNumber": invoice.number}, token=token)
    assert status == 409 and body["errorCode"] == "invalid_state"


def test_a_customer_token_cannot_confirm(client, world, buyer) -> None:
    invoice = _invoice_through_api(client, world, buyer, make_line(world))
    status, _ = api(client, "invoice.confirm", {"invoiceNumber": invoice.number}, token=buyer)
    assert status == 403


def test_another_companys_invoice_is_not_found(client, world, other_world, buyer) -> None:
    invoice = _invoice_through_api(client, world, buyer, make_line(world))
    token = issue_token(other_world.company, "company")
    status, body = api(client, "invoice.void", {"invoiceNumber": invoice.number, "reason": "x"}, token=token)
    assert status == 404 and body["errorCode"] == "not_found"
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PENDING


@covers("invoice.void")
def test_void_with_reason_returns_the_boxes_and_reverses_the_fee(client, world, buyer) -> None:
    line = make_line(world)
    invoice = _invoice_through_api(client, world, buyer, line)
    token = issue_token(world.company, "company")
    status, body = api(client, "invoice.void", {"invoiceNumber": str(invoice.number)}, token=token)
    assert status == 400 and body["errors"][0]["field"] == "reason"
    status, body = api(
        client, "invoice.void", {"invoiceNumber": str(invoice.number), "reason": "Out of stock"}, token=token
    )
    assert status == 200, body
    assert body["message"] == "The invoice was successfully voided."
    assert held(line) == (0, 0)
    assert sum(FeeEntry.objects.filter(invoice=invoice).values_list("amount", flat=True)) == 0


def test_an_expired_order_is_refused_at_checkout(client, world, buyer) -> None:
    line = make_line(world)
    _, added = call(client, world, "web-order-item.add", add_params(world, line, 2), buyer)
    WebOrder.objects.filter(id=added["webOrderId"]).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    status, body = call(
        client,
        world,
        "web-order.checkout",
        {"customerId": world.customer.id, "webOrderId": added["webOrderId"]},
        buyer,
    )
    assert status == 409 and "expired" in body["message"]
    assert not Invoice.objects.exists()
    # The next read meets it and gives its boxes back.
    call(client, world, "web-order-details.list", {"customerId": world.customer.id}, buyer, verb="GET")
    assert held(line) == (0, 0)


@covers("web-order-item.add", "web-order.checkout")
def test_the_marketplace_flow_from_the_ecommerce_view_to_an_invoice(client, world, buyer) -> None:
    world.customer.ecommerce_markup = D("10")
    world.customer.save()
    line = make_line(world, boxes_on_hand=5, price=D("1.00"))
    listing = {"customerId": world.customer.id}
    status, view = call(client, world, "ecommerce/inventory.list", listing, buyer, verb="GET")
    assert status == 200, view
    [offer] = [
        item for item in view["inventoryItems"] if str(line.id) in str(item["inventoryIds"]).split(",")
    ]
    assert offer["quantity"] == 5 and offer["price"] == 1.10

    status, added = call(
        client,
        world,
        "web-order-item.add",
        {
            "customerId": world.customer.id,
            "inventoryIds": offer["inventoryIds"],
            "inventoryOrigin": offer["inventoryOrigin"],
            "price": offer["price"],
            "quantity": 2,
            "carrierId": world.carrier.id,
            "date": timezone.now().date().isoformat(),
        },
        buyer,
    )
    assert status == 200, added
    # Held boxes vanish from the view at once.
    _, view = call(client, world, "ecommerce/inventory.list", listing, buyer, verb="GET")
    [offer] = [
        item for item in view["inventoryItems"] if str(line.id) in str(item["inventoryIds"]).split(",")
    ]
    assert offer["quantity"] == 3

    status, done = call(
        client,
        world,
        "web-order.checkout",
        {"customerId": world.customer.id, "webOrderId": added["webOrderId"]},
        buyer,
    )
    assert status == 200, done
    invoice = Invoice.objects.get(id=done["invoices"][0]["invoiceId"])
    [item] = invoice.items.all()
    assert (item.inventory_line_id, item.boxes, item.unit_price, item.units_per_box) == (
        line.id,
        2,
        D("1.10"),
        250,
    )
    assert item.total == invoice.total == D("550.00")
    assert FeeEntry.objects.get(invoice=invoice).amount == D("8.25")
    assert held(line) == (0, 2)
    _, view = call(client, world, "ecommerce/inventory.list", listing, buyer, verb="GET")
    [offer] = [
        item for item in view["inventoryItems"] if str(line.id) in str(item["inventoryIds"]).split(",")
    ]
    assert offer["quantity"] == 3
