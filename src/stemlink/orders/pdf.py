"""The invoice as a PDF: what `invoice.pdf.get` returns and the back office prints.

The layout works on plain values (`InvoiceSheet`), so it can be tested without a database; one
function reads an `Invoice` into those values. The file is made with reportlab: a real PDF that
any reader opens, with its text extractable (tests read it back with pypdf).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from stemlink.tenancy import calendar

if TYPE_CHECKING:
    from stemlink.orders.models import Invoice


@dataclass(frozen=True)
class Party:
    """A name with the address lines printed under it."""

    name: str
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class SheetLine:
    product_code: str
    description: str
    box_type: str
    boxes: int
    unit_type: str
    total_units: int
    unit_price: Decimal
    total: Decimal
    mark_code: str = ""


@dataclass(frozen=True)
class InvoiceSheet:
    """Everything printed on an invoice, as plain values."""

    number: str
    status: str
    ship_date: dt.date | None
    created_on: dt.date | None
    company: Party
    customer: Party
    ship_to: Party | None
    carrier: str
    po_number: str = ""
    notes: str = ""
    lines: tuple[SheetLine, ...] = ()
    subtotal: Decimal = Decimal("0")
    charges: tuple[tuple[str, Decimal], ...] = field(default_factory=tuple)
    total: Decimal = Decimal("0")


def money(amount: Decimal, places: int = 2) -> str:
    """Format an amount for print: `$1,234.50`."""
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.{places}f}"


def _address(*parts: str) -> tuple[str, ...]:
    return tuple(p for p in (part.strip() for part in parts) if p)


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    # Paragraph reads a small XML dialect; names such as "Smith & Sons" must not break it.
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Paragraph(escaped, style)


def render_invoice_pdf(sheet: InvoiceSheet) -> bytes:
    """Lay an invoice out on letter pages and return the PDF file's bytes."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=0.6 * inch,
        rightMargin=0.6 * inch,
        topMargin=0.6 * inch,
        bottomMargin=0.6 * inch,
        title=f"Invoice {sheet.number}",
        author=sheet.company.name,
        subject=f"Invoice {sheet.number} for {sheet.customer.name}",
        creator="Stemlink",
    )
    styles = getSampleStyleSheet()
    normal = styles["Normal"]
    small = ParagraphStyle("small", parent=normal, fontSize=8, leading=10)
    heading = ParagraphStyle("heading", parent=styles["Heading1"], fontSize=16, spaceAfter=4)
    label = ParagraphStyle("label", parent=normal, fontName="Helvetica-Bold", fontSize=9)

    story: list = []
    story.append(_para(sheet.company.name, heading))
    for address_line in sheet.company.lines:
        story.append(_para(address_line, small))
    story.append(Spacer(1, 10))

    facts = [
        ("Invoice", sheet.number),
        ("Status", sheet.status),
        ("Ship date", sheet.ship_date.isoformat() if sheet.ship_date else ""),
        ("Order date", sheet.created_on.isoformat() if sheet.created_on else ""),
        ("Carrier", sheet.carrier),
        ("PO", sheet.po_number),
    ]
    facts_table = Table(
        [[_para(k, label), _para(v, normal)] for k, v in facts if v], colWidths=[1.0 * inch, 2.4 * inch]
    )
    facts_table.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)])
    )

    def party_cell(title: str, party: Party | None) -> list:
        if party is None:
            return [_para(title, label), _para("Same as customer", normal)]
        return [_para(title, label), _para(party.name, normal), *(_para(x, small) for x in party.lines)]

    parties = Table(
        [[party_cell("Bill to", sheet.customer), party_cell("Ship to", sheet.ship_to), facts_table]],
        colWidths=[2.2 * inch, 2.2 * inch, 3.0 * inch],
    )
    parties.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(parties)
    story.append(Spacer(1, 14))

    header = ["Code", "Product", "Box", "Boxes", "Units", "Unit price", "Total"]
    rows: list[list] = [header]
    for line in sheet.lines:
        description = line.description + (f" (mark {line.mark_code})" if line.mark_code else "")
        rows.append(
            [
                line.product_code,
                _para(description, small),
                line.box_type,
                str(line.boxes),
                f"{line.total_units} {line.unit_type}{'s' if line.total_units != 1 else ''}",
                money(
                    line.unit_price, 3 if line.unit_price != line.unit_price.quantize(Decimal("0.01")) else 2
                ),
                money(line.total),
            ]
        )
    if not sheet.lines:
        rows.append(["", _para("No lines", small), "", "", "", "", ""])
    total_boxes = sum(line.boxes for line in sheet.lines)
    lines_table = Table(
        rows,
        colWidths=[0.8 * inch, 2.5 * inch, 0.5 * inch, 0.55 * inch, 1.1 * inch, 0.9 * inch, 0.95 * inch],
        repeatRows=1,
    )
    lines_table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8efe6")),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
                ("ALIGN", (3, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(lines_table)
    story.append(Spacer(1, 10))

    totals: list[list[str]] = [["Boxes", str(total_boxes)], ["Subtotal", money(sheet.subtotal)]]
    totals += [[name, money(amount)] for name, amount in sheet.charges]
    totals.append(["Total", money(sheet.total)])
    totals_table = Table(totals, colWidths=[1.2 * inch, 1.2 * inch], hAlign="RIGHT")
    totals_table.setStyle(
        TableStyle(
            [
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
            ]
        )
    )
    story.append(totals_table)
    if sheet.notes:
        story.append(Spacer(1, 12))
        story.append(_para("Notes", label))
        story.append(_para(sheet.notes, normal))

    doc.build(story)
    return buffer.getvalue()


def signed_byte_string(data: bytes) -> str:
    """Write bytes as Komet does: comma-separated signed values, Java `byte[]` style ("37, 80, -30")."""
    return ", ".join(str(b - 256 if b > 127 else b) for b in data)


def suggested_file_name(number: str) -> str:
    """Return the file name a client should save the invoice under."""
    safe = "".join(ch for ch in number if ch.isalnum() or ch in "-_") or "invoice"
    return f"Invoice_{safe}.pdf"


def invoice_sheet(invoice: Invoice) -> InvoiceSheet:
    """Read an invoice, its lines and its parties into the values printed on it."""
    company = invoice.company
    customer = invoice.customer
    ship_to = invoice.ship_to
    customer_party = Party(
        f"{customer.name} ({customer.code})",
        _address(
            customer.billing_address,
            " ".join(_address(customer.billing_city, customer.billing_state, customer.billing_zipcode)),
            customer.billing_country,
            customer.phone,
        ),
    )
    ship_party = (
        Party(
            ship_to.name,
            _address(
                ship_to.address,
                " ".join(_address(ship_to.city, ship_to.state, ship_to.zipcode)),
                ship_to.country,
                ship_to.phone,
            ),
        )
        if ship_to is not None
        else None
    )
    location = getattr(invoice, "location", None)
    company_party = Party(company.name, _address(location.name if location is not None else ""))
    lines = []
    for item in invoice.items.select_related("product", "box_type").order_by("id"):
        lines.append(
            SheetLine(
                product_code=item.product.code,
                description=item.product_alias or item.product.description,
                box_type=item.box_type.code,
                boxes=item.boxes,
                unit_type=item.unit_type,
                total_units=item.units_per_box * item.boxes,
                unit_price=item.unit_price,
                total=item.total,
                mark_code=item.mark_code,
            )
        )
    carrier = invoice.carrier
    return InvoiceSheet(
        number=invoice.display_number,
        status=invoice.get_status_display(),
        ship_date=invoice.ship_date,
        created_on=calendar.date_of(company, invoice.created_on) if invoice.created_on else None,
        company=company_party,
        customer=customer_party,
        ship_to=ship_party,
        carrier=carrier.name if carrier is not None else "",
        po_number=invoice.po_number,
        notes=invoice.notes,
        lines=tuple(lines),
        subtotal=invoice.subtotal,
        charges=(("Additional charges", invoice.additional_charges),) if invoice.additional_charges else (),
        total=invoice.total,
    )
