"""The proof: buyers racing over HTTP for the last boxes, and retried calls that change nothing twice.

These run against a real threaded server (pytest-django's `live_server`) with one httpx client
per buyer thread, on whichever database DATABASE_URL names (SQLite file or PostgreSQL).
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from typing import Any

import httpx
import pytest
from django.db.models import Sum
from django.utils import timezone

from stemlink.inventory.models import InventoryLine
from stemlink.orders.models import FeeEntry, Invoice, InvoiceItem, WebOrder, WebOrderItem
from tests.api_helpers import api, issue_token
from tests.factories import World, make_customer, make_line, make_world

BOXES = 4
BUYERS = 3 * BOXES


def _post(http: httpx.Client, method: str, params: dict, token: str, company_id: int, key: str | None = None):
    headers = {"authenticationToken": token, "X-ACCOUNT": str(company_id)}
    if key:
        headers["Idempotency-Key"] = key
    response = http.post(f"/api/{method}", json=params, headers=headers)
    return response.status_code, response.json()


def _run_threads(count: int, target: Any) -> list[BaseException]:
    errors: list[BaseException] = []

    def guarded(n: int) -> None:
        try:
            target(n)
        except BaseException as exc:  # surfaced by the test, not swallowed
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@pytest.mark.django_db(transaction=True)
def test_three_times_more_buyers_than_boxes_race_and_exactly_the_boxes_on_hand_are_sold(live_server) -> None:
    world = make_world("Race Roses")
    line = make_line(world, boxes_on_hand=BOXES)
    today = timezone.now().date().isoformat()
    buyers = []
    for n in range(BUYERS):
        customer = world.customer if n == 0 else make_customer(world.company, customer_type="marketplace")
        buyers.append((customer.id, issue_token(world.company, "customer", customer=customer)))
    company_id = world.company.id
    start = threading.Barrier(BUYERS)
    outcomes: dict[int, tuple[str, Any]] = {}

    def buy(n: int) -> None:
        customer_id, token = buyers[n]
        with httpx.Client(base_url=live_server.url, timeout=60) as http:
            status, body = _post(
                http,
                "web-order.create",
                {"customerId": customer_id, "companyId": company_id},
                token,
                company_id,
            )
            assert status == 200, body
            order_id = body["webOrderId"]
            start.wait(timeout=60)
            status, body = _post(
                http,
                "web-order-item.add",
                {
                    "customerId": customer_id,
                    "webOrderId": order_id,
                    "inventoryIds": str(line.id),
                    "inventoryOrigin": 1,
                    "price": "0.80",
                    "quantity": 1,
                    "carrierId": world.carrier.id,
                    "date": today,
                },
                token,
                company_id,
            )
            if status != 200:
                assert status == 409 and body["errorCode"] == "not_available", body
                assert 0 <= body["availableBoxes"] < BOXES
                outcomes[n] = ("refused", body["availableBoxes"])
                return
            status, body = _post(
                http,
                "web-order.checkout",
                {"customerId": customer_id, "webOrderId": order_id},
                token,
                company_id,
            )
            assert status == 200, body
            outcomes[n] = ("bought", body["invoices"][0]["invoiceId"])

    errors = _run_threads(BUYERS, buy)
    assert errors == []
    results = Counter(kind for kind, _ in outcomes.values())
    assert results == {"bought": BOXES, "refused": BUYERS - BOXES}

    line.refresh_from_db()
    assert (line.boxes_on_hand, line.boxes_held, line.boxes_sold) == (BOXES, 0, BOXES)
    sold_on_invoices = InvoiceItem.objects.filter(inventory_line=line).aggregate(total=Sum("boxes"))["total"]
    assert sold_on_invoices == BOXES
    invoices = [value for kind, value in outcomes.values() if kind == "bought"]
    assert len(set(invoices)) == BOXES
    assert len(set(Invoice.objects.filter(id__in=invoices).values_list("number", flat=True))) == BOXES
    assert FeeEntry.objects.filter(invoice_id__in=invoices).count() == BOXES
    assert not InventoryLine.objects.filter(boxes_held__gt=0).exists()


@pytest.mark.django_db(transaction=True)
def test_a_double_clicked_checkout_makes_one_invoice(live_server) -> None:
    world = make_world("Double Click")
    line = make_line(world, boxes_on_hand=5)
    token = issue_token(world.company, "customer", customer=world.customer)
    with httpx.Client(base_url=live_server.url, timeout=60) as http:
        status, body = _post(
            http,
            "web-order-item.add",
            {
                "customerId": world.customer.id,
                "inventoryIds": str(line.id),
                "inventoryOrigin": 1,
                "price": "0.80",
                "quantity": 3,
                "carrierId": world.carrier.id,
                "date": timezone.now().date().isoformat(),
            },
            token,
            world.company.id,
        )
    assert status == 200, body
    order_id = body["webOrderId"]
    start = threading.Barrier(4)
    statuses: list[int] = []

    def click(_: int) -> None:
        with httpx.Client(base_url=live_server.url, timeout=60) as http:
            start.wait(timeout=60)
            code, answer = _post(
                http,
                "web-order.checkout",
                {"customerId": world.customer.id, "webOrderId": order_id},
                token,
                world.company.id,
            )
            assert code in (200, 409), answer
            statuses.append(code)

    assert _run_threads(4, click) == []
    assert sorted(statuses) == [200, 409, 409, 409]
    assert Invoice.objects.filter(web_order_id=order_id).count() == 1
    line.refresh_from_db()
    assert (line.boxes_held, line.boxes_sold) == (0, 3)


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_idempotency_key_hold_once(live_server) -> None:
    world = make_world("Retry Roses")
    line = make_line(world, boxes_on_hand=10)
    token = issue_token(world.company, "customer", customer=world.customer)
    key = str(uuid.uuid4())
    params = {
        "customerId": world.customer.id,
        "inventoryIds": str(line.id),
        "inventoryOrigin": 1,
        "price": "0.80",
        "quantity": 2,
        "carrierId": world.carrier.id,
        "date": timezone.now().date().isoformat(),
    }
    start = threading.Barrier(5)
    answers: list[tuple[int, dict]] = []

    def retry(_: int) -> None:
        with httpx.Client(base_url=live_server.url, timeout=60) as http:
            start.wait(timeout=60)
            answers.append(_post(http, "web-order-item.add", params, token, world.company.id, key=key))

    assert _run_threads(5, retry) == []
    assert {status for status, _ in answers} == {200}
    assert len({body["webOrderItemId"] for _, body in answers}) == 1
    assert WebOrderItem.objects.count() == 1
    line.refresh_from_db()
    assert line.boxes_held == 2


# --- idempotent retries through the test client ---------------------------------------------


def _call(client, world: World, method: str, params: dict, token: str, key: str) -> tuple[int, dict]:
    return api(
        client, method, params, token=token, account=world.company.id, headers={"Idempotency-Key": key}
    )


def test_a_retried_create_makes_one_web_order(client, world) -> None:
    token = issue_token(world.company, "customer", customer=world.customer)
    params = {"customerId": world.customer.id, "companyId": world.company.id}
    first = _call(client, world, "web-order.create", params, token, "create-1")
    again = _call(client, world, "web-order.create", params, token, "create-1")
    assert first == again
    assert first[0] == 200
    assert WebOrder.objects.count() == 1
    other = _call(client, world, "web-order.create", params, token, "create-2")
    assert other[1]["webOrderId"] != first[1]["webOrderId"]


def test_a_retried_add_holds_once(client, world) -> None:
    line = make_line(world, boxes_on_hand=10)
    token = issue_token(world.company, "customer", customer=world.customer)
    params = {
        "customerId": world.customer.id,
        "inventoryIds": str(line.id),
        "inventoryOrigin": 1,
        "price": "0.80",
        "quantity": 3,
        "carrierId": world.carrier.id,
        "date": timezone.now().date().isoformat(),
    }
    first = _call(client, world, "web-order-item.add", params, token, "add-1")
    again = _call(client, world, "web-order-item.add", params, token, "add-1")
    assert first == again and first[0] == 200
    line.refresh_from_db()
    assert line.boxes_held == 3
    assert WebOrderItem.objects.count() == 1
    changed = _call(client, world, "web-order-item.add", {**params, "quantity": 4}, token, "add-1")
    assert changed[0] == 409 and changed[1]["errorCode"] == "idempotency_conflict"
    line.refresh_from_db()
    assert line.boxes_held == 3


def test_a_retried_checkout_answers_the_same_documents_and_makes_them_once(client, world) -> None:
    line = make_line(world, boxes_on_hand=10)
    token = issue_token(world.company, "customer", customer=world.customer)
    _, added = _call(
        client,
        world,
        "web-order-item.add",
        {
            "customerId": world.customer.id,
            "inventoryIds": str(line.id),
            "inventoryOrigin": 1,
            "price": "0.80",
            "quantity": 2,
            "carrierId": world.carrier.id,
            "date": timezone.now().date().isoformat(),
        },
        token,
        "add-for-checkout",
    )
    params = {"customerId": world.customer.id, "webOrderId": added["webOrderId"]}
    first = _call(client, world, "web-order.checkout", params, token, "checkout-1")
    again = _call(client, world, "web-order.checkout", params, token, "checkout-1")
    assert first[0] == 200 and first == again
    assert Invoice.objects.count() == 1
    assert FeeEntry.objects.count() == 1
    line.refresh_from_db()
    assert (line.boxes_held, line.boxes_sold) == (0, 2)
    # A new key is a new request: the order is checked out already.
    third = _call(client, world, "web-order.checkout", params, token, "checkout-2")
    assert third[0] == 409 and third[1]["errorCode"] == "invalid_state"
