import datetime as dt
from decimal import Decimal

import pytest

from marketplace.sync import rules

LINE = {
    "inventoryOrigin": 1,
    "inventoryIds": "101, 102",
    "companyProductId": 11,
    "productCode": "ROFR50",
    "productDescription": "Rose Freedom",
    "category": "Roses",
    "color": "Red",
    "grade": "50 cm",
    "boxTypeId": 2,
    "boxTypeCode": "HB",
    "unitType": "Stem",
    "bunches": 10,
    "stemsBunch": 25,
    "unitsPerBox": 250,
    "quantity": 8,
    "price": Decimal("0.55"),
    "availableFrom": "2026-11-28",
    "availableTo": "2026-12-04",
    "updatedOn": "2026-11-28T10:00:00",
}


def test_reads_a_line_into_offer_fields_with_the_price_per_box():
    fields = rules.offer_fields(LINE)
    assert fields["price_per_unit"] == Decimal("0.550")
    assert fields["price_per_box"] == Decimal("137.50")
    assert fields["boxes_available"] == 8
    assert fields["available_from"] == dt.date(2026, 11, 28)
    assert fields["updated_on"] == dt.datetime(2026, 11, 28, 10, tzinfo=dt.UTC)
    assert rules.offer_key(LINE) == (1, "101,102")


def test_counts_units_per_box_from_the_pack_when_the_line_does_not_say():
    assert rules.units_per_box("Stem", 10, 25, 0) == 250
    assert rules.units_per_box("Bunch", 12, 10, 0) == 12
    assert rules.units_per_box("Bunch", 12, 10, 24) == 24


def test_fills_missing_fields_from_the_product_list():
    line = {**LINE, "color": None, "variety": None}
    fields = rules.offer_fields(line, {11: {"color": "Hot Pink", "variety": "Freedom"}})
    assert fields["color"] == "Hot Pink"
    assert fields["variety"] == "Freedom"


def test_refuses_lines_without_ids_or_with_unreadable_prices():
    with pytest.raises(rules.BadLine):
        rules.offer_key({**LINE, "inventoryIds": ""})
    with pytest.raises(rules.BadLine):
        rules.offer_key({**LINE, "inventoryOrigin": 3})
    with pytest.raises(rules.BadLine):
        rules.offer_fields({**LINE, "price": "cheap"})


def _fields(**overrides):
    return {**rules.offer_fields(LINE), **overrides}


def test_a_full_sync_adds_changes_and_removes_to_match_exactly():
    stored = {(1, "a"): _fields(), (1, "b"): _fields(), (1, "c"): _fields()}
    incoming = {(1, "a"): _fields(), (1, "b"): _fields(boxes_available=2), (1, "d"): _fields()}
    diff = rules.diff_offers(stored, incoming, complete=True)
    assert set(diff.add) == {(1, "d")}
    assert set(diff.change) == {(1, "b")}
    assert diff.remove == {(1, "c")}


def test_a_delta_removes_only_lines_reported_with_nothing_left():
    stored = {(1, "a"): _fields(), (1, "b"): _fields()}
    incoming = {(1, "a"): _fields(boxes_available=0), (2, "x"): _fields(boxes_available=0)}
    diff = rules.diff_offers(stored, incoming, complete=False)
    assert diff.remove == {(1, "a")}
    assert not diff.add and not diff.change


def test_ship_dates_run_from_today_to_the_last_available_date():
    today = dt.date(2026, 11, 28)
    dates = rules.ship_dates(2, dt.date(2026, 12, 1), dt.date(2026, 12, 3), today)
    assert dates == [dt.date(2026, 12, 1), dt.date(2026, 12, 2), dt.date(2026, 12, 3)]
    assert rules.ship_dates(1, dt.date(2026, 11, 1), dt.date(2026, 11, 29), today) == [
        today,
        dt.date(2026, 11, 29),
    ]
    assert rules.ship_dates(1, None, None, today)[0] == today
    assert rules.ship_dates(1, None, dt.date(2026, 11, 27), today) == []


def test_formats_the_delta_cursor_as_the_api_wants():
    moment = dt.datetime(2026, 11, 28, 9, 5, 7, tzinfo=dt.UTC)
    assert rules.format_cursor(moment) == "2026-11-28 09:05:07"


def test_a_supplier_behind_utc_still_sells_for_its_own_today():
    # 04:30 UTC on Monday 30 November is 23:30 on Sunday in Miami: the supplier's feed starts its
    # on-hand lines on Sunday, and the marketplace offers Sunday, not its own UTC Monday.
    now = dt.datetime(2026, 11, 30, 4, 30, tzinfo=dt.UTC)
    earliest = rules.earliest_supplier_today(now)
    assert earliest == dt.date(2026, 11, 29)
    sunday = dt.date(2026, 11, 29)
    assert rules.ship_dates(1, sunday, dt.date(2026, 12, 5), earliest)[0] == sunday
    # A line synced days ago is still cut at the earliest today anywhere (UTC−12).
    assert rules.ship_dates(1, dt.date(2026, 11, 20), dt.date(2026, 12, 5), earliest)[0] == sunday
    assert rules.earliest_supplier_today(dt.datetime(2026, 11, 30, 23, 59, tzinfo=dt.UTC)) == sunday
