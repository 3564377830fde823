"""Purchasing pages: purchase orders to growers (list, new, confirm, ship, receive, cancel), growers'
availability (add an offer, book it into a prebook), hard goods, and the prebook lines a shortage
left uncovered, for the rep."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render

from stemlink.errors import FieldError, NotFound, StemlinkError, ValidationFailed
from stemlink.orders.models import Prebook
from stemlink.purchasing import queries, services
from stemlink.purchasing.models import POStatus, PurchaseOrder
from stemlink.tenancy import calendar
from stemlink.tenancy.rules import Perm
from stemlink.web.access import CompanyRequest, company_page, require
from stemlink.web.errors import add_error_to_form
from stemlink.web.purchasing_forms import (
    AwbForm,
    BookForm,
    BuyForPrebookForm,
    HardGoodForm,
    LineFormSet,
    OfferForm,
    OrderForm,
)

SECTION = "purchasing"
LINE_FIELDS = {
    "productId": "product",
    "boxTypeId": "box_type",
    "unitCost": "unit_cost",
    "stemsBunch": "stems_bunch",
    "vendorId": "vendor",
    "shipDate": "ship_date",
    "arrivalDate": "arrival_date",
}


def _say(request: CompanyRequest, exc: StemlinkError) -> None:
    """Show a service's refusal on the page: each field's message, or the one message."""
    if isinstance(exc, ValidationFailed) and exc.errors:
        for item in exc.errors:
            messages.error(request, f"{item.field}: {item.message}" if item.field else item.message)
    else:
        messages.error(request, exc.message)


@company_page(Perm.PURCHASING)
def order_list(request: CompanyRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    orders = queries.purchase_orders(request.company, status=status if status in POStatus.values else None)
    page = Paginator(orders, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "web/purchasing/list.html",
        {"page": page, "status": status, "statuses": POStatus.choices, "section": SECTION, "query": ""},
    )


@company_page(Perm.PURCHASING)
def order_new(request: CompanyRequest) -> HttpResponse:
    form = OrderForm(request.company, request.POST or None)
    lines = LineFormSet(request.POST or None, form_kwargs={"company": request.company}, prefix="line")
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        requests = [f.request() for f in lines.forms if f.has_changed() and f.cleaned_data]
        d = form.cleaned_data
        try:
            if not requests:
                raise ValidationFailed(
                    FieldError("", "Give at least one line: product, box, pack, boxes and cost.")
                )
            order = services.create_purchase_order(
                request.company,
                vendor=d["vendor"],
                ship_date=d["ship_date"],
                arrival_date=d.get("arrival_date"),
                customer=d.get("customer"),
                awb=d.get("awb") or "",
                notes=d.get("notes") or "",
                lines=requests,
                user=request.user,
            )
        except StemlinkError as exc:
            add_error_to_form(form, exc, LINE_FIELDS)
        else:
            messages.success(request, f"Purchase order {order.number} made; confirm it when the grower does.")
            return redirect("web:purchase_order", order_id=order.pk)
    return render(request, "web/purchasing/new.html", {"form": form, "lines": lines, "section": SECTION})


def _order(request: CompanyRequest, order_id: int) -> PurchaseOrder:
    order = (
        PurchaseOrder.objects.filter(company=request.company, pk=order_id)
        .select_related("vendor", "customer", "location", "carrier")
        .first()
    )
    if order is None:
        raise NotFound(f"There is no purchase order {order_id}.")
    return order


def _receive_lines(request: CompanyRequest, order: PurchaseOrder) -> list[services.ReceiveRequest]:
    wanted, errors = [], []
    for item in order.items.filter(closed=False):
        text = (request.POST.get(f"boxes_{item.pk}") or "").strip()
        close = request.POST.get(f"close_{item.pk}") == "on"
        if not text and not close:
            continue
        if text and not text.isdigit():
            errors.append(
                FieldError(f"boxes_{item.pk}", f"line {item.pk}: boxes must be a whole number, 0 or more")
            )
            continue
        awb = (request.POST.get(f"awb_{item.pk}") or "").strip()
        wanted.append(services.ReceiveRequest(item.pk, int(text or 0), close, awb))
    if errors:
        raise ValidationFailed(errors)
    if not wanted:
        raise ValidationFailed(
            FieldError("", "Type the boxes received of at least one line (or close it short).")
        )
    return wanted


@company_page(Perm.PURCHASING, change=Perm.PURCHASING)
def order_detail(request: CompanyRequest, order_id: int) -> HttpResponse:
    order = _order(request, order_id)
    awb_form = AwbForm(initial={"awb": order.awb})
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "receive":
        require(request, Perm.INVENTORY_EDIT)
    try:
        if action == "confirm":
            services.confirm_purchase_order(request.company, order.pk)
            messages.success(request, "Confirmed: its boxes are offered as future inventory.")
            return redirect("web:purchase_order", order_id=order.pk)
        if action == "cancel":
            services.cancel_purchase_order(request.company, order.pk, user=request.user)
            messages.success(request, "Cancelled: its future boxes left the market.")
            return redirect("web:purchase_order", order_id=order.pk)
        if action == "awb":
            awb_form = AwbForm(request.POST)
            if awb_form.is_valid():
                services.add_awb(request.company, order.pk, awb=awb_form.cleaned_data["awb"])
                messages.success(request, "Shipped: the AWB is on every line.")
                return redirect("web:purchase_order", order_id=order.pk)
        if action == "receive":
            receipts = services.receive(
                request.company,
                order.pk,
                awb=request.POST.get("receive_awb", ""),
                lines=_receive_lines(request, order),
                user=request.user,
            )
            received = sum(r.boxes for r in receipts)
            short = sum(r.shortage for r in receipts)
            note = f"{received} box(es) received on hand" + (f"; {short} short" if short else "") + "."
            messages.success(request, note)
            return redirect("web:purchase_order", order_id=order.pk)
    except StemlinkError as exc:
        _say(request, exc)
    order = _order(request, order_id)
    items = queries.items_of([order])[order.pk]
    return render(
        request,
        "web/purchasing/detail.html",
        {
            "order": order,
            "items": items,
            "awb_form": awb_form,
            "receivable": order.status in ("confirmed", "shipped"),
            "section": SECTION,
        },
    )


@company_page(Perm.INVENTORY_VIEW, change=Perm.ORDERS_SELL)
def availability(request: CompanyRequest) -> HttpResponse:
    today = calendar.today(request.company)
    offer_form = OfferForm(request.company)
    offer_line = LineFormSet(form_kwargs={"company": request.company}, prefix="offer")
    book_form = BookForm()
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "offer":
        require(request, Perm.PURCHASING)
        offer_form = OfferForm(request.company, request.POST)
        offer_line = LineFormSet(request.POST, form_kwargs={"company": request.company}, prefix="offer")
        if offer_form.is_valid() and offer_line.is_valid():
            first = next((f for f in offer_line.forms if f.has_changed() and f.cleaned_data), None)
            if first is None:
                offer_form.add_error(None, "Give the product, box, pack, boxes and cost offered.")
            else:
                d = offer_form.cleaned_data
                try:
                    services.add_availability(
                        request.company,
                        vendor=d["vendor"],
                        line=first.request(),
                        available_from=d["available_from"],
                        available_to=d["available_to"],
                    )
                except StemlinkError as exc:
                    add_error_to_form(offer_form, exc, {"availableTo": "available_to"})
                else:
                    messages.success(request, "Offer added.")
                    return redirect("web:availability")
    elif action == "book":
        book_form = BookForm(request.POST)
        offer_id = request.POST.get("offer", "")
        if book_form.is_valid() and offer_id.isdigit():
            d = book_form.cleaned_data
            try:
                [item] = services.book_availability(
                    request.company,
                    d["prebook"],
                    availability_ids=[int(offer_id)],
                    quantity=d["boxes"],
                    price=d["price"],
                )
            except StemlinkError as exc:
                _say(request, exc)
            else:
                messages.success(request, f"{item.boxes} box(es) booked into prebook {item.prebook.number}.")
                return redirect("web:availability")
        else:
            messages.error(request, "Give the prebook id, the boxes and the unit price.")
    offers = queries.availability(request.company, date_from=today)
    return render(
        request,
        "web/purchasing/availability.html",
        {
            "offers": offers[:500],
            "offer_form": offer_form,
            "offer_line": offer_line.forms[0],
            "offer_management": offer_line.management_form,
            "book_form": book_form,
            "section": SECTION,
        },
    )


@company_page(Perm.INVENTORY_VIEW, change=Perm.INVENTORY_EDIT)
def hard_goods(request: CompanyRequest) -> HttpResponse:
    form = HardGoodForm(request.company, request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.add_hard_good(
                request.company,
                product=d["product"],
                vendor=d.get("vendor"),
                sku=d.get("sku") or "",
                quantity=d["quantity"],
                pack_size=d["pack_size"],
                unit_cost=d.get("unit_cost"),
                unit_price=d.get("unit_price"),
            )
        except StemlinkError as exc:
            add_error_to_form(
                form, exc, {"packSize": "pack_size", "unitCost": "unit_cost", "unitPrice": "unit_price"}
            )
        else:
            messages.success(request, "Hard goods added.")
            return redirect("web:hard_goods")
    goods = queries.hard_goods(request.company)
    return render(
        request, "web/purchasing/hard_goods.html", {"goods": goods[:500], "form": form, "section": SECTION}
    )


@company_page(Perm.ORDERS_VIEW, change=Perm.ORDERS_SELL)
def uncovered(request: CompanyRequest) -> HttpResponse:
    if request.method == "POST":
        cover_id = request.POST.get("cover", "")
        try:
            if not cover_id.isdigit():
                raise NotFound("There is no such uncovered line.")
            services.resolve_uncovered(request.company, int(cover_id))
        except StemlinkError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Marked as dealt with.")
        return redirect("web:uncovered")
    rows: list[Any] = list(queries.uncovered(request.company)[:500])
    return render(request, "web/purchasing/uncovered.html", {"rows": rows, "section": SECTION})


def _costs(request: CompanyRequest, item_ids: list[int]) -> dict[int, Decimal]:
    """The unit cost typed for each prebook line (`cost_<line id>`); ValidationFailed naming a bad one."""
    costs, errors = {}, []
    for item_id in item_ids:
        text = (request.POST.get(f"cost_{item_id}") or "").strip()
        try:
            cost = Decimal(text)
        except InvalidOperation:
            cost = None
        if cost is None or not cost.is_finite() or cost < 0:
            errors.append(
                FieldError(f"cost_{item_id}", f"line {item_id}: type the unit cost, a number 0 or more")
            )
            continue
        costs[item_id] = cost
    if errors:
        raise ValidationFailed(errors)
    return costs


@company_page(Perm.PURCHASING)
def buy_for_prebook(request: CompanyRequest, prebook_id: int) -> HttpResponse:
    """Raise a purchase order to a grower for what a prebook still needs: its unbought lines and the
    boxes a short purchase left uncovered."""
    prebook = (
        Prebook.objects.filter(company=request.company, pk=prebook_id).select_related("customer").first()
    )
    if prebook is None:
        raise NotFound(f"There is no prebook {prebook_id}.")
    unbought, short = services.prebook_needs(request.company, prebook)
    rows: list[dict[str, Any]] = [{"item": item, "boxes": item.boxes, "short": False} for item in unbought]
    rows += [
        {"item": covers[0].prebook_item, "boxes": sum(c.boxes for c in covers), "short": True}
        for covers in short.values()
    ]
    form = BuyForPrebookForm(
        request.company,
        request.POST or None,
        initial={"ship_date": calendar.today(request.company)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            order = services.purchase_for_prebook(
                request.company,
                prebook,
                vendor=form.cleaned_data["vendor"],
                ship_date=form.cleaned_data["ship_date"],
                costs=_costs(request, [row["item"].pk for row in rows]),
                user=request.user,
            )
        except StemlinkError as exc:
            _say(request, exc)
        else:
            messages.success(
                request,
                f"Purchase order {order.number} made for prebook {prebook.number}; "
                "confirm it when the grower does.",
            )
            return redirect("web:purchase_order", order_id=order.pk)
    return render(
        request,
        "web/purchasing/for_prebook.html",
        {"prebook": prebook, "rows": rows, "form": form, "section": SECTION},
    )
