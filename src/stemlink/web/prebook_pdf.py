"""The prebook as a PDF: what a sales rep prints or sends for a future truck date.

Laid out like the invoice PDF (`stemlink.orders.pdf`) with the prebook's own facts: truck date,
type, checkout status. Plain values in, bytes out.
"""

from __future__ import annotations

import io
from decimal import Decimal
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from stemlink.orders.models import Prebook
from stemlink.orders.pdf import money


def prebook_file_name(prebook: Prebook) -> str:
    """Return the file name the PDF is downloaded under."""
    return f"Prebook_{prebook.number}.pdf"


def render_prebook_pdf(prebook: Prebook) -> bytes:
    """Lay a prebook and its lines out on letter pages; return the PDF's bytes."""
    styles = getSampleStyleSheet()
    normal = styles["Normal"]
    small = ParagraphStyle("small", parent=normal, fontSize=8, leading=10)
    heading = ParagraphStyle("heading", parent=styles["Heading1"], fontSize=16, spaceAfter=4)
    label = ParagraphStyle("label", parent=normal, fontName="Helvetica-Bold", fontSize=9)

    def para(text: str, style: ParagraphStyle) -> Paragraph:
        return Paragraph(escape(text or ""), style)

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=0.6 * inch,
        rightMargin=0.6 * inch,
        topMargin=0.6 * inch,
        bottomMargin=0.6 * inch,
        title=f"Prebook {prebook.number}",
        author=prebook.company.name,
        subject=f"Prebook {prebook.number} for {prebook.customer.name}",
        creator="Stemlink",
    )
    customer = prebook.customer
    ship_to = prebook.ship_to
    facts = [
        ("Prebook", str(prebook.number)),
        ("Type", prebook.get_type_display()),
        ("Status", f"{prebook.get_status_display()}, {prebook.get_checkout_status_display()}"),
        ("Truck date", prebook.truck_date.isoformat()),
        ("Carrier", prebook.carrier.name if prebook.carrier else ""),
        ("Customer PO", prebook.customer_po),
    ]
    story: list = [para(prebook.company.name, heading), Spacer(1, 10)]
    parties = Table(
        [
            [
                [para("Customer", label), para(f"{customer.name} ({customer.code})", normal)],
                [
                    para("Ship to", label),
                    para(ship_to.name if ship_to else "Same as customer", normal),
                    *(
                        [
                            para(
                                " ".join(x for x in (ship_to.address, ship_to.city, ship_to.state) if x),
                                small,
                            )
                        ]
                        if ship_to
                        else []
                    ),
                ],
                Table(
                    [[para(k, label), para(v, normal)] for k, v in facts if v],
                    colWidths=[1.0 * inch, 2.4 * inch],
                ),
            ]
        ],
        colWidths=[2.2 * inch, 2.2 * inch, 3.0 * inch],
    )
    parties.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [parties, Spacer(1, 14)]
    rows: list[list] = [["Code", "Product", "Box", "Pack", "Boxes", "Unit price", "Total"]]
    items = list(prebook.items.select_related("product", "box_type").order_by("id"))
    for item in items:
        rows.append(
            [
                item.product.code,
                para(item.product.description, small),
                item.box_type.code,
                f"{item.bunches} x {item.stems_bunch}",
                str(item.boxes),
                money(item.unit_price),
                money(item.total),
            ]
        )
    if not items:
        rows.append(["", para("No lines", small), "", "", "", "", ""])
    lines = Table(
        rows,
        colWidths=[0.8 * inch, 2.6 * inch, 0.5 * inch, 0.8 * inch, 0.6 * inch, 0.9 * inch, 1.0 * inch],
        repeatRows=1,
    )
    lines.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8efe6")),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
                ("ALIGN", (4, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    total_boxes = sum(item.boxes for item in items)
    totals = Table(
        [["Boxes", str(total_boxes)], ["Total", money(prebook.total or Decimal("0"))]],
        colWidths=[1.2 * inch, 1.2 * inch],
        hAlign="RIGHT",
    )
    totals.setStyle(
        TableStyle(
            [
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
            ]
        )
    )
    story += [lines, Spacer(1, 10), totals]
    if prebook.comments:
        story += [Spacer(1, 12), para("Comments", label), para(prebook.comments, normal)]
    doc.build(story)
    return buffer.getvalue()
