"""Orders pages: waiting for confirmation, Confirm Orders, void with a reason, PDF, fees, home."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from stemlink.orders.models import FeeEntry, InvoiceStatus
from tests.factories import World
from tests.stemlink.web.orders_world import web_order_invoice

pytestmark = pytest.mark.django_db


def test_lists_web_orders_waiting_oldest_first_with_w_number_total_and_fee(
    world: World, admin_client: Client
) -> None:
    first = web_order_invoice(world)
    second = web_order_invoice(world, boxes=3)
    page = admin_client.get(reverse("web:orders")).content.decode()
    assert f"W{first.number}" in page and f"W{second.number}" in page
    assert page.index(f'data-number="W{first.number}"') < page.index(f'data-number="W{second.number}"')
    fee = FeeEntry.objects.get(invoice=first).amount
    assert str(first.total) in page and str(fee) in page
    assert "Rosa&#x27;s Florist" in page


def test_confirms_several_selected_orders_at_once(world: World, rep_client: Client) -> None:
    a, b, c = (web_order_invoice(world) for _ in range(3))
    response = rep_client.post(reverse("web:orders_confirm"), {"invoice": [a.pk, b.pk]}, follow=True)
    assert "2 order(s) confirmed" in response.content.decode()
    for invoice, status in (
        (a, InvoiceStatus.CONFIRMED),
        (b, InvoiceStatus.CONFIRMED),
        (c, InvoiceStatus.PENDING),
    ):
        invoice.refresh_from_db()
        assert invoice.status == status


def test_confirm_orders_with_nothing_ticked_says_so(world: World, rep_client: Client) -> None:
    response = rep_client.post(reverse("web:orders_confirm"), {}, follow=True)
    assert "Tick the orders to confirm first" in response.content.decode()


def test_confirm_orders_refuses_another_companys_invoice_and_confirms_nothing(
    world: World, other_world: World, rep_client: Client
) -> None:
    mine = web_order_invoice(world)
    theirs = web_order_invoice(other_world)
    response = rep_client.post(reverse("web:orders_confirm"), {"invoice": [mine.pk, theirs.pk]}, follow=True)
    assert "Nothing was confirmed" in response.content.decode()
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == InvoiceStatus.PENDING and theirs.status == InvoiceStatus.PENDING


def test_confirm_orders_does_not_redirect_outside(world: World, rep_client: Client) -> None:
    invoice = web_order_invoice(world)
    response = rep_client.post(
        reverse("web:orders_confirm"), {"invoice": [invoice.pk], "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("web:orders")


def test_void_needs_a_reason_next_to_the_field(world: World, admin_client: Client) -> None:
    invoice = web_order_invoice(world)
    response = admin_client.post(reverse("web:invoice_void", args=[invoice.pk]), {"reason": "  "})
    assert response.status_code == 200
    assert "Say why the invoice is voided" in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PENDING


def test_voids_with_a_reason_and_reverses_the_fee(world: World, admin_client: Client) -> None:
    invoice = web_order_invoice(world)
    response = admin_client.post(
        reverse("web:invoice_void", args=[invoice.pk]), {"reason": "florist cancelled"}, follow=True
    )
    assert "voided" in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.VOIDED and invoice.void_reason == "florist cancelled"
    assert sum(e.amount for e in FeeEntry.objects.filter(invoice=invoice)) == 0


def test_voiding_a_confirmed_invoice_says_why_not(world: World, admin_client: Client) -> None:
    invoice = web_order_invoice(world)
    admin_client.post(reverse("web:invoice_confirm", args=[invoice.pk]))
    response = admin_client.post(reverse("web:invoice_void", args=[invoice.pk]), {"reason": "too late"})
    assert response.status_code == 200
    assert "too late" in response.content.decode()  # what was typed is kept
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.CONFIRMED


def test_invoice_page_shows_lines_and_the_pdf_downloads(world: World, rep_client: Client) -> None:
    invoice = web_order_invoice(world)
    page = rep_client.get(reverse("web:invoice", args=[invoice.pk])).content.decode()
    assert "Rose Freedom 50cm" in page and f"W{invoice.number}" in page
    pdf = rep_client.get(reverse("web:invoice_pdf", args=[invoice.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_another_companys_invoice_is_not_found(
    world: World, other_world: World, admin_client: Client
) -> None:
    theirs = web_order_invoice(other_world)
    for name in ("web:invoice", "web:invoice_pdf"):
        assert admin_client.get(reverse(name, args=[theirs.pk])).status_code == 404
    for name in ("web:invoice_confirm", "web:invoice_void"):
        assert admin_client.post(reverse(name, args=[theirs.pk]), {"reason": "x"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == InvoiceStatus.PENDING


def test_fees_report_sums_by_customer_and_exports_to_excel(world: World, admin_client: Client) -> None:
    a = web_order_invoice(world)
    b = web_order_invoice(world, boxes=3)
    expected = FeeEntry.objects.get(invoice=a).amount + FeeEntry.objects.get(invoice=b).amount
    page = admin_client.get(reverse("web:fees")).content.decode()
    assert f"${expected:.2f}" in page
    export = admin_client.get(reverse("web:fees_export"))
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Date (UTC)", "Document", "Kind", "Customer ID")
    assert {r[1] for r in rows[1:]} == {f"W{a.number}", f"W{b.number}"}
    assert all(r[3] == world.customer.pk for r in rows[1:])


def test_fees_report_refuses_a_backwards_period_next_to_the_field(world: World, admin_client: Client) -> None:
    response = admin_client.get(reverse("web:fees"), {"date_from": "2026-05-10", "date_to": "2026-05-01"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "cannot be before" in page and 'value="2026-05-10"' in page


def test_fees_report_refuses_nonsense_dates_without_an_error_page(world: World, admin_client: Client) -> None:
    response = admin_client.get(reverse("web:fees"), {"date_from": "yesterday", "date_to": "2026-99-99"})
    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()


def test_home_shows_waiting_orders_oldest_first_todays_sales_and_the_chart(
    world: World, admin_client: Client
) -> None:
    first = web_order_invoice(world)
    second = web_order_invoice(world)
    page = admin_client.get(reverse("web:home")).content.decode()
    # Matched on the rows' data attribute: a bare "W2" can also occur by chance in the page's CSRF token.
    assert page.index(f'data-number="W{first.number}"') < page.index(f'data-number="W{second.number}"')
    assert f"${first.total + second.total:.2f}" in page
    fees = FeeEntry.objects.filter(company=world.company)
    assert f"${sum(f.amount for f in fees):.2f}" in page
    assert "<svg" in page and "Web app" in page
    assert 'id="pending-count">2<' in page


def test_prebook_pages_show_lines_and_fee(world: World, other_world: World, admin_client: Client) -> None:
    from tests.stemlink.web.orders_world import web_order_prebook

    prebook = web_order_prebook(world)
    listing = admin_client.get(reverse("web:prebooks")).content.decode()
    assert reverse("web:prebook", args=[prebook.pk]) in listing
    page = admin_client.get(reverse("web:prebook", args=[prebook.pk])).content.decode()
    assert "Rose Freedom 50cm" in page and str(prebook.total) in page
    assert str(FeeEntry.objects.get(prebook=prebook).amount) in page
    pdf = admin_client.get(reverse("web:prebook_pdf", args=[prebook.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Prebook" in text and "Truck date" in text and prebook.truck_date.isoformat() in text
    assert "Rose Freedom 50cm" in text
    theirs = web_order_prebook(other_world)
    assert admin_client.get(reverse("web:prebook", args=[theirs.pk])).status_code == 404
    assert admin_client.get(reverse("web:prebook_pdf", args=[theirs.pk])).status_code == 404


def test_prebook_list_filters_by_status_number_and_customer(world: World, rep_client: Client) -> None:
    from stemlink.orders.models import Prebook, PrebookStatus
    from tests.stemlink.web.orders_world import web_order_prebook

    a = web_order_prebook(world)
    b = web_order_prebook(world)
    Prebook.objects.filter(pk=b.pk).update(status=PrebookStatus.CANCELLED)

    def listed(**query: str) -> set[int]:
        page = rep_client.get(reverse("web:prebooks"), query).content.decode()
        return {p.pk for p in (a, b) if reverse("web:prebook", args=[p.pk]) in page}

    assert listed() == {a.pk, b.pk}
    assert listed(status=str(PrebookStatus.CANCELLED)) == {b.pk}
    assert listed(q=str(a.number)) == {a.pk}
    assert listed(q=a.customer.name[:4].lower()) == {a.pk, b.pk}
    assert listed(q="nobody by that name") == set()
    assert rep_client.get(reverse("web:prebooks"), {"status": "x", "q": "%%"}).status_code == 200


def test_invoice_list_filters_by_status_and_number(world: World, rep_client: Client) -> None:
    a = web_order_invoice(world)
    b = web_order_invoice(world)
    rep_client.post(reverse("web:invoice_confirm", args=[a.pk]))
    confirmed = rep_client.get(reverse("web:invoices"), {"status": "1"}).content.decode()
    assert (
        reverse("web:invoice", args=[a.pk]) in confirmed
        and reverse("web:invoice", args=[b.pk]) not in confirmed
    )
    by_number = rep_client.get(reverse("web:invoices"), {"q": f"W{b.number}"}).content.decode()
    assert (
        reverse("web:invoice", args=[b.pk]) in by_number
        and reverse("web:invoice", args=[a.pk]) not in by_number
    )
    assert rep_client.get(reverse("web:invoices"), {"status": "x", "q": "%%"}).status_code == 200


def test_orders_page_shows_open_carts_with_their_held_boxes(world: World, rep_client: Client) -> None:
    from decimal import Decimal

    from django.utils import timezone

    from stemlink.orders.weborders import ItemRequest, add_web_order_item
    from tests.factories import make_line

    line = make_line(world)
    added = add_web_order_item(
        world.company,
        world.customer,
        ItemRequest(
            origin=1,
            line_ids=[line.pk],
            boxes=3,
            price=Decimal("0.80"),
            carrier_id=world.carrier.pk,
            date=timezone.now().date(),
        ),
    )
    page = rep_client.get(reverse("web:orders")).content.decode()
    carts = page.split('id="open-carts"')[1]
    assert f"<td>{added.web_order.number}</td>" in carts and '<td class="num">3</td>' in carts
    assert "600.00" in carts  # 3 boxes x 250 stems x 0.80
