"""Inventory: on-hand and future lines with search and filters, boxes available / held / sold,
who a line is reserved for; adding and editing lines; reserving boxes for a customer."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render

from stemlink.customers.models import Customer
from stemlink.errors import NotFound, StemlinkError
from stemlink.inventory.models import FutureLine, InventoryLine
from stemlink.inventory.services import (
    FUTURE,
    ON_HAND,
    add_future_line,
    add_on_hand_lines,
    edit_line,
    release_reservation,
    reserve_boxes,
)
from stemlink.tenancy.models import Company
from stemlink.tenancy.rules import Perm
from stemlink.web.access import CompanyRequest, company_page, require
from stemlink.web.errors import add_error_to_form
from stemlink.web.forms import (
    INVENTORY_FIELD_NAMES,
    EditLineForm,
    FutureLineForm,
    InventoryFilterForm,
    OnHandLineForm,
    ReleaseForm,
    ReserveForm,
)
from stemlink.web.parsing import parse_id

ORIGINS = {"onhand": ON_HAND, "future": FUTURE}


def reserved_lines_for(company: Company, customer: Customer) -> list[InventoryLine]:
    """The on-hand lines reserved for a customer that still have boxes, for its page."""
    return list(
        InventoryLine.objects.filter(company=company, reserved_for=customer, boxes_on_hand__gt=0)
        .select_related("product", "box_type")
        .with_free()
        .order_by("id")
    )


def _filtered(model: Any, company: Company, form: InventoryFilterForm) -> QuerySet[Any]:
    rows = (
        model.objects.filter(company=company)
        .select_related("product", "product__category", "box_type", "vendor", "reserved_for", "location")
        .with_free()
    )
    if not form.is_valid():
        return rows.filter(free__gt=0).order_by("product__description", "id")
    d = form.cleaned_data
    if d.get("q"):
        q = d["q"]
        match = (
            Q(product__description__icontains=q)
            | Q(product__code__icontains=q)
            | Q(product__variety__icontains=q)
            | Q(product__color__icontains=q)
        )
        if model is InventoryLine:
            match |= Q(awb__icontains=q) | Q(lot_number__icontains=q)
        if (line_id := parse_id(q)) is not None:
            match |= Q(pk=line_id)
        rows = rows.filter(match)
    if d.get("category"):
        rows = rows.filter(product__category_id=d["category"])
    if d.get("vendor"):
        rows = rows.filter(vendor_id=d["vendor"])
    if d.get("box_type"):
        rows = rows.filter(box_type_id=d["box_type"])
    if d.get("inventory_type") and model is InventoryLine:
        rows = rows.filter(inventory_type=d["inventory_type"])
    reserved = d.get("reserved_for")
    if reserved == "none":
        rows = rows.filter(reserved_for__isnull=True)
    elif reserved == "any":
        rows = rows.filter(reserved_for__isnull=False)
    elif reserved:
        rows = rows.filter(reserved_for_id=int(reserved))
    if d.get("available_only"):
        rows = rows.filter(free__gt=0)
    return rows.order_by("product__description", "id")


@company_page(Perm.INVENTORY_VIEW)
def inventory_list(request: CompanyRequest) -> HttpResponse:
    view = request.GET.get("view", "onhand")
    if view not in ORIGINS:
        view = "onhand"
    form = InventoryFilterForm(request.company, request.GET or None)
    model = InventoryLine if view == "onhand" else FutureLine
    page = Paginator(_filtered(model, request.company, form), 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    totals = {"free": 0, "held": 0, "sold": 0}
    for line in page:
        totals["free"] += max(line.free, 0)
        totals["held"] += line.boxes_held
        totals["sold"] += line.boxes_sold
    return render(
        request,
        "web/inventory/list.html",
        {
            "form": form,
            "page": page,
            "view": view,
            "query": query.urlencode(),
            "totals": totals,
            "section": "inventory",
        },
    )


@company_page(Perm.INVENTORY_EDIT)
def line_new(request: CompanyRequest, view: str) -> HttpResponse:
    if view not in ORIGINS:
        raise NotFound("There is no such kind of inventory line.")
    form_class = OnHandLineForm if view == "onhand" else FutureLineForm
    if request.method == "POST":
        form = form_class(request.company, request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                if view == "onhand":
                    ids = add_on_hand_lines(
                        request.company,
                        **form.pack_values(),
                        awb=d["awb"],
                        ship_date=d["ship_date"],
                        arrival_date=d.get("arrival_date"),
                        quantity=d["quantity"],
                        lot_number=d["lot_number"],
                        inventory_type=d["inventory_type"],
                    )
                    line_id = ids[0]
                else:
                    line_id = add_future_line(
                        request.company,
                        **form.pack_values(),
                        boxes=d["boxes"],
                        available_from=d["available_from"],
                        available_to=d["available_to"],
                    ).pk
            except StemlinkError as exc:
                add_error_to_form(form, exc, INVENTORY_FIELD_NAMES)
            else:
                messages.success(request, f"Line {line_id} added.")
                return redirect("web:inventory_line", view=view, line_id=line_id)
    else:
        # A product's page links here with its id: the new line starts with that product chosen.
        wanted = parse_id(request.GET.get("product", ""))
        form = form_class(request.company, initial={"product": wanted} if wanted is not None else None)
    return render(request, "web/inventory/new.html", {"form": form, "view": view, "section": "inventory"})


def _line(request: CompanyRequest, view: str, line_id: int) -> InventoryLine | FutureLine:
    model: Any = InventoryLine if view == "onhand" else FutureLine
    line = (
        model.objects.filter(company=request.company, pk=line_id)
        .select_related("product", "box_type", "vendor", "reserved_for", "location")
        .first()
    )
    if line is None:
        raise NotFound(f"There is no inventory line {line_id}.")
    return line


@company_page(Perm.INVENTORY_EDIT)
def line_detail(request: CompanyRequest, view: str, line_id: int) -> HttpResponse:
    if view not in ORIGINS:
        raise NotFound("There is no such kind of inventory line.")
    line = _line(request, view, line_id)
    boxes_now = line.boxes_on_hand if isinstance(line, InventoryLine) else line.boxes
    edit_form = EditLineForm(initial={"boxes": boxes_now, "unit_cost": line.unit_cost, "price": line.price})
    reserve_form = ReserveForm(request.company)
    release_form = ReleaseForm()
    action = request.POST.get("action") if request.method == "POST" else None
    if action in {"reserve", "release"}:
        require(request, Perm.RESERVATIONS_CHANGE)
    try:
        if action == "edit":
            edit_form = EditLineForm(request.POST)
            if edit_form.is_valid():
                d = edit_form.cleaned_data
                try:
                    edit_line(
                        request.company,
                        ORIGINS[view],
                        line.pk,
                        price=d["price"],
                        unit_cost=d["unit_cost"],
                        boxes=d["boxes"],
                    )
                except StemlinkError as exc:
                    add_error_to_form(edit_form, exc, {"unitCost": "unit_cost"})
                else:
                    messages.success(request, "Line saved.")
                    return redirect("web:inventory_line", view=view, line_id=line.pk)
        elif action == "reserve" and view == "onhand":
            reserve_form = ReserveForm(request.company, request.POST)
            if reserve_form.is_valid():
                d = reserve_form.cleaned_data
                try:
                    reserved = reserve_boxes(request.company, line.pk, d["customer"].pk, d.get("boxes"))
                except StemlinkError as exc:
                    add_error_to_form(reserve_form, exc)
                else:
                    messages.success(
                        request,
                        f"{reserved.boxes_on_hand} box(es) reserved for {d['customer'].name} "
                        f"as line {reserved.pk}.",
                    )
                    return redirect("web:inventory_line", view=view, line_id=reserved.pk)
        elif action == "release" and view == "onhand":
            release_form = ReleaseForm(request.POST)
            if release_form.is_valid():
                try:
                    released = release_reservation(
                        request.company, line.pk, release_form.cleaned_data.get("boxes")
                    )
                except StemlinkError as exc:
                    add_error_to_form(release_form, exc)
                else:
                    messages.success(
                        request,
                        f"{released.boxes_on_hand} box(es) back on the open market as line {released.pk}.",
                    )
                    return redirect("web:inventory_line", view=view, line_id=released.pk)
    except NotFound as exc:
        # A customer of another company named in a form: say so beside the form, not a 404 page.
        messages.error(request, exc.message)
    line = _line(request, view, line_id)
    return render(
        request,
        "web/inventory/line.html",
        {
            "line": line,
            "view": view,
            "edit_form": edit_form,
            "reserve_form": reserve_form,
            "release_form": release_form,
            "boxes_now": boxes_now,
            "free": max(boxes_now - line.boxes_held - line.boxes_sold, 0),
            "section": "inventory",
        },
    )
