"""Setup » Import: products, customers and on-hand inventory from a spreadsheet (`web.imports`).

Upload → a preview of every row with its errors named per cell → Confirm writes them all, or
nothing. The rows wait in the uploader's session between the two steps, keyed by the import and
checked against the company and user; the Confirm button carries the digest of the rows it
previewed, so what is confirmed is what was shown.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse

from stemlink.tenancy.rules import Perm
from stemlink.web.access import CompanyRequest, company_page
from stemlink.web.exports import export_response
from stemlink.web.imports import (
    MAX_BYTES,
    MAX_ROWS,
    SPECS,
    ImportRefused,
    Report,
    Spec,
    Table,
    read_table,
    run_import,
    template_rows,
)

DONE_URL = {"products": "web:products", "customers": "web:customers", "inventory": "web:inventory"}


def _session_key(spec: Spec) -> str:
    return f"stemlink_import_{spec.slug}"


def _page(
    request: CompanyRequest,
    spec: Spec,
    *,
    report: Report | None = None,
    table: Table | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "web/imports/import.html",
        {
            "spec": spec,
            "report": report,
            "table": table,
            "digest": table.digest() if table else "",
            "error": error,
            "max_rows": MAX_ROWS,
            "max_mb": MAX_BYTES // (1024 * 1024),
            "template_url": reverse(f"web:import_{spec.slug}_template"),
            "action_url": reverse(f"web:import_{spec.slug}"),
            "section": "setup",
        },
        status=status,
    )


def _import(request: CompanyRequest, spec: Spec) -> HttpResponse:
    key = _session_key(spec)
    if request.method != "POST":
        return _page(request, spec)
    action = request.POST.get("action", "upload")
    if action == "cancel":
        request.session.pop(key, None)
        messages.info(request, "Import cancelled: nothing was written.")
        return redirect(f"web:import_{spec.slug}")
    if action == "confirm":
        table = Table.from_session(request.session.get(key), request.company.pk, int(request.user.pk or 0))
        if (
            table is None
            or table.header != [c.header for c in spec.columns]
            or request.POST.get("digest") != table.digest()
        ):
            return _page(
                request,
                spec,
                error="There is no previewed file to confirm (it was confirmed, cancelled or replaced): "
                "upload it again.",
                status=400,
            )
        report = run_import(spec, request.company, table, commit=True)
        if report.committed:
            request.session.pop(key, None)
            messages.success(request, f"{len(report.rows)} {spec.noun}(s) imported from {table.name}.")
            return redirect(DONE_URL[spec.slug])
        return _page(
            request,
            spec,
            report=report,
            table=table,
            error="Nothing was written: some rows are no longer right (see below). "
            "Fix the file and upload it again.",
        )
    upload = request.FILES.get("file")
    if upload is None:
        return _page(request, spec, error="Choose a file to upload (.xlsx or CSV).", status=400)
    try:
        data = upload.read(MAX_BYTES + 1)
        table = read_table(spec, upload.name or "upload", data)
    except ImportRefused as exc:
        request.session.pop(key, None)
        return _page(request, spec, error=exc.message, status=400)
    report = run_import(spec, request.company, table, commit=False)
    if report.bad_rows:
        request.session.pop(key, None)
    else:
        request.session[key] = table.to_session(request.company.pk, int(request.user.pk or 0))
    return _page(request, spec, report=report, table=table)


def _template(request: CompanyRequest, spec: Spec) -> HttpResponseBase:
    header, rows = template_rows(spec)
    return export_response(request, f"{spec.slug}-template", spec.title, header, rows)


@company_page(Perm.CATALOG_MANAGE)
def import_products(request: CompanyRequest) -> HttpResponse:
    return _import(request, SPECS["products"])


@company_page(Perm.CATALOG_MANAGE)
def import_products_template(request: CompanyRequest) -> HttpResponseBase:
    return _template(request, SPECS["products"])


@company_page(Perm.CUSTOMERS_MANAGE)
def import_customers(request: CompanyRequest) -> HttpResponse:
    return _import(request, SPECS["customers"])


@company_page(Perm.CUSTOMERS_MANAGE)
def import_customers_template(request: CompanyRequest) -> HttpResponseBase:
    return _template(request, SPECS["customers"])


@company_page(Perm.INVENTORY_EDIT)
def import_inventory(request: CompanyRequest) -> HttpResponse:
    return _import(request, SPECS["inventory"])


@company_page(Perm.INVENTORY_EDIT)
def import_inventory_template(request: CompanyRequest) -> HttpResponseBase:
    return _template(request, SPECS["inventory"])
