"""Fees: the transaction-fee ledger by period and customer, with an Excel export."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from stemlink.customers.models import Customer
from stemlink.orders.models import DocumentKind, FeeEntry, FeeEntryType
from stemlink.tenancy import calendar
from stemlink.tenancy.models import Company
from stemlink.tenancy.rules import Perm
from stemlink.web.access import CompanyRequest, company_page
from stemlink.web.exports import export_response
from stemlink.web.forms import FeesFilterForm
from stemlink.web.paging import page_of

LEDGER_ORDER = ("created_on", "id")
LEDGER_PAGE = 100


def _default_period(today: dt.date) -> dict[str, Any]:
    return {"date_from": today.replace(day=1), "date_to": today}


def _entries(company: Company, data: dict[str, Any]) -> QuerySet[FeeEntry]:
    start, end = calendar.day_range(company, data["date_from"], data["date_to"])
    rows = FeeEntry.objects.filter(company=company, created_on__gte=start, created_on__lt=end)
    if data.get("customer"):
        rows = rows.filter(customer=data["customer"])
    return rows.order_by(*LEDGER_ORDER)


def _form(request: CompanyRequest) -> tuple[FeesFilterForm, dict[str, Any] | None]:
    """The filter and the period to show; no period when the one asked for is refused (the form says why)."""
    today = calendar.today(request.company)
    if {"date_from", "date_to", "customer"} & set(request.GET):
        form = FeesFilterForm(request.company, request.GET)
        if form.is_valid():
            return form, form.cleaned_data
        return form, None
    form = FeesFilterForm(request.company, initial=_default_period(today))
    return form, _default_period(today)


def _by_customer(company: Company, entries: QuerySet[FeeEntry]) -> tuple[list[dict[str, Any]], Decimal, int]:
    """The period's figures per customer (by name), its total fees and its number of entries.

    One pass over the period's entries, read from the index `fee_company_created_cover` alone
    (company, created, id, customer, entry type, amount, base amount): grouped by customer id
    without a join, so no customer row is read per entry; the few customers' names and codes are
    read after, by id. The total and the count are the groups' sums (no second pass).
    """
    groups = list(
        entries.order_by()
        .values("customer_id")
        .annotate(
            entries=Count("id"),
            documents=Count("id", filter=Q(entry_type=FeeEntryType.CHARGE)),
            base=Sum("base_amount", filter=Q(entry_type=FeeEntryType.CHARGE)),
            fees=Sum("amount"),
        )
    )
    customers = (
        Customer.objects.filter(company=company)
        .only("name", "code")
        .in_bulk([group["customer_id"] for group in groups])
    )
    rows = []
    for group in groups:
        customer = customers.get(group["customer_id"])
        rows.append(
            {
                **group,
                "customer__name": customer.name if customer else "",
                "customer__code": customer.code if customer else "",
            }
        )
    rows.sort(key=lambda row: (row["customer__name"], row["customer_id"]))
    total = sum((row["fees"] or Decimal("0.00") for row in rows), Decimal("0.00"))
    return rows, total, sum(row["entries"] for row in rows)


@company_page(Perm.FEES_VIEW)
def fees_report(request: CompanyRequest) -> HttpResponse:
    form, period = _form(request)
    context: dict[str, Any] = {"form": form, "period": period, "section": "fees"}
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("seek", None)
    context["query"] = query.urlencode()
    if period is None:
        # Refused in words next to the fields; nothing shown for a period nobody asked for.
        return render(request, "web/orders/fees.html", context)
    entries = _entries(request.company, period)
    by_customer, total, count = _by_customer(request.company, entries)
    page = page_of(
        request.GET.get("page"),
        entries,
        LEDGER_ORDER,
        lambda rows: rows.select_related("customer"),
        per_page=LEDGER_PAGE,
        count=count,
        seek=request.GET.get("seek"),
        rows_from=FeeEntry.objects.filter(company=request.company),
    )
    context.update(
        by_customer=by_customer,
        page=page,
        total=total,
        export_query=request.GET.urlencode(),
    )
    return render(request, "web/orders/fees.html", context)


@company_page(Perm.FEES_VIEW)
def fees_export(request: CompanyRequest) -> HttpResponseBase:
    form, period = _form(request)
    if period is None:
        problems = " ".join(
            f"{field.label}: {' '.join(map(str, errs))}"
            if (field := form.fields.get(name))
            else " ".join(map(str, errs))
            for name, errs in form.errors.items()
        )
        return HttpResponse(
            f"Nothing was exported. {problems}\n", status=400, content_type="text/plain; charset=utf-8"
        )
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
    kinds = dict(DocumentKind.choices)
    types = dict(FeeEntryType.choices)
    # Plain rows straight from the cursor: no model object per entry.
    values = (
        _entries(request.company, period)
        .values_list(
            "created_on",
            "document_number",
            "document_kind",
            "customer_id",
            "customer__name",
            "entry_type",
            "base_amount",
            "rate_percent",
            "amount",
        )
        .iterator(chunk_size=2000)
    )
    rows = (
        [when, number, kinds.get(kind, kind), customer_id, name, types.get(kind_, kind_), base, rate, amount]
        for when, number, kind, customer_id, name, kind_, base, rate, amount in values
    )
    stem = f"fees-{period['date_from']:%Y%m%d}-{period['date_to']:%Y%m%d}"
    return export_response(request, stem, "Fees", headers, rows)
