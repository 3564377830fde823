"""Excel exports: real .xlsx workbooks built with openpyxl, one sheet, a header row, then the rows.

Every export goes through `workbook_bytes` (a test walks the URLs and the source to hold every
export to it): text that a spreadsheet would read as a formula or a command (it begins with `=`,
`+`, `-`, `@`, a tab or a carriage return) is written as a text cell, never a formula, so a
customer named `=HYPERLINK(...)` is shown as that text and runs nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    """Tell whether a spreadsheet would take this value for a formula (or a DDE command)."""
    return isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_STARTS)


def write_text_safely(cell: Any) -> None:
    """Make a cell holding formula-like text a plain text cell (shared string, shown with a quote prefix)."""
    if is_formula_like(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        # Control characters XML cannot hold (a name sent through the API may carry one) are dropped.
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    # Excel has no timezone-aware datetimes: write the wall time of the zone the page runs in (the
    # company's, which `company_page` sets); the header names the zone.
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(timezone.get_current_timezone()).replace(tzinfo=None)
    return value


def workbook_bytes(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """Return an .xlsx file with one sheet: bold headers, then one row per record."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append([_cell(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        write_text_safely(cell)
    widths = [len(h) for h in headers]
    for row in rows:
        values = [_cell(v) for v in row]
        sheet.append(values)
        for i, value in enumerate(values):
            widths[i] = max(widths[i], min(len(str(value)) if value is not None else 0, 60))
        for i, value in enumerate(values, start=1):
            cell = sheet.cell(row=sheet.max_row, column=i)
            write_text_safely(cell)
            if isinstance(value, Decimal):
                cell.number_format = "0.00"
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width + 2
    sheet.freeze_panes = "A2"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(filename: str, content: bytes) -> HttpResponse:
    """Send a workbook as a download."""
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    """Send rows as a UTF-8 CSV download (with a BOM, so Excel reads the accents); text a
    spreadsheet would run as a formula gets a leading apostrophe, as Excel itself writes it."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in [headers, *rows]:
        writer.writerow(["'" + v if is_formula_like(v) else _cell(v) for v in row])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
