"""Spreadsheets in: products, customers and on-hand inventory from .xlsx (openpyxl) or CSV.

The way a file goes in:
1. `read_table` reads the upload (at most `MAX_BYTES`, `MAX_ROWS` rows, `MAX_COLUMNS` columns) into
   plain strings, or refuses it with words (not a spreadsheet, empty, too big, a column it does
   not know, a required column missing). A formula is read as the value Excel saved, never run.
2. `run_import` checks every row: each cell is parsed by its column (a number, a date, yes/no …),
   then the row goes through the same service the pages and the API use
   (`catalog.services.save_product`, `customers.services.add_customer`,
   `inventory.services.add_on_hand_lines`), each row in a savepoint, so a service's own checks
   name the cell too. A preview runs it all in one transaction that is then rolled back: nothing
   is written. The confirmation runs it again and commits only when no row has an error: all
   or nothing.
3. Between preview and confirm the rows are kept in the uploader's session (signed, server-side,
   only for that user and company), never in a file on disk.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from stemlink.catalog.models import Product
from stemlink.catalog.services import category_named, save_product
from stemlink.customers.services import add_customer
from stemlink.errors import FieldError, StemlinkError, ValidationFailed
from stemlink.inventory.services import add_on_hand_lines
from stemlink.tenancy.models import Company

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
MAX_COLUMNS = 40
MAX_CELL = 1000
MAX_UNPACKED = 40 * 1024 * 1024


class ImportRefused(Exception):
    """The file as a whole cannot be read; the message says why and what to send instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- cells ---------------------------------------------------------------------------------------


class CellError(ValueError):
    pass


def _text(limit: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if len(value) > limit:
            raise CellError(f"is {len(value)} characters long; at most {limit}")
        return value

    return parse


def _integer(low: int, high: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        text = value.replace(",", "")
        if text.endswith(".0"):
            text = text[:-2]
        if not re.fullmatch(r"-?[0-9]{1,9}", text):
            raise CellError(f"{value!r} is not a whole number")
        number = int(text)
        if not low <= number <= high:
            raise CellError(f"must be from {low} to {high}")
        return number

    return parse


def _money(places: int) -> Callable[[str], Decimal]:
    def parse(value: str) -> Decimal:
        text = value.replace(",", "").lstrip("$€£ ").strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise CellError(f"{value!r} is not a number") from None
        if not number.is_finite() or number < 0:
            raise CellError("must be a number, 0 or more")
        if number >= Decimal("1e9"):
            raise CellError("is too large")
        quantum = Decimal(1).scaleb(-places)
        if number != number.quantize(quantum):
            raise CellError(f"use at most {places} decimal places")
        return number.quantize(quantum)

    return parse


_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y")


def _date(value: str) -> dt.date:
    text = value.split("T")[0].split(" ")[0]
    for fmt in _DATE_FORMATS:
        try:
            parsed = dt.datetime.strptime(text, fmt)  # a calendar date as written, not an instant
            return dt.date(parsed.year, parsed.month, parsed.day)
        except ValueError:
            continue
    raise CellError(f"{value!r} is not a date; write it as 2026-05-31 (or 05/31/2026)")


def _yes_no(value: str) -> bool:
    text = value.strip().lower()
    if text in {"yes", "y", "true", "1", "active", "x"}:
        return True
    if text in {"no", "n", "false", "0", "inactive"}:
        return False
    raise CellError(f"{value!r} is not yes or no")


@dataclass(frozen=True)
class Column:
    header: str  # as the template writes it
    key: str  # the keyword the row's apply function gets
    parse: Callable[[str], Any]
    required: bool = False
    example: str = ""
    fields: tuple[str, ...] = ()  # the service's names for this value (its FieldError.field)

    @property
    def norm(self) -> str:
        return normal_header(self.header)


def normal_header(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


@dataclass(frozen=True)
class Spec:
    slug: str
    title: str  # "Products"
    noun: str  # "product"
    columns: tuple[Column, ...]
    apply: Callable[[Company, dict[str, Any]], str]
    notes: str = ""

    def column_for(self, service_field: str) -> int | None:
        for i, column in enumerate(self.columns):
            if service_field == column.key or service_field in column.fields:
                return i
        return None


# --- the three imports -----------------------------------------------------------------------------


def _apply_product(company: Company, v: dict[str, Any]) -> str:
    category = category_named(company, v["category"], create=True)
    assert category is not None
    existing = Product.objects.filter(company=company, code=v["code"]).first()
    values = {
        "code": v["code"],
        "description": v["description"],
        "category_id": category.pk,
        "variety": v.get("variety") or "",
        "color": v.get("color") or "",
        "grade": v.get("grade") or "",
        "active": v.get("active", True),
    }
    product = save_product(company, existing, **values)
    return f"updated product {product.pk}" if existing else "new product"


def _apply_customer(company: Company, v: dict[str, Any]) -> str:
    customer = add_customer(
        company,
        name=v["name"],
        code=v.get("code"),
        customer_type=v.get("customer_type"),
        **{k: v[k] for k in _CUSTOMER_EXTRA if v.get(k) not in (None, "")},
    )
    return f"new customer {customer.code}"


_CUSTOMER_EXTRA = (
    "phone",
    "email",
    "email_for_invoices",
    "accounting_code",
    "billing_address",
    "billing_city",
    "billing_state",
    "billing_zipcode",
    "billing_country",
    "default_price",
    "credit_limit",
)


def _price_level(value: str) -> str:
    text = value.strip().upper().removeprefix("PRICE ").strip()
    if text not in {"A", "B"}:
        raise CellError(f"{value!r} is not A or B")
    return text


def _unit_type(value: str) -> str:
    text = value.strip().capitalize()
    if text not in {"Stem", "Bunch"}:
        raise CellError(f"{value!r} is not Stem or Bunch")
    return text


def _apply_line(company: Company, v: dict[str, Any]) -> str:
    ids = add_on_hand_lines(
        company,
        product_code=v["product_code"],
        box_type_code=v["box_type"],
        vendor_code=v.get("grower") or None,
        quantity=v["boxes"],
        unit_type=v["unit_type"],
        bunches=v["bunches"],
        stems_bunch=v["stems_bunch"],
        unit_cost=v["unit_cost"],
        price=v.get("price"),
        awb=v["awb"],
        ship_date=v["ship_date"],
        arrival_date=v.get("arrival_date"),
        lot_number=v.get("lot_number") or "",
    )
    return f"new line {ids[0]}"


SPECS: dict[str, Spec] = {
    s.slug: s
    for s in (
        Spec(
            slug="products",
            title="Products",
            noun="product",
            columns=(
                Column("Code", "code", _text(40), True, "ROSE-FREE-50"),
                Column("Description", "description", _text(200), True, "Rose Freedom 50cm"),
                Column("Category", "category", _text(100), True, "Roses", ("category_id",)),
                Column("Variety", "variety", _text(100), False, "Freedom"),
                Column("Color", "color", _text(50), False, "Red"),
                Column("Grade", "grade", _text(30), False, "50cm"),
                Column("Active", "active", _yes_no, False, "Yes"),
            ),
            apply=_apply_product,
            notes="A code you already have updates that product; a category not yet known is added.",
        ),
        Spec(
            slug="customers",
            title="Customers",
            noun="customer",
            columns=(
                Column("Code", "code", _text(30), False, "BLOOM01"),
                Column("Name", "name", _text(200), True, "Bloom & Co"),
                Column("Type", "customer_type", _text(30), False, "florist"),
                Column("Phone", "phone", _text(40), False, "+1 305 555 0100"),
                Column("Email", "email", _text(254), False, "orders@bloom.example"),
                Column("Email for invoices", "email_for_invoices", _text(1000), False, "ap@bloom.example"),
                Column("Accounting code", "accounting_code", _text(40), False, ""),
                Column("Billing address", "billing_address", _text(200), False, "1 Flower St"),
                Column("City", "billing_city", _text(100), False, "Miami"),
                Column("State", "billing_state", _text(50), False, "FL"),
                Column("ZIP code", "billing_zipcode", _text(20), False, "33172"),
                Column("Country", "billing_country", _text(60), False, "US"),
                Column("Default price", "default_price", _price_level, False, "A"),
                Column("Credit limit", "credit_limit", _money(2), False, ""),
            ),
            apply=_apply_customer,
            notes="Every row is a new customer; a code already in use is refused. An empty code is made "
            "from the name. Types: florist, wholesaler, supermarket, event, marketplace.",
        ),
        Spec(
            slug="inventory",
            title="On-hand inventory",
            noun="line",
            columns=(
                Column(
                    "Product code",
                    "product_code",
                    _text(40),
                    True,
                    "ROSE-FREE-50",
                    ("productCode", "productId"),
                ),
                Column("Box type", "box_type", _text(3), True, "HB", ("boxTypeCode", "boxTypeId")),
                Column("Grower", "grower", _text(20), False, "ROSAS", ("vendorCode", "growerId")),
                Column("Boxes", "boxes", _integer(1, 100), True, "10", ("quantity",)),
                Column("Unit type", "unit_type", _unit_type, True, "Stem", ("unitType",)),
                Column("Bunches per box", "bunches", _integer(1, 10000), True, "10"),
                Column("Stems per bunch", "stems_bunch", _integer(1, 10000), True, "25", ("stemsBunch",)),
                Column("Unit cost", "unit_cost", _money(3), True, "0.35", ("unitCost",)),
                Column("Price", "price", _money(2), False, "0.55"),
                Column("AWB", "awb", _text(40), True, "369-12345678"),
                Column("Ship date", "ship_date", _date, True, "2026-05-28", ("shipDate",)),
                Column("Arrival date", "arrival_date", _date, False, "2026-05-30", ("arrivalDate",)),
                Column("Lot number", "lot_number", _text(40), False, "", ("lotNumber",)),
            ),
            apply=_apply_line,
            notes="Each row puts boxes on hand at the company's first location, open market, as the "
            "Add line page does; products, box types and growers are named by their codes.",
        ),
    )
}


# --- reading a file --------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise ImportRefused(
            "This file is not a workbook Stemlink can read: save it from Excel as .xlsx, or as CSV."
        ) from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise ImportRefused("The workbook has no sheet.")
        rows: list[list[str]] = []
        for raw in sheet.iter_rows(values_only=True):
            if len(rows) > MAX_ROWS:
                raise ImportRefused(f"The sheet has more than {MAX_ROWS} rows; split it into several files.")
            rows.append([_cell_text(v) for v in raw[: MAX_COLUMNS + 1]])
        return rows
    except ImportRefused:
        raise
    except Exception:
        raise ImportRefused(
            "The workbook's first sheet could not be read: save it again as .xlsx or CSV."
        ) from None
    finally:
        book.close()


def _csv_rows(data: bytes) -> list[list[str]]:
    if b"\x00" in data:
        raise ImportRefused("This file is not a spreadsheet: send an .xlsx workbook or a CSV file.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    sample = text[:4096]
    delimiter = ","
    if sample.count(";") > sample.count(",") and sample.count(";") >= sample.count("\t"):
        delimiter = ";"
    elif sample.count("\t") > sample.count(","):
        delimiter = "\t"
    rows: list[list[str]] = []
    try:
        for raw in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if len(rows) > MAX_ROWS:
                raise ImportRefused(f"The file has more than {MAX_ROWS} rows; split it into several files.")
            rows.append([cell.strip() for cell in raw[: MAX_COLUMNS + 1]])
    except csv.Error as exc:
        raise ImportRefused(
            f"The CSV file could not be read ({exc}); save it again from the spreadsheet."
        ) from None
    return rows


@dataclass
class Table:
    name: str
    header: list[str]
    rows: list[list[str]]  # each as long as `header`, with the file's row number first dropped
    numbers: list[int]  # the spreadsheet row number of each row

    def digest(self) -> str:
        blob = json.dumps([self.header, self.rows, self.numbers], ensure_ascii=False).encode()
        return hashlib.sha256(blob).hexdigest()[:32]

    def to_session(self, company_id: int, user_id: int) -> dict[str, Any]:
        return {
            "company": company_id,
            "user": user_id,
            "name": self.name,
            "header": self.header,
            "rows": self.rows,
            "numbers": self.numbers,
        }

    @classmethod
    def from_session(cls, stored: Any, company_id: int, user_id: int) -> Table | None:
        if (
            not isinstance(stored, dict)
            or stored.get("company") != company_id
            or stored.get("user") != user_id
        ):
            return None
        name, header, rows, numbers = (stored.get(k) for k in ("name", "header", "rows", "numbers"))
        if not (isinstance(name, str) and isinstance(header, list) and isinstance(rows, list)):
            return None
        if not isinstance(numbers, list) or len(numbers) != len(rows):
            return None
        if any(not isinstance(row, list) or len(row) != len(header) for row in rows):
            return None
        return cls(name, header, rows, numbers)


def read_table(spec: Spec, name: str, data: bytes) -> Table:
    """Read an uploaded file into a table of strings with the spec's columns. Raises ImportRefused."""
    if not data:
        raise ImportRefused("The file is empty.")
    if len(data) > MAX_BYTES:
        raise ImportRefused(
            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it into several files."
        )
    lowered = name.lower()
    if data[:4] == b"PK\x03\x04":
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise ImportRefused("This file is not a workbook Stemlink can read: save it as .xlsx, or as CSV.")
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED:
            # A workbook is a zip: a small file can unpack to gigabytes (a "zip bomb").
            raise ImportRefused(
                f"This workbook unpacks to more than {MAX_UNPACKED // (1024 * 1024)} MB; "
                "split it into several files or save it as CSV."
            )
        raw = _xlsx_rows(data)
    elif (
        lowered.endswith((".xls", ".ods", ".numbers", ".pdf", ".docx"))
        or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    ):
        raise ImportRefused(
            "Stemlink reads .xlsx workbooks and CSV files: "
            "save this file from your spreadsheet as .xlsx or CSV."
        )
    else:
        raw = _csv_rows(data)
    numbered = [(i, row) for i, row in enumerate(raw, start=1) if any(cell for cell in row)]
    if not numbered:
        raise ImportRefused(
            "The file has no rows: the first row names the columns, then one row per " + spec.noun + "."
        )
    header_number, header = numbered[0]
    if len(header) > MAX_COLUMNS:
        raise ImportRefused(
            f"The file has more than {MAX_COLUMNS} columns; keep only the template's columns."
        )
    known = {c.norm: c for c in spec.columns}
    order: list[Column | None] = []
    for text in header:
        norm = normal_header(text)
        if not norm:
            order.append(None)
            continue
        if norm not in known:
            names = ", ".join(c.header for c in spec.columns)
            raise ImportRefused(
                f"Row {header_number} names a column {text[:60]!r} this import does not know. "
                f"The columns are: {names} (download the template)."
            )
        order.append(known[norm])
    present = {c.key for c in order if c is not None}
    missing = [c.header for c in spec.columns if c.required and c.key not in present]
    if missing:
        raise ImportRefused(
            f"The first row must name the columns; these required ones are missing: {', '.join(missing)}. "
            "Download the template to see them."
        )
    rows, numbers = [], []
    for number, row in numbered[1:]:
        values = {c.key: "" for c in spec.columns}
        for column, cell in zip(order, row, strict=False):
            if column is not None:
                values[column.key] = cell[: MAX_CELL + 1]
        rows.append([values[c.key] for c in spec.columns])
        numbers.append(number)
    if not rows:
        raise ImportRefused(f"The file has its header row but no {spec.noun} below it.")
    return Table(name[:120], [c.header for c in spec.columns], rows, numbers)


# --- checking and applying ----------------------------------------------------------------------


@dataclass
class RowResult:
    number: int
    cells: list[tuple[str, str]]  # (value, error or "")
    row_errors: list[str] = field(default_factory=list)
    outcome: str = ""

    @property
    def ok(self) -> bool:
        return not self.row_errors and not any(error for _, error in self.cells)


@dataclass
class Report:
    spec: Spec
    rows: list[RowResult]
    committed: bool = False

    @property
    def display(self) -> list[tuple[RowResult, list[tuple[str, str, str]]]]:
        """Each row with its cells as (value, error, column header), for the preview table."""
        headers = [c.header for c in self.spec.columns]
        return [(row, [(v, e, h) for (v, e), h in zip(row.cells, headers, strict=True)]) for row in self.rows]

    @property
    def bad_rows(self) -> int:
        return sum(1 for row in self.rows if not row.ok)


def _parse(spec: Spec, values: list[str], result: RowResult) -> dict[str, Any] | None:
    parsed: dict[str, Any] = {}
    for i, (column, value) in enumerate(zip(spec.columns, values, strict=True)):
        text = value.strip()
        if not text:
            if column.required:
                result.cells[i] = (value, "is required")
            continue
        try:
            parsed[column.key] = column.parse(text)
        except CellError as exc:
            result.cells[i] = (value, str(exc))
    return parsed if result.ok else None


def _name_errors(spec: Spec, error: StemlinkError, result: RowResult) -> None:
    items = error.errors if isinstance(error, ValidationFailed) else [FieldError("", error.message)]
    for item in items:
        index = spec.column_for(item.field) if item.field else None
        if index is None:
            result.row_errors.append(f"{item.field}: {item.message}" if item.field else item.message)
        else:
            value, before = result.cells[index]
            result.cells[index] = (value, f"{before}; {item.message}" if before else item.message)


def run_import(spec: Spec, company: Company, table: Table, *, commit: bool) -> Report:
    """Check every row through the services in one transaction; keep it only when `commit` and no
    row has an error (all or nothing), else roll it all back."""
    results: list[RowResult] = []
    with transaction.atomic():
        for number, values in zip(table.numbers, table.rows, strict=True):
            result = RowResult(number, [(v, "") for v in values])
            results.append(result)
            parsed = _parse(spec, values, result)
            if parsed is None:
                continue
            try:
                with transaction.atomic():
                    result.outcome = spec.apply(company, parsed)
            except StemlinkError as exc:
                _name_errors(spec, exc, result)
        report = Report(spec, results)
        if commit and report.bad_rows == 0:
            report.committed = True
        else:
            transaction.set_rollback(True)
    return report


def template_rows(spec: Spec) -> tuple[list[str], list[list[str]]]:
    """The template's header and one example row."""
    return [c.header for c in spec.columns], [[c.example for c in spec.columns]]
