"""Order entry: a sales rep takes an order (on the phone, by e-mail) in the back office.

An entry is a web order marked `rep_entered`: the marketplace cart's machinery, not a copy of it.
Its lines hold boxes (`inventory.stock.hold_boxes`) while the rep types, its checkout timer runs
from the latest change, and an entry left alone expires like any cart (the worker's
`expire_overdue_web_orders`, or the next buyer short of those boxes) and gives its boxes back.
Finishing it sells the held boxes into an invoice (on-hand lines: saved as Draft, checked out to
Pending Approval, or confirmed) or a prebook (future lines: pending or checked out), by the same
checkout as the marketplace's; but a rep's documents carry no W prefix and no marketplace fee,
now or when their lines change later (`documents.record_fee`). The API never sees an entry
(`weborders._web_order` and `queries.web_orders_for` leave them out).

Prices come from the one pricing rule, `customers.services.unit_price_for`, at the customer's
own (not e-commerce) terms. Each public function is one transaction.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from stemlink.customers.models import Customer
from stemlink.customers.services import unit_price_for
from stemlink.errors import FieldError, InvalidState, NotFound, ValidationFailed
from stemlink.inventory import stock
from stemlink.inventory.models import FutureLine, InventoryLine, InventoryType
from stemlink.orders import resolvers, rules
from stemlink.orders.models import (
    CheckoutStatus,
    InvoiceStatus,
    Origin,
    WebOrder,
    WebOrderItem,
    WebOrderStatus,
)
from stemlink.orders.overdue import retry_after_releasing_overdue
from stemlink.orders.rules import InvoiceAction
from stemlink.orders.weborders import CheckoutResult, _check_out, _expire, _new_web_order, _release_items
from stemlink.tenancy import calendar
from stemlink.tenancy.models import Company

# On-hand lines a rep may sell: the open market and the wholesaler's local stock (as invoice.create).
SELLABLE_TYPES = (InventoryType.OPEN_MARKET, InventoryType.LOCAL)


class Finish(enum.StrEnum):
    """How a rep ends an entry."""

    DRAFT = "draft"  # an invoice in Draft (a prebook not checked out): the boxes are sold, kept
    CHECKOUT = "checkout"  # Pending Approval (a prebook checked out)
    CONFIRM = "confirm"  # Confirmed at once (a prebook checked out)


def _now(now: dt.datetime | None) -> dt.datetime:
    return now if now is not None else timezone.now()


def customer_price(company: Company, customer: Customer, line: InventoryLine | FutureLine) -> Decimal:
    """What the customer pays per unit of this line when a rep sells it: the one pricing rule."""
    return unit_price_for(
        customer,
        line_price=line.price,
        unit_cost=line.unit_cost,
        gross_margin_percent=company.gross_margin_percent,
        ecommerce=False,
    )


def start_entry(
    company: Company,
    *,
    customer_id: int | None,
    carrier_id: int | None,
    ship_date: dt.date | None,
    origin: int = Origin.ON_HAND,
    ship_to_id: int | None = None,
    location_id: int | None = None,
    user: Any = None,
    now: dt.datetime | None = None,
) -> WebOrder:
    """Open an entry for a customer: an invoice (on-hand lines) or a prebook (future lines) to be.

    Raises ValidationFailed naming the field (customerId, carrierId, shipToId, date, locationId)
    for what is missing, inactive or in the past, NotFound for a record of another company.
    """
    now = _now(now)
    errors = []
    if customer_id is None:
        errors.append(FieldError("customerId", "choose the customer"))
    if carrier_id is None:
        errors.append(FieldError("carrierId", "choose the carrier"))
    if ship_date is None:
        errors.append(FieldError("date", "give the ship date"))
    if origin not in (Origin.ON_HAND, Origin.FUTURE):
        errors.append(FieldError("inventoryOrigin", "must be an invoice (on hand) or a prebook (future)"))
    if errors:
        raise ValidationFailed(errors)
    assert ship_date is not None
    today = calendar.today(company, now)
    if ship_date < today:
        raise ValidationFailed(
            FieldError(
                "date", f"the date {ship_date.isoformat()} is in the past; use {today.isoformat()} or later"
            )
        )
    try:
        customer = resolvers.resolve_customer(company, customer_id=customer_id)
    except InvalidState as inactive:
        raise ValidationFailed(FieldError("customerId", inactive.message)) from None
    with transaction.atomic():
        carrier = resolvers.resolve_carrier(company, carrier_id=carrier_id)
        ship_to = resolvers.resolve_ship_to(customer, ship_to_id)
        location = resolvers.resolve_location(company, location_id)
        return _new_web_order(
            company,
            customer,
            location,
            carrier.pk,
            ship_to,
            ship_date,
            "",
            None,
            user,
            now,
            rep_entered=True,
            origin=origin,
        )


def entry_for(company: Company, entry_id: int, *, lock: bool = False) -> WebOrder:
    """The company's entry with this id. Raises NotFound (also for a marketplace cart's id)."""
    entries = WebOrder.objects.filter(company=company, id=entry_id, rep_entered=True)
    entry = (entries.select_for_update() if lock else entries.select_related("customer")).first()
    if entry is None:
        raise NotFound(f"There is no order entry {entry_id}.")
    return entry


def _open_entry(company: Company, entry_id: int, now: dt.datetime, doing: str) -> WebOrder:
    """Lock the entry and check it may still change; an overdue one is expired and refused."""
    entry = entry_for(company, entry_id, lock=True)
    if rules.is_overdue(entry.status, entry.expires_at, now):
        raise _Overdue(entry)
    if entry.status != WebOrderStatus.PENDING:
        raise InvalidState(_ended(entry, doing))
    return entry


def _ended(entry: WebOrder, doing: str) -> str:
    what = {
        WebOrderStatus.CHECKED_OUT: "was finished already",
        WebOrderStatus.EXPIRED: "was left too long and expired: its boxes went back to stock",
        WebOrderStatus.CANCELLED: "was discarded",
    }.get(WebOrderStatus(entry.status), "is closed")
    return f"This order entry {what}; it cannot {doing}. Start a new order."


class _Overdue(Exception):
    def __init__(self, entry: WebOrder) -> None:
        super().__init__("overdue")
        self.entry = entry


def _refuse_overdue(overdue: _Overdue, now: dt.datetime, doing: str) -> InvalidState:
    _expire(overdue.entry, now)
    return InvalidState(_ended(overdue.entry, doing))


# --------------------------------------------------------------------------------------------
# What a rep may pick from
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    """A line the rep may sell to the entry's customer, at that customer's price."""

    line: InventoryLine | FutureLine
    free: int
    unit_price: Decimal

    @property
    def box_price(self) -> Decimal:
        return rules.line_total(self.unit_price, self.line.units_per_box, 1)


def _lines_for(
    company: Company, customer_id: int, *, origin: int, location_id: int, ship_date: dt.date | None
) -> QuerySet[Any]:
    customer_lines = Q(reserved_for__isnull=True) | Q(reserved_for_id=customer_id)
    common = {
        "company": company,
        "location_id": location_id,
        "product__active": True,
        "product__category__active": True,
    }
    if origin == Origin.FUTURE:
        future = FutureLine.objects.with_free_boxes().filter(customer_lines, **common)
        if ship_date is not None:
            future = future.filter(available_from__lte=ship_date, available_to__gte=ship_date)
        return future
    return InventoryLine.objects.with_free_boxes().filter(
        customer_lines, inventory_type__in=SELLABLE_TYPES, **common
    )


def offers(
    company: Company,
    customer: Customer,
    *,
    origin: int,
    location_id: int,
    ship_date: dt.date | None = None,
    text: str = "",
    limit: int = 25,
) -> list[Offer]:
    """The lines a rep may sell this customer with boxes free that match `text` (product code,
    description, variety, color, grade, box type code), each at the customer's price.

    Future lines only where their available dates cover `ship_date`. The search of order entry
    and of a Draft or Pending invoice's "add a line".
    """
    lines = _lines_for(company, customer.pk, origin=origin, location_id=location_id, ship_date=ship_date)
    for word in text.split()[:5]:
        lines = lines.filter(
            Q(product__code__icontains=word)
            | Q(product__description__icontains=word)
            | Q(product__variety__icontains=word)
            | Q(product__color__icontains=word)
            | Q(product__grade__icontains=word)
            | Q(box_type__code__iexact=word)
        )
    found = lines.select_related("product", "box_type", "vendor").order_by("product__description", "id")
    return [Offer(line, line.free, customer_price(company, customer, line)) for line in found[:limit]]


def sellable_line(company: Company, customer: Customer, location_id: int, line_id: int) -> InventoryLine:
    """The on-hand line a rep may sell this customer (boxes free, at this location). Raises NotFound."""
    line = (
        _lines_for(company, customer.pk, origin=Origin.ON_HAND, location_id=location_id, ship_date=None)
        .filter(pk=line_id)
        .first()
    )
    if line is None:
        raise NotFound(
            f"There is no on-hand line {line_id} with boxes free for {customer.name}; search again."
        )
    return line


def entry_offers(company: Company, entry: WebOrder, text: str = "") -> list[Offer]:
    """`offers` for an entry's customer, kind, location and date."""
    return offers(
        company,
        entry.customer,
        origin=int(entry.origin or Origin.ON_HAND),
        location_id=entry.location_id,
        ship_date=entry.ship_date,
        text=text,
    )


# --------------------------------------------------------------------------------------------
# Lines: add, remove
# --------------------------------------------------------------------------------------------


def add_entry_line(
    company: Company, entry_id: int, *, line_id: int | None, boxes: int | None, now: dt.datetime | None = None
) -> WebOrderItem:
    """Hold `boxes` of a line for the entry at the customer's price (more boxes of a line already
    on it are added to that line); the entry's timer starts again.

    Raises ValidationFailed (boxes, lineId), NotFound for a line the customer may not buy here,
    NotAvailable with the boxes left, InvalidState for a finished, discarded or expired entry.
    """
    now = _now(now)
    if line_id is None:
        raise ValidationFailed(FieldError("lineId", "pick a line from the search"))
    if boxes is None:
        raise ValidationFailed(FieldError("boxes", "give the boxes, a whole number of at least 1"))
    if problem := rules.boxes_error(boxes):
        raise ValidationFailed(FieldError("boxes", problem))
    try:
        with transaction.atomic():
            entry = _open_entry(company, entry_id, now, "take more lines")
            customer = Customer.objects.get(pk=entry.customer_id)
            entry.customer = customer
            origin = int(entry.origin or Origin.ON_HAND)
            line = (
                _lines_for(
                    company,
                    customer.pk,
                    origin=origin,
                    location_id=entry.location_id,
                    ship_date=entry.ship_date,
                )
                .filter(pk=line_id)
                .first()
            )
            if line is None:
                kind = "future" if entry.origin == Origin.FUTURE else "on-hand"
                raise NotFound(
                    f"There is no {kind} line {line_id} with boxes free for {customer.name} at this "
                    "location and date; search again."
                )
            retry_after_releasing_overdue(
                origin,
                [line.pk],
                company.pk,
                lambda: stock.hold_boxes(origin, line.pk, boxes, company_id=company.pk),
                now=now,
                keep_order_id=entry.pk,
            )
            line_field = "inventory_line" if origin == Origin.ON_HAND else "future_line"
            item = WebOrderItem.objects.filter(web_order=entry, holding=True, **{line_field: line}).first()
            price = customer_price(company, customer, line)
            if item is not None:
                item.boxes += boxes
                item.unit_price = price
                item.total = rules.line_total(price, item.units_per_box, item.boxes)
                item.save(update_fields=["boxes", "unit_price", "total"])
            else:
                item = WebOrderItem(
                    company=company,
                    web_order=entry,
                    origin=origin,
                    inventory_line=line if origin == Origin.ON_HAND else None,
                    future_line=line if origin == Origin.FUTURE else None,
                    boxes=boxes,
                    unit_price=price,
                    total=rules.line_total(price, line.units_per_box, boxes),
                    date=entry.ship_date or calendar.today(company, now),
                ).take_pack_from(line)
                item.save(force_insert=True)
            _restart_timer(company, entry, now)
            return item
    except _Overdue as overdue:
        raise _refuse_overdue(overdue, now, "take more lines") from None


def _restart_timer(company: Company, entry: WebOrder, now: dt.datetime) -> None:
    entry.expires_at = rules.web_order_expires_at(now, company.checkout_timer_minutes)
    WebOrder.objects.filter(id=entry.pk).update(expires_at=entry.expires_at, updated_on=now)


def remove_entry_line(
    company: Company, entry_id: int, item_id: int, *, now: dt.datetime | None = None
) -> None:
    """Take a line off the entry and give its boxes back. Raises NotFound, InvalidState."""
    now = _now(now)
    try:
        with transaction.atomic():
            entry = _open_entry(company, entry_id, now, "change its lines")
            item = WebOrderItem.objects.filter(web_order=entry, id=item_id, holding=True).first()
            if item is None:
                raise NotFound(f"Line {item_id} is not on this order entry.")
            stock.release_held_boxes(item.origin, item.line_id, item.boxes, company_id=company.pk)
            item.delete()
            _restart_timer(company, entry, now)
    except _Overdue as overdue:
        raise _refuse_overdue(overdue, now, "change its lines") from None


def discard_entry(company: Company, entry_id: int, *, now: dt.datetime | None = None) -> WebOrder:
    """Give up an entry: its boxes go back at once. Raises NotFound, InvalidState when it has ended."""
    now = _now(now)
    with transaction.atomic():
        entry = entry_for(company, entry_id, lock=True)
        if entry.status == WebOrderStatus.PENDING:
            _release_items(entry)
        elif entry.status != WebOrderStatus.EXPIRED:
            raise InvalidState(_ended(entry, "be discarded"))
        WebOrder.objects.filter(id=entry.pk).update(
            status=WebOrderStatus.CANCELLED, ended_on=now, updated_on=now
        )
        entry.status, entry.ended_on = WebOrderStatus.CANCELLED, now
        return entry


# --------------------------------------------------------------------------------------------
# Finishing: the held boxes become an invoice or a prebook
# --------------------------------------------------------------------------------------------


def finish_entry(
    company: Company,
    entry_id: int,
    finish: Finish | str,
    *,
    po_number: str = "",
    user: Any = None,
    now: dt.datetime | None = None,
) -> CheckoutResult:
    """Sell the held boxes into the entry's invoice or prebook, with no marketplace fee.

    `finish`: draft (invoice Draft / prebook pending), checkout (invoice Pending Approval /
    prebook checked out) or confirm (invoice Confirmed / prebook checked out). Raises
    ValidationFailed for another word or a PO over 60 characters, InvalidState for an entry with
    no lines or that has ended (an expired one gives its boxes back first), NotFound.
    """
    now = _now(now)
    try:
        how = Finish(str(finish))
    except ValueError:
        raise ValidationFailed(FieldError("finish", "must be draft, checkout or confirm")) from None
    if len(po_number or "") > 60:
        raise ValidationFailed(FieldError("poNumber", "must be at most 60 characters"))
    status = InvoiceStatus.PENDING
    if how == Finish.DRAFT:
        status = InvoiceStatus.DRAFT
    elif how == Finish.CONFIRM:
        status = InvoiceStatus(rules.invoice_transition(InvoiceStatus.PENDING, InvoiceAction.CONFIRM))
    entry = entry_for(company, entry_id)
    if rules.is_overdue(entry.status, entry.expires_at, now):
        _expire(entry, now)
    if entry.status != WebOrderStatus.PENDING:
        raise InvalidState(_ended(entry, "be finished"))
    return _check_out(
        company,
        entry.customer,
        entry.pk,
        invoice_status=status,
        prebook_checkout=CheckoutStatus.PENDING if how == Finish.DRAFT else CheckoutStatus.CHECKED_OUT,
        customer_po=po_number,
        user=user,
        now=now,
        rep_entered=True,
    )
