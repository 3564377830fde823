"""Saving a product tells partners about its lines at once: one `inventory.changed` per line on offer."""

from __future__ import annotations

import pytest
from django.db import transaction

from stemlink.catalog.models import Product
from stemlink.catalog.services import set_product_active
from stemlink.integrations.models import Delivery, OutboxEvent
from stemlink.integrations.services import add_endpoint
from tests.factories import make_future_line, make_line, make_product

pytestmark = pytest.mark.django_db


def _events() -> list[dict]:
    return [e.payload for e in OutboxEvent.objects.filter(event_type="inventory.changed").order_by("id")]


def test_hiding_a_product_records_quantity_0_for_each_of_its_lines_on_offer(world):
    add_endpoint(world.company, url="https://partner.example/hooks")
    product = make_product(world.company, world.roses)
    on_hand = make_line(world, product=product, boxes_on_hand=6, boxes_sold=2)
    future = make_future_line(world, product=product)
    make_line(world, product=product, boxes_on_hand=3, boxes_sold=3)  # nothing free: not on offer
    make_line(world, boxes_on_hand=5)  # another product's line
    set_product_active(product, False)
    events = _events()
    assert {(e["inventoryOrigin"], e["inventoryId"]) for e in events} == {(1, on_hand.pk), (2, future.pk)}
    assert {e["quantity"] for e in events} == {0}
    assert {e["reason"] for e in events} == {"product_hidden"}
    assert Delivery.objects.count() == 2  # one per event for the partner, sent by the worker

    OutboxEvent.objects.all().delete()
    set_product_active(product, True)
    shown = {e["inventoryId"]: e["quantity"] for e in _events()}
    assert shown == {on_hand.pk: 4, future.pk: future.boxes}


def test_a_product_saved_in_a_rolled_back_transaction_records_nothing(world):
    product = make_product(world.company, world.roses)
    make_line(world, product=product)
    with pytest.raises(RuntimeError), transaction.atomic():
        Product.objects.get(pk=product.pk).save()
        assert _events()
        raise RuntimeError("rolled back")
    assert _events() == []


def test_creating_a_product_records_nothing(world):
    make_product(world.company, world.roses)
    assert _events() == []
