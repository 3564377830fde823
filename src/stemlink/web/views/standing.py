"""Standing orders: the list with their next truck dates and the prebooks already made, a new one
for a customer, and each one's page where it is paused, resumed or ended (`orders.standing`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render

from stemlink.errors import FieldError, StemlinkError, ValidationFailed
from stemlink.orders import standing
from stemlink.orders.models import Prebook, StandingOrder, StandingOrderStatus
from stemlink.orders.rules import StandingAction
from stemlink.tenancy import calendar
from stemlink.tenancy.rules import Perm
from stemlink.web.access import CompanyRequest, company_page
from stemlink.web.channels import BACK_OFFICE, MARKETPLACE_API
from stemlink.web.errors import add_error_to_form
from stemlink.web.order_forms import STANDING_FIELDS, StandingOrderForm

STATUS_FILTERS = {
    "": None,
    "active": StandingOrderStatus.ACTIVE,
    "paused": StandingOrderStatus.PAUSED,
    "ended": StandingOrderStatus.CANCELLED,
}
STATUS_WORDS = {
    StandingOrderStatus.ACTIVE: "Active",
    StandingOrderStatus.PAUSED: "Paused",
    StandingOrderStatus.CANCELLED: "Ended",
}
DONE_WORDS = {
    StandingAction.PAUSE: "paused: it makes no prebooks until it is resumed",
    StandingAction.RESUME: "resumed: its next truck dates get their prebooks again",
    StandingAction.END: "ended: it makes no more prebooks",
}


def channel_of(order: StandingOrder) -> str:
    """Who made it: a marketplace (through the API, with a token) or the back office."""
    return MARKETPLACE_API if order.created_by_token_id is not None or order.is_ecommerce else BACK_OFFICE


def _decorate(order: StandingOrder, today: Any) -> StandingOrder:
    order.channel = channel_of(order)  # type: ignore[attr-defined]
    order.status_word = STATUS_WORDS.get(StandingOrderStatus(order.status), "")  # type: ignore[attr-defined]
    order.next_dates = standing.next_truck_dates(order, today)  # type: ignore[attr-defined]
    days = "Every day" if order.recurrence == "daily" else ", ".join(order.days.split(","))
    order.days_text = days  # type: ignore[attr-defined]
    return order


@company_page(Perm.ORDERS_VIEW)
def standing_list(request: CompanyRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in STATUS_FILTERS else ""
    text = request.GET.get("q", "").strip()[:100]
    rows = (
        StandingOrder.objects.filter(company=request.company)
        .select_related("customer", "carrier", "ship_to")
        .annotate(made=Count("prebooks"))
        .order_by("-id")
    )
    wanted = STATUS_FILTERS[status]
    if wanted is not None:
        rows = rows.filter(status=wanted)
    if text:
        rows = rows.filter(customer__name__icontains=text)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    today = calendar.today(request.company)
    for order in page:
        _decorate(order, today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/orders/standing_list.html",
        {"page": page, "query": query.urlencode(), "status": status, "q": text, "section": "orders"},
    )


@company_page(Perm.ORDERS_SELL)
def standing_new(request: CompanyRequest) -> HttpResponse:
    form = StandingOrderForm(
        request.company, request.POST or None, initial={"start_date": calendar.today(request.company)}
    )
    if request.method == "POST" and form.is_valid():
        order = _create(request, form)
        if order is not None:
            messages.success(request, f"Standing order {order.number} created.")
            return redirect("web:standing", standing_id=order.pk)
    return render(
        request,
        "web/orders/standing_new.html",
        {"form": form, "section": "orders"},
        status=400 if form.is_bound and form.errors else 200,
    )


def _create(request: CompanyRequest, form: StandingOrderForm) -> StandingOrder | None:
    data = form.cleaned_data
    customer, carrier = data["customer"], data["carrier"]
    lines = form.line_values()
    requests = []
    for n, product, box_type, boxes, price in lines:
        if price is None:
            price = standing.price_now(request.company, customer, product, box_type)
            if price is None:
                form.add_error(f"price_{n}", f"{product.code} has no price now in {box_type.code}; give one")
                return None
        requests.append(
            standing.StandingLineRequest(
                product_code=None,
                product_id=product.pk,
                box_type_code=box_type.code,
                boxes=boxes,
                price=price,
            )
        )
    # The service names a line's fields items[i].x; the form's lines are product_n, box_type_n, ...
    names = dict(STANDING_FIELDS)
    line_fields = {
        "productCode": "product",
        "boxTypeCode": "box_type",
        "boxes": "boxes",
        "price": "price",
        "unitType": "product",
        "bunches": "product",
    }
    for index, (n, *_rest) in enumerate(lines):
        for key, field in line_fields.items():
            names[f"items[{index}].{key}"] = f"{field}_{n}"
    try:
        return standing.create_standing_order(
            request.company,
            customer=customer,
            carrier=carrier,
            days=",".join(data["days"]),
            start_date=data["start_date"],
            end_date=data.get("end_date"),
            ship_to=data.get("ship_to"),
            location=data.get("location"),
            items=requests,
            customer_po=data.get("customer_po") or "",
            comments=data.get("comments") or "",
        )
    except StemlinkError as exc:
        add_error_to_form(form, exc, names)
        return None


@company_page(Perm.ORDERS_VIEW, change=Perm.ORDERS_SELL)
def standing_detail(request: CompanyRequest, standing_id: int) -> HttpResponse:
    order = standing.find_standing_order(request.company, standing_id)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action not in set(StandingAction):
                raise ValidationFailed(FieldError("action", "choose pause, resume or end"))
            changed = standing.change_standing_order(request.company, order.pk, action)
        except StemlinkError as exc:
            messages.error(
                request,
                exc.message if not isinstance(exc, ValidationFailed) else "Choose pause, resume or end.",
            )
        else:
            messages.success(
                request, f"Standing order {changed.number} {DONE_WORDS[StandingAction(action)]}."
            )
        return redirect("web:standing", standing_id=order.pk)
    order = (
        StandingOrder.objects.filter(company=request.company, pk=order.pk)
        .select_related("customer", "carrier", "ship_to", "location")
        .prefetch_related("items__product", "items__box_type")
        .get()
    )
    _decorate(order, calendar.today(request.company))
    prebooks = Prebook.objects.filter(company=request.company, standing_order=order).order_by("-truck_date")[
        :50
    ]
    return render(
        request,
        "web/orders/standing.html",
        {"order": order, "prebooks": prebooks, "section": "orders", "statuses": StandingOrderStatus},
    )
