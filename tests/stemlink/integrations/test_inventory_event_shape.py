"""Partners get one `inventory.changed` shape, whether a sale or a back-office edit moved the line."""

from decimal import Decimal

import pytest

from stemlink.integrations.models import OutboxEvent
from stemlink.inventory import services as inventory
from stemlink.inventory.stock import ON_HAND, hold_boxes
from tests.factories import make_line

pytestmark = pytest.mark.django_db


def _last_event_data() -> dict:
    return OutboxEvent.objects.filter(event_type="inventory.changed").order_by("-id").first().payload


def test_a_hold_and_an_edit_describe_the_line_the_same_way(world):
    line = make_line(world, boxes_on_hand=10)
    hold_boxes(ON_HAND, line.pk, 3)
    held = _last_event_data()
    inventory.edit_line(world.company, ON_HAND, line.pk, price=Decimal("0.95"))
    edited = _last_event_data()
    assert set(held) == set(edited)
    assert held["inventoryId"] == edited["inventoryId"] == line.pk
    assert held["inventoryIds"] == edited["inventoryIds"] == str(line.pk)
    assert held["quantity"] == edited["quantity"] == 7
    assert held["reason"] == "hold"
    assert edited["reason"] != "hold"
