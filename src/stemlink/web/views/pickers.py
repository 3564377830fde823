"""The search behind the long pickers (`stemlink.web.pickers.SearchSelect`): the first matches, as options."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render

from stemlink.catalog.models import Category, Product, Vendor
from stemlink.customers.models import Customer
from stemlink.inventory.models import InventoryLine
from stemlink.tenancy.rules import Perm
from stemlink.web.access import CompanyRequest, company_page
from stemlink.web.forms import PICKER_FIXED
from stemlink.web.parsing import parse_id
from stemlink.web.pickers import MATCHES


def _typed(request: CompanyRequest) -> tuple[str, str]:
    field = request.GET.get("field", "")[:40]
    return field, request.GET.get(f"{field}_search", "").strip()[:100]


def _options(request: CompanyRequest, field: str, found: list[tuple[Any, str]]) -> HttpResponse:
    fixed = PICKER_FIXED.get(request.GET.get("fixed", "")[:40] or field, [("", "Choose…")])
    return render(request, "web/_options.html", {"options": [*fixed, *found], "more": len(found) >= MATCHES})


@company_page(Perm.HOME_VIEW)
def pick_customer(request: CompanyRequest) -> HttpResponse:
    """Customers by name or code (any member sees customers' names, on Home's orders)."""
    return _customers(request, active_only=False)


@company_page(Perm.HOME_VIEW)
def pick_active_customer(request: CompanyRequest) -> HttpResponse:
    """Active customers by name or code (those one may reserve boxes for)."""
    return _customers(request, active_only=True)


def _customers(request: CompanyRequest, *, active_only: bool) -> HttpResponse:
    field, text = _typed(request)
    rows = Customer.objects.filter(company=request.company)
    if text:
        rows = rows.filter(Q(name__icontains=text) | Q(code__icontains=text))
    if active_only:
        rows = rows.filter(active=True)
    found = [(pk, name) for pk, name in rows.order_by("name", "id").values_list("pk", "name")[:MATCHES]]
    return _options(request, field, found)


def line_label(line: InventoryLine) -> str:
    free = line.free  # type: ignore[attr-defined]  # annotated by `sellable()`
    return f"#{line.pk} {line.product.description} {line.box_type.code} · {free} free"


@company_page(Perm.INVENTORY_VIEW)
def pick_line(request: CompanyRequest) -> HttpResponse:
    """On-hand lines with boxes to sell, by product, code or line number."""
    field, text = _typed(request)
    rows = (
        InventoryLine.objects.filter(company=request.company).sellable().select_related("product", "box_type")
    )
    if text:
        match = Q(product__description__icontains=text) | Q(product__code__icontains=text)
        if (line_id := parse_id(text.lstrip("#"))) is not None:
            match |= Q(pk=line_id)
        rows = rows.filter(match)
    found = [(line.pk, line_label(line)) for line in rows.order_by("product__description", "id")[:MATCHES]]
    return _options(request, field, found)


@company_page(Perm.INVENTORY_VIEW)
def pick_product(request: CompanyRequest) -> HttpResponse:
    """Active products by description or code."""
    field, text = _typed(request)
    rows = Product.objects.filter(company=request.company, active=True)
    if text:
        rows = rows.filter(Q(description__icontains=text) | Q(code__icontains=text))
    found = [(p.pk, str(p)) for p in rows.order_by("description", "id")[:MATCHES]]
    return _options(request, field, found)


def _named(request: CompanyRequest, model: Any) -> HttpResponse:
    field, text = _typed(request)
    rows = model.objects.filter(company=request.company)
    if text:
        rows = rows.filter(name__icontains=text)
    return _options(request, field, list(rows.order_by("name", "id").values_list("pk", "name")[:MATCHES]))


@company_page(Perm.INVENTORY_VIEW)
def pick_category(request: CompanyRequest) -> HttpResponse:
    """The company's categories by name (the inventory's filter)."""
    return _named(request, Category)


@company_page(Perm.INVENTORY_VIEW)
def pick_vendor(request: CompanyRequest) -> HttpResponse:
    """The company's growers by name (the inventory's filter)."""
    return _named(request, Vendor)
