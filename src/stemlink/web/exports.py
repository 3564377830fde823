"""Exports: real .xlsx workbooks built with openpyxl (one sheet, a header row, then the rows), or CSV.

Every export goes through this module (a test walks the URLs and the source to hold every export
to it): text that a spreadsheet would read as a formula or a command (it begins with `=`, `+`, `-`,
`@`, a tab or a carriage return) is written as a text cell, never a formula, so a customer named
`=HYPERLINK(...)` is shown as that text and runs nothing; in CSV such text gets a leading `'`.

Years of rows: the workbook is written in one pass in openpyxl's write-only mode (each row goes
to a temporary file as it is read from the database, nothing kept per cell), then sent in chunks;
CSV (`?format=csv`) is sent row by row as it is read. Both read the database with a server-side
iterator. `EXPORT_SECONDS` bounds the work: past it the export stops reading and the download ends
short with a last row saying so. A client that goes away stops a CSV at its next write (the server
closes the generator, which closes the cursor) and a workbook at its next chunk.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
CHUNK = 64 * 1024


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


class ExportTooLong(Exception):
    """The export ran past `EXPORT_SECONDS`."""


def _limit_seconds() -> float:
    return float(settings.EXPORT_SECONDS)


def _within_time(rows: Iterable[Sequence[Any]], started: float, limit: float) -> Iterator[Sequence[Any]]:
    for n, row in enumerate(rows):
        if n % 500 == 0 and time.monotonic() - started > limit:
            raise ExportTooLong
        yield row


class _Cells:
    """Turn a row's values into what the write-only sheet appends, styling only the cells that need it.

    Money cells are one cell per column, reused row after row (a row is written when appended),
    so a year of rows makes no style object per cell. openpyxl writes the values after a styled
    cell of a row into that cell, so from the first styled one on, plain values get plain cells.
    """

    def __init__(self, sheet: Worksheet) -> None:
        self.sheet = sheet
        self.money: dict[int, Any] = {}
        self.plain: dict[int, Any] = {}

    def _reused(self, cache: dict[int, Any], column: int, value: Any, number_format: str | None) -> Any:
        cell = cache.get(column)
        if cell is None:
            cell = cache[column] = WriteOnlyCell(self.sheet)
            if number_format:
                cell.number_format = number_format
        cell.value = value
        return cell

    def row(self, values: Sequence[Any], *, bold: bool = False) -> list[Any]:
        out: list[Any] = []
        styled = False
        for column, raw in enumerate(values):
            value = _cell(raw)
            if bold or is_formula_like(value):
                cell = WriteOnlyCell(self.sheet, value=value)
                write_text_safely(cell)
                if bold:
                    cell.font = Font(bold=True)
                out.append(cell)
                styled = True
            elif isinstance(value, Decimal):
                out.append(self._reused(self.money, column, value, "0.00"))
                styled = True
            elif styled and value is not None:
                out.append(self._reused(self.plain, column, value, None))
            else:
                out.append(value)
        return out


def write_workbook(
    target: Any,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    limit: float | None = None,
) -> bool:
    """Write an .xlsx to `target` in one pass; False when the time limit cut it short (a last row says so)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    for i, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(len(header), 12) + 2
    sheet.freeze_panes = "A2"
    cells = _Cells(sheet)
    sheet.append(cells.row(headers, bold=True))
    started = time.monotonic()
    complete = True
    try:
        for row in _within_time(rows, started, limit if limit is not None else _limit_seconds()):
            sheet.append(cells.row(row))
    except ExportTooLong:
        complete = False
        sheet.append([_too_long_note()])
    book.save(target)
    return complete


def _too_long_note() -> str:
    seconds = f"{_limit_seconds():.0f}"
    return f"Cut short: the export ran past {seconds} seconds. Choose a shorter period or fewer rows."


def workbook_bytes(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """Return an .xlsx file with one sheet: bold headers, then one row per record."""
    with tempfile.TemporaryFile() as out:
        write_workbook(out, title, headers, rows)
        out.seek(0)
        return out.read()


def xlsx_response(filename: str, content: bytes) -> HttpResponse:
    """Send a workbook as a download."""
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_value(value: Any) -> Any:
    value = _cell(value)
    if is_formula_like(value):
        return "'" + value
    return value


class _Line:
    """A file-like object `csv.writer` writes one line into; the line is then handed back."""

    def write(self, text: str) -> str:
        return text


def _csv_lines(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    writer = csv.writer(_Line())
    yield writer.writerow([_csv_value(h) for h in headers]).encode()
    started = time.monotonic()
    batch: list[str] = []
    try:
        for row in _within_time(rows, started, _limit_seconds()):
            batch.append(writer.writerow([_csv_value(v) for v in row]))
            if len(batch) >= 200:
                yield "".join(batch).encode()
                batch = []
    except ExportTooLong:
        batch.append(writer.writerow([_too_long_note()]))
    yield "".join(batch).encode()


def _file_chunks(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    # The work runs as the response is sent, inside the server's loop over this generator.
    with tempfile.TemporaryFile() as out:
        write_workbook(out, title, headers, rows)
        out.seek(0)
        while chunk := out.read(CHUNK):
            yield chunk


def export_response(
    request: HttpRequest, stem: str, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """Stream the rows as `<stem>.xlsx`, or as `<stem>.csv` when the request asks `format=csv`."""
    if request.GET.get("format") == "csv":
        response = StreamingHttpResponse(_csv_lines(headers, rows), content_type=CSV_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
    else:
        response = StreamingHttpResponse(_file_chunks(title, headers, rows), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
    return response
