"""Orders: web-order invoices waiting for confirmation (select several, Confirm Orders), void with
a reason, the invoice and prebook pages with their lines and the invoice PDF."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db.models import Count, DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from stemlink.errors import NotFound, StemlinkError
from stemlink.orders.entry import offers
from stemlink.orders.invoices import confirm_invoices, confirm_invoices_by_id, void_invoice
from stemlink.orders.models import (
    FeeEntry,
    Invoice,
    InvoiceStatus,
    Origin,
    Prebook,
    PrebookStatus,
    WebOrder,
    WebOrderStatus,
)
from stemlink.orders.pdf import invoice_sheet, render_invoice_pdf, suggested_file_name
from stemlink.orders.queries import InvoiceFilter, PrebookFilter, invoices_matching, prebooks_matching
from stemlink.tenancy.models import Company
from stemlink.tenancy.rules import Perm
from stemlink.web.access import CompanyRequest, company_page
from stemlink.web.channels import channel_name
from stemlink.web.errors import add_error_to_form
from stemlink.web.forms import VoidForm
from stemlink.web.paging import page_of
from stemlink.web.parsing import parse_id
from stemlink.web.prebook_pdf import prebook_file_name, render_prebook_pdf

# The Orders page: pending invoices oldest first, a page at a time (there may be thousands).
PENDING_ORDER = ("created_on", "id")
PENDING_PAGE = 50


def _with_fee(rows: QuerySet[Any], field: str = "invoice") -> QuerySet[Any]:
    fees = (
        FeeEntry.objects.filter(**{field: OuterRef("pk")})
        .values(field)
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return rows.annotate(
        fee=Coalesce(
            Subquery(fees, output_field=DecimalField(max_digits=12, decimal_places=2)),
            Value(Decimal("0.00")),
            output_field=DecimalField(max_digits=12, decimal_places=2),
        )
    )


def waiting_for_confirmation(company: Company) -> QuerySet[Invoice]:
    """Invoices of the company in Pending Approval, oldest first, with their fees."""
    rows = (
        Invoice.objects.filter(company=company, status=InvoiceStatus.PENDING)
        .select_related("customer", "ship_to", "carrier")
        .order_by("created_on", "id")
    )
    return _with_fee(rows)


def _invoice(company: Company, invoice_id: int) -> Invoice:
    invoice = (
        Invoice.objects.filter(company=company, pk=invoice_id)
        .select_related("customer", "ship_to", "carrier", "location", "company", "web_order")
        .first()
    )
    if invoice is None:
        raise NotFound(f"There is no invoice {invoice_id}.")
    return invoice


def _pending_rows(rows: QuerySet[Invoice]) -> QuerySet[Invoice]:
    return _with_fee(rows.select_related("customer", "ship_to", "carrier"))


@company_page(Perm.ORDERS_VIEW)
def orders_page(request: CompanyRequest) -> HttpResponse:
    now = timezone.now()
    page = page_of(
        request.GET.get("page"),
        Invoice.objects.filter(company=request.company, status=InvoiceStatus.PENDING),
        PENDING_ORDER,
        _pending_rows,
        per_page=PENDING_PAGE,
        seek=request.GET.get("seek"),
    )
    pending = list(page)
    for invoice in pending:
        invoice.channel = channel_name(invoice.is_ecommerce, invoice.sales_channel)
    carts = (
        # Marketplace carts; orders a rep is entering are listed on New order.
        WebOrder.objects.filter(company=request.company, status=WebOrderStatus.PENDING, rep_entered=False)
        .select_related("customer", "ship_to")
        .annotate(lines=Count("items"), boxes=Sum("items__boxes"), amount=Sum("items__total"))
        .order_by("expires_at", "id")[:100]
    )
    return render(
        request,
        "web/orders/pending.html",
        {"pending": pending, "page": page, "query": "", "carts": carts, "now": now, "section": "orders"},
    )


# Where Confirm Orders may send the user back to: names of pages, never a URL from the form.
_BACK_TO = {"web:home", "web:orders"}


@require_POST
@company_page(Perm.ORDERS_CONFIRM)
def confirm_orders(request: CompanyRequest) -> HttpResponse:
    wanted = request.POST.get("next") or ""
    back = wanted if wanted in _BACK_TO else "web:orders"
    ids = sorted({i for i in (parse_id(raw) for raw in request.POST.getlist("invoice")) if i is not None})
    if not ids:
        messages.error(request, "Tick the orders to confirm first.")
        return redirect(back)
    try:
        confirmed = confirm_invoices_by_id(request.company, ids, user=request.user)
    except StemlinkError as exc:
        messages.error(request, f"Nothing was confirmed. {exc.message}")
    else:
        numbers = ", ".join(i.display_number for i in confirmed)
        messages.success(request, f"{len(confirmed)} order(s) confirmed: {numbers}.")
    return redirect(back)


@company_page(Perm.ORDERS_VIEW)
def invoice_list(request: CompanyRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status_id = 0 if status.strip() == "0" else parse_id(status)  # Pending is 0, which is no id
    text = request.GET.get("q", "").strip()
    flt = InvoiceFilter(status=status_id if status_id in InvoiceStatus.values else None, search=text)
    page = page_of(
        request.GET.get("page"),
        invoices_matching(request.company, flt),
        ("-created_on", "-id"),
        lambda rows: _with_fee(rows.select_related("customer", "ship_to")),
        seek=request.GET.get("seek"),
        # The page's rows by id alone: a customer-name search repeated next to the ids made
        # PostgreSQL read all the matching customers' invoices again to find the page's 50.
        rows_from=Invoice.objects.filter(company=request.company),
    )
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("seek", None)
    return render(
        request,
        "web/orders/invoices.html",
        {
            "page": page,
            "query": query.urlencode(),
            "status": status,
            "q": text,
            "statuses": InvoiceStatus.choices,
            "section": "orders",
        },
    )


@company_page(Perm.ORDERS_VIEW)
def invoice_detail(request: CompanyRequest, invoice_id: int) -> HttpResponse:
    return _invoice_page(request, _invoice(request.company, invoice_id))


def _invoice_page(
    request: CompanyRequest, invoice: Invoice, void_form: VoidForm | None = None
) -> HttpResponse:
    # Lines of a Draft or Pending invoice change on the page (invoice.item.*), for those who sell.
    editable = request.can.get("orders_sell", False) and invoice.status in (
        InvoiceStatus.PENDING,
        InvoiceStatus.DRAFT,
    )
    return render(
        request,
        "web/orders/invoice.html",
        {
            "invoice": invoice,
            "items": invoice.items.select_related("product", "box_type", "vendor").order_by("id"),
            "fees": FeeEntry.objects.filter(company=request.company, invoice=invoice).order_by("id"),
            "void_form": void_form or VoidForm(),
            "can_confirm": invoice.status in (InvoiceStatus.PENDING, InvoiceStatus.DRAFT),
            # Lines of a Draft or Pending invoice change on the page (invoice.item.*), for sellers.
            "editable": editable,
            "search_url": reverse("web:invoice_search", args=[invoice.pk]),
            "offers": offers(
                request.company, invoice.customer, origin=Origin.ON_HAND, location_id=invoice.location_id
            )
            if editable
            else [],
            "q": "",
            "add_url": reverse("web:invoice_lines", args=[invoice.pk]),
            # A refused void stays on screen with its message and the reason typed.
            "can_void": invoice.status in (InvoiceStatus.PENDING, InvoiceStatus.DRAFT)
            or bool(void_form is not None and void_form.errors),
            "section": "orders",
        },
    )


@require_POST
@company_page(Perm.ORDERS_CONFIRM)
def invoice_confirm(request: CompanyRequest, invoice_id: int) -> HttpResponse:
    invoice = _invoice(request.company, invoice_id)
    try:
        confirm_invoices(
            request.company, [invoice.number], user=request.user, location_id=invoice.location_id
        )
    except StemlinkError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Invoice {invoice.display_number} confirmed.")
    return redirect("web:invoice", invoice_id=invoice.pk)


@require_POST
@company_page(Perm.INVOICES_VOID)
def invoice_void(request: CompanyRequest, invoice_id: int) -> HttpResponse:
    invoice = _invoice(request.company, invoice_id)
    form = VoidForm(request.POST)
    if not form.is_valid():
        return _invoice_page(request, invoice, form)
    try:
        void_invoice(
            request.company,
            invoice.number,
            form.cleaned_data["reason"],
            user=request.user,
            location_id=invoice.location_id,
        )
    except StemlinkError as exc:
        add_error_to_form(form, exc)
        return _invoice_page(request, invoice, form)
    else:
        messages.success(request, f"Invoice {invoice.display_number} voided; its boxes are back in stock.")
    return redirect("web:invoice", invoice_id=invoice.pk)


@company_page(Perm.ORDERS_VIEW)
def invoice_pdf(request: CompanyRequest, invoice_id: int) -> HttpResponse:
    invoice = _invoice(request.company, invoice_id)
    content = render_invoice_pdf(invoice_sheet(invoice))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{suggested_file_name(invoice.display_number)}"'
    return response


@company_page(Perm.ORDERS_VIEW)
def prebook_list(request: CompanyRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status_id = parse_id(status)
    text = request.GET.get("q", "").strip()
    flt = PrebookFilter(status=status_id if status_id in PrebookStatus.values else None, search=text)
    page = page_of(
        request.GET.get("page"),
        prebooks_matching(request.company, flt),
        ("-truck_date", "-id"),
        lambda rows: _with_fee(
            rows.select_related("customer", "carrier").annotate(lines=Count("items")), "prebook"
        ),
        seek=request.GET.get("seek"),
    )
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("seek", None)
    return render(
        request,
        "web/orders/prebooks.html",
        {
            "page": page,
            "query": query.urlencode(),
            "status": status,
            "q": text,
            "statuses": PrebookStatus.choices,
            "section": "orders",
        },
    )


def _prebook(company: Company, prebook_id: int) -> Prebook:
    prebook = (
        Prebook.objects.filter(company=company, pk=prebook_id)
        .select_related("company", "customer", "ship_to", "carrier", "standing_order", "web_order")
        .first()
    )
    if prebook is None:
        raise NotFound(f"There is no prebook {prebook_id}.")
    return prebook


@company_page(Perm.ORDERS_VIEW)
def prebook_pdf(request: CompanyRequest, prebook_id: int) -> HttpResponse:
    prebook = _prebook(request.company, prebook_id)
    response = HttpResponse(render_prebook_pdf(prebook), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{prebook_file_name(prebook)}"'
    return response


@company_page(Perm.ORDERS_VIEW)
def prebook_detail(request: CompanyRequest, prebook_id: int) -> HttpResponse:
    prebook = (
        Prebook.objects.filter(company=request.company, pk=prebook_id)
        .select_related("customer", "ship_to", "carrier", "standing_order", "web_order")
        .first()
    )
    if prebook is None:
        raise NotFound(f"There is no prebook {prebook_id}.")
    return render(
        request,
        "web/orders/prebook.html",
        {
            "prebook": prebook,
            # An open prebook's lines are removed, or it is cancelled, by those who sell.
            "editable": request.can.get("orders_sell", False) and prebook.status == PrebookStatus.OPEN,
            "items": prebook.items.select_related("product", "box_type", "vendor").order_by("id"),
            "fees": FeeEntry.objects.filter(company=request.company, prebook=prebook).order_by("id"),
            "section": "orders",
        },
    )
