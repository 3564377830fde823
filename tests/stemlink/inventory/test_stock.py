"""Atomic stock operations: holds, sales, releases and returns on on-hand and future lines."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from stemlink.errors import InvalidState, NotAvailable, NotFound
from stemlink.integrations.models import OutboxEvent
from stemlink.inventory import stock
from stemlink.inventory.models import FutureLine, InventoryLine
from stemlink.inventory.stock import FUTURE, ON_HAND, StockMove
from tests.factories import World, make_future_line, make_line


def _counts(line: InventoryLine | FutureLine) -> tuple[int, int]:
    line.refresh_from_db()
    return line.boxes_held, line.boxes_sold


def test_hold_takes_free_boxes_and_says_what_is_left(world: World) -> None:
    line = make_line(world, boxes_on_hand=5)
    result = stock.hold_boxes(ON_HAND, line.id, 3)
    assert result.free == 2
    assert _counts(line) == (3, 0)


def test_refuses_hold_when_fewer_boxes_are_free_and_changes_nothing(world: World) -> None:
    line = make_line(world, boxes_on_hand=5)
    stock.hold_boxes(ON_HAND, line.id, 4)
    with pytest.raises(NotAvailable) as info:
        stock.hold_boxes(ON_HAND, line.id, 2)
    assert info.value.available_boxes == 1
    assert info.value.extra == {"availableBoxes": 1}
    assert _counts(line) == (4, 0)


def test_refuses_hold_when_last_box_is_held(world: World) -> None:
    line = make_line(world, boxes_on_hand=1)
    stock.hold_boxes(ON_HAND, line.id, 1)
    with pytest.raises(NotAvailable, match="no boxes available") as info:
        stock.hold_boxes(ON_HAND, line.id, 1)
    assert info.value.available_boxes == 0


def test_sold_boxes_are_not_free(world: World) -> None:
    line = make_line(world, boxes_on_hand=3)
    stock.sell_boxes(ON_HAND, line.id, 2)
    with pytest.raises(NotAvailable) as info:
        stock.hold_boxes(ON_HAND, line.id, 2)
    assert info.value.available_boxes == 1


def test_checkout_turns_held_boxes_into_sold(world: World) -> None:
    line = make_line(world, boxes_on_hand=5)
    stock.hold_boxes(ON_HAND, line.id, 3)
    stock.sell_held_boxes(ON_HAND, line.id, 2)
    assert _counts(line) == (1, 2)


def test_cannot_sell_more_than_held(world: World) -> None:
    line = make_line(world, boxes_on_hand=5)
    stock.hold_boxes(ON_HAND, line.id, 1)
    with pytest.raises(InvalidState):
        stock.sell_held_boxes(ON_HAND, line.id, 2)
    assert _counts(line) == (1, 0)


def test_release_gives_held_boxes_back(world: World) -> None:
    line = make_line(world, boxes_on_hand=5)
    stock.hold_boxes(ON_HAND, line.id, 3)
    assert stock.release_held_boxes(ON_HAND, line.id, 3).free == 5
    with pytest.raises(InvalidState):
        stock.release_held_boxes(ON_HAND, line.id, 1)


def test_return_puts_sold_boxes_back_on_the_market(world: World) -> None:
    line = make_line(world, boxes_on_hand=5)
    stock.sell_boxes(ON_HAND, line.id, 2)
    assert stock.return_sold_boxes(ON_HAND, line.id, 2).free == 5
    with pytest.raises(InvalidState):
        stock.return_sold_boxes(ON_HAND, line.id, 1)


def test_future_lines_count_their_boxes_the_same_way(world: World) -> None:
    line = make_future_line(world, boxes=4)
    stock.hold_boxes(FUTURE, line.id, 3)
    with pytest.raises(NotAvailable) as info:
        stock.hold_boxes(FUTURE, line.id, 2)
    assert info.value.available_boxes == 1
    stock.sell_held_boxes(FUTURE, line.id, 3)
    assert _counts(line) == (0, 3)


def test_an_unknown_line_is_not_found(world: World) -> None:
    with pytest.raises(NotFound):
        stock.hold_boxes(ON_HAND, 999_999, 1)


def test_another_companys_line_is_not_found(world: World, other_world: World) -> None:
    line = make_line(other_world)
    with pytest.raises(NotFound):
        stock.hold_boxes(ON_HAND, line.id, 1, company_id=world.company.id)
    assert _counts(line) == (0, 0)


@pytest.mark.parametrize("boxes", [0, -2])
def test_box_counts_must_be_positive(world: World, boxes: int) -> None:
    line = make_line(world)
    with pytest.raises(ValueError):
        stock.hold_boxes(ON_HAND, line.id, boxes)


def test_every_change_moves_updated_on_and_records_an_event(world: World) -> None:
    line = make_line(world, boxes_on_hand=5)
    before = line.updated_on
    InventoryLine.objects.filter(id=line.id).update(updated_on=before - dt.timedelta(hours=1))
    stock.hold_boxes(ON_HAND, line.id, 2)
    line.refresh_from_db()
    assert line.updated_on >= before
    event = OutboxEvent.objects.filter(company_id=world.company.id, event_type="inventory.changed").latest(
        "id"
    )
    assert event.payload["inventoryId"] == line.id
    assert event.payload["inventoryOrigin"] == 1
    assert event.payload["quantity"] == 3


def test_reserved_lines_address_their_event_to_their_customer(world: World) -> None:
    line = make_line(world, reserved_for=world.customer)
    stock.hold_boxes(ON_HAND, line.id, 1)
    event = OutboxEvent.objects.filter(event_type="inventory.changed").latest("id")
    assert event.customer_id == world.customer.id


def test_a_refused_hold_records_no_event(world: World) -> None:
    line = make_line(world, boxes_on_hand=1)
    count = OutboxEvent.objects.count()
    with pytest.raises(NotAvailable):
        stock.hold_boxes(ON_HAND, line.id, 2)
    assert OutboxEvent.objects.count() == count


def test_a_refusal_leaves_the_callers_transaction_usable(world: World) -> None:
    line = make_line(world, boxes_on_hand=1)
    with transaction.atomic():
        with pytest.raises(NotAvailable):
            stock.hold_boxes(ON_HAND, line.id, 2)
        stock.hold_boxes(ON_HAND, line.id, 1)
    assert _counts(line) == (1, 0)


def test_moves_are_merged_and_taken_in_lock_order() -> None:
    moves = [StockMove(2, 5, 1), StockMove(1, 9, 2), StockMove(1, 3, 1), StockMove(1, 9, 1)]
    assert stock.in_lock_order(moves) == [StockMove(1, 3, 1), StockMove(1, 9, 3), StockMove(2, 5, 1)]


def test_many_lines_sell_together(world: World) -> None:
    a, b = make_line(world, boxes_on_hand=3), make_line(world, boxes_on_hand=3)
    stock.hold_boxes(ON_HAND, a.id, 2)
    stock.hold_boxes(ON_HAND, b.id, 1)
    stock.sell_held_lines([StockMove(1, b.id, 1), StockMove(1, a.id, 2)])
    assert _counts(a) == (0, 2)
    assert _counts(b) == (0, 1)
    stock.return_sold_lines([StockMove(1, a.id, 2)])
    assert _counts(a) == (0, 0)


def test_lines_sold_together_record_one_event_each_in_lock_order(world: World) -> None:
    a, b, c = (make_line(world, boxes_on_hand=3) for _ in range(3))
    for line in (a, b, c):
        stock.hold_boxes(ON_HAND, line.id, 1)
    first = OutboxEvent.objects.latest("id").id
    stock.sell_held_lines([StockMove(1, c.id, 1), StockMove(1, a.id, 1), StockMove(1, b.id, 1)])
    events = list(OutboxEvent.objects.filter(id__gt=first).order_by("id"))
    assert [e.payload["inventoryId"] for e in events] == [a.id, b.id, c.id]
    assert {(e.event_type, e.payload["reason"], e.payload["quantity"]) for e in events} == {
        ("inventory.changed", "held_sale", 2)
    }


def test_a_refusal_part_way_keeps_the_earlier_lines_changes_and_their_events(world: World) -> None:
    a, b = make_line(world, boxes_on_hand=3), make_line(world, boxes_on_hand=3)
    stock.hold_boxes(ON_HAND, a.id, 2)
    first = OutboxEvent.objects.latest("id").id
    with transaction.atomic(), pytest.raises(InvalidState):
        stock.release_held_lines([StockMove(1, a.id, 1), StockMove(1, b.id, 1)])
    assert _counts(a) == (1, 0) and _counts(b) == (0, 0)
    events = list(OutboxEvent.objects.filter(id__gt=first))
    assert [(e.payload["inventoryId"], e.payload["reason"]) for e in events] == [(a.id, "release")]
