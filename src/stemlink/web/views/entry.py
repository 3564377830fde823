"""Order entry: a sales rep takes an order (a new invoice, or a prebook) and the lines of Draft and
Pending invoices are edited, all through the services the API uses (`orders.entry`,
`orders.invoices`). Boxes picked are held while the rep types and go back if the entry is left."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from stemlink.customers.models import ShipTo
from stemlink.errors import FieldError, NotFound, RoleRefused, StemlinkError, ValidationFailed
from stemlink.orders import entry as entries
from stemlink.orders.invoices import (
    InvoiceLineRequest,
    add_invoice_item,
    checkout_invoice,
    delete_invoice_item,
    update_invoice_item,
)
from stemlink.orders.models import (
    Invoice,
    InvoiceStatus,
    Origin,
    Prebook,
    WebOrder,
    WebOrderItem,
    WebOrderStatus,
)
from stemlink.orders.prebooks import delete_prebook, delete_prebook_item
from stemlink.tenancy import calendar
from stemlink.tenancy.rules import Perm
from stemlink.web.access import CompanyRequest, company_page, require
from stemlink.web.errors import add_error_to_form
from stemlink.web.order_forms import ENTRY_FIELDS, AddLineForm, EditLineForm, EntryStartForm, FinishForm
from stemlink.web.parsing import parse_id

FINISH_WORDS = {
    "draft": "saved as a draft",
    "checkout": "checked out: it waits for confirmation",
    "confirm": "confirmed",
}


def _problem(exc: StemlinkError, names: dict[str, str] | None = None) -> str:
    """A service's refusal as one sentence naming the field, for a message at the top of the page."""
    if isinstance(exc, ValidationFailed) and exc.errors:
        rename = names or {}
        return " ".join(
            f"{rename.get(e.field, e.field).replace('_', ' ').capitalize()}: {e.message}."
            if e.field
            else e.message
            for e in exc.errors
        )
    return exc.message


def _form_problem(form: Any) -> str:
    return " ".join(
        f"{form.fields[name].label if name in form.fields else name}: {' '.join(errs)}"
        for name, errs in form.errors.items()
    )


# --------------------------------------------------------------------------------------------
# A new order
# --------------------------------------------------------------------------------------------


@company_page(Perm.ORDERS_SELL)
def entry_new(request: CompanyRequest) -> HttpResponse:
    initial: dict[str, Any] = {"ship_date": calendar.today(request.company)}
    wanted = parse_id(request.GET.get("customer", ""))
    if wanted is not None:
        initial["customer"] = wanted
    form = EntryStartForm(request.company, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        location = data.get("location")
        try:
            entry = entries.start_entry(
                request.company,
                customer_id=data["customer"].pk,
                ship_to_id=data["ship_to"].pk if data["ship_to"] else None,
                carrier_id=data["carrier"].pk,
                ship_date=data["ship_date"],
                origin=Origin.FUTURE if data["kind"] == "prebook" else Origin.ON_HAND,
                location_id=location.pk if location else None,
                user=request.user,
            )
        except StemlinkError as exc:
            add_error_to_form(form, exc, ENTRY_FIELDS)
        else:
            return redirect("web:entry", entry_id=entry.pk)
    open_entries = (
        WebOrder.objects.filter(company=request.company, rep_entered=True, status=WebOrderStatus.PENDING)
        .select_related("customer", "created_by")
        .order_by("-id")[:20]
    )
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "web/orders/entry_new.html",
        {"form": form, "open_entries": open_entries, "now": timezone.now(), "section": "orders"},
        status=status,
    )


@company_page(Perm.ORDERS_SELL)
def entry_ship_tos(request: CompanyRequest) -> HttpResponse:
    """The ship-to options of the customer chosen (htmx swaps them into the form)."""
    customer_id = parse_id(request.GET.get("customer", ""))
    ship_tos = ShipTo.objects.filter(
        company=request.company, customer_id=customer_id or 0, customer__company=request.company, active=True
    ).order_by("name", "id")
    return render(request, "web/orders/_ship_to_options.html", {"ship_tos": ship_tos})


# --------------------------------------------------------------------------------------------
# The entry: search, add and remove lines, finish or discard
# --------------------------------------------------------------------------------------------


def _entry_page(request: CompanyRequest, entry: WebOrder, *, status: int = 200) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:100]
    items = list(
        WebOrderItem.objects.filter(web_order=entry, company=request.company)
        .select_related("product", "box_type")
        .order_by("id")
    )
    is_open = entry.status == WebOrderStatus.PENDING and entry.expires_at > timezone.now()
    return render(
        request,
        "web/orders/entry.html",
        {
            "entry": entry,
            "items": items,
            "total": sum((i.total for i in items), start=0),
            "is_open": is_open,
            "is_prebook": entry.origin == Origin.FUTURE,
            "offers": entries.entry_offers(request.company, entry, text) if is_open else [],
            "q": text,
            "search_url": reverse("web:entry_search", args=[entry.pk]),
            "add_url": reverse("web:entry", args=[entry.pk]),
            "finish_form": FinishForm(),
            "invoices": Invoice.objects.filter(company=request.company, web_order=entry).order_by("id"),
            "prebooks": entry.prebooks.filter(company=request.company).order_by("id"),
            "section": "orders",
        },
        status=status,
    )


@company_page(Perm.ORDERS_SELL)
def entry_detail(request: CompanyRequest, entry_id: int) -> HttpResponse:
    entry = entries.entry_for(request.company, entry_id)
    if request.method != "POST":
        return _entry_page(request, entry)
    action = request.POST.get("action", "")
    here = redirect("web:entry", entry_id=entry.pk)
    try:
        if action == "add":
            form = AddLineForm(request.POST)
            if not form.is_valid():
                messages.error(request, f"Nothing was added. {_form_problem(form)}")
                return here
            item = entries.add_entry_line(
                request.company, entry.pk, line_id=form.cleaned_data["line"], boxes=form.cleaned_data["boxes"]
            )
            messages.success(
                request, f"{form.cleaned_data['boxes']} box(es) held: {item.boxes} on this line now."
            )
        elif action == "remove":
            item_id = parse_id(request.POST.get("item", ""))
            if item_id is None:
                raise ValidationFailed(FieldError("item", "name the line to remove"))
            entries.remove_entry_line(request.company, entry.pk, item_id)
            messages.success(request, "Line removed; its boxes are back in stock.")
        elif action in FINISH_WORDS:
            if action == "confirm":
                require(request, Perm.ORDERS_CONFIRM)
            finish = FinishForm(request.POST)
            if not finish.is_valid():
                messages.error(request, f"Nothing was saved. {_form_problem(finish)}")
                return here
            result = entries.finish_entry(
                request.company,
                entry.pk,
                action,
                po_number=finish.cleaned_data["po_number"],
                user=request.user,
            )
            for invoice in result.invoices:
                messages.success(
                    request, f"Invoice {invoice.display_number} {FINISH_WORDS[action]}. No marketplace fee."
                )
                return redirect("web:invoice", invoice_id=invoice.pk)
            for prebook in result.prebooks:
                messages.success(request, f"Prebook {prebook.number} saved. No marketplace fee.")
                return redirect("web:prebook", prebook_id=prebook.pk)
        elif action == "discard":
            entries.discard_entry(request.company, entry.pk)
            messages.success(request, "Order discarded; its boxes are back in stock.")
            return redirect("web:entry_new")
        else:
            messages.error(request, "Choose what to do: add a line, remove one, save, check out or confirm.")
            return _entry_page(request, entries.entry_for(request.company, entry.pk), status=400)
    except NotFound as exc:
        if exc.message.startswith("There is no order entry"):
            raise
        messages.error(request, exc.message)
    except RoleRefused:
        raise
    except StemlinkError as exc:
        messages.error(request, _problem(exc))
    return here


@company_page(Perm.ORDERS_SELL)
def entry_search(request: CompanyRequest, entry_id: int) -> HttpResponse:
    """The lines matching what the rep typed (htmx swaps them in as they type)."""
    entry = entries.entry_for(request.company, entry_id)
    text = request.GET.get("q", "").strip()[:100]
    open_ = entry.status == WebOrderStatus.PENDING
    return render(
        request,
        "web/orders/_offers.html",
        {
            "offers": entries.entry_offers(request.company, entry, text) if open_ else [],
            "add_url": reverse("web:entry", args=[entry.pk]),
            "q": text,
        },
    )


# --------------------------------------------------------------------------------------------
# A Draft or Pending invoice: its lines, check out
# --------------------------------------------------------------------------------------------


def _editable(request: CompanyRequest, invoice_id: int) -> Invoice:
    invoice = (
        Invoice.objects.filter(company=request.company, pk=invoice_id).select_related("customer").first()
    )
    if invoice is None:
        raise NotFound(f"There is no invoice {invoice_id}.")
    return invoice


@company_page(Perm.ORDERS_SELL)
def invoice_search(request: CompanyRequest, invoice_id: int) -> HttpResponse:
    invoice = _editable(request, invoice_id)
    text = request.GET.get("q", "").strip()[:100]
    editable = invoice.status in (InvoiceStatus.DRAFT, InvoiceStatus.PENDING)
    found = (
        entries.offers(
            request.company,
            invoice.customer,
            origin=Origin.ON_HAND,
            location_id=invoice.location_id,
            text=text,
        )
        if editable
        else []
    )
    return render(
        request,
        "web/orders/_offers.html",
        {"offers": found, "add_url": reverse("web:invoice_lines", args=[invoice.pk]), "q": text},
    )


@require_POST
@company_page(Perm.ORDERS_SELL)
def invoice_lines(request: CompanyRequest, invoice_id: int) -> HttpResponse:
    """Add, change or remove a line of a Draft or Pending invoice (invoice.item.add/update/delete)."""
    invoice = _editable(request, invoice_id)
    action = request.POST.get("action", "")
    try:
        if action == "add":
            form: Any = AddLineForm(request.POST)
            if not form.is_valid():
                messages.error(request, f"Nothing was added. {_form_problem(form)}")
            else:
                line = entries.sellable_line(
                    request.company, invoice.customer, invoice.location_id, form.cleaned_data["line"]
                )
                add_invoice_item(
                    request.company,
                    invoice.pk,
                    InvoiceLineRequest(
                        boxes=form.cleaned_data["boxes"],
                        price=entries.customer_price(request.company, invoice.customer, line),
                        order_item_id=line.pk,
                    ),
                )
                messages.success(request, "Line added.")
        elif action == "update":
            form = EditLineForm(request.POST)
            if not form.is_valid():
                messages.error(request, f"Nothing was changed. {_form_problem(form)}")
            else:
                update_invoice_item(
                    request.company,
                    invoice.pk,
                    form.cleaned_data["item"],
                    price=form.cleaned_data["price"],
                    boxes=form.cleaned_data["boxes"],
                )
                messages.success(request, "Line changed.")
        elif action == "delete":
            item_id = parse_id(request.POST.get("item", ""))
            if item_id is None:
                raise ValidationFailed(FieldError("item", "name the line to remove"))
            delete_invoice_item(request.company, invoice.pk, item_id)
            messages.success(request, "Line removed; its boxes are back in stock.")
        else:
            messages.error(request, "Choose what to do with the line: add, update or delete.")
    except StemlinkError as exc:
        messages.error(request, _problem(exc, {"price": "unit price"}))
    return redirect("web:invoice", invoice_id=invoice.pk)


@require_POST
@company_page(Perm.ORDERS_SELL)
def invoice_checkout(request: CompanyRequest, invoice_id: int) -> HttpResponse:
    """Draft → Pending Approval (invoice.checkout)."""
    invoice = _editable(request, invoice_id)
    try:
        checkout_invoice(request.company, invoice.number, invoice.location_id)
    except StemlinkError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Invoice {invoice.display_number} checked out: it waits for confirmation.")
    return redirect("web:invoice", invoice_id=invoice.pk)


@require_POST
@company_page(Perm.ORDERS_SELL)
def prebook_change(request: CompanyRequest, prebook_id: int) -> HttpResponse:
    """Remove a line of an open prebook, or cancel it (prebook.item.delete, prebook.delete)."""
    prebook = Prebook.objects.filter(company=request.company, pk=prebook_id).first()
    if prebook is None:
        raise NotFound(f"There is no prebook {prebook_id}.")
    action = request.POST.get("action", "")
    try:
        if action == "remove":
            item_id = parse_id(request.POST.get("item", ""))
            if item_id is None:
                raise ValidationFailed(FieldError("item", "name the line to remove"))
            delete_prebook_item(request.company, prebook.pk, item_id)
            messages.success(request, "Line removed; its future boxes are back on sale.")
        elif action == "cancel":
            delete_prebook(request.company, prebook.pk)
            messages.success(
                request, f"Prebook {prebook.number} cancelled; its future boxes are back on sale."
            )
        else:
            messages.error(request, "Choose what to do: remove a line or cancel the prebook.")
    except StemlinkError as exc:
        messages.error(request, _problem(exc))
    return redirect("web:prebook", prebook_id=prebook.pk)
