"""The database itself refuses impossible stock and duplicate codes, on SQLite and PostgreSQL."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from stemlink.catalog.models import BoxType, Product
from stemlink.customers.models import Customer
from stemlink.inventory.models import FutureLine, InventoryLine
from tests.factories import make_future_line, make_line, make_world

pytestmark = pytest.mark.django_db


def test_refuses_more_held_and_sold_than_on_hand(world):
    line = make_line(world, boxes_on_hand=3, boxes_sold=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        InventoryLine.objects.filter(pk=line.pk).update(boxes_held=F("boxes_held") + 2)


def test_allows_holding_exactly_the_last_box(world):
    line = make_line(world, boxes_on_hand=3, boxes_sold=2)
    InventoryLine.objects.filter(pk=line.pk).update(boxes_held=F("boxes_held") + 1)
    line.refresh_from_db()
    assert line.boxes_held == 1


def test_refuses_negative_boxes(world):
    line = make_line(world, boxes_on_hand=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        InventoryLine.objects.filter(pk=line.pk).update(boxes_held=F("boxes_held") - 1)


def test_refuses_future_line_oversold(world):
    line = make_future_line(world, boxes=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        FutureLine.objects.filter(pk=line.pk).update(boxes_sold=6)


def test_refuses_future_line_ending_before_it_starts(world):
    line = make_future_line(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        FutureLine.objects.filter(pk=line.pk).update(available_to=F("available_from") - 1)


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        (Product, {"code": "DUP", "description": "Rose"}),
        (BoxType, {"code": "EB"}),
        (Customer, {"code": "DUP", "name": "Twice"}),
    ],
)
def test_codes_are_unique_within_a_company_only(world, other_world, model, fields):
    extra = {"category": world.roses} if model is Product else {}
    model.objects.create(company=world.company, **fields, **extra)
    other_extra = {"category": other_world.roses} if model is Product else {}
    model.objects.create(company=other_world.company, **fields, **other_extra)
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(company=world.company, **fields, **extra)


def test_a_line_change_moves_its_clock(world):
    line = make_line(world)
    before = line.updated_on
    line.price = line.price + 1
    line.save()
    line.refresh_from_db()
    assert line.updated_on > before


def test_worlds_are_independent():
    a, b = make_world("A"), make_world("B")
    assert a.company.pk != b.company.pk
    assert a.product.company_id == a.company.pk
