"""Pure decisions of the sync: read an e-commerce line into offer fields, and diff two offer sets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

OfferKey = tuple[int, str]

# The fields an offer carries; a line whose values differ from the stored offer is "changed".
OFFER_FIELDS = (
    "company_product_id",
    "product_code",
    "product_description",
    "category",
    "variety",
    "color",
    "grade",
    "box_type_id",
    "box_type_code",
    "unit_type",
    "bunches",
    "stems_bunch",
    "units_per_box",
    "price_per_unit",
    "price_per_box",
    "boxes_available",
    "available_from",
    "available_to",
    "vendor_name",
    "location_id",
    "updated_on",
)


class BadLine(ValueError):
    """An inventory line the marketplace cannot list (missing ids or unreadable numbers)."""


def _int(value: Any, default: int | None = 0) -> int | None:
    if value is None or value == "":
        return default
    try:
        return int(Decimal(str(value)))
    except (InvalidOperation, ValueError) as exc:
        raise BadLine(f"not a whole number: {value!r}") from exc


def _text(value: Any, limit: int) -> str:
    return "" if value is None else str(value).strip()[:limit]


def _date(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _datetime(value: Any) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00").replace(" ", "T"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def units_per_box(unit_type: str, bunches: int, stems_bunch: int, given: int) -> int:
    """Return the units a box holds: the line's own figure, else bunches (× stems for Stem units)."""
    if given:
        return given
    if unit_type.lower() == "stem":
        return bunches * max(stems_bunch, 1)
    return bunches


def price_per_box(unit_price: Decimal, units: int) -> Decimal:
    """Return the price of one box, rounded half-up to cents."""
    return (unit_price * units).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def offer_key(line: Mapping[str, Any]) -> OfferKey:
    """Return the key a line is known by: (inventoryOrigin, inventoryIds). Raises BadLine."""
    origin = _int(line.get("inventoryOrigin"), None)
    ids = _text(line.get("inventoryIds"), 200).replace(" ", "")
    if origin not in (1, 2) or not ids:
        raise BadLine("line has no inventoryOrigin 1/2 or no inventoryIds")
    return origin, ids


def offer_fields(
    line: Mapping[str, Any], products: Mapping[int, Mapping[str, Any]] | None = None
) -> dict[str, Any]:
    """Read one e-commerce inventory line into offer fields; gaps are filled from the product list.

    Raises BadLine when the price or quantity cannot be read.
    """
    product = (products or {}).get(_int(line.get("companyProductId"), -1) or -1, {})
    try:
        unit_price = Decimal(str(line.get("price"))).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError) as exc:
        raise BadLine(f"price is not a number: {line.get('price')!r}") from exc
    unit_type = _text(line.get("unitType"), 10) or "Bunch"
    bunches = _int(line.get("bunches")) or 0
    stems = _int(line.get("stemsBunch")) or 0
    units = units_per_box(unit_type, bunches, stems, _int(line.get("unitsPerBox")) or 0)
    boxes = _int(line.get("quantity")) or 0
    return {
        "company_product_id": _int(line.get("companyProductId"), None),
        "product_code": _text(line.get("productCode") or product.get("legacyCode"), 60),
        "product_description": _text(line.get("productDescription") or product.get("description"), 200)
        or "(unnamed product)",
        "category": _text(line.get("category") or product.get("category"), 100),
        "variety": _text(line.get("variety") or product.get("variety"), 100),
        "color": _text(line.get("color") or product.get("color"), 60),
        "grade": _text(line.get("grade") or product.get("grade"), 60),
        "box_type_id": _int(line.get("boxTypeId"), None),
        "box_type_code": _text(line.get("boxTypeCode"), 10),
        "unit_type": unit_type,
        "bunches": bunches,
        "stems_bunch": stems,
        "units_per_box": units,
        "price_per_unit": unit_price,
        "price_per_box": price_per_box(unit_price, units),
        "boxes_available": max(boxes, 0),
        "available_from": _date(line.get("availableFrom")),
        "available_to": _date(line.get("availableTo")),
        "vendor_name": _text(line.get("vendorName"), 120),
        "location_id": _int(line.get("locationId"), None),
        "updated_on": _datetime(line.get("updatedOn")),
    }


@dataclass
class OfferDiff:
    """What to do to make the stored offers match the wholesaler's lines."""

    add: dict[OfferKey, dict[str, Any]]
    change: dict[OfferKey, dict[str, Any]]
    remove: set[OfferKey]


def diff_offers(
    stored: Mapping[OfferKey, Mapping[str, Any]],
    incoming: Mapping[OfferKey, Mapping[str, Any]],
    *,
    complete: bool,
) -> OfferDiff:
    """Compare stored offers with incoming lines.

    `complete` (a full sync) removes every stored offer not in `incoming`; a delta removes only the
    lines it reports with nothing left. Lines with 0 boxes are never kept.
    """
    add: dict[OfferKey, dict[str, Any]] = {}
    change: dict[OfferKey, dict[str, Any]] = {}
    remove: set[OfferKey] = set()
    for key, fields in incoming.items():
        if fields["boxes_available"] <= 0:
            if key in stored:
                remove.add(key)
            continue
        if key not in stored:
            add[key] = dict(fields)
        elif any(stored[key].get(name) != fields.get(name) for name in OFFER_FIELDS):
            change[key] = dict(fields)
    if complete:
        remove |= set(stored) - set(incoming)
    return OfferDiff(add, change, remove)


def earliest_supplier_today(now: dt.datetime) -> dt.date:
    """The earliest date a supplier's wall clock can show at `now` (zones run from UTC−12 to +14).

    A wholesaler's ship dates are days of its own calendar: at 23:30 on Sunday in Miami its on-hand
    boxes still ship on Sunday, though it is Monday in UTC. The marketplace does not know each
    supplier's zone, and needs not: the supplier's feed starts each line at the supplier's today
    (`availableFrom`), and the supplier refuses a date past for it with a message naming its today.
    So the marketplace keeps out only the dates that are past everywhere.
    """
    return now.astimezone(dt.UTC).date() - dt.timedelta(days=1)


def ship_dates(
    origin: int,
    available_from: dt.date | None,
    available_to: dt.date | None,
    today: dt.date,
    *,
    limit: int = 60,
) -> list[dt.date]:
    """Return the dates a florist may pick for a line: from its first to its last available date.

    On-hand lines without dates ship from today for two weeks; nothing before today is offered.
    """
    start = max(available_from or today, today)
    end = available_to or (start + dt.timedelta(days=13 if origin == 1 else 0))
    days = (end - start).days
    return [start + dt.timedelta(days=i) for i in range(max(days, -1) + 1)][:limit]


def format_cursor(moment: dt.datetime) -> str:
    """Format a moment as the API's updatedAsOf filter: 'YYYY-MM-DD hh:mm:ss' in UTC."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def unique_lines(lines: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Drop repeated lines (a line may move between pages while paging); the last one wins."""
    seen: dict[Any, Mapping[str, Any]] = {}
    for line in lines:
        seen[(line.get("inventoryOrigin"), line.get("inventoryIds"))] = line
    return list(seen.values())


@dataclass(frozen=True)
class FullSyncBudget:
    """What full syncs of one wholesaler cost against its daily API quota."""

    calls_per_sync: int
    spare_calls: int  # the day's calls left for full syncs, after the reserve and the other calls
    syncs_per_day: int
    # The shortest interval between full syncs the quota sustains (None: not even one a day).
    every: dt.timedelta | None


def full_sync_budget(
    lines: int, rows: int, daily_quota: int, *, reserve_share: float, other_calls: int = 0
) -> FullSyncBudget:
    """How many full syncs of `lines` lines at `rows` a page fit in a day's quota.

    A full sync is one call per page (it stops when it holds `total` lines, so a last empty page
    is never asked for); `reserve_share` of the quota is kept for orders and `other_calls`
    (deltas, the catalogue) come first.
    """
    calls = max(1, -(-lines // rows))
    spare = max(0, int(daily_quota * (1 - reserve_share)) - other_calls)
    per_day = spare // calls
    return FullSyncBudget(calls, spare, per_day, dt.timedelta(days=1) / per_day if per_day else None)
