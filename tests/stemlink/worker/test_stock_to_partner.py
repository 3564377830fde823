"""From a stock change to the partner's server: the whole "nothing is lost" path."""

from __future__ import annotations

import time

import orjson
import pytest
from django.db import transaction

from stemlink.errors import NotAvailable
from stemlink.integrations import rules
from stemlink.integrations.models import Delivery, OutboxEvent
from stemlink.integrations.services import add_endpoint
from stemlink.inventory.stock import ON_HAND, hold_boxes
from stemlink.worker.loop import Worker
from tests.factories import make_line
from tests.stemlink.worker.receiver import Receiver


def test_a_hold_reaches_the_partner_signed_with_the_boxes_left(world, receiver: Receiver):
    _, secret = add_endpoint(world.company, url=receiver.url, customer_id=world.customer.pk)
    line = make_line(world, boxes_on_hand=10)

    hold_boxes(ON_HAND, line.pk, 3)
    Worker(jobs=[], timeout_seconds=3).run_once()

    [got] = receiver.received
    assert rules.verify_signature(
        secret, got.headers["X-Stemlink-Signature"], got.body, now=int(time.time())
    ).ok
    body = orjson.loads(got.body)
    assert body["type"] == "inventory.changed"
    assert body["data"]["inventoryId"] == line.pk
    assert body["data"]["quantity"] == 7


def test_a_stock_change_rolled_back_sends_nothing(world, receiver: Receiver):
    add_endpoint(world.company, url=receiver.url)
    line = make_line(world, boxes_on_hand=2)

    with pytest.raises(NotAvailable), transaction.atomic():
        hold_boxes(ON_HAND, line.pk, 2)
        hold_boxes(ON_HAND, line.pk, 1)  # the cart's second line fails: the whole checkout undoes

    assert OutboxEvent.objects.count() == 0
    assert Delivery.objects.count() == 0
    assert Worker(jobs=[], timeout_seconds=3).run_once().attempted == 0
    assert receiver.received == []
