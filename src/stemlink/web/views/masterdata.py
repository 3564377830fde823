"""Setup » Products, Categories, Box types, Carriers, Growers and Locations: lists with search,
filters, paging and an Excel export; a form to add and one to edit each record.

One description per kind (`KINDS`) drives the same four pages; every change goes through the
service the API and the imports use (`stemlink.catalog.services`, `stemlink.tenancy.services`),
so a product hidden here leaves every marketplace's next delta and records outbox events.
A product's page also shows its lines on hand and to come.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from stemlink.catalog import services as catalog
from stemlink.catalog.models import BoxType, Carrier, Category, Product, Vendor
from stemlink.errors import NotFound, StemlinkError
from stemlink.inventory.models import FutureLine, InventoryLine
from stemlink.tenancy import calendar
from stemlink.tenancy.models import Company, Location
from stemlink.tenancy.rules import Perm
from stemlink.tenancy.services import save_location
from stemlink.web.access import CompanyRequest, company_page
from stemlink.web.errors import add_error_to_form
from stemlink.web.exports import export_response
from stemlink.web.masterdata_forms import (
    BoxTypeForm,
    CarrierForm,
    CategoryForm,
    ListFilterForm,
    LocationForm,
    ProductForm,
    VendorForm,
)

PAGE_SIZE = 50


def _yes(value: bool) -> str:
    return "Yes" if value else "No"


@dataclass(frozen=True)
class Kind:
    """One kind of master data: its model, form, list columns, search and the service that saves it."""

    slug: str
    title: str
    noun: str
    model: Any
    form: Any
    save: Callable[..., Any]
    columns: tuple[tuple[str, Callable[[Any], object]], ...]
    search: tuple[str, ...]
    order: tuple[str, ...]
    empty: str
    has_active: bool = True
    categories: bool = False
    related: tuple[str, ...] = field(default=())
    import_slug: str | None = None

    def url(self, suffix: str = "", record_id: int | None = None) -> str:
        """The URL of this kind's list (""), "_new", "_export" or "_record" page."""
        kwargs = {self.param: record_id} if record_id is not None else {}
        return reverse(f"web:{self.slug}{suffix}", kwargs=kwargs)

    def links(self) -> dict[str, str]:
        return {"list": self.url(), "new": self.url("_new"), "export": self.url("_export")}

    @property
    def param(self) -> str:
        """The route's id parameter: product_id, category_id, box_type_id, …"""
        return {"categories": "category", "box-types": "box_type", "growers": "grower"}.get(
            self.slug, self.slug.rstrip("s")
        ) + "_id"

    def rows(self, company: Company) -> QuerySet[Any]:
        return self.model.objects.filter(company=company).select_related(*self.related).order_by(*self.order)

    def initial(self, record: Any) -> dict[str, Any]:
        values = {name: getattr(record, name) for name in self.form.base_fields if name != "category"}
        if "category" in self.form.base_fields:
            values["category"] = record.category_id
        return values


KINDS: dict[str, Kind] = {
    k.slug: k
    for k in (
        Kind(
            slug="products",
            title="Products",
            noun="product",
            model=Product,
            form=ProductForm,
            save=catalog.save_product,
            columns=(
                ("ID", lambda r: r.pk),
                ("Code", lambda r: r.code),
                ("Description", lambda r: r.description),
                ("Category", lambda r: r.category.name),
                ("Variety", lambda r: r.variety),
                ("Color", lambda r: r.color),
                ("Grade", lambda r: r.grade),
                ("Active", lambda r: _yes(r.active)),
            ),
            search=("code", "description", "variety", "color", "grade"),
            order=("description", "id"),
            empty="No products yet. Add your first product (or import a spreadsheet), then put boxes of it "
            "on hand in Inventory so buyers can order them.",
            categories=True,
            related=("category",),
            import_slug="products",
        ),
        Kind(
            slug="categories",
            title="Categories",
            noun="category",
            model=Category,
            form=CategoryForm,
            save=catalog.save_category_fields,
            columns=(
                ("ID", lambda r: r.pk),
                ("Name", lambda r: r.name),
                ("Active", lambda r: _yes(r.active)),
            ),
            search=("name",),
            order=("name", "id"),
            empty="No categories yet. Add one (Roses, Spray Roses, Carnations…): "
            "every product belongs to one.",
        ),
        Kind(
            slug="box-types",
            title="Box types",
            noun="box type",
            model=BoxType,
            form=BoxTypeForm,
            save=catalog.save_box_type,
            columns=(
                ("ID", lambda r: r.pk),
                ("Code", lambda r: r.code),
                ("Description", lambda r: r.description),
                ("Full-box equivalent", lambda r: r.fbe),
            ),
            search=("code", "description"),
            order=("code", "id"),
            empty="No box types yet. Add FB (1), HB (0.5) and QB (0.25) to enter your first line.",
            has_active=False,
        ),
        Kind(
            slug="carriers",
            title="Carriers",
            noun="carrier",
            model=Carrier,
            form=CarrierForm,
            save=catalog.save_carrier,
            columns=(
                ("ID", lambda r: r.pk),
                ("Code", lambda r: r.code),
                ("Name", lambda r: r.name),
                ("City", lambda r: r.city),
                ("Phone", lambda r: r.phone),
                ("Active", lambda r: _yes(r.active)),
            ),
            search=("code", "name", "city"),
            order=("name", "id"),
            empty="No carriers yet. Add the trucking or air companies that take boxes to your customers.",
        ),
        Kind(
            slug="growers",
            title="Growers",
            noun="grower",
            model=Vendor,
            form=VendorForm,
            save=catalog.save_vendor,
            columns=(
                ("ID", lambda r: r.pk),
                ("Code", lambda r: r.code),
                ("Name", lambda r: r.name),
                ("Port of origin", lambda r: r.port_origin),
                ("Active", lambda r: _yes(r.active)),
            ),
            search=("code", "name", "port_origin"),
            order=("name", "id"),
            empty="No growers yet. Add the farms you buy from; inventory lines name their grower.",
        ),
        Kind(
            slug="locations",
            title="Locations",
            noun="location",
            model=Location,
            form=LocationForm,
            save=save_location,
            columns=(
                ("ID", lambda r: r.pk),
                ("Code", lambda r: r.code),
                ("Name", lambda r: r.name),
                ("Short name", lambda r: r.short_name),
                ("Active", lambda r: _yes(r.active)),
            ),
            search=("code", "name", "short_name"),
            order=("id",),
            empty="No locations yet. Add your warehouse: orders and lines belong to a location.",
        ),
    )
}


def _filtered(kind: Kind, company: Company, form: ListFilterForm) -> QuerySet[Any]:
    rows = kind.rows(company)
    if not form.is_valid():
        return rows
    d = form.cleaned_data
    if d.get("q"):
        match = Q()
        for name in kind.search:
            match |= Q(**{f"{name}__icontains": d["q"]})
        rows = rows.filter(match)
    if d.get("active") == "yes":
        rows = rows.filter(active=True)
    elif d.get("active") == "no":
        rows = rows.filter(active=False)
    if d.get("category"):
        rows = rows.filter(category_id=d["category"])
    return rows


def _filter_form(kind: Kind, request: CompanyRequest) -> ListFilterForm:
    return ListFilterForm(
        request.company, request.GET or None, has_active=kind.has_active, categories=kind.categories
    )


def _record(kind: Kind, company: Company, record_id: int) -> Any:
    record = kind.rows(company).filter(pk=record_id).first()
    if record is None:
        raise NotFound(f"There is no {kind.noun} {record_id}.")
    return record


def _list(kind: Kind, request: CompanyRequest, change: Perm) -> HttpResponse:
    form = _filter_form(kind, request)
    page = Paginator(_filtered(kind, request.company, form), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    rows = [(r.pk, kind.url("_record", r.pk), [get(r) for _, get in kind.columns[1:]]) for r in page]
    return render(
        request,
        "web/masterdata/list.html",
        {
            "kind": kind,
            "links": kind.links(),
            "form": form,
            "page": page,
            "rows": rows,
            "headers": [h for h, _ in kind.columns[1:]],
            "query": query.urlencode(),
            "any_at_all": page.paginator.count > 0 or kind.rows(request.company).exists(),
            "can_change": request.can[change.value],
            "import_url": reverse(f"web:import_{kind.import_slug}") if kind.import_slug else None,
            "section": "setup",
        },
    )


def _export(kind: Kind, request: CompanyRequest) -> HttpResponseBase:
    rows = _filtered(kind, request.company, _filter_form(kind, request))
    stamp = calendar.local_time(request.company, timezone.now()).strftime("%Y%m%d-%H%M")
    return export_response(
        request,
        f"{kind.slug}-{stamp}",
        kind.title,
        [h for h, _ in kind.columns],
        ([get(r) for _, get in kind.columns] for r in rows.iterator(chunk_size=1000)),
    )


def _new(kind: Kind, request: CompanyRequest) -> HttpResponse:
    if request.method == "POST":
        form = kind.form(request.company, request.POST)
        if form.is_valid():
            try:
                record = kind.save(request.company, None, **form.values())
            except StemlinkError as exc:
                add_error_to_form(form, exc)
            else:
                messages.success(request, f"{kind.noun.capitalize()} {record} added.")
                return redirect(f"web:{kind.slug}_record", **{kind.param: record.pk})
    else:
        form = kind.form(request.company)
    return render(
        request,
        "web/masterdata/record.html",
        {
            "kind": kind,
            "links": kind.links(),
            "form": form,
            "record": None,
            "can_change": True,
            "section": "setup",
        },
    )


def _detail(kind: Kind, request: CompanyRequest, record_id: int, change: Perm) -> HttpResponse:
    record = _record(kind, request.company, record_id)
    if request.method == "POST":
        form = kind.form(request.company, request.POST)
        if form.is_valid():
            try:
                kind.save(request.company, record, **form.values())
            except StemlinkError as exc:
                add_error_to_form(form, exc)
                record = _record(kind, request.company, record_id)
            else:
                messages.success(request, f"{kind.noun.capitalize()} saved.")
                return redirect(f"web:{kind.slug}_record", **{kind.param: record.pk})
    else:
        form = kind.form(request.company, initial=kind.initial(record))
    context: dict[str, Any] = {
        "kind": kind,
        "links": kind.links(),
        "form": form,
        "record": record,
        "can_change": request.can[change.value],
        "display": [(header, get(record)) for header, get in kind.columns],
        "section": "setup",
    }
    if kind.model is Product:
        context.update(product_lines(request.company, record))
    return render(request, "web/masterdata/record.html", context)


def product_lines(company: Company, product: Product) -> dict[str, Any]:
    """A product's lines on hand (with boxes left) and to come, for its page."""
    on_hand = (
        InventoryLine.objects.filter(company=company, product=product, boxes_on_hand__gt=0)
        .select_related("box_type", "vendor", "reserved_for", "location")
        .with_free()
        .order_by("-id")[:200]
    )
    future = (
        FutureLine.objects.filter(company=company, product=product, available_to__gte=calendar.today(company))
        .select_related("box_type", "vendor", "reserved_for", "location")
        .with_free()
        .order_by("available_from", "id")[:200]
    )
    return {"on_hand": list(on_hand), "future": list(future)}


def _views(slug: str, read: Perm, change: Perm) -> tuple[Any, Any, Any, Any]:
    kind = KINDS[slug]

    @company_page(read)
    def list_view(request: CompanyRequest) -> HttpResponse:
        return _list(kind, request, change)

    @company_page(read)
    def export_view(request: CompanyRequest) -> HttpResponseBase:
        return _export(kind, request)

    @company_page(change)
    def new_view(request: CompanyRequest) -> HttpResponse:
        return _new(kind, request)

    @company_page(read, change=change)
    def detail_view(request: CompanyRequest, **ids: int) -> HttpResponse:
        return _detail(kind, request, ids[kind.param], change)

    for view, name in (
        (list_view, "list"),
        (export_view, "export"),
        (new_view, "new"),
        (detail_view, "record"),
    ):
        view.__name__ = view.__qualname__ = f"{slug.replace('-', '_')}_{name}"
    return list_view, export_view, new_view, detail_view


VIEWS = {
    "products": _views("products", Perm.INVENTORY_VIEW, Perm.CATALOG_MANAGE),
    "categories": _views("categories", Perm.INVENTORY_VIEW, Perm.CATALOG_MANAGE),
    "box-types": _views("box-types", Perm.INVENTORY_VIEW, Perm.CATALOG_MANAGE),
    "carriers": _views("carriers", Perm.INVENTORY_VIEW, Perm.CATALOG_MANAGE),
    "growers": _views("growers", Perm.INVENTORY_VIEW, Perm.CATALOG_MANAGE),
    "locations": _views("locations", Perm.SETUP, Perm.SETUP),
}


def urlpatterns() -> list[Any]:
    """The routes of every kind: setup/<kind>/, new/, export.xlsx, <id>/."""
    from django.urls import path

    routes = []
    for slug, (list_view, export_view, new_view, detail_view) in VIEWS.items():
        routes += [
            path(f"setup/{slug}/", list_view, name=slug),
            path(f"setup/{slug}/new/", new_view, name=f"{slug}_new"),
            path(f"setup/{slug}/export.xlsx", export_view, name=f"{slug}_export"),
            path(f"setup/{slug}/<int:{KINDS[slug].param}>/", detail_view, name=f"{slug}_record"),
        ]
    return routes
