"""Purchasing's pure rules: the state table and what a receipt does (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from stemlink.purchasing import rules
from stemlink.purchasing.rules import FutureCounts, plan_receipt


def test_the_state_table_allows_only_the_moves_of_the_trade():
    assert rules.can_move("open", "confirmed") and rules.can_move("open", "cancelled")
    assert rules.can_move("confirmed", "shipped") and rules.can_move("shipped", "received")
    assert not rules.can_move("open", "received")  # boxes are received only on a confirmed order
    assert not rules.can_move("received", "cancelled") and not rules.can_move("cancelled", "open")
    assert (
        rules.move_problem("received", "open") == "the purchase order is received; it cannot change any more"
    )
    assert "only become cancelled or confirmed" in rules.move_problem("open", "shipped")
    assert set(rules.TRANSITIONS) == set(rules.STATUSES)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Confirmed by Farm", "confirmed"),
        ("approved", "open"),
        ("Pending Approval", "open"),
        ("CANCELED", "cancelled"),
        ("x", None),
    ],
)
def test_status_names_of_komet_and_ours_are_both_understood(text, code):
    assert rules.status_code(text) == code


def test_received_boxes_cover_the_oldest_prebooks_first_and_the_rest_is_open_market():
    plan = plan_receipt(
        ordered=10,
        received_before=0,
        received=6,
        close=False,
        future=FutureCounts(10, 1, 7),
        claims=[(1, 4), (2, 3)],
    )
    assert plan.covers == ((1, 4), (2, 2)) and plan.covered == 6 and plan.uncovered == ()
    # 4 boxes still to come, 1 of them sold to prebook 2, 1 held in a cart.
    assert (plan.future_boxes, plan.future_sold, plan.shortage, plan.extra) == (4, 1, 0, 0)


def test_closing_short_leaves_the_claims_it_cannot_cover_and_offers_nothing_more():
    plan = plan_receipt(
        ordered=10,
        received_before=6,
        received=1,
        close=True,
        future=FutureCounts(4, 0, 3),
        claims=[(2, 1), (3, 2)],
    )
    assert plan.covers == ((2, 1),) and plan.uncovered == ((3, 2),)
    assert (plan.future_boxes, plan.future_sold, plan.shortage) == (0, 0, 3)


def test_more_boxes_than_ordered_are_extra_and_a_mixed_line_has_no_future_line():
    plan = plan_receipt(ordered=2, received_before=0, received=3, close=False, future=None, claims=[])
    assert (plan.extra, plan.future_boxes, plan.covers) == (1, 0, ())
    with pytest.raises(ValueError):
        plan_receipt(ordered=2, received_before=0, received=-1, close=False, future=None, claims=[])


def test_sale_window_ranges_and_box_codes():
    day = dt.date(2026, 5, 4)
    assert rules.sale_window(day) == (day, dt.date(2026, 5, 10))
    assert (
        rules.range_problem(day, day - dt.timedelta(days=1), 4) == "must not be before the start of the range"
    )
    assert rules.range_problem(day, day + dt.timedelta(days=5), 4) == "the range may cover at most 4 days"
    assert rules.range_problem(day, day + dt.timedelta(days=4), 4) is None
    assert rules.box_codes(12, 7, 3, 2) == ["PO12-7-3", "PO12-7-4"]
    assert rules.box_code_problem(" ") == "give the new box code"
    assert rules.box_code_problem("x" * 41) == "must be at most 40 characters"


def test_holds_to_release_keeps_holds_within_what_is_still_to_come():
    future = rules.FutureCounts(boxes=10, held=5, sold=2)
    # 10 - 4 = 6 to come, 2 of them sold: room for 4 holds, 1 released.
    assert rules.holds_to_release(future=future, received=4, close=False, sold_after=2) == 1
    assert rules.holds_to_release(future=future, received=2, close=False, sold_after=0) == 0
    # Closed: nothing more comes, every hold goes.
    assert rules.holds_to_release(future=future, received=4, close=True, sold_after=0) == 5
    # More received than was left: still nothing to come.
    assert rules.holds_to_release(future=future, received=12, close=False, sold_after=0) == 5
