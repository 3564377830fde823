"""Read side of orders: web orders with their items and fee, invoices and prebooks by filter, invoices
waiting for confirmation."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from stemlink.customers.models import Customer
from stemlink.orders import rules
from stemlink.orders.models import (
    FeeEntry,
    Invoice,
    InvoicePrefix,
    InvoiceStatus,
    Prebook,
    WebOrder,
    WebOrderItem,
    WebOrderStatus,
)
from stemlink.orders.weborders import expire_overdue_web_orders
from stemlink.tenancy.models import Company

D = TypeVar("D", Invoice, Prebook)


@dataclass(frozen=True)
class WebOrderView:
    """A web order as a buyer sees it: its items, amounts, fee and the documents it became."""

    order: WebOrder
    items: list[WebOrderItem]
    subtotal: Decimal
    additional_charges: Decimal
    total: Decimal
    transaction_fee: Decimal
    invoice_numbers: list[str]
    prebook_numbers: list[str]


def web_orders_for(
    company: Company,
    customer: Customer,
    *,
    web_order_id: int | None = None,
    status: int | None = None,
    location_id: int | None = None,
    now: dt.datetime | None = None,
) -> list[WebOrderView]:
    """Return a customer's web orders with items and fee, expiring overdue ones first.

    Without `status`, Komet answers the orders not checked out yet (Pending); with `web_order_id`
    that order whatever its status. The fee of a checked-out order is what the ledger holds for
    its documents; of a Pending order, what checkout would charge.
    """
    expire_overdue_web_orders(now or timezone.now(), company_id=company.pk, customer_id=customer.pk)
    # A sales rep's order entry is the back office's, not the customer's cart.
    orders = WebOrder.objects.filter(company=company, customer=customer, rep_entered=False).order_by("id")
    if web_order_id is not None:
        orders = orders.filter(id=web_order_id)
    if status is not None:
        orders = orders.filter(status=status)
    elif web_order_id is None:
        orders = orders.filter(status=WebOrderStatus.PENDING)
    if location_id is not None:
        orders = orders.filter(location_id=location_id)
    found = list(orders[:500])
    if not found:
        return []
    ids = [order.pk for order in found]
    items_by_order: dict[int, list[WebOrderItem]] = defaultdict(list)
    for item in WebOrderItem.objects.filter(web_order_id__in=ids).select_related("product", "box_type"):
        items_by_order[item.web_order_id].append(item)
    invoices: dict[int, list[str]] = defaultdict(list)
    for invoice in Invoice.objects.filter(company=company, web_order_id__in=ids).order_by("id"):
        invoices[int(invoice.web_order_id)].append(invoice.display_number)  # type: ignore[arg-type]
    prebooks: dict[int, list[str]] = defaultdict(list)
    for web_order_id_, number in (
        Prebook.objects.filter(company=company, web_order_id__in=ids)
        .order_by("id")
        .values_list("web_order_id", "number")
    ):
        prebooks[int(web_order_id_)].append(str(number))
    fees: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for row in (
        FeeEntry.objects.filter(company=company, invoice__web_order_id__in=ids)
        .values("invoice__web_order_id")
        .annotate(total=Sum("amount"))
    ):
        fees[row["invoice__web_order_id"]] += row["total"]
    for row in (
        FeeEntry.objects.filter(company=company, prebook__web_order_id__in=ids)
        .values("prebook__web_order_id")
        .annotate(total=Sum("amount"))
    ):
        fees[row["prebook__web_order_id"]] += row["total"]
    views = []
    for order in found:
        items = items_by_order.get(order.pk, [])
        totals = rules.order_totals(item.total for item in items)
        if order.status == WebOrderStatus.CHECKED_OUT:
            fee = rules.round_money(fees[order.pk])
        else:
            fee = rules.transaction_fee(
                totals.total, company.transaction_fee_percent, exempt=customer.is_internal
            )
        views.append(
            WebOrderView(
                order=order,
                items=items,
                subtotal=totals.subtotal,
                additional_charges=totals.additional_charges,
                total=totals.total,
                transaction_fee=fee,
                invoice_numbers=invoices.get(order.pk, []),
                prebook_numbers=prebooks.get(order.pk, []),
            )
        )
    return views


@dataclass(frozen=True)
class InvoiceFilter:
    """What a list of invoices may be narrowed by; the API's `invoice.list` and the back office's
    invoice page both say it with this. Empty fields do not narrow."""

    customer: Customer | None = None
    status: int | None = None
    customer_name: str = ""
    carrier_id: int | None = None
    carrier_name: str = ""
    product: str = ""
    number: int | None = None
    invoice_id: int | None = None
    is_ecommerce: bool | None = None
    updated_since: dt.datetime | None = None
    location_id: int | None = None
    location_ids: list[int] | None = None
    # Leave out transfers between locations (T-prefixed invoices).
    exclude_transfer: bool = False
    # A person's search box: an invoice number (a W/T prefix accepted), else part of a customer's name.
    search: str = ""


def _named(company: Company, text: str) -> QuerySet[Customer]:
    """The company's customers whose name holds `text`: documents are narrowed by `customer IN` these.

    Not a join on the customer's name: with the join SQLite reads the company's documents newest
    first and looks up each one's customer until a page is full (10,000 invoices for a name that
    1 in 200 has); with the customers first it reads only theirs from (company, customer, ...).
    """
    return Customer.objects.filter(company=company, name__icontains=text)


def _shared_filters(
    company: Company,
    documents: QuerySet[D],
    flt: InvoiceFilter | PrebookFilter,
    parse_number: Callable[[str], int | None],
) -> QuerySet[D]:
    """Narrow the company's invoices or prebooks by what both lists offer: customer, status, number,
    carrier, e-commerce or not, location, changed since, part of the customer's or carrier's name,
    and a person's search box (a number as `parse_number` reads it, else part of a customer's name)."""
    exact = {
        "customer": flt.customer,
        "status": flt.status,
        "number": flt.number,
        "carrier_id": flt.carrier_id,
        "is_ecommerce": flt.is_ecommerce,
        "location_id": flt.location_id,
        "updated_on__gte": flt.updated_since,
    }
    documents = documents.filter(**{lookup: value for lookup, value in exact.items() if value is not None})
    if flt.customer_name:
        documents = documents.filter(customer__in=_named(company, flt.customer_name))
    if flt.carrier_name:
        documents = documents.filter(carrier__name__icontains=flt.carrier_name)
    text = flt.search.strip()
    if text:
        number = parse_number(text)
        documents = (
            documents.filter(number=number)
            if number is not None
            else documents.filter(customer__in=_named(company, text))
        )
    return documents


def invoices_matching(company: Company, flt: InvoiceFilter) -> QuerySet[Invoice]:
    """Return the company's invoices that match `flt` (unordered: each list orders them its own way)."""
    # A number in the search box may carry the W/T prefix invoices are shown with.
    invoices = _shared_filters(
        company, Invoice.objects.filter(company=company), flt, rules.parse_invoice_number
    )
    if flt.product:
        invoices = invoices.filter(
            Q(items__product__description__icontains=flt.product)
            | Q(items__product__code__iexact=flt.product)
        ).distinct()
    if flt.invoice_id is not None:
        invoices = invoices.filter(pk=flt.invoice_id)
    if flt.location_ids is not None:
        invoices = invoices.filter(location_id__in=flt.location_ids)
    if flt.exclude_transfer:
        invoices = invoices.exclude(prefix=InvoicePrefix.TRANSFER)
    return invoices


@dataclass(frozen=True)
class PrebookFilter:
    """What a list of prebooks may be narrowed by; the API's `prebook.list` and `prebook.details.list`
    and the back office's prebook page all say it with this. Empty fields do not narrow."""

    status: int | None = None
    customer: Customer | None = None
    number: int | None = None
    customer_name: str = ""
    carrier_id: int | None = None
    carrier_name: str = ""
    customer_po: str = ""
    is_ecommerce: bool | None = None
    checkout_status: int | None = None
    location_id: int | None = None
    updated_since: dt.datetime | None = None
    # Prebooks of the customers this sales person serves.
    sales_person_id: int | None = None
    # Prebooks made by the standing order of this number.
    standing_order_number: int | None = None
    # Stemlink has no brands: a brand names no prebook, so asking for one answers none (as Komet
    # answers a company without brands).
    brand_id: int | None = None
    truck_date_from: dt.date | None = None
    truck_date_to: dt.date | None = None
    # A person's search box: a prebook number, else part of a customer's name.
    search: str = ""


def _prebook_number(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def prebooks_matching(company: Company, flt: PrebookFilter) -> QuerySet[Prebook]:
    """Return the company's prebooks that match `flt` (unordered: each list orders them its own way)."""
    prebooks = _shared_filters(company, Prebook.objects.filter(company=company), flt, _prebook_number)
    if flt.customer_po:
        prebooks = prebooks.filter(customer_po__iexact=flt.customer_po)
    if flt.checkout_status is not None:
        prebooks = prebooks.filter(checkout_status=flt.checkout_status)
    if flt.sales_person_id is not None:
        prebooks = prebooks.filter(customer__sales_rep_id=flt.sales_person_id)
    if flt.standing_order_number is not None:
        prebooks = prebooks.filter(standing_order__number=flt.standing_order_number)
    if flt.brand_id is not None:
        prebooks = prebooks.none()
    if flt.truck_date_from is not None:
        prebooks = prebooks.filter(truck_date__gte=flt.truck_date_from)
    if flt.truck_date_to is not None:
        prebooks = prebooks.filter(truck_date__lte=flt.truck_date_to)
    return prebooks


def invoices_awaiting_confirmation(company: Company, *, location_id: int | None = None) -> QuerySet[Invoice]:
    """Return the company's invoices in Pending Approval, oldest ship date first (the rep's queue)."""
    invoices = Invoice.objects.filter(company=company, status=InvoiceStatus.PENDING)
    if location_id is not None:
        invoices = invoices.filter(location_id=location_id)
    return invoices.select_related("customer", "carrier").order_by("ship_date", "number")


def fee_total(
    company: Company, *, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> Decimal:
    """Return the sum of the company's fee ledger (charges less reversals) over a period."""
    entries = FeeEntry.objects.filter(company=company)
    if since is not None:
        entries = entries.filter(created_on__gte=since)
    if until is not None:
        entries = entries.filter(created_on__lt=until)
    return entries.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
