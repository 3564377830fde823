"""Inventory use cases: adding lines, editing them, reserving boxes for one customer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from stemlink.errors import InvalidState, NotAvailable, NotFound, ValidationFailed
from stemlink.integrations.models import OutboxEvent
from stemlink.inventory import services, stock
from stemlink.inventory.models import FutureLine, InventoryLine
from tests.factories import make_customer, make_line

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 28)


def _add(world, **overrides):
    fields = {
        "vendor_code": "ROSAS",
        "awb": "369-1234 5678",
        "ship_date": TODAY,
        "product_code": world.product.code,
        "quantity": 5,
        "box_type_code": "HB",
        "unit_type": "Stem",
        "stems_bunch": 25,
        "bunches": 10,
        "unit_cost": Decimal("0.45"),
    }
    fields.update(overrides)
    return services.add_on_hand_lines(world.company, **fields)


def test_adds_boxes_on_hand_as_one_line_and_announces_the_change(world):
    ids = _add(world, price=Decimal("0.85"), arrival_date=TODAY + dt.timedelta(days=1))
    line = InventoryLine.objects.get(pk=ids[0])
    assert (line.boxes_on_hand, line.units_per_box, line.price, line.vendor) == (
        5,
        250,
        Decimal("0.85"),
        world.vendor,
    )
    assert line.inventory_type == "M" and line.reserved_for is None
    event = OutboxEvent.objects.get(company=world.company, event_type="inventory.changed")
    assert event.payload["inventoryIds"] == str(line.pk)


def test_resolves_product_and_box_type_by_id_and_bunch_packs_count_bunches(world):
    ids = _add(
        world,
        product_code=None,
        product_id=world.product.pk,
        box_type_code=None,
        box_type_id=world.qb.pk,
        unit_type="bunch",
        vendor_code=None,
        vendor_id=world.vendor.pk,
    )
    line = InventoryLine.objects.get(pk=ids[0])
    assert (line.box_type, line.unit_type, line.units_per_box) == (world.qb, "Bunch", 10)


def test_refuses_unknown_product_box_type_and_grower_naming_each_and_adds_nothing(world):
    with pytest.raises(ValidationFailed) as refused:
        _add(world, product_code="NOPE-1", box_type_code="ZZ", vendor_code="GHOST")
    message = refused.value.message
    assert "'NOPE-1'" in message and "'ZZ'" in message and "'GHOST'" in message
    assert {e.field for e in refused.value.errors} == {"productCode", "boxTypeCode", "vendorCode"}
    assert not InventoryLine.objects.exists()
    assert not OutboxEvent.objects.exists()


def test_refuses_another_companys_product(world, other_world):
    with pytest.raises(ValidationFailed, match="productId"):
        _add(world, product_code=None, product_id=other_world.product.pk)


@pytest.mark.parametrize("boxes", [0, -1, 101])
def test_takes_one_to_a_hundred_boxes(world, boxes):
    with pytest.raises(ValidationFailed, match="quantity"):
        _add(world, quantity=boxes)
    assert not InventoryLine.objects.exists()


def test_accepts_exactly_a_hundred_boxes(world):
    assert InventoryLine.objects.get(pk=_add(world, quantity=100)[0]).boxes_on_hand == 100


def test_refuses_a_pack_without_stems_or_a_bad_unit_type(world):
    with pytest.raises(ValidationFailed) as refused:
        _add(world, stems_bunch=0, bunches=0, unit_type="Box", awb=" ")
    assert {e.field for e in refused.value.errors} >= {"stemsBunch", "bunches", "unitType", "awb"}


def test_adds_a_future_line_and_checks_its_dates(world):
    line = services.add_future_line(
        world.company,
        boxes=30,
        available_from=TODAY,
        available_to=TODAY + dt.timedelta(days=5),
        unit_type="Stem",
        stems_bunch=10,
        bunches=12,
        unit_cost=Decimal("0.3"),
        product_code=world.product.code,
        box_type_code="qb",
    )
    assert FutureLine.objects.get(pk=line.pk).boxes == 30
    with pytest.raises(ValidationFailed, match="availableTo"):
        services.add_future_line(
            world.company,
            boxes=30,
            available_from=TODAY,
            available_to=TODAY - dt.timedelta(days=1),
            unit_type="Stem",
            stems_bunch=10,
            bunches=12,
            unit_cost=Decimal("0.3"),
            product_code=world.product.code,
            box_type_code="QB",
        )


def test_editing_a_price_moves_the_line_clock(world):
    line = make_line(world)
    InventoryLine.objects.filter(pk=line.pk).update(updated_on=timezone.now() - dt.timedelta(hours=1))
    before = InventoryLine.objects.get(pk=line.pk).updated_on
    services.edit_line(world.company, 1, line.pk, price=Decimal("1.10"))
    after = InventoryLine.objects.get(pk=line.pk)
    assert after.price == Decimal("1.10") and after.updated_on > before
    services.edit_line(world.company, 1, line.pk, price=None)
    assert InventoryLine.objects.get(pk=line.pk).price is None


def test_boxes_on_hand_never_go_below_those_held_and_sold(world):
    line = make_line(world, boxes_on_hand=10)
    stock.hold_boxes(1, line.pk, 3)
    stock.sell_boxes(1, line.pk, 4)
    with pytest.raises(InvalidState, match="cannot have fewer than 7"):
        services.edit_line(world.company, 1, line.pk, boxes=6)
    services.edit_line(world.company, 1, line.pk, boxes=7)
    assert InventoryLine.objects.get(pk=line.pk).boxes_on_hand == 7


def test_editing_another_companys_line_is_not_found(world, other_world):
    line = make_line(other_world)
    with pytest.raises(NotFound):
        services.edit_line(world.company, 1, line.pk, price=Decimal("1"))
    assert InventoryLine.objects.get(pk=line.pk).price == Decimal("0.80")


def test_reserving_part_of_a_line_splits_the_reserved_boxes_off(world):
    line = make_line(world, boxes_on_hand=10)
    stock.hold_boxes(1, line.pk, 2)
    reserved = services.reserve_boxes(world.company, line.pk, world.customer.pk, 5)
    line.refresh_from_db()
    assert (line.boxes_on_hand, line.boxes_held, line.reserved_for_id) == (5, 2, None)
    assert (reserved.boxes_on_hand, reserved.reserved_for_id, reserved.price) == (
        5,
        world.customer.pk,
        line.price,
    )
    assert reserved.product_id == line.product_id and reserved.lot_number == line.lot_number


def test_reserving_all_free_boxes_leaves_the_line_with_what_is_held(world):
    line = make_line(world, boxes_on_hand=10)
    stock.hold_boxes(1, line.pk, 4)
    reserved = services.reserve_boxes(world.company, line.pk, world.customer.pk)
    line.refresh_from_db()
    assert (line.boxes_on_hand, reserved.boxes_on_hand) == (4, 6)


def test_reserving_more_boxes_than_are_free_is_refused_and_changes_nothing(world):
    line = make_line(world, boxes_on_hand=10)
    stock.sell_boxes(1, line.pk, 8)
    with pytest.raises(NotAvailable) as refused:
        services.reserve_boxes(world.company, line.pk, world.customer.pk, 3)
    assert refused.value.available_boxes == 2
    assert InventoryLine.objects.filter(company=world.company).count() == 1


def test_a_reserved_line_is_not_reserved_again_for_someone_else(world):
    line = make_line(world)
    reserved = services.reserve_boxes(world.company, line.pk, world.customer.pk, 2)
    with pytest.raises(InvalidState, match="release it first"):
        services.reserve_boxes(world.company, reserved.pk, make_customer(world.company).pk, 1)


def test_reserving_for_another_companys_customer_is_not_found(world, other_world):
    line = make_line(world)
    with pytest.raises(NotFound):
        services.reserve_boxes(world.company, line.pk, other_world.customer.pk, 1)
    with pytest.raises(NotFound):
        services.reserve_boxes(other_world.company, line.pk, other_world.customer.pk, 1)


def test_releasing_gives_the_free_boxes_back_to_everyone(world):
    line = make_line(world, boxes_on_hand=10)
    reserved = services.reserve_boxes(world.company, line.pk, world.customer.pk, 6)
    stock.hold_boxes(1, reserved.pk, 1)
    released = services.release_reservation(world.company, reserved.pk)
    reserved.refresh_from_db()
    assert (released.boxes_on_hand, released.reserved_for_id) == (5, None)
    assert (reserved.boxes_on_hand, reserved.boxes_held, reserved.reserved_for_id) == (
        1,
        1,
        world.customer.pk,
    )
    with pytest.raises(InvalidState, match="not reserved"):
        services.release_reservation(world.company, released.pk)


def test_every_reservation_change_is_announced_to_the_outbox(world):
    line = make_line(world)
    reserved = services.reserve_boxes(world.company, line.pk, world.customer.pk, 2)
    services.release_reservation(world.company, reserved.pk)
    events = OutboxEvent.objects.filter(company=world.company, event_type="inventory.changed")
    assert events.count() == 4
    assert {e.payload["reason"] for e in events} == {"reserved", "released"}


def test_rounds_money_to_what_the_columns_hold(world):
    line = InventoryLine.objects.get(pk=_add(world, unit_cost=Decimal("0.45449"), price=Decimal("0.805"))[0])
    assert (line.unit_cost, line.price) == (Decimal("0.454"), Decimal("0.81"))
    services.edit_line(world.company, 1, line.pk, price=Decimal("1.234"))
    assert InventoryLine.objects.get(pk=line.pk).price == Decimal("1.23")
    with pytest.raises(ValidationFailed, match="price"):
        services.edit_line(world.company, 1, line.pk, price=Decimal("-1"))
    with pytest.raises(ValidationFailed, match="boxes"):
        services.edit_line(world.company, 1, line.pk, boxes=10**12)
