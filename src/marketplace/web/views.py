"""The florist's pages: offers, sign-up and sign-in, cart, checkout, orders, standing orders."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from marketplace.shop import services
from marketplace.shop.models import CartLine, CheckoutAttempt, Florist, StandingOrder, SupplierOrder
from marketplace.shop.rules import line_total
from marketplace.suppliers import client as api
from marketplace.suppliers.models import Supplier
from marketplace.suppliers.operators import first_run_done
from marketplace.sync.models import Offer
from marketplace.web.forms import (
    CartLineForm,
    CheckoutForm,
    OfferFilterForm,
    SignInForm,
    SignUpForm,
    StandingOrderForm,
)


def _florist(request: HttpRequest) -> Florist:
    florist = getattr(request.user, "florist", None)
    if florist is None:
        raise Http404("Only florist accounts have a cart and orders.")
    return florist


def _apply_errors(form: Any, errors: dict[str, str]) -> None:
    for field_name, message in errors.items():
        form.add_error(
            None if field_name == "__all__" or field_name not in form.fields else field_name, message
        )


# Offers ----------------------------------------------------------------------------------------
def _offers(form: OfferFilterForm) -> QuerySet[Offer]:
    offers = Offer.objects.filter(supplier__active=True, boxes_available__gt=0).select_related("supplier")
    if not form.is_valid():
        return offers
    data = form.cleaned_data
    if data.get("q"):
        for word in data["q"].split():
            offers = offers.filter(
                Q(product_description__icontains=word)
                | Q(variety__icontains=word)
                | Q(color__icontains=word)
                | Q(category__icontains=word)
                | Q(grade__icontains=word)
                | Q(product_code__iexact=word)
            )
    if data.get("category"):
        offers = offers.filter(category=data["category"])
    if data.get("color"):
        offers = offers.filter(color=data["color"])
    if data.get("supplier"):
        offers = offers.filter(supplier_id=int(data["supplier"]))
    if data.get("origin"):
        offers = offers.filter(inventory_origin=int(data["origin"]))
    if data.get("ship_date"):
        day: dt.date = data["ship_date"]
        offers = offers.filter(Q(available_from__isnull=True) | Q(available_from__lte=day)).filter(
            Q(available_to__isnull=True) | Q(available_to__gte=day)
        )
    return offers


def offer_list(request: HttpRequest) -> HttpResponse:
    live = Offer.objects.filter(supplier__active=True, boxes_available__gt=0)
    form = OfferFilterForm(
        request.GET or None,
        categories=sorted({c for c in live.values_list("category", flat=True).distinct() if c}),
        colors=sorted({c for c in live.values_list("color", flat=True).distinct() if c}),
        suppliers=list(Supplier.objects.filter(active=True)),
    )
    offers = _offers(form)
    page = Paginator(offers, 40).get_page(request.GET.get("page"))
    rows = [{"offer": o, "ship_dates": services.ship_dates_for(o)} for o in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "marketplace/offers.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "now": timezone.now(),
            "needs_operator": not first_run_done(),
        },
    )


def offer_detail(request: HttpRequest, offer_id: int) -> HttpResponse:
    """One offer with its add-to-cart form; a refused add comes back here with the reasons."""
    offer = get_object_or_404(Offer.objects.select_related("supplier"), pk=offer_id, supplier__active=True)
    dates = services.ship_dates_for(offer)
    form = CartLineForm(request.POST or None, initial={"boxes": 1, "ship_date": dates[0] if dates else None})
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('signin')}?next={reverse('offer', args=[offer.pk])}")
        florist = _florist(request)
        if form.is_valid():
            try:
                services.add_to_cart(
                    florist, offer, form.cleaned_data["boxes"], form.cleaned_data["ship_date"]
                )
            except services.FormErrors as exc:
                _apply_errors(form, exc.errors)
            else:
                messages.success(
                    request, f"{form.cleaned_data['boxes']} × {offer.product_description} added to your cart."
                )
                return redirect("cart")
    chosen = str(form["ship_date"].value() or "")[:10]
    return render(
        request,
        "marketplace/offer.html",
        {"offer": offer, "form": form, "ship_dates": dates, "chosen_date": chosen},
    )


# Accounts --------------------------------------------------------------------------------------
def sign_up(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            florist = services.sign_up_florist(**form.cleaned_data)
        except services.FormErrors as exc:
            _apply_errors(form, exc.errors)
        else:
            login(request, florist.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome, {florist.shop_name}!")
            return redirect("offers")
    return render(request, "marketplace/signup.html", {"form": form})


def client_ip(request: HttpRequest) -> str:
    """The address sign-in attempts are counted against (the peer's)."""
    return str(request.META.get("REMOTE_ADDR") or "")


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """What a locked-out sign-in sees: the sign-in page with the reason, answered 429."""
    form = SignInForm(request.POST)
    form.is_valid()  # bound, so the reason can be added beside what was typed
    minutes = f"{settings.SIGNIN_COOLOFF_MINUTES:g}"
    form.add_error(
        None,
        f"Too many wrong passwords for this account or from this address: sign-in is locked for {minutes} "
        "minutes. Try again later.",
    )
    return render(request, "marketplace/signin.html", {"form": form, "next": ""}, status=429)


def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["email"].strip()
        password = form.cleaned_data["password"]
        # Florists sign in by e-mail (stored lower-case), operators by user name as typed; each
        # attempt counts once against the throttle (django-axes).
        user = authenticate(request, username=name.lower(), password=password)
        if user is None and name != name.lower() and not getattr(request, "axes_locked_out", False):
            user = authenticate(request, username=name, password=password)
        if getattr(request, "axes_locked_out", False):
            return lockout_response(request)
        if user is None:
            form.add_error(None, "That e-mail and password do not match an account.")
        else:
            login(request, user)
            if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
                return HttpResponseRedirect(next_url)
            return redirect(
                "operator_suppliers" if user.is_staff and not hasattr(user, "florist") else "offers"
            )
    return render(request, "marketplace/signin.html", {"form": form, "next": next_url})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("offers")


# Cart ------------------------------------------------------------------------------------------
def _cart_context(florist: Florist, forms_by_line: dict[int, CartLineForm] | None = None) -> dict[str, Any]:
    problems = services.cart_problems(florist)
    groups: OrderedDict[Supplier, list[dict[str, Any]]] = OrderedDict()
    total = Decimal(0)
    for line in CartLine.objects.filter(florist=florist).select_related(
        "supplier", "offer", "checkout_order"
    ):
        form = (forms_by_line or {}).get(line.pk) or CartLineForm(
            initial={"boxes": line.boxes, "ship_date": line.ship_date}, prefix=f"line{line.pk}"
        )
        amount = line_total(line.price_per_unit, line.units_per_box, line.boxes)
        total += amount
        groups.setdefault(line.supplier, []).append(
            {
                "line": line,
                "form": form,
                "problems": problems.get(line.pk, {}),
                "amount": amount,
                "ship_dates": services.ship_dates_for(line.offer) if line.offer else [],
            }
        )
    free = any(not row["line"].checkout_order_id for rows in groups.values() for row in rows)
    return {
        "groups": groups,
        "total": total,
        "has_problems": bool(problems),
        "can_check_out": free and not problems,
        "checkout_form": CheckoutForm(),
    }


@login_required
def cart(request: HttpRequest) -> HttpResponse:
    return render(request, "marketplace/cart.html", _cart_context(_florist(request)))


@login_required
@require_POST
def cart_update(request: HttpRequest, line_id: int) -> HttpResponse:
    florist = _florist(request)
    line = get_object_or_404(CartLine, pk=line_id, florist=florist)
    form = CartLineForm(request.POST, prefix=f"line{line.pk}")
    if form.is_valid():
        try:
            services.update_cart_line(line, form.cleaned_data["boxes"], form.cleaned_data["ship_date"])
        except services.FormErrors as exc:
            _apply_errors(form, exc.errors)
        else:
            messages.success(request, f"{line.product_description} updated.")
            return redirect("cart")
    return render(request, "marketplace/cart.html", _cart_context(florist, {line.pk: form}), status=400)


@login_required
@require_POST
def cart_remove(request: HttpRequest, line_id: int) -> HttpResponse:
    line = get_object_or_404(CartLine, pk=line_id, florist=_florist(request))
    try:
        services.remove_cart_line(line)
    except services.FormErrors as exc:
        messages.error(request, exc.errors["__all__"])
    else:
        messages.success(request, f"{line.product_description} removed from your cart.")
    return redirect("cart")


# Checkout --------------------------------------------------------------------------------------
@login_required
@require_POST
def checkout(request: HttpRequest) -> HttpResponse:
    florist = _florist(request)
    form = CheckoutForm(request.POST)
    po = form.cleaned_data["customer_po"] if form.is_valid() else ""
    try:
        attempt = services.start_checkout(florist, po)
    except services.CheckoutInProgress as exc:
        messages.warning(request, "Your cart is already being ordered: here is that order.")
        return redirect("checkout_result", attempt_id=exc.attempt.pk)
    except services.FormErrors as exc:
        context = _cart_context(florist)
        context["checkout_error"] = exc.errors.get("__all__", str(exc))
        return render(request, "marketplace/cart.html", context, status=400)
    # The attempt is saved before any call: if this request dies, the result page offers a retry
    # that repeats the same Idempotency-Keys.
    services.send_attempt(attempt)
    return redirect("checkout_result", attempt_id=attempt.pk)


@login_required
def checkout_result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = get_object_or_404(CheckoutAttempt, pk=attempt_id, florist=_florist(request))
    orders = list(attempt.supplier_orders.select_related("supplier").prefetch_related("lines").order_by("id"))
    unfinished = any(
        o.state in (SupplierOrder.State.PENDING, SupplierOrder.State.INTERRUPTED) for o in orders
    )
    return render(
        request,
        "marketplace/checkout_result.html",
        {"attempt": attempt, "orders": orders, "has_unfinished": unfinished},
    )


@login_required
@require_POST
def checkout_retry(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = get_object_or_404(CheckoutAttempt, pk=attempt_id, florist=_florist(request))
    services.send_attempt(attempt)
    return redirect("checkout_result", attempt_id=attempt.pk)


# Orders ----------------------------------------------------------------------------------------
@login_required
def orders(request: HttpRequest) -> HttpResponse:
    florist = _florist(request)
    for problem in services.refresh_order_statuses(florist):
        messages.warning(request, problem)
    placed = (
        SupplierOrder.objects.filter(florist=florist)
        .exclude(state=SupplierOrder.State.PENDING)
        .select_related("supplier", "attempt")
        .prefetch_related("lines")
    )
    return render(request, "marketplace/orders.html", {"orders": placed})


@login_required
def invoice_pdf(request: HttpRequest, order_id: int) -> HttpResponse:
    order = get_object_or_404(SupplierOrder, pk=order_id, florist=_florist(request), invoice_id__isnull=False)
    try:
        pdf = services.invoice_pdf(order)
    except api.ApiError as exc:
        messages.error(request, f"The invoice could not be fetched from {order.supplier.name}: {exc.message}")
        return redirect("orders")
    response = HttpResponse(pdf.content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.filename}"'
    return response


# Standing orders -------------------------------------------------------------------------------
@login_required
def standing_orders(request: HttpRequest) -> HttpResponse:
    florist = _florist(request)
    return render(
        request,
        "marketplace/standing_orders.html",
        {"standing_orders": StandingOrder.objects.filter(florist=florist).select_related("supplier")},
    )


@login_required
def standing_order_new(request: HttpRequest, offer_id: int) -> HttpResponse:
    florist = _florist(request)
    offer = get_object_or_404(Offer.objects.select_related("supplier"), pk=offer_id, supplier__active=True)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    form = StandingOrderForm(request.POST or None, initial={"boxes": 1, "start_date": tomorrow})
    if request.method == "POST" and form.is_valid():
        try:
            standing = services.create_standing_order(
                florist,
                offer,
                boxes=form.cleaned_data["boxes"],
                days=list(form.cleaned_data["days"]),
                start_date=form.cleaned_data["start_date"],
                end_date=form.cleaned_data["end_date"],
            )
        except services.FormErrors as exc:
            _apply_errors(form, exc.errors)
        else:
            if standing.standing_order_id:
                messages.success(
                    request, f"Standing order {standing.standing_order_id} created at {offer.supplier.name}."
                )
            else:
                messages.warning(request, standing.message)
            return redirect("standing_orders")
    return render(request, "marketplace/standing_order_new.html", {"offer": offer, "form": form})


@login_required
@require_POST
def standing_order_retry(request: HttpRequest, standing_id: int) -> HttpResponse:
    standing = get_object_or_404(
        StandingOrder, pk=standing_id, florist=_florist(request), standing_order_id__isnull=True
    )
    try:
        services.send_standing_order(standing)
    except services.FormErrors as exc:
        messages.error(request, exc.errors["__all__"])
    return redirect("standing_orders")
