"""Benchmark: the largest answers — the one-year fees export (Excel, CSV) and `invoice.list` for 6 months.

Loads one company's invoices over three years (30 % from the marketplace, each with its fee entry;
`bulk_create` on the project's own models; no invoice lines, which neither answer reads), then asks
each answer `--repeats` times through Django's test client (signed-in session for the export, a
company token through the gateway for the API) and prints p50 / p95 in ms, the answer's size, the
statements, and with `--profile` the Python function calls per answer (cProfile; steadier than
milliseconds on a loaded machine).

It also writes the same year of fee rows (read once into a list) with openpyxl's write-only mode
and with `stemlink.web.exports`, in the same run, and prints the ratio: the baseline the export's
own writer is held against.

Run: `.venv/bin/python bench/large_answers.py` (both databases), `--only sqlite|postgresql`,
`--invoices N` (default 150,000: about 15,000 fee entries a year, 25,000 invoices in 6 months),
`--repeats N` (default 5), `--profile` (`--top N`: the N costliest functions of each), `--explain`
(the plan of invoice.list's statement).
`PG_URL` names the PostgreSQL server.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

from _each_database import run_on_each

ROOT = Path(__file__).resolve().parent.parent


def _calls(profile: cProfile.Profile) -> int:
    return int(pstats.Stats(profile).total_calls)  # type: ignore[attr-defined]


def _child(args: argparse.Namespace) -> None:
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stemlink.settings")
    import django

    django.setup()
    import datetime as dt
    import random
    from decimal import Decimal

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone
    from openpyxl import Workbook
    from tests.api_helpers import issue_token
    from tests.factories import make_customer, make_user, make_world

    from stemlink.orders.models import FeeEntry, Invoice, InvoiceStatus
    from stemlink.web import exports

    call_command("migrate", verbosity=0)
    rng = random.Random(20261130)
    world = make_world("Bench Wholesaler")
    company = world.company
    market = world.customer
    customers = [make_customer(company, name=f"Florist {i:03d}", code=f"B{i:03d}").pk for i in range(100)]
    user = make_user(company, "bench-admin", role="admin")
    now = timezone.now()
    for model in (Invoice, FeeEntry):
        field = model._meta.get_field("created_on")
        field.auto_now_add = False  # type: ignore[attr-defined]
    Invoice._meta.get_field("updated_on").auto_now = False  # type: ignore[attr-defined]
    started = time.perf_counter()
    invoices, fees = [], []
    for n in range(1, args.invoices + 1):
        created = now - dt.timedelta(days=rng.random() * 3 * 365)
        marketplace = rng.random() < 0.3
        total = Decimal(f"{rng.randint(100, 900)}.00")
        invoices.append(
            Invoice(
                id=n,
                company=company,
                location=world.location,
                number=n,
                prefix="W" if marketplace else "",
                customer_id=market.pk if marketplace else rng.choice(customers),
                carrier=world.carrier,
                ship_date=(created + dt.timedelta(days=2)).date(),
                status=InvoiceStatus.CONFIRMED,
                is_ecommerce=marketplace,
                subtotal=total,
                total=total,
                po_number=f"PO-{n}",
                created_on=created,
                updated_on=created,
            )
        )
        if marketplace:
            fees.append(
                FeeEntry(
                    company=company,
                    document_kind="invoice",
                    invoice_id=n,
                    document_number=f"W{n}",
                    customer=market,
                    base_amount=total,
                    rate_percent=Decimal("2.50"),
                    amount=(total * Decimal("0.025")).quantize(Decimal("0.01")),
                    created_on=created,
                )
            )
        if len(invoices) >= 5000 or n == args.invoices:
            Invoice.objects.bulk_create(invoices, batch_size=2000)
            FeeEntry.objects.bulk_create(fees, batch_size=2000)
            invoices, fees = [], []
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  loaded {args.invoices:,} invoices in {time.perf_counter() - started:.1f}s", flush=True)

    today = now.date()
    year = {"date_from": (today - dt.timedelta(days=364)).isoformat(), "date_to": today.isoformat()}
    half = {"orderDateFrom": (today - dt.timedelta(days=182)).isoformat(), "orderDateTo": today.isoformat()}
    client = Client()
    client.force_login(user)
    token = issue_token(company, "company", description="bench")
    api = {"authenticationToken": token, "X-ACCOUNT": str(company.pk)}
    answers = {
        "Fees Excel export, one year": (reverse("web:fees_export"), year, {}),
        "Fees CSV export, one year": (reverse("web:fees_export"), {**year, "format": "csv"}, {}),
        "API invoice.list, 6 months": ("/api/invoice.list", half, api),
    }
    if args.explain:
        from stemlink.api.methods.invoices import _LIST_COLUMNS

        six_months = (
            Invoice.objects.filter(company=company)
            .filter(ship_date__range=(half["orderDateFrom"], half["orderDateTo"]))
            .select_related("customer", "customer__sales_rep", "carrier")
            .order_by("ship_date", "id")
            .values_list(*_LIST_COLUMNS)
        )
        print("  invoice.list's plan, 6 months:")
        print("    " + six_months.explain().replace("\n", "\n    "), flush=True)
    settings.DEBUG = True  # counts statements
    print(f"  {args.repeats} requests each after one warm-up; ms; statements; Python calls (--profile)")
    print(f"  {'answer':<30} {'p50':>8} {'p95':>8} {'size':>8} {'stmts':>6} {'calls':>11}")
    for name, (path, query, headers) in answers.items():
        times, size, statements, calls = [], 0, 0, 0
        for i in range(args.repeats + 1):
            reset_queries()
            profile = cProfile.Profile() if args.profile and i == 1 else None
            t0 = time.perf_counter()
            if profile:
                profile.enable()
            response = client.get(path, query, headers=headers)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            if profile:
                profile.disable()
                calls = _calls(profile)
                if args.top:
                    pstats.Stats(profile).sort_stats("tottime").print_stats(args.top)
            spent = (time.perf_counter() - t0) * 1000
            assert response.status_code == 200, (name, response.status_code, body[:300])
            size, statements = len(body), len(connection.queries)
            if i and not profile:
                times.append(spent)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))] if times else 0.0
        p50 = statistics.median(times) if times else 0.0
        shown = f" {calls:>11,}" if calls else ""
        print(f"  {name:<30} {p50:8.0f} {p95:8.0f} {size / 1024:7.0f}K {statements:>6}{shown}", flush=True)

    # The writer alone, against openpyxl's write-only mode, on the same rows (the fees export's).
    rows = [
        [when, number, "Invoice", customer, name, "Charge", base, rate, amount]
        for when, number, customer, name, base, rate, amount in FeeEntry.objects.filter(
            company=company, created_on__gte=now - dt.timedelta(days=365)
        )
        .order_by("created_on", "id")
        .values_list(
            "created_on",
            "document_number",
            "customer_id",
            "customer__name",
            "base_amount",
            "rate_percent",
            "amount",
        )
    ]
    headers = ["Date (UTC)", "Document", "Kind", "Customer ID", "Customer", "Entry", "Base", "Rate %", "Fee"]
    zone = timezone.get_current_timezone()

    def with_openpyxl() -> bytes:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("Fees")
        sheet.append(headers)
        for when, *rest in rows:
            sheet.append([when.astimezone(zone).replace(tzinfo=None), *rest])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    def with_exports() -> bytes:
        return exports.workbook_bytes("Fees", headers, rows)

    found = {}
    for label, write in (("openpyxl write-only", with_openpyxl), ("stemlink.web.exports", with_exports)):
        spent = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            write()
            spent.append(time.perf_counter() - t0)
        profile = cProfile.Profile()
        profile.enable()
        write()
        profile.disable()
        found[label] = (statistics.median(spent) * 1000, _calls(profile))
    base_ms, base_calls = found["openpyxl write-only"]
    print(f"  writing {len(rows):,} fee rows as .xlsx (the same rows, this run): ms p50, Python calls")
    for label, (ms, n) in found.items():
        print(f"  {label:<30} {ms:8.0f} {n:>11,}  {ms / base_ms:5.2f}x time  {n / base_calls:5.2f}x calls")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=150_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=0, help="with --profile: print the N costliest functions")
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--explain", action="store_true", help="print the plan of invoice.list's statement")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args)
        return 0
    return run_on_each(__file__, args.only)


if __name__ == "__main__":
    sys.exit(main())
