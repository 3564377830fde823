"""Statement budgets of the hot API calls, counted through the real gateway (Django's test client).

What is counted is every statement a call sends to the database except SAVEPOINT and RELEASE: the
test runs inside a transaction, so each `atomic` block becomes a savepoint here while in production
only the inner ones do. The budget is the gateway's fixed cost (token with what it is bound to,
the burst and daily counters, the audit row) plus what the method itself needs. A change that adds
a statement to one of these calls fails here: give the statement a reason, or find a way without it.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.api_helpers import api, issue_token
from tests.factories import World, make_line

D = Decimal


def gateway() -> int:
    """A call with a token the process remembers costs: on PostgreSQL the token's check and both
    counters in one statement, and the audit row (2); on SQLite the token's check, the two counters
    and the audit row (4)."""
    return 2 if connection.vendor == "postgresql" else 4


def statements(client, world: World, method: str, params: dict, token: str) -> tuple[dict, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        status, body = api(client, method, params, token=token, account=world.company.pk)
    assert status == 200, body
    sql = [q["sql"] for q in captured.captured_queries]
    return body, [
        s for s in sql if not s.startswith(("SAVEPOINT", "RELEASE SAVEPOINT")) and not _housekeeping(s)
    ]


def _housekeeping(sql: str) -> bool:
    """The gateway's once-a-minute statements, which a call meets only when a minute turns over:
    sweeping the token's old burst windows and noting when the token was last used."""
    return sql.startswith('DELETE FROM "api_ratewindow"') or (
        sql.startswith('UPDATE "api_apitoken"') and '"last_used_on"' in sql
    )


@pytest.fixture
def buyer(client, world: World) -> str:
    token = issue_token(world.company, "customer", customer=world.customer)
    # The first call of a token also notes when it was used.
    api(
        client,
        "ecommerce/inventory.list",
        {"customerId": world.customer.pk},
        token=token,
        account=world.company.pk,
    )
    return token


def add_params(world: World, line_id: int, order_id: int) -> dict:
    return {
        "customerId": world.customer.pk,
        "webOrderId": order_id,
        "inventoryIds": str(line_id),
        "inventoryOrigin": 1,
        "price": 0.80,
        "quantity": 1,
        "carrierId": world.carrier.pk,
        "date": timezone.now().date().isoformat(),
    }


def create(client, world: World, buyer: str) -> tuple[int, list[str]]:
    body, sql = statements(
        client,
        world,
        "web-order.create",
        {"customerId": world.customer.pk, "companyId": world.company.pk},
        buyer,
    )
    return body["webOrderId"], sql


def test_web_order_create_budget(client, world, buyer) -> None:
    create(client, world, buyer)  # the first web order of a location also creates its number counter
    _, sql = create(client, world, buyer)
    # The default location, the next number, the order.
    assert len(sql) <= gateway() + 3, sql


def test_web_order_item_add_budget(client, world, buyer) -> None:
    lines = [make_line(world, boxes_on_hand=5, price=D("0.80")) for _ in range(2)]
    order_id, _ = create(client, world, buyer)
    _, first = statements(
        client, world, "web-order-item.add", add_params(world, lines[0].pk, order_id), buyer
    )
    # The order (locked), the lines with their product's and category's active flags, the hold,
    # the outbox event and its endpoints, the item, the order's timer and carrier.
    # The first item also reads the carrier the order did not have yet.
    assert len(first) <= gateway() + 8, first
    _, sql = statements(client, world, "web-order-item.add", add_params(world, lines[1].pk, order_id), buyer)
    assert len(sql) <= gateway() + 7, sql


def test_web_order_checkout_budget(client, world, buyer) -> None:
    lines = [make_line(world, boxes_on_hand=5, price=D("0.80")) for _ in range(3)]
    order_id, _ = create(client, world, buyer)
    for line in lines:
        statements(client, world, "web-order-item.add", add_params(world, line.pk, order_id), buyer)
    _, sql = statements(
        client, world, "web-order.checkout", {"customerId": world.customer.pk, "webOrderId": order_id}, buyer
    )
    # The order (locked), its held items, one conditional sale per line (3), the invoice number (2:
    # the counter is new), the invoice, its items, its fee entry, the items released, the order
    # closed, then the stock events and the checkout event in one batch with their endpoints (2).
    assert len(sql) <= gateway() + 14, sql


def test_an_ecommerce_inventory_page_budget(client, world, buyer) -> None:
    for _ in range(30):
        make_line(world)
    for rows in (1, 30):
        body, sql = statements(
            client, world, "ecommerce/inventory.list", {"customerId": world.customer.pk, "rows": rows}, buyer
        )
        assert len(body["inventoryItems"]) == rows
        # The total and the page: two statements whatever the page's size.
        assert len(sql) <= gateway() + 2, sql


def test_carrier_list_budget(client, world) -> None:
    token = issue_token(world.company, "company")
    api(client, "carrier.list", {}, token=token, account=world.company.pk)
    body, sql = statements(client, world, "carrier.list", {}, token)
    assert body["carriers"]
    assert len(sql) <= gateway() + 1, sql
