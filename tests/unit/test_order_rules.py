"""Order rules: transitions, totals, fee, dates. No database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stemlink.errors import InvalidState, ValidationFailed
from stemlink.orders import rules
from stemlink.orders.rules import InvoiceAction, InvoiceState

D = Decimal
TODAY = dt.date(2026, 6, 1)


# --- invoice transitions ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "action", "end"),
    [
        (InvoiceState.DRAFT, "checkout", InvoiceState.PENDING),
        (InvoiceState.DRAFT, "confirm", InvoiceState.CONFIRMED),
        (InvoiceState.PENDING, "confirm", InvoiceState.CONFIRMED),
        (InvoiceState.DRAFT, "void", InvoiceState.VOIDED),
        (InvoiceState.PENDING, "void", InvoiceState.VOIDED),
    ],
)
def test_allows_the_moves_of_the_invoice_life(start: InvoiceState, action: str, end: InvoiceState) -> None:
    assert rules.invoice_transition(start, action) == end
    assert rules.invoice_may(start, action)


@pytest.mark.parametrize(
    ("start", "action"),
    [
        (InvoiceState.PENDING, "checkout"),
        (InvoiceState.CONFIRMED, "checkout"),
        (InvoiceState.CONFIRMED, "confirm"),
        (InvoiceState.CONFIRMED, "void"),
        (InvoiceState.VOIDED, "void"),
        (InvoiceState.VOIDED, "confirm"),
        (InvoiceState.VOIDED, "checkout"),
    ],
)
def test_refuses_every_other_invoice_move(start: InvoiceState, action: str) -> None:
    with pytest.raises(InvalidState):
        rules.invoice_transition(start, action)
    assert not rules.invoice_may(start, action)


def test_refusal_names_the_current_status() -> None:
    with pytest.raises(InvalidState, match="Voided cannot be confirmed"):
        rules.invoice_transition(4, InvoiceAction.CONFIRM)


def test_status_codes_are_komets() -> None:
    assert [
        int(s)
        for s in (InvoiceState.PENDING, InvoiceState.CONFIRMED, InvoiceState.DRAFT, InvoiceState.VOIDED)
    ] == [
        0,
        1,
        2,
        4,
    ]


def test_an_unknown_status_code_is_an_error_not_a_move() -> None:
    with pytest.raises(ValueError):
        rules.invoice_transition(3, "confirm")


def test_only_voided_invoices_give_their_boxes_back() -> None:
    assert rules.invoice_holds_stock(0)
    assert rules.invoice_holds_stock(1)
    assert rules.invoice_holds_stock(2)
    assert not rules.invoice_holds_stock(4)


# --- fee ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "rate", "fee"),
    [
        (D("100.00"), D("1.5"), D("1.50")),
        (D("1000.00"), D("1.50"), D("15.00")),
        (D("0.00"), D("1.5"), D("0.00")),
        (D("10.30"), D("1.5"), D("0.15")),  # 0.1545 rounds down
        (D("11.00"), D("1.5"), D("0.17")),  # 0.165 rounds half up
        (D("0.33"), D("1.5"), D("0.00")),  # 0.00495
        (D("0.34"), D("1.5"), D("0.01")),  # 0.0051
        (D("200.00"), D("0"), D("0.00")),
        (D("200.00"), D("2.25"), D("4.50")),
        (D("99.99"), D("100"), D("99.99")),
    ],
)
def test_fee_is_the_rate_of_the_amount_rounded_half_up_to_the_cent(amount: D, rate: D, fee: D) -> None:
    assert rules.transaction_fee(amount, rate) == fee


def test_internal_transactions_pay_no_fee() -> None:
    assert rules.transaction_fee(D("500.00"), D("1.5"), exempt=True) == D("0.00")


def test_a_negative_fee_rate_is_refused() -> None:
    with pytest.raises(ValueError):
        rules.transaction_fee(D("10"), D("-1"))


def test_reversal_cancels_the_entry() -> None:
    assert rules.fee_reversal(D("1.50")) == D("-1.50")
    assert D("1.50") + rules.fee_reversal(D("1.50")) == 0


def test_fee_at_the_default_rate_on_a_typical_order() -> None:
    assert rules.transaction_fee(D("523.40"), rules.DEFAULT_FEE_PERCENT) == D("7.85")


def test_round_money_rounds_halves_away_from_zero() -> None:
    assert rules.round_money(D("0.125")) == D("0.13")
    assert rules.round_money(D("-0.125")) == D("-0.13")
    assert rules.round_money(D("0.124999")) == D("0.12")


# --- totals -------------------------------------------------------------------------------------


def test_line_total_is_unit_price_times_units_times_boxes() -> None:
    # 2 HB of 10 bunches x 25 stems at $0.80 a stem.
    assert rules.line_total(D("0.80"), 250, 2) == D("400.00")


def test_line_total_of_bunch_lines_counts_bunches() -> None:
    assert rules.line_total(D("3.35"), 12, 3) == D("120.60")


def test_line_total_rounds_to_the_cent() -> None:
    assert rules.line_total(D("0.333"), 1, 1) == D("0.33")


def test_line_total_refuses_negative_boxes() -> None:
    with pytest.raises(ValueError):
        rules.line_total(D("1"), 10, -1)


def test_order_totals_add_lines_and_charges() -> None:
    totals = rules.order_totals([D("400.00"), D("120.60")], D("12.5"))
    assert totals.subtotal == D("520.60")
    assert totals.additional_charges == D("12.50")
    assert totals.total == D("533.10")


def test_order_totals_of_an_empty_order_are_zero() -> None:
    totals = rules.order_totals([])
    assert (totals.subtotal, totals.total) == (D("0.00"), D("0.00"))


# --- web orders ---------------------------------------------------------------------------------


def test_expiry_is_the_checkout_timer_after_the_start() -> None:
    start = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
    assert rules.web_order_expires_at(start, 30) == dt.datetime(2026, 6, 1, 12, 30, tzinfo=dt.UTC)


def test_a_pending_order_past_its_time_is_overdue() -> None:
    at = dt.datetime(2026, 6, 1, 12, 30, tzinfo=dt.UTC)
    assert rules.is_overdue(1, at, at)
    assert rules.is_overdue(1, at, at + dt.timedelta(seconds=1))
    assert not rules.is_overdue(1, at, at - dt.timedelta(seconds=1))


def test_a_checked_out_order_never_expires() -> None:
    at = dt.datetime(2026, 6, 1, 12, 30, tzinfo=dt.UTC)
    assert not rules.is_overdue(2, at, at + dt.timedelta(days=1))


def test_pending_orders_may_change() -> None:
    rules.require_pending(1, "take more items")


@pytest.mark.parametrize(("status", "word"), [(2, "checked out"), (3, "expired"), (4, "deleted")])
def test_ended_orders_may_not_change(status: int, word: str) -> None:
    with pytest.raises(InvalidState, match=word):
        rules.require_pending(status, "be checked out")


def test_first_item_sets_the_origin() -> None:
    rules.check_same_origin(None, 1)
    rules.check_same_origin(None, 2)
    rules.check_same_origin(2, 2)


def test_on_hand_and_future_lines_never_share_an_order() -> None:
    with pytest.raises(ValidationFailed) as info:
        rules.check_same_origin(1, 2)
    assert info.value.errors[0].field == "inventoryOrigin"
    assert "separate web order" in info.value.message


def test_on_hand_boxes_ship_from_today() -> None:
    rules.check_ship_date(1, TODAY, today=TODAY)
    rules.check_ship_date(1, TODAY + dt.timedelta(days=3), today=TODAY)
    with pytest.raises(ValidationFailed, match="in the past"):
        rules.check_ship_date(1, TODAY - dt.timedelta(days=1), today=TODAY)


def test_future_boxes_ship_within_their_available_dates() -> None:
    start, end = TODAY + dt.timedelta(days=7), TODAY + dt.timedelta(days=14)
    rules.check_ship_date(2, start, today=TODAY, available_from=start, available_to=end)
    rules.check_ship_date(2, end, today=TODAY, available_from=start, available_to=end)
    for bad in (start - dt.timedelta(days=1), end + dt.timedelta(days=1)):
        with pytest.raises(ValidationFailed, match="outside this line's available dates"):
            rules.check_ship_date(2, bad, today=TODAY, available_from=start, available_to=end)


def test_future_boxes_never_ship_in_the_past_even_inside_their_dates() -> None:
    start, end = TODAY - dt.timedelta(days=3), TODAY + dt.timedelta(days=3)
    with pytest.raises(ValidationFailed):
        rules.check_ship_date(
            2, TODAY - dt.timedelta(days=1), today=TODAY, available_from=start, available_to=end
        )
    with pytest.raises(ValidationFailed, match="dates have passed"):
        rules.check_ship_date(
            2, TODAY, today=TODAY, available_from=start, available_to=TODAY - dt.timedelta(days=1)
        )


@pytest.mark.parametrize("boxes", [0, -1, True])
def test_box_counts_are_whole_and_positive(boxes: int) -> None:
    with pytest.raises(ValidationFailed, match="whole number of boxes greater than 0"):
        rules.check_boxes(boxes)


def test_prices_match_to_the_cent() -> None:
    assert rules.check_price_matches(D("0.8"), D("0.80"))
    assert not rules.check_price_matches(D("0.79"), D("0.80"))


# --- properties ---------------------------------------------------------------------------------

amounts = st.decimals(min_value=D("0"), max_value=D("1000000"), places=2)
rates = st.decimals(min_value=D("0"), max_value=D("100"), places=2)


@given(amounts, rates)
def test_the_fee_is_within_half_a_cent_of_the_exact_rate(amount: D, rate: D) -> None:
    fee = rules.transaction_fee(amount, rate)
    assert fee == fee.quantize(D("0.01"))
    assert abs(fee - amount * rate / 100) <= D("0.005")


@given(amounts, amounts, rates)
def test_a_bigger_order_never_pays_a_smaller_fee(a: D, b: D, rate: D) -> None:
    low, high = sorted((a, b))
    assert rules.transaction_fee(low, rate) <= rules.transaction_fee(high, rate)


@given(
    st.lists(
        st.tuples(
            st.decimals(min_value=D("0"), max_value=D("50"), places=2),
            st.integers(1, 500),
            st.integers(1, 100),
        ),
        max_size=20,
    )
)
def test_order_totals_are_the_sum_of_their_line_totals(lines: list[tuple[D, int, int]]) -> None:
    totals = [rules.line_total(price, units, boxes) for price, units, boxes in lines]
    assert rules.order_totals(totals).total == sum(totals, D("0"))


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1042", 1042),
        (" w1042 ", 1042),
        ("T7", 7),
        (1042, 1042),
        ("W", None),
        ("WT12", None),
        ("12a", None),
        ("", None),
        (None, None),
        ("١٢", None),
        ("-5", None),
    ],
)
def test_one_invoice_number_parser_for_the_api_the_pages_and_the_services(text, number) -> None:
    assert rules.parse_invoice_number(text) == number
