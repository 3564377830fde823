"""Home: what needs doing now, today's marketplace sales and fees, and orders per day by channel."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, Sum, Value, When
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe

from stemlink.integrations.models import Delivery
from stemlink.integrations.rules import DeliveryStatus
from stemlink.orders.models import (
    FeeEntry,
    Invoice,
    InvoiceStatus,
    Prebook,
    PrebookStatus,
)
from stemlink.tenancy import calendar
from stemlink.tenancy.models import Company
from stemlink.tenancy.rules import Perm
from stemlink.web.access import CompanyRequest, company_page
from stemlink.web.channels import BACK_OFFICE, channel_name
from stemlink.web.charts import daily_orders_svg, legend
from stemlink.web.views.orders import waiting_for_confirmation
from stemlink.worker.heartbeat import worker_status

CHART_DAYS = 28


def day_of_window(boundaries: list[dt.datetime]) -> Case:
    """Which of the window's days a row's `created_on` falls in (0 the first), as the database says it.

    `boundaries` are the instants the days start, and the instant the last one ends (from
    `calendar.day_start`, so a day is 23 or 25 hours when the clocks change): a CASE of plain
    comparisons the database evaluates natively, instead of converting each row's instant to the
    company's zone (`TruncDate` is a Python function SQLite calls once per row). None before the
    first or from the end on.
    """
    return Case(
        *(When(created_on__lt=end, then=Value(i)) for i, end in enumerate(boundaries[1:])),
        default=Value(None),
        output_field=IntegerField(),
    )


def orders_per_day(
    company: Company, today: dt.date, days: int = CHART_DAYS
) -> tuple[list[dt.date], dict[str, list[int]], list[Decimal]]:
    """Count invoices and prebooks per day of the company (in its zone) and channel; sum the fees per day.

    The window's days' first instants are worked out here (29 of them); each statement reads the
    window's range from an index that covers it and buckets the rows by those instants.
    """
    first = today - dt.timedelta(days=days - 1)
    day_list = [first + dt.timedelta(days=i) for i in range(days)]
    boundaries = [calendar.day_start(company, d) for d in [*day_list, today + dt.timedelta(days=1)]]
    since, until = boundaries[0], boundaries[-1]
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * days)
    for model in (Invoice, Prebook):
        rows = (
            model.objects.filter(company=company, created_on__gte=since, created_on__lt=until)
            .values("is_ecommerce", "sales_channel", day=day_of_window(boundaries))
            .annotate(n=Count("*"))
        )
        for row in rows:
            if row["day"] is not None:
                counts[channel_name(row["is_ecommerce"], row["sales_channel"])][row["day"]] += row["n"]
    fees = [Decimal("0.00")] * days
    fee_rows = (
        FeeEntry.objects.filter(company=company, created_on__gte=since, created_on__lt=until)
        .values(day=day_of_window(boundaries))
        .annotate(total=Sum("amount"))
    )
    for row in fee_rows:
        if row["day"] is not None:
            fees[row["day"]] = row["total"] or Decimal("0.00")
    ordered = dict(sorted(counts.items(), key=lambda kv: (kv[0] == BACK_OFFICE, kv[0])))
    return day_list, ordered, fees


@company_page(Perm.HOME_VIEW)
def home(request: CompanyRequest) -> HttpResponse:
    company = request.company
    now = timezone.now()
    today = calendar.today(company, now)
    start = calendar.day_start(company, today)
    pending_all = waiting_for_confirmation(company)
    pending = list(pending_all[:15])
    for invoice in pending:
        invoice.channel = channel_name(invoice.is_ecommerce, invoice.sales_channel)  # type: ignore[attr-defined]
    pending_count = Invoice.objects.filter(company=company, status=InvoiceStatus.PENDING).count()
    live_invoices = Invoice.objects.filter(company=company, is_ecommerce=True, created_on__gte=start).exclude(
        status=InvoiceStatus.VOIDED
    )
    live_prebooks = Prebook.objects.filter(company=company, is_ecommerce=True, created_on__gte=start).exclude(
        status=PrebookStatus.CANCELLED
    )
    inv = live_invoices.aggregate(n=Count("*"), total=Sum("total"))
    pre = live_prebooks.aggregate(n=Count("*"), total=Sum("total"))
    fees_today = FeeEntry.objects.filter(company=company, created_on__gte=start).aggregate(
        total=Sum("amount")
    )
    days, series, fees = orders_per_day(company, today)
    if not request.can[Perm.FEES_VIEW]:
        fees, fees_today = [], {"total": None}
    failing = Delivery.objects.filter(company=company, status=DeliveryStatus.FAILING).count()
    return render(
        request,
        "web/home.html",
        {
            "pending": pending,
            "pending_count": pending_count,
            "oldest": pending[0] if pending else None,
            "sales_today": (inv["total"] or Decimal("0")) + (pre["total"] or Decimal("0")),
            "orders_today": (inv["n"] or 0) + (pre["n"] or 0),
            "fees_today": fees_today["total"] or Decimal("0.00"),
            "chart": mark_safe(daily_orders_svg(days, series, fees)),  # noqa: S308 - built from escaped values
            "legend": legend(list(series)),
            "chart_days": CHART_DAYS,
            "today": today,
            "no_orders": not any(any(s) for s in series.values()),
            "failing_deliveries": failing,
            "worker": worker_status(now, company),
            "next": "web:home",
            "section": "home",
        },
    )
