"""Setup » Customers: the list with its filters and Excel export, and each customer's page."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from stemlink.customers.accounts import customer_of, update_pricing_terms
from stemlink.customers.models import Customer
from stemlink.errors import StemlinkError
from stemlink.inventory.models import InventoryLine
from stemlink.inventory.services import release_reservation, reserve_boxes
from stemlink.tenancy import calendar
from stemlink.tenancy.rules import Perm
from stemlink.web.access import CompanyRequest, company_page
from stemlink.web.errors import add_error_to_form
from stemlink.web.exports import export_response
from stemlink.web.forms import CustomerFilterForm, PricingTermsForm, ReserveLineForm
from stemlink.web.paging import page_of
from stemlink.web.parsing import parse_id
from stemlink.web.views.customer_setup import customer_business
from stemlink.web.views.inventory import reserved_lines_for

EXPORT_HEADERS = [
    "ID",
    "Code",
    "Name",
    "Type",
    "Active",
    "Sales rep",
    "Accounting code",
    "Default price",
    "E-commerce markup",
    "Phone",
    "Email for invoices",
    "City",
    "State",
    "Country",
]


def _export_row(c: Customer) -> list[object]:
    markup = (
        f"{c.ecommerce_markup.normalize():f}{'%' if c.ecommerce_markup_kind == 'percent' else ' per unit'}"
    )
    return [
        c.pk,
        c.code,
        c.name,
        c.get_customer_type_display(),
        "Yes" if c.active else "No",
        (c.sales_rep.get_username() if c.sales_rep else ""),
        c.accounting_code,
        c.default_price,
        markup,
        c.phone,
        c.email_for_invoices,
        c.billing_city,
        c.billing_state,
        c.billing_country,
    ]


@company_page(Perm.CUSTOMERS_VIEW)
def customer_list(request: CompanyRequest) -> HttpResponse:
    form = CustomerFilterForm(request.company, request.GET or None)
    rows = form.filter()
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/customers/list.html",
        {"form": form, "page": page, "query": query.urlencode(), "section": "setup"},
    )


@company_page(Perm.CUSTOMERS_VIEW)
def customer_export(request: CompanyRequest) -> HttpResponseBase:
    form = CustomerFilterForm(request.company, request.GET or None)
    rows = (_export_row(c) for c in form.filter().iterator(chunk_size=1000))
    stamp = calendar.local_time(request.company, timezone.now()).strftime("%Y%m%d-%H%M")
    return export_response(request, f"customers-{stamp}", "Customers", EXPORT_HEADERS, rows)


@company_page(Perm.CUSTOMERS_MANAGE)
def customer_detail(request: CompanyRequest, customer_id: int) -> HttpResponse:
    customer = customer_of(request.company, customer_id)
    action = request.POST.get("action", "pricing") if request.method == "POST" else None
    reserve_form = ReserveLineForm(request.company)
    if action in {"reserve", "release"}:
        return _reservation(request, customer, action)
    if request.method == "POST":
        form = PricingTermsForm(request.POST)
        if form.is_valid():
            try:
                changed = update_pricing_terms(customer, **form.cleaned_data)
            except StemlinkError as exc:
                add_error_to_form(form, exc)
            else:
                messages.success(request, "Pricing terms saved." if changed else "Pricing terms unchanged.")
                return redirect("web:customer", customer_id=customer.pk)
    else:
        form = PricingTermsForm.for_customer(customer)
    return render(
        request, "web/customers/detail.html", _detail_context(request, customer, form, reserve_form)
    )


def _reservation(request: CompanyRequest, customer: Customer, action: str) -> HttpResponse:
    """Reserve boxes of a line for the customer, or give a reserved line's free boxes back."""
    reserve_form = ReserveLineForm(request.company)
    if action == "reserve":
        reserve_form = ReserveLineForm(request.company, request.POST)
        if reserve_form.is_valid():
            d = reserve_form.cleaned_data
            try:
                reserved = reserve_boxes(request.company, d["line"], customer.pk, d.get("boxes"))
            except StemlinkError as exc:
                add_error_to_form(reserve_form, exc)
            else:
                messages.success(
                    request,
                    f"{reserved.boxes_on_hand} box(es) reserved for {customer.name} (line {reserved.pk}).",
                )
                return redirect("web:customer", customer_id=customer.pk)
    else:
        raw = request.POST.get("line", "")
        mine = InventoryLine.objects.filter(
            company=request.company, reserved_for=customer, pk=parse_id(raw) or -1
        ).first()
        if mine is None:
            messages.error(request, "That line is not reserved for this customer.")
        else:
            try:
                released = release_reservation(request.company, mine.pk)
            except StemlinkError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"{released.boxes_on_hand} box(es) back on the open market.")
        return redirect("web:customer", customer_id=customer.pk)
    form = PricingTermsForm.for_customer(customer)
    return render(
        request, "web/customers/detail.html", _detail_context(request, customer, form, reserve_form)
    )


def _detail_context(
    request: CompanyRequest, customer: Customer, form: PricingTermsForm, reserve_form: ReserveLineForm
) -> dict[str, object]:
    return {
        "customer": customer,
        "form": form,
        "reserve_form": reserve_form,
        "ship_tos": page_of(
            request.GET.get("ship_tos_page"),
            customer.ship_tos.filter(company=request.company),
            ("id",),
            lambda rows: rows.select_related("carrier"),
            seek=request.GET.get("ship_tos_seek"),
        ),
        "reserved": reserved_lines_for(request.company, customer),
        "section": "setup",
        **customer_business(request.company, customer),
    }
