"""The invoice PDF layout, on plain values: a real PDF that reads back with its lines and total."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from pypdf import PdfReader

from stemlink.orders.pdf import (
    InvoiceSheet,
    Party,
    SheetLine,
    money,
    render_invoice_pdf,
    signed_byte_string,
    suggested_file_name,
)


def _sheet(lines: int = 2) -> InvoiceSheet:
    items = tuple(
        SheetLine(
            product_code=f"P{n:03d}",
            description=f"Rose Freedom {40 + n * 10}cm",
            box_type="HB",
            boxes=n,
            unit_type="Stem",
            total_units=250 * n,
            unit_price=Decimal("0.80"),
            total=Decimal("200.00") * n,
            mark_code="BN-7" if n == 1 else "",
        )
        for n in range(1, lines + 1)
    )
    subtotal = sum((item.total for item in items), Decimal("0"))
    return InvoiceSheet(
        number="W1001",
        status="Pending Approval",
        ship_date=dt.date(2026, 6, 20),
        created_on=dt.date(2026, 6, 18),
        company=Party("Sunrise Flowers & Co", ("Miami warehouse",)),
        customer=Party("BloomNet (BLOOMNET)", ("1 Main St", "Miami FL 33101")),
        ship_to=Party("Petals <Downtown>", ("5 Bay Rd",)),
        carrier="Armellini Express",
        po_number="PO-77",
        notes="Leave at the back door",
        lines=items,
        subtotal=subtotal,
        total=subtotal,
    )


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_renders_a_pdf_that_a_reader_opens():
    pdf = render_invoice_pdf(_sheet())
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert reader.metadata is not None and reader.metadata.title == "Invoice W1001"


def test_shows_company_customer_ship_to_carrier_lines_and_total():
    text = _text(render_invoice_pdf(_sheet()))
    for expected in (
        "Sunrise Flowers & Co",
        "BloomNet (BLOOMNET)",
        "Petals <Downtown>",
        "Armellini Express",
        "W1001",
        "PO-77",
        "Rose Freedom 50cm",
        "Rose Freedom 60cm",
        "mark BN-7",
        "$0.80",
        "$400.00",
        "$600.00",
        "Leave at the back door",
    ):
        assert expected in text, expected


def test_many_lines_flow_onto_more_pages_and_keep_the_total():
    pdf = render_invoice_pdf(_sheet(lines=80))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) > 1
    text = _text(pdf)
    assert "Rose Freedom 840cm" in text
    assert money(_sheet(lines=80).total) in text


def test_an_invoice_without_lines_still_prints():
    sheet = _sheet(lines=0)
    text = _text(render_invoice_pdf(sheet))
    assert "No lines" in text
    assert "$0.00" in text


def test_signed_byte_string_writes_bytes_as_java_does():
    assert signed_byte_string(b"%PDF") == "37, 80, 68, 70"
    assert signed_byte_string(bytes([0, 127, 128, 226, 255])) == "0, 127, -128, -30, -1"


def test_signed_byte_string_round_trips_a_whole_pdf():
    pdf = render_invoice_pdf(_sheet())
    text = signed_byte_string(pdf)
    back = bytes((int(v) + 256) % 256 for v in text.split(", "))
    assert back == pdf


def test_money_formats_thousands_and_negatives():
    assert money(Decimal("1234.5")) == "$1,234.50"
    assert money(Decimal("-3.2")) == "-$3.20"
    assert money(Decimal("0.825"), 3) == "$0.825"


def test_suggested_file_name_keeps_only_safe_characters():
    assert suggested_file_name("W1001") == "Invoice_W1001.pdf"
    assert suggested_file_name("../x y") == "Invoice_xy.pdf"
