"""Setup » Customers: a new customer, a customer's details, its ship-tos (add, edit, deactivate),
and what its page shows of its business (invoices, prebooks, standing orders, fees).

Every change goes through `stemlink.customers.services`, the functions the API's `customer.add`
and `customer.shipto.*` call.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render

from stemlink.customers.accounts import customer_of
from stemlink.customers.models import Customer, ShipTo
from stemlink.customers.services import (
    add_customer,
    add_ship_to,
    remove_ship_to,
    update_customer,
    update_ship_to,
)
from stemlink.errors import NotFound, StemlinkError
from stemlink.orders.models import FeeEntry, Invoice, Prebook, StandingOrder
from stemlink.tenancy.models import Company
from stemlink.tenancy.rules import Perm
from stemlink.web.access import CompanyRequest, company_page
from stemlink.web.channels import channel_name
from stemlink.web.errors import add_error_to_form
from stemlink.web.masterdata_forms import CustomerForm, ShipToForm

RECENT = 20
_CUSTOMER_FIELD_NAMES = {"sales_rep_id": "sales_rep", "default_carrier_id": "default_carrier"}


def customer_business(company: Company, customer: Customer) -> dict[str, Any]:
    """A customer's latest invoices and prebooks, its standing orders and fees, for its page."""
    fees = FeeEntry.objects.filter(company=company, customer=customer)
    standing = list(
        StandingOrder.objects.filter(company=company, customer=customer)
        .select_related("carrier")
        .order_by("-id")[:RECENT]
    )
    for order in standing:
        order.channel = channel_name(order.is_ecommerce, "")  # type: ignore[attr-defined]
    return {
        "invoices": list(
            Invoice.objects.filter(company=company, customer=customer)
            .select_related("carrier")
            .order_by("-id")[:RECENT]
        ),
        "prebooks": list(
            Prebook.objects.filter(company=company, customer=customer)
            .select_related("carrier")
            .order_by("-id")[:RECENT]
        ),
        "standing_orders": standing,
        "fees": list(fees.order_by("-id")[:RECENT]),
        "fee_total": fees.aggregate(total=Sum("amount"))["total"] or Decimal("0.00"),
    }


def _values(form: CustomerForm) -> dict[str, Any]:
    d = dict(form.cleaned_data)
    d["sales_rep_id"] = d.pop("sales_rep")
    d["default_carrier_id"] = d.pop("default_carrier")
    return d


@company_page(Perm.CUSTOMERS_ADD)
def customer_new(request: CompanyRequest) -> HttpResponse:
    if request.method == "POST":
        form = CustomerForm(request.company, request.POST, new=True)
        if form.is_valid():
            values = _values(form)
            carrier_id = values.pop("default_carrier_id")
            try:
                customer = add_customer(request.company, **values)
                if carrier_id is not None:
                    update_customer(customer, default_carrier_id=carrier_id)
            except StemlinkError as exc:
                add_error_to_form(form, exc, _CUSTOMER_FIELD_NAMES)
            else:
                messages.success(
                    request, f"Customer {customer.name} ({customer.code}) added: its ID is {customer.pk}."
                )
                if request.can[Perm.CUSTOMERS_MANAGE.value]:
                    return redirect("web:customer", customer_id=customer.pk)
                return redirect("web:customers")
    else:
        form = CustomerForm(request.company, new=True, initial={"customer_type": "florist"})
    return render(request, "web/customers/edit.html", {"form": form, "customer": None, "section": "setup"})


@company_page(Perm.CUSTOMERS_MANAGE)
def customer_edit(request: CompanyRequest, customer_id: int) -> HttpResponse:
    customer = customer_of(request.company, customer_id)
    if request.method == "POST":
        form = CustomerForm(request.company, request.POST)
        if form.is_valid():
            try:
                update_customer(customer, **_values(form))
            except StemlinkError as exc:
                add_error_to_form(form, exc, _CUSTOMER_FIELD_NAMES)
            else:
                messages.success(request, "Customer saved.")
                return redirect("web:customer", customer_id=customer.pk)
    else:
        initial = {name: getattr(customer, name) for name in CustomerForm.base_fields}
        initial["sales_rep"] = customer.sales_rep_id
        initial["default_carrier"] = customer.default_carrier_id
        form = CustomerForm(request.company, initial=initial)
    return render(
        request, "web/customers/edit.html", {"form": form, "customer": customer, "section": "setup"}
    )


def _ship_to(company: Company, customer: Customer, ship_to_id: int) -> ShipTo:
    ship_to = ShipTo.objects.filter(company=company, customer=customer, pk=ship_to_id).first()
    if ship_to is None:
        raise NotFound(f"There is no ship-to {ship_to_id} of this customer.")
    return ship_to


@company_page(Perm.CUSTOMERS_MANAGE)
def ship_to_new(request: CompanyRequest, customer_id: int) -> HttpResponse:
    customer = customer_of(request.company, customer_id)
    if request.method == "POST":
        form = ShipToForm(request.company, request.POST)
        if form.is_valid():
            d = dict(form.cleaned_data)
            carrier_id = d.pop("carrier")
            try:
                ship_to = add_ship_to(customer, carrier_id=carrier_id, **d)
            except StemlinkError as exc:
                add_error_to_form(form, exc)
            else:
                messages.success(request, f"Ship-to {ship_to.name} added (ID {ship_to.pk}).")
                return redirect("web:customer", customer_id=customer.pk)
    else:
        form = ShipToForm(request.company)
    return render(
        request,
        "web/customers/ship_to.html",
        {"form": form, "customer": customer, "ship_to": None, "section": "setup"},
    )


@company_page(Perm.CUSTOMERS_MANAGE)
def ship_to_edit(request: CompanyRequest, customer_id: int, ship_to_id: int) -> HttpResponse:
    customer = customer_of(request.company, customer_id)
    ship_to = _ship_to(request.company, customer, ship_to_id)
    if request.method == "POST" and request.POST.get("action") == "deactivate":
        remove_ship_to(ship_to)
        messages.success(request, f"Ship-to {ship_to.name} deactivated: new orders cannot name it.")
        return redirect("web:customer", customer_id=customer.pk)
    if request.method == "POST":
        form = ShipToForm(request.company, request.POST)
        if form.is_valid():
            d = dict(form.cleaned_data)
            carrier_id = d.pop("carrier")
            try:
                update_ship_to(ship_to, carrier_id=carrier_id, **d)
            except StemlinkError as exc:
                add_error_to_form(form, exc)
            else:
                messages.success(request, "Ship-to saved.")
                return redirect("web:customer", customer_id=customer.pk)
    else:
        form = ShipToForm.for_ship_to(request.company, ship_to)
    return render(
        request,
        "web/customers/ship_to.html",
        {"form": form, "customer": customer, "ship_to": ship_to, "section": "setup"},
    )
