"""Fees: the transaction-fee ledger by period and customer, with an Excel export."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import HttpResponse
from django.shortcuts import render

from stemlink.orders.models import FeeEntry, FeeEntryType
from stemlink.tenancy import calendar
from stemlink.tenancy.models import Company
from stemlink.tenancy.rules import Perm
from stemlink.web.access import CompanyRequest, company_page
from stemlink.web.exports import workbook_bytes, xlsx_response
from stemlink.web.forms import FeesFilterForm


def _default_period(today: dt.date) -> dict[str, Any]:
    return {"date_from": today.replace(day=1), "date_to": today}


def _entries(company: Company, data: dict[str, Any]) -> QuerySet[FeeEntry]:
    start, end = calendar.day_range(company, data["date_from"], data["date_to"])
    rows = FeeEntry.objects.filter(company=company, created_on__gte=start, created_on__lt=end)
    if data.get("customer"):
        rows = rows.filter(customer=data["customer"])
    return rows.select_related("customer").order_by("created_on", "id")


def _form(request: CompanyRequest) -> tuple[FeesFilterForm, dict[str, Any]]:
    today = calendar.today(request.company)
    if {"date_from", "date_to"} & set(request.GET):
        form = FeesFilterForm(request.company, request.GET)
        if form.is_valid():
            return form, form.cleaned_data
        return form, _default_period(today)
    form = FeesFilterForm(request.company, initial=_default_period(today))
    return form, _default_period(today)


@company_page(Perm.FEES_VIEW)
def fees_report(request: CompanyRequest) -> HttpResponse:
    form, period = _form(request)
    entries = _entries(request.company, period)
    by_customer = (
        entries.order_by()
        .values("customer_id", "customer__name", "customer__code")
        .annotate(
            documents=Count("id", filter=Q(entry_type=FeeEntryType.CHARGE)),
            base=Sum("base_amount", filter=Q(entry_type=FeeEntryType.CHARGE)),
            fees=Sum("amount"),
        )
        .order_by("customer__name")
    )
    total = entries.aggregate(fees=Sum("amount"))["fees"] or Decimal("0.00")
    query = request.GET.urlencode()
    return render(
        request,
        "web/orders/fees.html",
        {
            "form": form,
            "period": period,
            "by_customer": by_customer,
            "entries": entries[:500],
            "total": total,
            "query": query,
            "section": "fees",
        },
    )


@company_page(Perm.FEES_VIEW)
def fees_export(request: CompanyRequest) -> HttpResponse:
    _, period = _form(request)
    headers = [
        f"Date ({calendar.zone_name(request.company)})",
        "Document",
        "Kind",
        "Customer ID",
        "Customer",
        "Entry",
        "Base amount",
        "Rate %",
        "Fee",
    ]
    rows = (
        [
            e.created_on,
            e.document_number,
            e.get_document_kind_display(),
            e.customer_id,
            e.customer.name,
            e.get_entry_type_display(),
            e.base_amount,
            e.rate_percent,
            e.amount,
        ]
        for e in _entries(request.company, period)
    )
    name = f"fees-{period['date_from']:%Y%m%d}-{period['date_to']:%Y%m%d}.xlsx"
    return xlsx_response(name, workbook_bytes("Fees", headers, rows))
