"""Exports: real .xlsx workbooks (one sheet, a header row, then the rows), or CSV.

Every export goes through this module (a test walks the URLs and the source to hold every export
to it): text that a spreadsheet would read as a formula or a command (it begins with `=`, `+`, `-`,
`@`, a tab or a carriage return) is written as a text cell, never a formula, so a customer named
`=HYPERLINK(...)` is shown as that text and runs nothing; in CSV such text gets a leading `'`.

Years of rows: the workbook's worksheet XML is written here, row by row as the rows are read,
straight into a zip that is sent as it is compressed (typed cells, text as inline strings, a handful
of fixed styles; no spreadsheet library, no object per cell, no temporary file). openpyxl's
write-only mode did the same work at several times the Python calls per cell. CSV (`?format=csv`)
is sent row by row as it is read. Both read the database with a server-side iterator.
`EXPORT_SECONDS` bounds the work: past it the export stops reading and the download ends short
with a last row saying so. A client that goes away stops either at its next chunk (the server
closes the generator, which closes the cursor).

Times: Excel has no timezone-aware datetimes, so an aware datetime is written at its wall time in
the zone the page runs in (the company's, which `company_page` sets; the header names it). That
zone is taken when the response is made: the rows are written later, after the view has returned.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import time
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
ROWS_PER_CHUNK = 200
XLSX_LEVEL = 6  # zlib's default; the worksheet XML compresses about 10:1


def is_formula_like(value: Any) -> bool:
    """Tell whether a spreadsheet would take this value for a formula (or a DDE command)."""
    return isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_STARTS)


class ExportTooLong(Exception):
    """The export ran past `EXPORT_SECONDS`."""


def _limit_seconds() -> float:
    return float(settings.EXPORT_SECONDS)


def _within_time(rows: Iterable[Sequence[Any]], started: float, limit: float) -> Iterator[Sequence[Any]]:
    for n, row in enumerate(rows):
        if n % 500 == 0 and time.monotonic() - started > limit:
            raise ExportTooLong
        yield row


_EPOCH = dt.datetime(1899, 12, 30)
_EPOCH_DAY = _EPOCH.date()
# Styles (cellXfs in styles.xml, by position): plain, bold, money (built-in "0.00"), date and time,
# date, text with a quote prefix (formula-like text), bold text with a quote prefix.
_BOLD, _MONEY, _DATETIME, _DATE, _QUOTED, _BOLD_QUOTED = 1, 2, 3, 4, 5, 6
# Text that needs more than wrapping: markup characters, a carriage return, or what XML cannot hold.
_NEEDS_WORK = re.compile(r"[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f]")
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_PARTS = {
    "[Content_Types].xml": (
        f'{_XML}<Types xmlns="{_PKG}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'{_XML}<Relationships xmlns="{_PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'{_XML}<Relationships xmlns="{_PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
    ),
    "xl/styles.xml": (
        f'{_XML}<styleSheet xmlns="{_NS}">'
        '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd h:mm:ss"/>'
        '<numFmt numFmtId="165" formatCode="yyyy-mm-dd"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="7"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" quotePrefix="1"/>'
        '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}


def _text(value: str) -> str:
    """Text as XML character data: markup escaped, what XML cannot hold dropped, a CR kept."""
    if _NEEDS_WORK.search(value) is None:
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _string_cell(ref: str, value: str, style: int) -> str:
    quoted = value.lstrip(" ").startswith(FORMULA_STARTS)
    if quoted:
        style = _BOLD_QUOTED if style == _BOLD else _QUOTED
    s = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>'


class _SheetRows:
    """Turn rows of values into worksheet XML: typed cells, text inline (no shared-strings table).

    One pass, plain string work per cell: a number or an amount is written as it is (amounts with
    the two-decimal format), a date or a datetime as Excel's serial day number with a date format
    (an aware datetime at its wall time in `zone`), text as an inline string (formula-like text
    with a quote prefix, so it stays text), None as no cell.
    """

    def __init__(self, zone: dt.tzinfo) -> None:
        self.zone = zone
        self.letters: list[str] = []
        self.number = 0

    def _letters(self, width: int) -> list[str]:
        while len(self.letters) < width:
            self.letters.append(get_column_letter(len(self.letters) + 1))
        return self.letters

    def row(self, values: Sequence[Any], style: int = 0) -> str:
        self.number += 1
        n = self.number
        letters = self.letters if len(self.letters) >= len(values) else self._letters(len(values))
        out = [f'<row r="{n}">']
        for letter, value in zip(letters, values, strict=False):
            kind = type(value)
            if value is None:
                continue
            if kind is str:
                out.append(_string_cell(f"{letter}{n}", value, style))
            elif kind is Decimal:
                if value.is_finite():
                    out.append(f'<c r="{letter}{n}" s="{_MONEY}"><v>{value}</v></c>')
            elif kind is int or kind is float:
                out.append(f'<c r="{letter}{n}"><v>{value!r}</v></c>')
            elif kind is dt.datetime:
                if value.tzinfo is not None:
                    value = value.astimezone(self.zone).replace(tzinfo=None)
                serial = (value - _EPOCH).total_seconds() / 86400
                out.append(f'<c r="{letter}{n}" s="{_DATETIME}"><v>{serial!r}</v></c>')
            elif kind is dt.date:
                out.append(f'<c r="{letter}{n}" s="{_DATE}"><v>{(value - _EPOCH_DAY).days}</v></c>')
            elif kind is bool:
                out.append(f'<c r="{letter}{n}" t="b"><v>{int(value)}</v></c>')
            else:
                out.append(self._other(f"{letter}{n}", value, style))
        out.append("</row>")
        return "".join(out)

    def _other(self, ref: str, value: Any, style: int) -> str:
        # Subclasses (an enum member, a lazy label, ...): as the number they are, or as text.
        if isinstance(value, bool):
            return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int):
            return f'<c r="{ref}"><v>{int(value)}</v></c>'
        if isinstance(value, float):
            return f'<c r="{ref}"><v>{float(value)!r}</v></c>'
        return _string_cell(ref, str(value), style)


def _sheet_head(title: str, headers: Sequence[str]) -> str:
    widths = "".join(
        f'<col min="{i}" max="{i}" width="{max(len(h), 12) + 2}" customWidth="1"/>'
        for i, h in enumerate(headers, start=1)
    )
    cols = f"<cols>{widths}</cols>" if widths else ""
    return (
        f'{_XML}<worksheet xmlns="{_NS}">'
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft"'
        ' state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/>{cols}<sheetData>'
    )


def _workbook_xml(title: str) -> str:
    name = _text(ILLEGAL_CHARACTERS_RE.sub("", title)[:31]).replace('"', "&quot;") or "Sheet1"
    return (
        f'{_XML}<workbook xmlns="{_NS}" xmlns:r="{_REL}">'
        f'<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


class _Pipe:
    """Where the zip is written: collects what was written since the last `take()`."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts = []
        return data


def _xlsx_chunks(
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    zone: dt.tzinfo,
    limit: float | None = None,
) -> Iterator[bytes]:
    """Write an .xlsx as it is sent: each batch of rows goes into the zip and out as it is compressed.

    The worksheet is the zip's one growing part; the zip is written without seeking (each part's
    sizes follow its data), so nothing of the file is kept but the compressor's window.
    """
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=XLSX_LEVEL) as book:
        for name, xml in _PARTS.items():
            book.writestr(name, xml)
        book.writestr("xl/workbook.xml", _workbook_xml(title))
        sheet_rows = _SheetRows(zone)
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write((_sheet_head(title, headers) + sheet_rows.row(headers, _BOLD)).encode())
            yield pipe.take()
            started = time.monotonic()
            batch: list[str] = []
            try:
                for row in _within_time(rows, started, limit if limit is not None else _limit_seconds()):
                    batch.append(sheet_rows.row(row))
                    if len(batch) >= ROWS_PER_CHUNK:
                        sheet.write("".join(batch).encode())
                        batch = []
                        if data := pipe.take():
                            yield data
            except ExportTooLong:
                batch.append(sheet_rows.row([_too_long_note()]))
            batch.append("</sheetData></worksheet>")
            sheet.write("".join(batch).encode())
    yield pipe.take()


def _too_long_note() -> str:
    seconds = f"{_limit_seconds():.0f}"
    return f"Cut short: the export ran past {seconds} seconds. Choose a shorter period or fewer rows."


def workbook_bytes(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """Return an .xlsx file with one sheet: bold headers, then one row per record."""
    return b"".join(_xlsx_chunks(title, headers, rows, timezone.get_current_timezone()))


def xlsx_response(filename: str, content: bytes) -> HttpResponse:
    """Send a workbook as a download."""
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_value(value: Any, zone: dt.tzinfo) -> Any:
    if isinstance(value, str):
        # Control characters XML cannot hold (a name sent through the API may carry one) are dropped.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        return "'" + value if value.lstrip(" ").startswith(FORMULA_STARTS) else value
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(zone).replace(tzinfo=None)
    return value


class _Line:
    """A file-like object `csv.writer` writes one line into; the line is then handed back."""

    def write(self, text: str) -> str:
        return text


def _csv_lines(headers: Sequence[str], rows: Iterable[Sequence[Any]], zone: dt.tzinfo) -> Iterator[bytes]:
    writer = csv.writer(_Line())
    yield writer.writerow([_csv_value(h, zone) for h in headers]).encode()
    started = time.monotonic()
    batch: list[str] = []
    try:
        for row in _within_time(rows, started, _limit_seconds()):
            batch.append(writer.writerow([_csv_value(v, zone) for v in row]))
            if len(batch) >= ROWS_PER_CHUNK:
                yield "".join(batch).encode()
                batch = []
    except ExportTooLong:
        batch.append(writer.writerow([_too_long_note()]))
    yield "".join(batch).encode()


def export_response(
    request: HttpRequest, stem: str, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """Stream the rows as `<stem>.xlsx`, or as `<stem>.csv` when the request asks `format=csv`."""
    # The zone is taken now: the rows are written after the view, outside its `timezone.override`.
    zone = timezone.get_current_timezone()
    if request.GET.get("format") == "csv":
        response = StreamingHttpResponse(_csv_lines(headers, rows, zone), content_type=CSV_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
    else:
        chunks = _xlsx_chunks(title, headers, rows, zone)
        response = StreamingHttpResponse(chunks, content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
    return response
