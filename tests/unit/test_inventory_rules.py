"""Pack arithmetic and what a customer may still buy."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stemlink.inventory.rules import (
    StockCounts,
    boxes_available_to,
    boxes_free,
    total_stems,
    total_units,
    units_per_box,
)


def test_a_stem_box_counts_stems():
    assert units_per_box("Stem", 10, 25) == 250


def test_a_bunch_box_counts_bunches():
    assert units_per_box("Bunch", 12, 10) == 12


def test_totals_by_unit_type():
    assert total_units("Stem", 10, 25, 3) == 750
    assert total_units("Bunch", 10, 25, 3) == 30
    assert total_stems(10, 25, 3) == 750


def test_refuses_an_empty_pack():
    with pytest.raises(ValueError):
        units_per_box("Stem", 0, 25)


def test_free_boxes_are_on_hand_less_held_and_sold():
    assert boxes_free(StockCounts(on_hand=10, held=3, sold=4)) == 3


def test_refuses_hold_when_last_box_is_held():
    assert boxes_free(StockCounts(on_hand=1, held=1, sold=0)) == 0


def test_reserved_boxes_are_offered_to_their_customer_only_in_the_reserved_view():
    stock = StockCounts(on_hand=5, held=0, sold=0, reserved_for=7)
    assert boxes_available_to(stock, 7, reserved_view=True) == 5
    assert boxes_available_to(stock, 7) == 0
    assert boxes_available_to(stock, 8, reserved_view=True) == 0
    assert boxes_available_to(stock, 8) == 0


def test_unreserved_boxes_are_offered_to_everyone_in_the_ordinary_view():
    stock = StockCounts(on_hand=5, held=1, sold=1)
    assert boxes_available_to(stock, 7) == 3
    assert boxes_available_to(stock, 7, reserved_view=True) == 0


@given(st.integers(0, 1000), st.integers(0, 1000), st.integers(0, 1000))
def test_free_boxes_are_never_negative(on_hand, held, sold):
    assert boxes_free(StockCounts(on_hand, held, sold)) >= 0
