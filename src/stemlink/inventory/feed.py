"""The e-commerce view: what one customer may buy, as `ecommerce/inventory.list` and its siblings answer it.

(The company's own views of its stock are in `stemlink.inventory.queries`.)

A marketplace syncs this view page after page, every few minutes, so it is built for speed: at most
a count and a page per call whatever the page size (only the page when the stock has not changed
since the last count), plain SQL over the line tables and their indexes, answered as plain dicts
ready for orjson. Prices come from `stemlink.customers.services.unit_price_for`, the same function
that prices web orders, memoised per (line price, cost) pair because thousands of lines share a
handful of prices, and answered as the exact JSON number (an `orjson.Fragment` of the Decimal's
digits, `json_number`), so writing a page calls no Python a line.

A delta (`updatedAsOf`) answers every line of the view whose sellable quantity, price or data may
have changed since then, those no longer sellable with quantity 0, so that a copy kept by applying
deltas equals a fresh full list. See `EcommerceFilter` and `_delta_condition` for what "may have
changed" covers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter
from typing import Any, TypeVar

import orjson
from django.core import signing
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from stemlink.catalog.models import BoxType, Category, Product, Vendor
from stemlink.customers.models import Customer
from stemlink.customers.services import pricing_terms_for, unit_price_for
from stemlink.errors import FieldError, NotFound, ValidationFailed
from stemlink.inventory import rules
from stemlink.inventory.models import FutureLine, InventoryLine, InventoryType, line_model
from stemlink.tenancy import calendar
from stemlink.tenancy.models import Company

ON_HAND = 1
FUTURE = 2
MAX_ROWS = 500
MAX_PAGE = 1_000_000
DEFAULT_ROWS = 30
# A delta cursor handed back to the client lags the clock: a change stamped a moment before a
# poll may commit after it, and must still be in the next delta. Overlap costs only repeats.
CURSOR_SAFETY = dt.timedelta(seconds=60)


# --- value conversion: SQLite answers text and floats, PostgreSQL dates and Decimals ----------------


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        # repr gives the shortest text that reads back to the same float: the decimal stored.
        return Decimal(repr(value))
    return Decimal(value)


def datetime_text(value: Any) -> str:
    """`YYYY-MM-DDTHH:MM:SS` in UTC, as the API answers datetimes."""
    if isinstance(value, str):
        return value[:10] + "T" + value[11:19]
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.isoformat()[:19]


def format_api_datetime(value: dt.datetime) -> str:
    """`YYYY-MM-DD hh:mm:ss` in UTC: the form `updatedAsOf` filters take."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _sql_date(value: dt.date) -> Any:
    return connection.ops.adapt_datefield_value(value)


def _sql_datetime(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


# --- the e-commerce view ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EcommerceFilter:
    """What one call of the e-commerce view asks for.

    `reserved`: only lines reserved for this customer (else only lines reserved for nobody).
    `available_date`: lines that may ship that day (None: on hand now and future lines arriving
    within two months). `updated_as_of`: a delta since then. `line_ids` narrows to given lines.
    """

    reserved: bool = False
    available_date: dt.date | None = None
    location_id: int | None = None
    search_text: str = ""
    category_id: int | None = None
    color: str = ""
    origin: int | None = None
    updated_as_of: dt.datetime | None = None
    line_ids: tuple[int, ...] | None = None
    # inventory.get reads a customer's own reserved lines beside the open ones.
    both_reservation_views: bool = False
    # Answer every line of the scope, those not sellable with quantity 0 (inventory.get).
    all_in_scope: bool = False


@dataclass
class EcommercePage:
    """One page of the e-commerce view, the total across pages, and the cursor for the next delta."""

    total: int
    items: list[dict[str, Any]]
    next_updated_as_of: str
    page: int = 1
    # Send it back instead of page for the next page: None after the last one (see _write_cursor).
    next_cursor: str | None = None


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


_T_ON_HAND = InventoryLine._meta.db_table
_T_FUTURE = FutureLine._meta.db_table
_T_PRODUCT = Product._meta.db_table
_T_CATEGORY = Category._meta.db_table
_T_BOX = BoxType._meta.db_table
_T_VENDOR = Vendor._meta.db_table


def _hidden_products_condition(company_id: int) -> tuple[str, list[Any]]:
    """SQL true for lines whose product is sellable: neither it nor its category is inactive.

    A wholesaler deactivates a product (or a whole category) to take it off every marketplace at
    once. The view reads the hidden products' ids once per statement (SQLite materialises the
    uncorrelated subquery, PostgreSQL hashes it) and checks each line's product, kept in the
    sellable-line indexes, against that set instead of joining every line to the catalogue. The
    EXISTS, also evaluated once, spares that per-line check to a company with nothing hidden.
    Vendors are deliberately not checked: a deactivated grower's boxes already on hand (or
    confirmed to arrive) are the wholesaler's stock and still sellable.
    """
    hidden = (
        f"SELECT hp.id FROM {_T_PRODUCT} hp WHERE hp.company_id = %s AND (NOT hp.active OR hp.category_id IN"  # noqa: S608 -- the e-commerce feed query (see docs/architecture.md)
        f" (SELECT hc.id FROM {_T_CATEGORY} hc WHERE hc.company_id = %s AND NOT hc.active))"
    )
    return (
        f"(NOT EXISTS ({hidden}) OR l.product_id NOT IN ({hidden}))",
        [company_id, company_id, company_id, company_id],
    )


class _Origin:
    """How one line table answers the e-commerce view: its columns and its conditions."""

    def __init__(self, origin: int) -> None:
        self.origin = origin
        if origin == ON_HAND:
            self.table, self.boxes, self.sellable_index = _T_ON_HAND, "l.boxes_on_hand", "invline_sellable"
        else:
            self.table, self.boxes, self.sellable_index = _T_FUTURE, "l.boxes", "futline_sellable"
        self.free = f"({self.boxes} - l.boxes_held - l.boxes_sold)"

    def date_condition(self, day: dt.date, wanted: dt.date | None) -> tuple[str, list[Any]]:
        """SQL true for the lines that may ship on `wanted` (or in the default window), as seen on `day`."""
        if self.origin == ON_HAND:
            if wanted is None:
                return "1=1", []
            first, last = rules.on_hand_ship_dates(day)
            return ("1=1" if first <= wanted <= last else "1=0"), []
        if wanted is None:
            return "(l.available_to >= %s AND l.available_from <= %s)", [
                _sql_date(day),
                _sql_date(rules.ecommerce_horizon(day)),
            ]
        if wanted < day:
            return "1=0", []
        return "(l.available_from <= %s AND l.available_to >= %s)", [_sql_date(wanted), _sql_date(wanted)]

    def visible_condition(
        self, flt: EcommerceFilter, today: dt.date, company_id: int
    ) -> tuple[str, list[Any]]:
        """SQL true for the lines of the scope this customer may buy now."""
        # Written as the partial indexes of the line tables write it, so the planner can use them.
        parts = [f"{self.boxes} > (l.boxes_held + l.boxes_sold)"]
        params: list[Any] = []
        if self.origin == ON_HAND:
            parts.append(f"l.inventory_type = '{InventoryType.OPEN_MARKET.value}'")
        date_sql, date_params = self.date_condition(today, flt.available_date)
        parts.append(date_sql)
        params.extend(date_params)
        # After the cheap column tests, which already drop the lines outside the dates.
        hidden_sql, hidden_params = _hidden_products_condition(company_id)
        parts.append(hidden_sql)
        params.extend(hidden_params)
        if flt.search_text:
            pattern = _like(flt.search_text)
            parts.append(
                "(LOWER(p.description) LIKE %s ESCAPE '\\' OR LOWER(p.code) LIKE %s ESCAPE '\\' "
                "OR LOWER(p.variety) LIKE %s ESCAPE '\\' OR LOWER(p.color) LIKE %s ESCAPE '\\')"
            )
            params.extend([pattern] * 4)
        if flt.category_id is not None:
            parts.append("p.category_id = %s")
            params.append(flt.category_id)
        if flt.color:
            parts.append("LOWER(p.color) = %s")
            params.append(flt.color.lower())
        return "(" + " AND ".join(parts) + ")", params

    def scope_condition(
        self, company_id: int, customer_id: int, flt: EcommerceFilter
    ) -> tuple[str, list[Any]]:
        """SQL true for the lines that belong to this view at all, whatever their stock.

        Reservations are part of the scope, not of visibility: a line is born reserved or not and
        stays so (see `stemlink.inventory.services`), so no line ever leaves one view for another.
        """
        parts = ["l.company_id = %s"]
        params: list[Any] = [company_id]
        if flt.both_reservation_views:
            parts.append("(l.reserved_for_id IS NULL OR l.reserved_for_id = %s)")
            params.append(customer_id)
        elif flt.reserved:
            parts.append("l.reserved_for_id = %s")
            params.append(customer_id)
        else:
            parts.append("l.reserved_for_id IS NULL")
        if flt.location_id is not None:
            parts.append("l.location_id = %s")
            params.append(flt.location_id)
        if flt.line_ids is not None:
            parts.append("l.id IN (" + ",".join(["%s"] * len(flt.line_ids)) + ")")
            params.extend(flt.line_ids)
        return " AND ".join(parts), params

    def joins(self) -> str:
        """The catalogue joins every answered line needs."""
        return (
            f" JOIN {_T_PRODUCT} p ON p.id = l.product_id JOIN {_T_CATEGORY} c ON c.id = p.category_id"
            f" JOIN {_T_BOX} b ON b.id = l.box_type_id LEFT JOIN {_T_VENDOR} v ON v.id = l.vendor_id"
        )

    def from_clause(self, *, full: bool, product: bool = True, sellable: bool = False) -> str:
        sql = f"{self.table} l"
        if sellable and connection.vendor == "sqlite":
            # Without statistics SQLite prefers the index with the most equalities; the partial
            # index of sellable lines (see the models) counts and skips about three times faster.
            # The WHERE repeats its condition term for term, as SQLite requires to use it.
            sql += f" INDEXED BY {self.sellable_index}"
        if product or full:
            sql += f" JOIN {_T_PRODUCT} p ON p.id = l.product_id"
        if full:
            sql += (
                f" JOIN {_T_CATEGORY} c ON c.id = p.category_id"
                f" JOIN {_T_BOX} b ON b.id = l.box_type_id"
                f" LEFT JOIN {_T_VENDOR} v ON v.id = l.vendor_id"
            )
        return sql

    def columns(self, quantity_sql: str, shape: _Shape) -> str:
        """The select list of this origin's page rows, in the order of `FEED_COLUMNS`.

        Every answered value leaves the database as the API answers it (ids as text, dates and the
        change time written out, the quantity never below 0, the on-hand ship dates and the vendor
        filled in), so a row needs no work in Python but its price.
        """
        greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"  # SQLite's scalar MAX
        if self.origin == ON_HAND:
            # Literals of our own making (ISO dates), not input: the same for every line of the call.
            first, last = (f"'{day.isoformat()}'" for day in rules.on_hand_ship_dates(shape.today))
        else:
            first = f"{greatest}({_date_sql('l.available_from')}, '{shape.today.isoformat()}')"
            last = _date_sql("l.available_to")
        fill = {
            "origin": str(self.origin),
            "quantity": f"{greatest}({quantity_sql}, 0)",
            "available_from": first,
            "available_to": last,
            "vendor": "v.name" if shape.show_vendors else "NULL",
            "updated_on": _timestamp_sql("l.updated_on"),
        }
        return ", ".join(sql.format(**fill) for _, sql in FEED_COLUMNS)


@dataclass(frozen=True)
class _Shape:
    """What an answered row's values depend on besides the line: the company's day, its vendor setting."""

    today: dt.date
    show_vendors: bool


# The columns of a page row, declared once: (answer key, select expression). The page statement's
# select list is built from this list and each row is read back into an answer by these keys, so the
# two cannot drift apart. Keys starting with "_" feed a computed answer value and are not answered;
# `{...}` parts depend on the origin and the call (see `_Origin.columns`).
FEED_COLUMNS: tuple[tuple[str, str], ...] = (
    ("inventoryOrigin", "{origin}"),
    ("inventoryIds", "CAST(l.id AS TEXT)"),  # answered as text
    ("companyProductId", "l.product_id"),
    ("productCode", "p.code"),
    ("productDescription", "p.description"),
    ("category", "c.name"),
    ("variety", "p.variety"),
    ("color", "p.color"),
    ("grade", "p.grade"),
    ("boxTypeId", "l.box_type_id"),
    ("boxTypeCode", "b.code"),
    ("unitType", "l.unit_type"),
    ("bunches", "l.bunches"),
    ("stemsBunch", "l.stems_bunch"),
    ("unitsPerBox", "l.units_per_box"),
    ("quantity", "{quantity}"),  # never below 0
    ("price", "l.price"),  # the line's price; the answer has the customer's (see Pricer)
    ("availableFrom", "{available_from}"),  # on hand: the on-hand ship dates; future: not before today
    ("availableTo", "{available_to}"),
    ("vendorName", "{vendor}"),  # NULL unless the company shows its vendors
    ("locationId", "l.location_id"),
    ("updatedOn", "{updated_on}"),
    # Not answered, so last: a row zipped with the answer keys stops before them.
    ("_cost", "l.unit_cost"),
    ("_line_id", "l.id"),  # the page's order and boundary
)
FEED_KEYS = tuple(key for key, _ in FEED_COLUMNS)
ANSWER_KEYS = tuple(key for key in FEED_KEYS if not key.startswith("_"))
assert FEED_KEYS[: len(ANSWER_KEYS)] == ANSWER_KEYS, "answered columns come first"
# The page statement adds one column after these, the change stamp (NULL on every line row); its
# rows are put in order (origin, then line id) by `_in_order`.
_ROW_ORDER = itemgetter(FEED_KEYS.index("inventoryOrigin"), FEED_KEYS.index("_line_id"))


def _in_order(rows: list[Any]) -> list[Any]:
    """A page statement's rows by origin, then line id (the state row, origin 0, first).

    Sorted here rather than by an ORDER BY over the statement: the database would copy every
    column of the page into a sorter, where the rows almost always come in this order already
    (a run Python's sort checks in one pass).
    """
    rows.sort(key=_ROW_ORDER)
    return rows


_ORIGIN, _PRICE, _COST = (FEED_KEYS.index(k) for k in ("inventoryOrigin", "price", "_cost"))


def _date_sql(column: str) -> str:
    """SQL writing a date column as `YYYY-MM-DD` (SQLite keeps dates as that text already)."""
    if connection.vendor == "postgresql":
        return f"to_char({column}, 'YYYY-MM-DD')"
    # An expression, not the bare column: Django's SQLite connection would parse a column
    # declared `date` into a date object for every row.
    return f"CAST({column} AS TEXT)"


def _timestamp_sql(column: str) -> str:
    """SQL writing a UTC timestamp column as `YYYY-MM-DDTHH:MM:SS`, as the API answers datetimes."""
    if connection.vendor == "postgresql":
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS')"
    # SQLite keeps `YYYY-MM-DD HH:MM:SS.ffffff`: two substrings, cheaper than strftime; an
    # expression, so the driver does not parse it into a datetime first (see _date_sql).
    return f"substr({column}, 1, 10) || 'T' || substr({column}, 12, 8)"


@dataclass(frozen=True)
class _Plan:
    """The WHERE of one origin for one call, and the quantity each line is answered with."""

    shape: _Shape
    origin: _Origin
    where: str
    where_params: list[Any]
    quantity: str
    quantity_params: list[Any]
    # The WHERE reads product columns (search filters, a delta's product changes).
    needs_product: bool = True
    # The WHERE holds the sellable-line index's condition (the full list of open stock).
    sellable: bool = False

    def narrow_from(self) -> str:
        """FROM for reading ids and counting: the line table, and the product only when needed."""
        return self.origin.from_clause(full=False, product=self.needs_product, sellable=self.sellable)


def _plan(
    origin: _Origin, company: Company, customer: Customer, flt: EcommerceFilter, now: dt.datetime
) -> _Plan:
    today = calendar.today(company, now)
    shape = _Shape(today, company.show_vendors)
    scope_sql, scope_params = origin.scope_condition(company.pk, customer.pk, flt)
    visible_sql, visible_params = origin.visible_condition(flt, today, company.pk)
    if flt.all_in_scope:
        return _Plan(
            shape,
            origin,
            scope_sql,
            scope_params,
            f"CASE WHEN {visible_sql} THEN {origin.free} ELSE 0 END",
            list(visible_params),
        )
    if flt.updated_as_of is None:
        return _Plan(
            shape,
            origin,
            f"{scope_sql} AND {visible_sql}",
            scope_params + visible_params,
            origin.free,
            [],
            needs_product=bool(flt.search_text or flt.category_id is not None or flt.color),
            sellable=not flt.reserved and not flt.both_reservation_views,
        )
    delta_sql, delta_params = _delta_condition(
        origin, company, customer, flt, now, visible_sql, visible_params
    )
    return _Plan(
        shape,
        origin,
        f"{scope_sql} AND ({delta_sql})",
        scope_params + delta_params,
        f"CASE WHEN {visible_sql} THEN {origin.free} ELSE 0 END",
        list(visible_params),
    )


def _delta_condition(
    origin: _Origin,
    company: Company,
    customer: Customer,
    flt: EcommerceFilter,
    now: dt.datetime,
    visible_sql: str,
    visible_params: list[Any],
) -> tuple[str, list[Any]]:
    """SQL true for every line of the scope whose answer may differ from what it was at `since`.

    - the line or its product changed (every change a buyer can see moves `updated_on`,
      including (de)activating the product or its category: hidden lines answer quantity 0);
    - everything sellable now, when the customer's pricing terms or the company (its gross
      margin) changed since, or the day changed (ship dates are counted from today);
    - lines that were sellable on the day of `since` only by their dates and are not any more
      (a future line whose last day passed), so they are answered with quantity 0.
    """
    since = flt.updated_as_of
    assert since is not None
    parts = ["l.updated_on > %s", "p.updated_on > %s"]
    params: list[Any] = [_sql_datetime(since), _sql_datetime(since)]
    since_day, today = calendar.date_of(company, since), calendar.today(company, now)
    pricing_changed = customer.pricing_updated_on > since or company.updated_on > since
    if pricing_changed or since_day != today:
        parts.append(visible_sql)
        params.extend(visible_params)
    if since_day != today:
        # Sellable as seen on since's day but not today: for a line unchanged since, only its
        # dates can make that difference (a changed line is in the delta anyway).
        then_sql, then_params = origin.visible_condition(flt, since_day, company.pk)
        parts.append(f"({then_sql} AND NOT {visible_sql})")
        params.extend(then_params + visible_params)
    return " OR ".join(parts), params


# Prices already worked out, by (terms, margin, view), then by (line price, cost): a sync of thousands
# of lines meets a few hundred distinct pairs. The keys hold every input of the rule, so it is never
# stale. Two levels, so that a line hashes only its (price, cost) pair, not the customer's terms.
_PRICE_MEMO: dict[tuple[Any, ...], dict[tuple[Any, Any], Decimal]] = {}
# The same prices as the answer writes them (`json_number`), by the same keys.
_JSON_PRICE_MEMO: dict[tuple[Any, ...], dict[tuple[Any, Any], orjson.Fragment]] = {}
_PRICE_MEMO_MAX = 200_000  # pairs per terms
_PRICE_MEMO_TERMS_MAX = 1_000

_Memoised = TypeVar("_Memoised")


def _terms_memo(
    memo: dict[tuple[Any, ...], dict[tuple[Any, Any], _Memoised]], prefix: tuple[Any, ...]
) -> dict[tuple[Any, Any], _Memoised]:
    cache = memo.get(prefix)
    if cache is None:
        if len(memo) >= _PRICE_MEMO_TERMS_MAX:
            memo.clear()
        cache = memo[prefix] = {}
    return cache


def json_number(value: Decimal) -> orjson.Fragment:
    """A price as the exact JSON number it is (`0.80`), which orjson writes as given.

    The same text the API envelope writes for a Decimal (`stemlink.api.envelope._default`), but
    made once per distinct price, not by a Python call for every line of every answer.
    """
    return orjson.Fragment(format(value, "f"))


class Pricer:
    """Price lines for one customer with the one pricing rule, once per distinct (price, cost)."""

    def __init__(self, customer: Customer | None, company: Company, *, ecommerce: bool) -> None:
        self.customer = customer
        self.margin = company.gross_margin_percent
        self.ecommerce = ecommerce
        self.prefix = (pricing_terms_for(customer), self.margin, ecommerce)
        # The prices of these terms by (line price, cost), shared by every call with the same terms:
        # as Decimals, and as the JSON numbers the feed answers.
        self.cache: dict[tuple[Any, Any], Decimal] = _terms_memo(_PRICE_MEMO, self.prefix)
        self.json_cache: dict[tuple[Any, Any], orjson.Fragment] = _terms_memo(_JSON_PRICE_MEMO, self.prefix)

    def __call__(self, price: Any, cost: Any) -> Decimal:
        """The unit price as a Decimal."""
        key = (price, cost)
        found = self.cache.get(key)
        if found is None:
            found = self.decimal(price, cost)
            if len(self.cache) >= _PRICE_MEMO_MAX:
                self.cache.clear()
            self.cache[key] = found
        return found

    def json(self, price: Any, cost: Any) -> orjson.Fragment:
        """The unit price as the exact JSON number the answer carries (`12.50`, see `json_number`)."""
        key = (price, cost)
        found = self.json_cache.get(key)
        if found is None:
            found = json_number(self(price, cost))
            if len(self.json_cache) >= _PRICE_MEMO_MAX:
                self.json_cache.clear()
            self.json_cache[key] = found
        return found

    def decimal(self, price: Any, cost: Any) -> Decimal:
        unit_cost = _decimal(cost)
        assert unit_cost is not None
        return unit_price_for(
            self.customer,
            line_price=_decimal(price),
            unit_cost=unit_cost,
            gross_margin_percent=self.margin,
            ecommerce=self.ecommerce,
        )


def _items(rows: Iterable[Sequence[Any]], pricer: Pricer) -> list[dict[str, Any]]:
    """Turn result rows into answer records: a dict of the answered columns and the customer's price.

    Everything else was written by the page statement as it is answered (see `_Origin.columns`);
    the price is the JSON number (`json_number`), so the answer is written with no Python call a line.
    """
    prices = pricer.json_cache
    items: list[dict[str, Any]] = []
    append = items.append
    for row in rows:
        item = dict(zip(ANSWER_KEYS, row, strict=False))  # the cost and the line id are no answer
        key = (row[_PRICE], row[_COST])
        unit_price = prices.get(key)
        item["price"] = pricer.json(*key) if unit_price is None else unit_price
        append(item)
    return items


def _origins(flt: EcommerceFilter) -> list[_Origin]:
    if flt.origin is None:
        return [_Origin(ON_HAND), _Origin(FUTURE)]
    if flt.origin not in (ON_HAND, FUTURE):
        raise ValidationFailed(FieldError("inventoryOrigin", "must be 1 (on hand) or 2 (future)"))
    return [_Origin(flt.origin)]


# --- one page: the page query, and the total ---------------------------------------------------------


def _stamp_sql(company: Company, flt: EcommerceFilter) -> tuple[str, list[Any]]:
    """SQL for the newest change stamp of what the view reads: every change moves one of them.

    Each MAX walks down one (company, updated_on) index, so it costs the same for ten lines or a million.
    Products count for every view, not only filtered ones: (de)activating a product, or its
    category (see `stemlink.catalog.services`), changes which lines are listed.
    """
    parts = [
        f"(SELECT MAX(updated_on) FROM {_T_ON_HAND} WHERE company_id = %s)",  # noqa: S608 -- the e-commerce feed query (see docs/architecture.md)
        f"(SELECT MAX(updated_on) FROM {_T_FUTURE} WHERE company_id = %s)",  # noqa: S608 -- the e-commerce feed query (see docs/architecture.md)
        f"(SELECT MAX(updated_on) FROM {_T_PRODUCT} WHERE company_id = %s)",  # noqa: S608 -- the e-commerce feed query (see docs/architecture.md)
    ]
    params: list[Any] = [company.pk, company.pk, company.pk]
    if connection.vendor == "sqlite":  # SQLite's two-argument MAX ignores no NULL: COALESCE them
        expr = "MAX(" + ", ".join(f"COALESCE({p}, '')" for p in parts) + ")"
    else:
        expr = "GREATEST(" + ", ".join(parts) + ")"
    return expr, params


def _meta_row(
    plans: list[_Plan], company: Company, flt: EcommerceFilter, *, with_counts: bool, window: _Window
) -> tuple[str, list[Any]]:
    """The first row of a page statement, which is no line: the change stamp, its window's
    fingerprint (see `_Window`), and the counts if asked.

    Every line column is NULL but the origin, 0, so the row sorts first; each origin's count, when
    counted in the same statement (one snapshot with the page), sits in a column of its own.
    """
    stamp_sql, stamp_params = _stamp_sql(company, flt)
    values = ["0" if i == _ORIGIN else "NULL" for i in range(len(FEED_COLUMNS))]
    params_of: dict[int, list[Any]] = {}
    if with_counts:
        for column, plan in zip(_COUNT_COLUMNS, plans, strict=False):
            values[column] = f"(SELECT COUNT(*) FROM {plan.narrow_from()} WHERE {plan.where})"  # noqa: S608 -- the e-commerce feed query (see docs/architecture.md)
            params_of[column] = plan.where_params
    if not window.empty:
        values[_FINGERPRINT], params_of[_FINGERPRINT] = _fingerprint_sql(company, window)
    params = [p for column in sorted(params_of) for p in params_of[column]]
    return f"SELECT {', '.join(values)}, {stamp_sql}", params + stamp_params


def _fingerprint_sql(company: Company, window: _Window) -> tuple[str, list[Any]]:
    """SQL text summing up the rows of the stamp's tables changed within the window: how many, and
    the sum of their `updated_on` in microseconds (reduced, so it never overflows)."""
    if connection.vendor == "postgresql":
        micros = "(EXTRACT(EPOCH FROM updated_on) * 1000000)::bigint %% 2147483647"
    else:  # SQLite keeps `YYYY-MM-DD HH:MM:SS[.ffffff]`
        micros = (
            "(CAST(strftime('%%s', updated_on) AS INTEGER) * 1000000"
            " + CAST(substr(updated_on, 21, 6) AS INTEGER)) %% 2147483647"
        )
    upto = " AND updated_on <= %s" if window.upto is not None else ""
    bounds = [_sql_datetime(window.since)]
    if window.upto is not None:
        bounds.append(_sql_datetime(window.upto))
    parts, params = [], []
    for table in (_T_ON_HAND, _T_FUTURE, _T_PRODUCT):
        parts.append(
            f"(SELECT COUNT(*) || ':' || COALESCE(SUM({micros}), 0) FROM {table}"  # noqa: S608 -- the e-commerce feed query (see docs/architecture.md)
            f" WHERE company_id = %s AND updated_on >= %s{upto})"
        )
        params.extend([company.pk, *bounds])
    return " || '/' || ".join(parts), params


# The meta row's columns that carry the counts (integer columns of the line rows, for PostgreSQL's UNION).
_COUNT_COLUMNS = (FEED_KEYS.index("companyProductId"), FEED_KEYS.index("boxTypeId"))
# The meta row's column that carries the window's fingerprint (a text column of the line rows).
_FINGERPRINT = FEED_KEYS.index("productCode")
_LINE_ID = FEED_KEYS.index("_line_id")


def _page_part(plan: _Plan, *, after_id: int | None, limit: int, offset: int) -> tuple[str, list[Any]]:
    """One origin's part of a page.

    `after_id` seeks (the lines after a boundary, whatever their number): the lines are read in id
    order with their catalogue rows, stopping at the limit, so each answered line costs one index
    step and its joins. `offset` skips: the ids are read from an index alone, past the skipped
    ones, and only the page's ids are joined. (Seeking the same way would let PostgreSQL join the
    page's ids to the whole line table by hash once the table outgrows a few pages: at 50,000 lines
    a page read every line.)
    """
    n = plan.origin.origin
    columns = plan.origin.columns(plan.quantity, plan.shape)
    seek = " AND l.id > %s" if after_id is not None else ""
    params = [*plan.quantity_params, *plan.where_params]
    if after_id is not None:
        params.append(after_id)
    params.append(limit)
    if not offset:
        lines = plan.origin.from_clause(full=True, sellable=plan.sellable)
        sql = (
            f"SELECT page{n}.*, NULL FROM (SELECT {columns} FROM {lines}"  # noqa: S608 -- the e-commerce feed query (see docs/architecture.md)
            f" WHERE {plan.where}{seek} ORDER BY l.id LIMIT %s) page{n}"
        )
        return sql, params
    sql = (
        f"SELECT {columns}, NULL FROM (SELECT l.id AS page_id"  # noqa: S608 -- the e-commerce feed query (see docs/architecture.md)
        f" FROM {plan.narrow_from()}"
        f" WHERE {plan.where}{seek} ORDER BY l.id LIMIT %s OFFSET %s) page{n}"
        f" JOIN {plan.origin.table} l ON l.id = page{n}.page_id{plan.origin.joins()}"
    )
    return sql, [*params, offset]


def _page_sql(
    plans: list[_Plan],
    counts: list[int],
    company: Company,
    flt: EcommerceFilter,
    *,
    rows: int,
    offset: int,
    with_stamp: _Window | None,
) -> tuple[str, list[Any]] | None:
    """One statement: the stamp row if asked for, then the page's lines (on hand first, then future).

    The OFFSET page, for a client that names a page number nothing remembered leads to. The counts
    of each origin say which origin(s) the page falls in. None when there is nothing to read.
    """
    selects: list[str] = []
    params: list[Any] = []
    if with_stamp is not None:
        meta_sql, meta_params = _meta_row(plans, company, flt, with_counts=False, window=with_stamp)
        selects.append(meta_sql)
        params.extend(meta_params)
    start = 0
    for plan, count in zip(plans, counts, strict=True):
        first, last = max(offset, start), min(offset + rows, start + count)
        if first < last:
            part_sql, part_params = _page_part(plan, after_id=None, limit=last - first, offset=first - start)
            selects.append(part_sql)
            params.extend(part_params)
        start += count
    if not selects:
        return None
    return " UNION ALL ".join(selects), params


def _count(cursor: Any, plans: list[_Plan], company: Company, flt: EcommerceFilter) -> tuple[list[int], str]:
    """Count the view's lines of each origin, and read the view's state in the same statement."""
    window = _Window.fresh()
    counts = ", ".join(f"(SELECT COUNT(*) FROM {plan.narrow_from()} WHERE {plan.where})" for plan in plans)  # noqa: S608 -- the e-commerce feed query (see docs/architecture.md)
    fingerprint_sql, fingerprint_params = _fingerprint_sql(company, window)
    stamp_sql, stamp_params = _stamp_sql(company, flt)
    cursor.execute(
        f"SELECT {counts}, {fingerprint_sql}, {stamp_sql}",
        [p for plan in plans for p in plan.where_params] + fingerprint_params + stamp_params,
    )
    *found, fingerprint, stamp = cursor.fetchone()
    return [int(n) for n in found], window.state(stamp, fingerprint)


@dataclass(frozen=True)
class Boundary:
    """Where a page ended: its last line's origin and id. The next page is what comes after it."""

    origin: int
    line_id: int


def _seek(
    cursor: Any,
    plans: list[_Plan],
    company: Company,
    flt: EcommerceFilter,
    *,
    after: Boundary | None,
    rows: int,
    known: tuple[str, list[int]] | None,
    window: _Window,
) -> tuple[list[Any], str | None, list[int] | None]:
    """Read the page after `after` (from the start when None): its lines, the state, the counts.

    One statement: the state row (with the counts, unless `known` carries counts for a state) and
    the first origin's lines after the boundary, which an index finds in the same few steps
    whatever their place. A page that runs out of one origin reads the next in a second statement,
    unless the counts (valid for this state) say it has none. The counts answered are None when
    `known` was for another state: they must be counted again. The state is read in `window`
    (the known state's, or a fresh one when counting).
    """
    pending = [p for p in plans if after is None or p.origin.origin >= after.origin]
    counted = known is None
    lines: list[Any] = []
    stamp: str | None = None
    counts: list[int] | None = None
    for n, plan in enumerate(pending):
        after_id = after.line_id if after is not None and plan.origin.origin == after.origin else None
        part_sql, part_params = _page_part(plan, after_id=after_id, limit=rows - len(lines), offset=0)
        if n == 0:
            meta_sql, meta_params = _meta_row(plans, company, flt, with_counts=counted, window=window)
            cursor.execute(f"{meta_sql} UNION ALL {part_sql}", meta_params + part_params)
            meta, *found = _in_order(cursor.fetchall())
            stamp = window.state(meta[-1], meta[_FINGERPRINT])
            if counted:
                counts = [int(meta[column]) for column in _COUNT_COLUMNS[: len(plans)]]
            elif known is not None and known[0] == stamp:
                counts = known[1]
        else:
            if counts is not None and counts[plans.index(plan)] == 0:
                continue
            cursor.execute(part_sql, part_params)
            found = _in_order(cursor.fetchall())
        lines.extend(found)
        if len(lines) >= rows:
            break
    return lines, stamp, counts


# A change commits within this long of its `updated_on` (taken by `auto_now` inside the saving
# transaction, which a line's row lock keeps short). See `_Window`.
COMMIT_LAG = dt.timedelta(seconds=5)


@dataclass(frozen=True)
class _Window:
    """The changes a view's state is read over: those stamped from `since` (to `upto`, when checking).

    A view's *state* is its newest change stamp plus a fingerprint of the rows of its tables
    stamped within the window: `since` is the count's start less `COMMIT_LAG`, so a change
    committed after the count is either stamped after the newest stamp (which then moves) or
    stamped within the window (which then gains a row, or a row's stamp changes, and with it the
    fingerprint: how many rows, and the sum of their stamps). Either way the state read later is
    not the one the count was taken at, and the count is taken again; while it is the same, the
    view is line for line what it was counted at, however recent its last change. A quiet view
    (newest stamp before the window) has an empty window and needs no fingerprint. A busy view's
    window holds only the changes of a few seconds, however old the count: an index range.
    """

    since: dt.datetime
    upto: dt.datetime | None = None  # the newest stamp of the state being checked

    @classmethod
    def fresh(cls) -> _Window:
        return cls(timezone.now() - COMMIT_LAG)

    @classmethod
    def of(cls, state: str) -> _Window | None:
        """The window a state was read over; None for a state this version does not write."""
        parts = state.split("|")
        if len(parts) != 3:
            return None
        try:
            since = dt.datetime.fromisoformat(parts[1])
            return cls(since, _stamp_time(parts[0]))
        except ValueError:
            return None

    @property
    def empty(self) -> bool:
        """True when the state checked was quiet: nothing stamped within its window but the stamp's."""
        return self.upto is not None and self.upto < self.since

    def state(self, stamp: Any, fingerprint: Any) -> str:
        """The view's state: its newest stamp, this window, and the window's fingerprint."""
        stamp_text = _stamp_text(stamp) or ""
        newest = _stamp_time(stamp_text)
        if newest is not None and newest < self.since:
            fingerprint = ""  # a quiet view: nothing in the window, whatever was read
        return f"{stamp_text}|{self.since.isoformat()}|{fingerprint or ''}"


def _window_of(state: str | None) -> _Window:
    found = _Window.of(state) if state else None
    return found or _Window.fresh()


# Totals of full lists already counted, by view, with the state (see `_Window`) they were counted
# at: a marketplace reading 100 pages of an unchanged feed need not count it 100 times, nor a busy
# feed more than once per change. The lines of a page never come from here, only the total.
_TOTALS: dict[tuple[Any, ...], tuple[str, list[int]]] = {}
_TOTALS_MAX = 10_000
# Where the last page served to a client (token) of a full list ended, by (view, client, rows):
# (page number, state, boundary). The next page number is then found by seeking from the boundary,
# but only while the view's state is the one it was remembered at: the view is then line for line
# what it was, so the seek answers exactly the page OFFSET would. Another server process, or a
# changed view, finds nothing valid here and skips with OFFSET instead.
_BOUNDARIES: dict[tuple[Any, ...], tuple[int, str, Boundary]] = {}
_BOUNDARIES_MAX = 10_000


def _total_memo_key(
    company: Company, customer: Customer, flt: EcommerceFilter, now: dt.datetime
) -> tuple[Any, ...]:
    scoped_customer = customer.pk if (flt.reserved or flt.both_reservation_views) else None
    database = (connection.alias, connection.settings_dict.get("NAME"))
    # created_on tells apart two companies that got the same id (a test database reuses ids).
    return (*database, company.pk, company.created_on, scoped_customer, flt, calendar.today(company, now))


def _stamp_text(stamp: Any) -> str | None:
    """The change stamp as text, the same from a fresh read, a remembered one and a cursor."""
    return str(stamp) if stamp else None


def _stamp_time(stamp: str | None) -> dt.datetime | None:
    if not stamp:
        return None
    found = dt.datetime.fromisoformat(stamp)
    return found if found.tzinfo else found.replace(tzinfo=dt.UTC)


def _remember_counts(key: tuple[Any, ...] | None, state: str, counts: list[int]) -> None:
    if key is None:
        return
    if len(_TOTALS) >= _TOTALS_MAX:
        _TOTALS.clear()
    _TOTALS[key] = (state, counts)


def forget_remembered_totals() -> None:
    """Drop every remembered total and page boundary (tests; deleting lines would move no stamp)."""
    _TOTALS.clear()
    _BOUNDARIES.clear()


# --- the cursor: an opaque, signed continuation of a listing (an extension of Komet's paging) ----------

_CURSOR_SALT = "stemlink.inventory.feed.cursor"
_NOT_OURS = (
    "is not a cursor this server gave out, or was changed; send the last answer's nextCursor as it came"
)
CURSOR_VERSION = 1
# A cursor is for reading a listing through, not for keeping: an older one is refused as stale.
CURSOR_MAX_AGE = dt.timedelta(hours=6)
CURSOR_MAX_LENGTH = 1000


@dataclass(frozen=True)
class _CursorState:
    page: int
    after: Boundary
    day: str
    known: tuple[str, list[int]] | None


def _binding(company: Company, customer: Customer, flt: EcommerceFilter, client: Any) -> str:
    """What a cursor belongs to: this database, company, customer, client (token) and filter."""
    database = (connection.alias, connection.settings_dict.get("NAME"))
    text = repr((*database, company.pk, str(company.created_on), customer.pk, client, flt))
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _write_cursor(
    binding: str, page: int, after: Boundary, day: dt.date, state: str, counts: list[int]
) -> str:
    # The counts travel with the state they were counted at (see _Window).
    known = [state, counts]
    payload = {
        "v": CURSOR_VERSION,
        "b": binding,
        "p": page,
        "a": [after.origin, after.line_id],
        "d": day.isoformat(),
        "k": known,
    }
    return signing.TimestampSigner(salt=_CURSOR_SALT).sign_object(payload, compress=True)


def _cursor_error(message: str) -> ValidationFailed:
    return ValidationFailed(FieldError("cursor", message))


def _read_cursor(text: str, binding: str) -> _CursorState:
    """Check a cursor a client sent back; ValidationFailed names what is wrong with it."""
    if len(text) > CURSOR_MAX_LENGTH:
        raise _cursor_error(_NOT_OURS)
    try:
        payload = signing.TimestampSigner(salt=_CURSOR_SALT).unsign_object(
            text, max_age=CURSOR_MAX_AGE.total_seconds()
        )
    except signing.SignatureExpired:
        raise _cursor_error(
            f"has expired (a cursor lasts {CURSOR_MAX_AGE.total_seconds() / 3600:g} hours);"
            " list again from page 1"
        ) from None
    except (signing.BadSignature, ValueError, TypeError):
        raise _cursor_error(_NOT_OURS) from None
    try:
        if payload["v"] != CURSOR_VERSION:
            raise _cursor_error("was given out by an older version of this server; list again from page 1")
        if payload["b"] != binding:
            raise _cursor_error(
                "belongs to another token, customer or other filters: send it with the same parameters as"
                " the call that answered it (only page and rows may differ), or list again from page 1"
            )
        origin, line_id = payload["a"]
        known = payload["k"]
        return _CursorState(
            page=int(payload["p"]),
            after=Boundary(int(origin), int(line_id)),
            day=str(payload["d"]),
            known=(str(known[0]), [int(n) for n in known[1]]) if known else None,
        )
    except (KeyError, TypeError, ValueError, IndexError):
        raise _cursor_error(_NOT_OURS) from None


def ecommerce_inventory(
    company: Company,
    customer: Customer,
    flt: EcommerceFilter,
    *,
    page: int | None = None,
    rows: int = DEFAULT_ROWS,
    now: dt.datetime | None = None,
    cursor: str | None = None,
    client: Any = None,
) -> EcommercePage:
    """Return one page of what this customer may buy, priced for it, with the total across pages.

    Pages are found by seeking, not skipping: from the start (page 1), from the boundary a `cursor`
    carries, or from the boundary this process remembers of the previous page number for the same
    `client` (the token) and filter, while the view is unchanged since. Only a page number nothing
    leads to is skipped to with OFFSET. The total is counted once per change stamp: carried by the
    cursor or remembered, and counted again (in the page's own statement) when the stamp moved.

    One statement for most pages, two when the page crosses from on-hand into future lines or the
    stamp moved, three when a remembered boundary turned out stale. Raises ValidationFailed for a
    page below 1, rows outside 1–500, or a cursor that is not valid for this call; NotFound for a
    customer of another company.
    """
    if customer.company_id != company.pk:
        raise NotFound(f"customer {customer.pk} not found")
    errors = []
    if page is not None and not 1 <= page <= MAX_PAGE:
        errors.append(FieldError("page", f"must be 1 to {MAX_PAGE:,}"))
    if not 1 <= rows <= MAX_ROWS:
        errors.append(FieldError("rows", f"must be between 1 and {MAX_ROWS}"))
    if errors:
        raise ValidationFailed(errors)
    now = now or timezone.now()
    today = calendar.today(company, now)
    plans = [_plan(origin, company, customer, flt, now) for origin in _origins(flt)]
    binding = _binding(company, customer, flt, client)
    memo_key = _total_memo_key(company, customer, flt, now) if flt.updated_as_of is None else None
    known = _TOTALS.get(memo_key) if memo_key is not None else None
    after: Boundary | None = None
    seek = True
    expected_state: str | None = None  # a remembered boundary holds only at this state
    if cursor is not None:
        state = _read_cursor(cursor, binding)
        if page is not None and page != state.page:
            raise ValidationFailed(
                FieldError("page", f"the cursor continues at page {state.page}; send the cursor without page")
            )
        page, after = state.page, state.after
        if state.known is not None and state.day == today.isoformat():
            known = state.known
    page = page or 1
    boundary_key = (memo_key, client, rows) if memo_key is not None else None
    if cursor is None and page > 1:
        remembered = _BOUNDARIES.get(boundary_key) if boundary_key is not None else None
        if remembered is not None and remembered[0] == page - 1:
            _, expected_state, after = remembered
        else:
            seek = False
    lines: list[Any] | None = None
    counts: list[int] | None = None
    stamp: str | None = None
    counted = False
    with connection.cursor() as db:
        if seek:
            counted = known is None
            # The state is read in the window of the state it is compared with (see _Window).
            window = _window_of(expected_state or (known[0] if known else None))
            lines, stamp, counts = _seek(
                db, plans, company, flt, after=after, rows=rows, known=known, window=window
            )
            if counts is None:
                known = None  # counted at another state than the view's now
            if expected_state is not None and stamp != expected_state:
                lines = None  # the view changed since the boundary was remembered: skip instead
        if lines is None:
            offset = (page - 1) * rows
            if counts is None and known is not None:
                window = _window_of(known[0])
                statement = _page_sql(
                    plans, known[1], company, flt, rows=rows, offset=offset, with_stamp=window
                )
                assert statement is not None
                db.execute(*statement)
                meta, *found = _in_order(db.fetchall())
                stamp = window.state(meta[-1], meta[_FINGERPRINT])
                if stamp == known[0]:
                    lines, counts = found, known[1]
            if lines is None:
                if counts is None:
                    counts, stamp = _count(db, plans, company, flt)
                    counted = True
                statement = _page_sql(plans, counts, company, flt, rows=rows, offset=offset, with_stamp=None)
                lines = []
                if statement is not None:
                    db.execute(*statement)
                    lines = _in_order(db.fetchall())
        if counts is None:
            counts, stamp = _count(db, plans, company, flt)
            counted = True
        assert stamp is not None
        if counted:
            _remember_counts(memo_key, stamp, counts)
        pricer = Pricer(customer, company, ecommerce=True)
        end = Boundary(int(lines[-1][_ORIGIN]), int(lines[-1][_LINE_ID])) if lines else None
        items = _items(lines, pricer)
    if boundary_key is not None:
        if end is not None:
            if len(_BOUNDARIES) >= _BOUNDARIES_MAX:
                _BOUNDARIES.clear()
            _BOUNDARIES[boundary_key] = (page, stamp, end)
        else:
            _BOUNDARIES.pop(boundary_key, None)
    next_cursor = None
    if end is not None and len(items) == rows:
        next_cursor = _write_cursor(binding, page + 1, end, today, stamp, counts)
    return EcommercePage(
        total=sum(counts),
        items=items,
        next_updated_as_of=format_api_datetime(now - CURSOR_SAFETY),
        page=page,
        next_cursor=next_cursor,
    )


def ecommerce_lines(
    company: Company,
    customer: Customer,
    origin: int,
    line_ids: Sequence[int],
    *,
    on_date: dt.date | None,
    include_reserved: bool,
    location_id: int | None = None,
    now: dt.datetime | None = None,
) -> list[dict[str, Any]]:
    """Return the given lines as this customer sees them, with what may be bought on a date.

    A line that is not sellable that day is answered with quantity 0. Raises NotFound when none of
    the lines is in this customer's view, ValidationFailed for no line ids or a bad origin.
    """
    if not line_ids:
        raise ValidationFailed(FieldError("inventoryLineIds", "give at least one line id"))
    ids = tuple(dict.fromkeys(line_ids))
    if len(ids) > MAX_ROWS:
        raise ValidationFailed(FieldError("inventoryLineIds", f"name at most {MAX_ROWS} line ids"))
    flt = EcommerceFilter(
        origin=origin,
        available_date=on_date,
        location_id=location_id,
        line_ids=ids,
        both_reservation_views=include_reserved,
        all_in_scope=True,
    )
    answer = ecommerce_inventory(company, customer, flt, page=1, rows=MAX_ROWS, now=now)
    if not answer.items:
        raise NotFound(f"inventory line(s) {', '.join(map(str, ids))} of origin {origin} not found")
    return answer.items


@dataclass(frozen=True)
class AvailableDates:
    first: dt.date | None
    last: dt.date | None
    dates: list[dt.date]


def available_dates(
    company: Company,
    customer: Customer,
    origin: int,
    line_ids: Sequence[int],
    *,
    include_reserved: bool,
    location_id: int | None = None,
    today: dt.date | None = None,
) -> AvailableDates:
    """Return the days on which every given line may ship (within the e-commerce horizon).

    Raises NotFound when a line is not in this customer's view, ValidationFailed for no ids.
    """
    if not line_ids:
        raise ValidationFailed(FieldError("inventoryLineIds", "give at least one line id"))
    today = today or calendar.today(company)
    ids = list(dict.fromkeys(line_ids))
    if len(ids) > MAX_ROWS:
        raise ValidationFailed(FieldError("inventoryLineIds", f"name at most {MAX_ROWS} line ids"))
    try:
        model = line_model(origin)
    except ValueError:
        raise ValidationFailed(FieldError("inventoryOrigin", "must be 1 (on hand) or 2 (future)")) from None
    query = model.objects.filter(company=company, pk__in=ids)
    if include_reserved:
        query = query.filter(Q(reserved_for__isnull=True) | Q(reserved_for_id=customer.pk))
    else:
        query = query.filter(reserved_for__isnull=True)
    if location_id is not None:
        query = query.filter(location_id=location_id)
    fields: tuple[str, ...] = ("id", "product__active", "product__category__active")
    if origin == FUTURE:
        fields += ("available_from", "available_to")
    found = {row[0]: row for row in query.values_list(*fields)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"inventory line(s) {', '.join(map(str, missing))} of origin {origin} not found")
    if not all(row[1] and row[2] for row in found.values()):
        # An inactive product (or category) is not sold on any day.
        return AvailableDates(None, None, [])
    first, last = (
        rules.on_hand_ship_dates(today) if origin == ON_HAND else (today, rules.ecommerce_horizon(today))
    )
    for row in found.values():
        if origin == FUTURE:
            span = rules.future_ship_dates(row[3], row[4], today)
            if span is None:
                return AvailableDates(None, None, [])
            first, last = max(first, span[0]), min(last, span[1])
    if first > last:
        return AvailableDates(None, None, [])
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    return AvailableDates(first, last, days)
