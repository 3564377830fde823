"""A long list is answered as it is read (stemlink.api.streamed): the same envelope, the same checks.

`BATCH_ROWS` is made small here so that a handful of invoices is a "long" list.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import orjson
import pytest
from django.utils import timezone

from stemlink.api import streamed
from stemlink.api.methods import invoices as invoice_methods
from stemlink.api.models import ApiCall
from stemlink.orders.models import Invoice, InvoiceStatus
from tests.api_helpers import api, issue_token
from tests.factories import World

TODAY = timezone.now().date().isoformat()
PERIOD = {"orderDateFrom": TODAY, "orderDateTo": TODAY}


def _invoices(world: World, n: int) -> None:
    Invoice.objects.bulk_create(
        Invoice(
            company=world.company,
            location=world.location,
            number=100 + i,
            customer=world.customer,
            carrier=world.carrier,
            ship_date=timezone.now().date(),
            status=InvoiceStatus.CONFIRMED,
            subtotal=Decimal("12.50"),
            total=Decimal("12.50"),
            po_number=f'PO "{i}" <&>',
        )
        for i in range(n)
    )


def _post(client: Any, token: str, world: World) -> Any:
    return client.post(
        "/api/invoice.list",
        data=json.dumps(PERIOD),
        content_type="application/json",
        headers={"authenticationToken": token, "X-ACCOUNT": str(world.company.pk)},
    )


def test_a_long_list_is_streamed_in_the_normal_envelope_audited_and_counted(client, world, monkeypatch):
    _invoices(world, 5)
    token = issue_token(world.company, "company")
    status, whole = api(client, "invoice.list", PERIOD, token=token)
    assert status == 200 and len(whole["invoices"]) == 5
    assert not _post(client, token, world).streaming  # one batch: answered at once, as before
    monkeypatch.setattr(streamed, "BATCH_ROWS", 2)
    response = _post(client, token, world)
    assert response.streaming and response["Content-Type"] == "application/json"
    pieces = list(response.streaming_content)
    assert len(pieces) == 4  # the head with two rows, two more, one more and the end
    assert orjson.loads(b"".join(pieces)) == whole
    # Through the test helper too, which checks the answer against the OpenAPI document.
    assert api(client, "invoice.list", PERIOD, token=token) == (200, whole)
    calls = ApiCall.objects.filter(method="invoice.list")
    assert calls.count() == 4 and set(calls.values_list("status", "http_status")) == {(1, 200)}


def test_a_streamed_answer_keeps_the_headers_of_an_unstreamed_one(client, world, monkeypatch):
    _invoices(world, 3)
    token = issue_token(world.company, "company")
    whole = _post(client, token, world)
    monkeypatch.setattr(streamed, "BATCH_ROWS", 1)
    pieces = _post(client, token, world)
    assert pieces.streaming and not whole.streaming
    names = {k for k in pieces.headers if k.startswith("X-")}
    assert names and names == {k for k in whole.headers if k.startswith("X-")}
    assert orjson.loads(b"".join(pieces.streaming_content))["invoices"]  # read to the end, as a server does
    pieces.close()


def test_an_abandoned_streamed_answer_stops_reading(client, world, monkeypatch):
    """What the server does when the client goes away: it closes the response, and reading stops."""
    _invoices(world, 40)
    read: list[int] = []
    rows = invoice_methods._invoice_rows

    def counted(queryset: Any) -> Any:
        for row in rows(queryset):
            read.append(row["id"])
            yield row

    monkeypatch.setattr(invoice_methods, "_invoice_rows", counted)
    monkeypatch.setattr(streamed, "BATCH_ROWS", 2)
    response = _post(client, issue_token(world.company, "company"), world)
    chunks = iter(response.streaming_content)
    assert next(chunks).startswith(b'{"status":1,"message":"OK","invoices":[{')
    response.close()
    assert len(read) <= 6  # the first batches, not the 40 rows
    assert list(chunks) == []


def test_render_writes_the_envelope_around_the_batches():
    def dumps(value: Any) -> bytes:
        return orjson.dumps(value)

    def rows(*batches: list[int]) -> streamed.StreamedRows:
        return streamed.StreamedRows(iter(batches))

    assert streamed.render({"a": 1, "rows": rows([1])}, dumps) == b'{"a":1,"rows":[1]}'
    assert streamed.render({"rows": rows()}, dumps) == b'{"rows":[]}'
    assert not rows() and rows([1])
    pieces = streamed.render({"rows": rows([1, 2], [], [3])}, dumps)
    assert not isinstance(pieces, bytes)
    assert orjson.loads(b"".join(pieces)) == {"rows": [1, 2, 3]}
    pieces = streamed.render({"status": 1, "rows": rows([1], [2]), "z": "end"}, dumps)
    assert orjson.loads(b"".join(pieces)) == {"status": 1, "z": "end", "rows": [1, 2]}
    assert list(streamed.batched(range(5), 2)) == [[0, 1], [2, 3], [4]]


@pytest.mark.parametrize("size", [1, 3])
def test_a_streamed_list_has_every_row_once_in_order(client, world, monkeypatch, size):
    _invoices(world, 7)
    token = issue_token(world.company, "company")
    monkeypatch.setattr(streamed, "BATCH_ROWS", size)
    _, body = api(client, "invoice.list", PERIOD, token=token)
    numbers = [row["number"] for row in body["invoices"]]
    assert sorted(numbers) == list(range(100, 107)) and len(set(numbers)) == 7
    assert body["invoices"][0]["poNumber"].startswith('PO "')
