"""Web orders: the marketplace cart (open, add and delete items, expiry), its checkout into
invoices and prebooks, and deleting a web order. Each public function is one transaction.

Stock moves only through `stemlink.inventory.stock` (conditional updates, lines in id order);
every status change of an invoice goes through `rules.invoice_transition`; every document made
through the API gets one fee entry, and a void reverses it with a negative one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from stemlink.catalog.models import Carrier
from stemlink.customers.models import Customer, ShipTo
from stemlink.customers.services import unit_price_for
from stemlink.errors import FieldError, InvalidState, NotAvailable, NotFound, PriceChanged, ValidationFailed
from stemlink.integrations.services import record_events
from stemlink.inventory import stock
from stemlink.inventory.models import InventoryLine, InventoryType, line_model
from stemlink.inventory.stock import StockMove
from stemlink.orders import documents, numbering, resolvers, rules

# --------------------------------------------------------------------------------------------
# Small lookups shared by the use cases
# --------------------------------------------------------------------------------------------
from stemlink.orders.fees import adjust_fee, charge_fee, reverse_fees
from stemlink.orders.invoices import _void, invoice_event
from stemlink.orders.models import (
    CheckoutStatus,
    DocumentLine,
    Invoice,
    InvoiceItem,
    InvoicePrefix,
    InvoiceStatus,
    Origin,
    Prebook,
    PrebookItem,
    PrebookStatus,
    PrebookType,
    WebOrder,
    WebOrderItem,
    WebOrderStatus,
)
from stemlink.orders.overdue import retry_after_releasing_overdue
from stemlink.orders.rules import InvoiceAction
from stemlink.tenancy import calendar
from stemlink.tenancy.models import Company, Location


def _now(now: dt.datetime | None) -> dt.datetime:
    return now if now is not None else timezone.now()


def _carrier(company: Company, carrier_id: int | None) -> Carrier:
    if carrier_id is None:
        raise ValidationFailed(FieldError("carrierId", "is required"))
    return resolvers.resolve_carrier(company, carrier_id=carrier_id)


def _web_order(
    company: Company,
    customer: Customer,
    web_order_id: int,
    *,
    lock: bool = False,
    rep_entered: bool = False,
    only: tuple[str, ...] = (),
) -> WebOrder:
    # The row by the company and its id; whose it is and who entered it are checked on the row
    # (two filters fewer to build). A sales rep's order entry (`orders.entry`) is a web order the
    # API never sees, and the reverse. `only` names the columns a caller reads (each column not
    # read costs the ORM Python work per row; one read after all costs a statement).
    orders = WebOrder.objects.select_for_update() if lock else WebOrder.objects
    if only:
        orders = orders.only("customer", "rep_entered", *only)
    try:
        order = orders.get(company_id=company.pk, id=web_order_id)
    except WebOrder.DoesNotExist:
        order = None
    if order is None or order.customer_id != customer.pk or order.rep_entered != rep_entered:
        raise NotFound(f"Web order {web_order_id} was not found.")
    return order


class _Overdue(Exception):
    """Raised inside a use case that meets an overdue order before it has written anything."""

    def __init__(self, order: WebOrder, doing: str) -> None:
        super().__init__(doing)
        self.order, self.doing = order, doing


def _expire_and_refuse(overdue: _Overdue, now: dt.datetime) -> InvalidState:
    """Expire the overdue order (its holds go back at once), then refuse what was asked.

    Runs after the use case's transaction was left (it had written nothing), so the expiry stands
    even though the answer is a refusal — unless the caller's own transaction rolls back, in which
    case the worker or the next read expires the order. Returns the refusal to raise.
    """
    _expire(overdue.order, now)
    return rules.ended_order_refusal(WebOrderStatus.EXPIRED, overdue.doing)


def _require_open(order: WebOrder, now: dt.datetime, doing: str) -> None:
    if rules.is_overdue(order.status, order.expires_at, now):
        raise _Overdue(order, doing)
    rules.require_pending(order.status, doing)


# --------------------------------------------------------------------------------------------
# Web orders: create, add, delete items
# --------------------------------------------------------------------------------------------


def create_web_order(
    company: Company,
    customer: Customer,
    *,
    location_id: int | None = None,
    ship_to_id: int | None = None,
    carrier_id: int | None = None,
    ship_date: dt.date | None = None,
    sales_channel: str = "",
    token_id: int | None = None,
    user: Any = None,
    now: dt.datetime | None = None,
) -> WebOrder:
    """Open a Pending web order (a cart) for a customer.

    Raises NotFound for a location, carrier or ship-to the company does not have, InvalidState for
    an inactive customer.
    """
    now = _now(now)
    resolvers.require_active_customer(company, customer)
    with transaction.atomic():
        location = resolvers.resolve_location(company, location_id, field_name="companyLocationId")
        carrier = _carrier(company, carrier_id) if carrier_id is not None else None
        ship_to = resolvers.resolve_ship_to(customer, ship_to_id)
        return _new_web_order(
            company,
            customer,
            location,
            carrier.pk if carrier else None,
            ship_to,
            ship_date,
            sales_channel,
            token_id,
            user,
            now,
        )


def _new_web_order(
    company: Company,
    customer: Customer,
    location: Location,
    carrier_id: int | None,
    ship_to: ShipTo | None,
    ship_date: dt.date | None,
    sales_channel: str,
    token_id: int | None,
    user: Any,
    now: dt.datetime,
    *,
    rep_entered: bool = False,
    origin: int | None = None,
) -> WebOrder:
    order = WebOrder(
        company=company,
        location=location,
        customer=customer,
        carrier_id=carrier_id,
        ship_to=ship_to,
        ship_date=ship_date,
        number=numbering.next_number(company.pk, location.pk, numbering.WEB_ORDER),
        sales_channel=sales_channel
        if sales_channel in {"WEB_APP", "MOBILE_APP", "K2K", "ECOMMERCE_LITE"}
        else "",
        created_by_token_id=token_id,
        created_by=user if getattr(user, "pk", None) else None,
        expires_at=rules.web_order_expires_at(now, company.checkout_timer_minutes),
        rep_entered=rep_entered,
        origin=origin,
    )
    order.save(force_insert=True)
    return order


@dataclass(frozen=True)
class ItemRequest:
    """What a buyer asks to add: boxes of one or more lines (ids in the order to take them from)."""

    origin: int
    line_ids: Sequence[int]
    boxes: int
    price: Decimal
    carrier_id: int
    date: dt.date
    ship_to_id: int | None = None
    mark_code: str = ""
    web_order_id: int | None = None
    location_id: int | None = None
    reserved_inventory: bool = False


@dataclass
class AddResult:
    web_order: WebOrder
    items: list[WebOrderItem]
    available_boxes: int

    @property
    def item(self) -> WebOrderItem:
        return self.items[0]


def add_web_order_item(
    company: Company,
    customer: Customer,
    request: ItemRequest,
    *,
    transactional: bool = False,
    sales_channel: str = "",
    token_id: int | None = None,
    user: Any = None,
    now: dt.datetime | None = None,
) -> AddResult:
    """Hold boxes for a customer's web order, opening one when needed.

    Without `web_order_id` the boxes go to the customer's Pending web order with the same
    location, ship-to, carrier, date and origin, or a new one. Raises NotAvailable (with the boxes
    left) when the boxes are gone, PriceChanged (with the current price) when the price sent is
    not the customer's, ValidationFailed for a date outside the line's dates or mixed origins,
    NotFound for lines, orders, carriers or ship-tos the customer may not use, InvalidState for an
    order that is no longer Pending. Nothing is held when anything is refused.
    """
    now = _now(now)
    today = calendar.today(company, now)
    resolvers.require_active_customer(company, customer)
    rules.check_boxes(request.boxes)
    if request.origin not in (Origin.ON_HAND, Origin.FUTURE):
        raise ValidationFailed(FieldError("inventoryOrigin", "must be 1 (on hand) or 2 (future)"))
    line_ids = list(dict.fromkeys(request.line_ids))
    if not line_ids:
        raise ValidationFailed(FieldError("inventoryIds", "name at least one inventory line id"))
    if len(line_ids) > 50:
        raise ValidationFailed(FieldError("inventoryIds", "name at most 50 inventory line ids"))

    try:
        with transaction.atomic():
            # Lock the order first (orders before lines, as checkout does), and trust the carrier
            # it already has instead of reading it again.
            locked = (
                _web_order(company, customer, request.web_order_id, lock=True, only=_ADD_READS_ORDER)
                if request.web_order_id is not None
                else None
            )
            if locked is None or locked.carrier_id != request.carrier_id:
                _carrier(company, request.carrier_id)
            ship_to = resolvers.resolve_ship_to(customer, request.ship_to_id)
            lines = _lines_for_sale(company, customer, request, line_ids, transactional)
            price = _check_price(company, customer, lines, request.price)
            for line in lines:
                rules.check_ship_date(
                    request.origin,
                    request.date,
                    today=today,
                    available_from=getattr(line, "available_from", None),
                    available_to=getattr(line, "available_to", None),
                )

            order = _order_for_item(
                company, customer, request, locked, lines, ship_to, sales_channel, token_id, user, now
            )

            # The timer counts from the latest hold: a buyer still filling the cart keeps it. Written
            # before the hold (a refused hold rolls it back with everything else): the line's row,
            # which other buyers wait for, stays locked for as few statements as possible.
            updates: dict[str, Any] = {
                "expires_at": rules.web_order_expires_at(now, company.checkout_timer_minutes),
                "updated_on": now,
                "carrier_id": order.carrier_id,
                "ship_to_id": order.ship_to_id,
                "ship_date": order.ship_date,
            }
            if order.origin is None:
                updates["origin"] = request.origin
            WebOrder.objects.filter(id=order.pk).update(**updates)
            for name, value in updates.items():
                setattr(order, name, value)

            taken, available = retry_after_releasing_overdue(
                request.origin,
                [line.pk for line in lines],
                company.pk,
                lambda: _hold_across(request.origin, lines, request.boxes, company.pk),
                now=now,
                keep_order_id=order.pk,
            )
            items = []
            for line, boxes in taken:
                items.append(
                    WebOrderItem(
                        company=company,
                        web_order=order,
                        origin=request.origin,
                        inventory_line=line if request.origin == Origin.ON_HAND else None,
                        future_line=line if request.origin == Origin.FUTURE else None,
                        boxes=boxes,
                        unit_price=price,
                        total=rules.line_total(price, line.units_per_box, boxes),
                        mark_code=request.mark_code[:60],
                        date=request.date,
                    ).take_pack_from(line)
                )
            _insert_all(WebOrderItem.objects, items)
    except _Overdue as overdue:
        raise _expire_and_refuse(overdue, now) from None
    return AddResult(web_order=order, items=items, available_boxes=available)


def lines_for_product(
    company: Company,
    customer: Customer,
    *,
    origin: int,
    box_type_code: str,
    price: Decimal,
    product_code: str | None = None,
    product_id: int | None = None,
    location_id: int | None = None,
    reserved_inventory: bool = False,
) -> list[int]:
    """Return the ids of the lines a product and box type may be bought from at `price`, oldest first.

    For the 🔒 productCode/companyProductId ordering of transactional tokens: only lines with boxes
    free, offered to this customer (its reserved lines with `reserved_inventory`, else unreserved
    ones), of one pack. Raises NotFound when the product has no such lines, PriceChanged (with the
    price of the oldest line) when none of them costs `price` for this customer.
    """
    model = line_model(origin)
    lines = model.objects.filter(company=company, box_type__code=box_type_code.upper())
    if product_id is not None:
        lines = lines.filter(product_id=product_id)
    elif product_code:
        lines = lines.filter(product__code=product_code)
    else:
        raise ValidationFailed(FieldError("productCode", "name the product: productCode or companyProductId"))
    if origin == Origin.ON_HAND:
        # Future lines have no type; only on-hand lines are split into market, local, standing, prebook.
        lines = lines.filter(**{"inventory_type": InventoryType.OPEN_MARKET})
    lines = (
        lines.filter(reserved_for=customer) if reserved_inventory else lines.filter(reserved_for__isnull=True)
    )
    if location_id is not None:
        lines = lines.filter(location_id=location_id)
    lines = lines.with_free_boxes().order_by("id")
    found = list(lines[:200])
    if not found:
        raise NotFound("No boxes of this product and box type are available.")
    priced = [
        line
        for line in found
        if rules.check_price_matches(
            price,
            unit_price_for(
                customer,
                line_price=line.price,
                unit_cost=line.unit_cost,
                gross_margin_percent=company.gross_margin_percent,
            ),
        )
    ]
    if not priced:
        current = unit_price_for(
            customer,
            line_price=found[0].price,
            unit_cost=found[0].unit_cost,
            gross_margin_percent=company.gross_margin_percent,
        )
        raise PriceChanged(f"This product now costs {current} per unit, not {price}.", current)
    pack = (priced[0].units_per_box, priced[0].location_id)
    return [line.pk for line in priced if (line.units_per_box, line.location_id) == pack][:50]


# What adding an item reads of the order it adds to (`_order_for_item`, `_require_open`, the update
# after the hold, the answer) and of the lines it holds on (`_lines_for_sale`, `_check_price`, the
# ship date's check, `take_pack_from`, the item's total): each column left out is Python work the
# ORM skips per row; a column read but not listed would cost a statement (the statement budgets
# in tests/stemlink/api/test_statement_budgets.py catch that).
_ADD_READS_ORDER = ("status", "expires_at", "origin", "location", "carrier", "ship_to", "ship_date")
_ADD_READS_LINE = (
    "location",
    "reserved_for",
    "price",
    "unit_cost",
    *(name.removesuffix("_id") for name in DocumentLine.PACK_FIELDS),
)
_ADD_READS_LINE_OF_ORIGIN: dict[int, tuple[str, ...]] = {
    Origin.ON_HAND: (*_ADD_READS_LINE, "inventory_type"),
    Origin.FUTURE: (*_ADD_READS_LINE, "available_from", "available_to"),
}


def _lines_for_sale(
    company: Company, customer: Customer, request: ItemRequest, line_ids: list[int], transactional: bool
) -> list[Any]:
    model = line_model(request.origin)
    # A wholesaler deactivates a product (or its category) to stop selling it everywhere at once.
    sellable = (
        model.objects.filter(company=company, id__in=line_ids)
        .only(*_ADD_READS_LINE_OF_ORIGIN[request.origin])
        .annotate(product_active=F("product__active"), category_active=F("product__category__active"))
        .order_by()  # looked up by id below: no ORDER BY to compile
    )
    found: dict[int, Any] = {line.pk: line for line in sellable}
    kind = "on-hand" if request.origin == Origin.ON_HAND else "future"
    lines = []
    for line_id in line_ids:
        line = found.get(line_id)
        if line is None:
            raise NotFound(f"There is no {kind} inventory line {line_id}.")
        if isinstance(line, InventoryLine) and line.inventory_type != InventoryType.OPEN_MARKET:
            raise NotFound(f"There is no open-market {kind} inventory line {line_id}.")
        if line.reserved_for_id is not None:
            if line.reserved_for_id != customer.pk:
                # Another customer's reservation is invisible to this one: not found, as if absent.
                raise NotFound(f"There is no {kind} inventory line {line_id}.")
            if not request.reserved_inventory or not transactional:
                raise ValidationFailed(
                    FieldError(
                        "reservedInventory",
                        f"line {line_id} is reserved for this customer; order it with reservedInventory=true "
                        "using a token with Transactional API Access",
                    )
                )
        if not (line.product_active and line.category_active):
            raise NotAvailable(
                f"The product of {kind} inventory line {line_id} (or its category) is inactive: "
                "the wholesaler no longer sells it.",
                0,
            )
        lines.append(line)
    first = lines[0]
    for line in lines[1:]:
        if (line.product_id, line.box_type_id, line.units_per_box, line.location_id) != (
            first.product_id,
            first.box_type_id,
            first.units_per_box,
            first.location_id,
        ):
            raise ValidationFailed(
                FieldError("inventoryIds", "the lines named must be the same product, box type and pack")
            )
    return lines


def _check_price(company: Company, customer: Customer, lines: list[Any], sent: Decimal) -> Decimal:
    for line in lines:
        current = unit_price_for(
            customer,
            line_price=line.price,
            unit_cost=line.unit_cost,
            gross_margin_percent=company.gross_margin_percent,
            ecommerce=True,
        )
        if not rules.check_price_matches(sent, current):
            raise PriceChanged(
                f"The price of this line is now {current} per unit, not {sent}; "
                "add it again at the current price.",
                current,
            )
    return rules.round_money(sent)


def _order_for_item(
    company: Company,
    customer: Customer,
    request: ItemRequest,
    locked: WebOrder | None,
    lines: list[Any],
    ship_to: ShipTo | None,
    sales_channel: str,
    token_id: int | None,
    user: Any,
    now: dt.datetime,
) -> WebOrder:
    line_location_id = lines[0].location_id
    if request.location_id is not None and request.location_id != line_location_id:
        raise ValidationFailed(FieldError("companyLocationId", "these lines are stocked at another location"))
    if locked is not None:
        order = locked
        _require_open(order, now, "take more items")
        rules.check_same_origin(order.origin, request.origin)
        if order.location_id != line_location_id:
            raise ValidationFailed(
                FieldError(
                    "inventoryIds", "these lines are stocked at another location than this web order's"
                )
            )
        # An order opened by web-order.create takes its carrier, ship-to and date from its first item;
        # the caller writes them with the new timer in one update.
        if order.carrier_id is None:
            order.carrier_id = request.carrier_id
        if order.ship_to_id is None and ship_to is not None:
            order.ship_to = ship_to
        if order.ship_date is None:
            order.ship_date = request.date
        return order
    candidates = WebOrder.objects.filter(
        company=company,
        customer=customer,
        status=WebOrderStatus.PENDING,
        location_id=line_location_id,
        carrier_id=request.carrier_id,
        ship_to=ship_to,
        ship_date=request.date,
        origin=request.origin,
        expires_at__gt=now,
        rep_entered=False,
    ).order_by("-id")
    existing = candidates.select_for_update().first()
    if existing is not None:
        return existing
    location = Location.objects.get(id=line_location_id)
    return _new_web_order(
        company,
        customer,
        location,
        request.carrier_id,
        ship_to,
        request.date,
        sales_channel,
        token_id,
        user,
        now,
    )


def _hold_across(
    origin: int, lines: list[Any], boxes: int, company_id: int
) -> tuple[list[tuple[Any, int]], int]:
    """Hold `boxes` from the lines in id order, taking what each has; all or nothing.

    Returns what was taken from each line and the boxes the lines still have free. Raises
    NotAvailable with the boxes all the lines have left together when they fall short.
    """
    if len(lines) == 1:
        result = stock.hold_boxes(origin, lines[0].pk, boxes, company_id=company_id)
        return [(lines[0], boxes)], result.free
    taken: list[tuple[Any, int]] = []
    remaining, free_after = boxes, 0
    for line in sorted(lines, key=lambda each: each.pk):
        free = stock.line_stock(origin, line.pk, company_id).free
        want = min(free, remaining)
        while want > 0:
            try:
                result = stock.hold_boxes(origin, line.pk, want, company_id=company_id)
            except NotAvailable as short:
                # Someone took boxes between the read and the hold: take what is left now.
                free = short.available_boxes
                want = min(free, remaining)
                continue
            taken.append((line, want))
            remaining -= want
            free = result.free
            break
        free_after += free
    if remaining:
        # The caller's transaction rolls back the partial holds with this refusal.
        raise NotAvailable(
            f"Only {boxes - remaining} box(es) of these lines are available; {boxes} were asked for.",
            boxes - remaining,
        )
    return taken, free_after


def delete_web_order_item(
    company: Company, customer: Customer, web_order_id: int, item_id: int, *, now: dt.datetime | None = None
) -> WebOrder:
    """Remove an item from a Pending web order and release its boxes.

    Raises NotFound for an order or item the customer does not have, InvalidState when the order is
    no longer Pending.
    """
    now = _now(now)
    try:
        with transaction.atomic():
            order = _web_order(company, customer, web_order_id, lock=True)
            _require_open(order, now, "change its items")
            item = WebOrderItem.objects.filter(web_order=order, id=item_id).first()
            if item is None:
                raise NotFound(f"Item {item_id} of web order {web_order_id} was not found.")
            if item.holding:
                stock.release_held_boxes(item.origin, item.line_id, item.boxes, company_id=company.pk)
            item.delete()
            remaining = WebOrderItem.objects.filter(web_order=order).exists()
            order.origin = order.origin if remaining else None
            order.save(update_fields=["origin", "updated_on"])
    except _Overdue as overdue:
        raise _expire_and_refuse(overdue, now) from None
    return order


# --------------------------------------------------------------------------------------------
# Expiry
# --------------------------------------------------------------------------------------------


def _release_items(order: WebOrder) -> None:
    items = list(WebOrderItem.objects.filter(web_order=order, holding=True))
    stock.release_held_lines(
        [StockMove(item.origin, item.line_id, item.boxes) for item in items], company_id=order.company_id
    )
    WebOrderItem.objects.filter(id__in=[item.pk for item in items]).update(holding=False)


def _expire(order: WebOrder, now: dt.datetime) -> None:
    with transaction.atomic():
        locked = WebOrder.objects.select_for_update().get(id=order.pk)
        if not rules.is_overdue(locked.status, locked.expires_at, now):
            order.status = locked.status
            return
        _release_items(locked)
        WebOrder.objects.filter(id=order.pk).update(
            status=WebOrderStatus.EXPIRED, ended_on=now, updated_on=now
        )
        order.status, order.ended_on = WebOrderStatus.EXPIRED, now


def expire_overdue_web_orders(
    now: dt.datetime | None = None,
    *,
    company_id: int | None = None,
    customer_id: int | None = None,
    limit: int = 500,
) -> int:
    """Expire Pending web orders past their checkout timer and release their holds; return how many.

    The worker calls it for everything; reads call it for one customer before they answer. Each
    order is its own transaction, so one failure does not keep the others' boxes held.
    """
    now = _now(now)
    overdue = WebOrder.objects.filter(status=WebOrderStatus.PENDING, expires_at__lte=now)
    if company_id is not None:
        overdue = overdue.filter(company_id=company_id)
    if customer_id is not None:
        overdue = overdue.filter(customer_id=customer_id)
    count = 0
    for order in overdue.order_by("expires_at")[:limit]:
        before = order.status
        _expire(order, now)
        if before != order.status and order.status == WebOrderStatus.EXPIRED:
            count += 1
    return count


# --------------------------------------------------------------------------------------------
# Checkout
# --------------------------------------------------------------------------------------------


@dataclass
class CheckoutResult:
    web_order: WebOrder
    invoices: list[Invoice] = field(default_factory=list)
    prebooks: list[Prebook] = field(default_factory=list)


def checkout_web_order(
    company: Company,
    customer: Customer,
    web_order_id: int,
    *,
    customer_po: str = "",
    location_id: int | None = None,
    user: Any = None,
    token_id: int | None = None,
    now: dt.datetime | None = None,
) -> CheckoutResult:
    """Turn a Pending web order into documents, in one transaction.

    On-hand items become an invoice per ship date (prefix W; Pending Approval, or Confirmed when
    the company autoconfirms), future items a prebook per truck date (Checked Out); held boxes
    become sold; each document gets its fee entry. Raises NotFound for an order the customer does
    not have, InvalidState when it is checked out already, expired, deleted or empty.
    """
    now = _now(now)
    status = InvoiceStatus.PENDING
    if company.autoconfirm_on_checkout:
        status = InvoiceStatus(rules.invoice_transition(status, InvoiceAction.CONFIRM))
    return _check_out(
        company,
        customer,
        web_order_id,
        invoice_status=status,
        prebook_checkout=CheckoutStatus.CHECKED_OUT,
        customer_po=customer_po,
        location_id=location_id,
        user=user,
        token_id=token_id,
        now=now,
    )


# What checking out reads of the locked order (`_require_open`, the documents it makes, the
# checkout's event and the update): as `_ADD_READS_ORDER`, a column read but not listed costs a statement.
_CHECKOUT_READS = (
    "company",
    "status",
    "expires_at",
    "location",
    "ship_to",
    "carrier",
    "number",
    "customer_po",
    "sales_channel",
)


def _check_out(
    company: Company,
    customer: Customer,
    web_order_id: int,
    *,
    invoice_status: InvoiceStatus,
    prebook_checkout: CheckoutStatus,
    customer_po: str = "",
    location_id: int | None = None,
    user: Any = None,
    token_id: int | None = None,
    now: dt.datetime,
    rep_entered: bool = False,
) -> CheckoutResult:
    """Check out a marketplace cart (`checkout_web_order`) or a sales rep's order entry
    (`orders.entry.finish_entry`): the invoices get `invoice_status`, the prebooks
    `prebook_checkout`; a rep's documents get no W prefix, no web-order event and no fee."""
    try:
        with transaction.atomic():
            order = _web_order(
                company, customer, web_order_id, lock=True, rep_entered=rep_entered, only=_CHECKOUT_READS
            )
            _require_open(order, now, "be checked out")
            order.company, order.customer = company, customer  # already loaded: spare the documents a read
            if location_id is not None and location_id != order.location_id:
                raise ValidationFailed(
                    FieldError("companyLocationId", "this web order belongs to another location")
                )
            items = list(WebOrderItem.objects.filter(web_order_id=order.pk, holding=True).order_by("id"))
            if not items:
                raise InvalidState("This web order has no items; add items before checking it out.")
            # The stock events, the checkout's and the confirmations go to the outbox in one batch.
            events: list[tuple[str, dict, int | None]] = []
            stock.sell_held_lines(
                [StockMove(item.origin, item.line_id, item.boxes) for item in items],
                company_id=company.pk,
                events_into=events,
            )
            result = CheckoutResult(web_order=order)
            po = (customer_po or order.customer_po or "")[:60]
            # The order's own updates come before the documents: numbering a document takes the
            # company's counter row, which every other checkout then waits for until this one
            # commits, so as little as possible runs after it.
            WebOrderItem.objects.filter(id__in=[item.pk for item in items]).update(holding=False)
            WebOrder.objects.filter(id=order.pk).update(
                status=WebOrderStatus.CHECKED_OUT,
                checked_out_on=now,
                customer_po=po,
                updated_on=now,
            )
            order.status, order.checked_out_on, order.customer_po = WebOrderStatus.CHECKED_OUT, now, po
            by_date: dict[tuple[int, dt.date], list[WebOrderItem]] = {}
            for item in items:
                by_date.setdefault((item.origin, item.date), []).append(item)
            confirmed = invoice_status == InvoiceStatus.CONFIRMED
            for (origin, date), group in sorted(by_date.items()):
                if origin == Origin.ON_HAND:
                    result.invoices.append(
                        _invoice_from(order, group, date, po, invoice_status, user, token_id, now)
                    )
                else:
                    result.prebooks.append(
                        _prebook_from(order, group, date, po, prebook_checkout, user, token_id)
                    )
            if not order.rep_entered:
                events.append(
                    (
                        "web_order.checked_out",
                        {
                            "webOrderId": order.pk,
                            "webOrderNumber": order.number,
                            "customerId": customer.pk,
                            "invoices": [
                                {"invoiceId": inv.pk, "invoiceNumber": inv.display_number}
                                for inv in result.invoices
                            ],
                            "prebooks": [
                                {"prebookId": pb.pk, "prebookNumber": pb.number} for pb in result.prebooks
                            ],
                        },
                        customer.pk,
                    )
                )
            if confirmed:
                events += [invoice_event("invoice.confirmed", invoice) for invoice in result.invoices]
            record_events(company.pk, events)
    except _Overdue as overdue:
        raise _expire_and_refuse(overdue, now) from None
    return result


def _invoice_from(
    order: WebOrder,
    items: list[WebOrderItem],
    ship_date: dt.date,
    po: str,
    status: InvoiceStatus,
    user: Any,
    token_id: int | None,
    now: dt.datetime,
) -> Invoice:
    totals = rules.order_totals(item.total for item in items)
    confirmed = status == InvoiceStatus.CONFIRMED
    by = user if getattr(user, "pk", None) else None
    invoice = Invoice(
        company_id=order.company_id,
        location_id=order.location_id,
        number=numbering.next_number(order.company_id, order.location_id, numbering.INVOICE),
        prefix=InvoicePrefix.NONE if order.rep_entered else InvoicePrefix.WEB,
        customer_id=order.customer_id,
        ship_to_id=order.ship_to_id,
        carrier_id=order.carrier_id,
        ship_date=ship_date,
        status=status,
        po_number=po,
        is_ecommerce=not order.rep_entered,
        rep_entered=order.rep_entered,
        sales_channel=order.sales_channel,
        web_order=order,
        subtotal=totals.subtotal,
        total=totals.total,
        created_by=by,
        created_by_token_id=token_id,
        confirmed_on=now if confirmed else None,
        confirmed_by=by if confirmed and order.rep_entered else None,
    )
    invoice.save(force_insert=True)
    _insert_all(
        InvoiceItem.objects,
        [
            InvoiceItem(
                company_id=order.company_id,
                invoice=invoice,
                inventory_line_id=item.inventory_line_id,
                web_order_item=item,
                boxes=item.boxes,
                unit_price=item.unit_price,
                total=item.total,
                mark_code=item.mark_code,
            ).take_pack_from(item)
            for item in items
        ],
    )
    if not order.rep_entered:
        charge_fee(invoice=invoice, company=order.company, customer=order.customer)
    return invoice


def _prebook_from(
    order: WebOrder,
    items: list[WebOrderItem],
    truck_date: dt.date,
    po: str,
    checkout_status: CheckoutStatus,
    user: Any,
    token_id: int | None,
) -> Prebook:
    totals = rules.order_totals(item.total for item in items)
    prebook = Prebook.objects.create(
        company_id=order.company_id,
        location_id=order.location_id,
        number=numbering.next_number(order.company_id, order.location_id, numbering.PREBOOK),
        customer_id=order.customer_id,
        ship_to_id=order.ship_to_id,
        carrier_id=order.carrier_id,
        truck_date=truck_date,
        customer_po=po,
        is_ecommerce=not order.rep_entered,
        rep_entered=order.rep_entered,
        type=PrebookType.REGULAR,
        checkout_status=checkout_status,
        web_order=order,
        sales_channel=order.sales_channel,
        subtotal=totals.subtotal,
        total=totals.total,
        created_by=user if getattr(user, "pk", None) else None,
        created_by_token_id=token_id,
    )
    _insert_all(
        PrebookItem.objects,
        [
            PrebookItem(
                company_id=order.company_id,
                prebook=prebook,
                future_line_id=item.future_line_id,
                web_order_item=item,
                boxes=item.boxes,
                unit_price=item.unit_price,
                total=item.total,
                mark_code=item.mark_code,
            ).take_pack_from(item)
            for item in items
        ],
    )
    if not order.rep_entered:
        charge_fee(prebook=prebook, company=order.company, customer=order.customer)
    return prebook


# --------------------------------------------------------------------------------------------
# Deleting a web order
# --------------------------------------------------------------------------------------------


def delete_web_order(
    company: Company,
    customer: Customer,
    web_order_id: int,
    *,
    user: Any = None,
    now: dt.datetime | None = None,
) -> WebOrder:
    """Delete a web order: release what it holds, void its unconfirmed invoices, remove its prebook lines.

    Prebooks stay (empty of this order's lines, their fee reversed). Raises NotFound for an order
    the customer does not have, InvalidState when it was deleted or expired already, or when one of
    its invoices is confirmed (a confirmed order is the sales rep's to change).
    """
    now = _now(now)
    with transaction.atomic():
        order = _web_order(company, customer, web_order_id, lock=True)
        if order.status == WebOrderStatus.CANCELLED:
            rules.require_pending(order.status, "be deleted")
        if order.status in (WebOrderStatus.PENDING, WebOrderStatus.EXPIRED):
            # An expired order holds nothing any more; deleting it just closes it.
            _release_items(order)
        else:
            invoices = list(Invoice.objects.select_for_update().filter(web_order=order).order_by("id"))
            confirmed = [inv.display_number for inv in invoices if inv.status == InvoiceStatus.CONFIRMED]
            if confirmed:
                raise InvalidState(
                    f"Invoice {', '.join(confirmed)} of this web order is confirmed; "
                    "ask the wholesaler to change it."
                )
            for invoice in invoices:
                if rules.invoice_may(invoice.status, InvoiceAction.VOID):
                    _void(invoice, "Web order deleted by the buyer.", user, now)
            _remove_prebook_lines(order, now)
        WebOrder.objects.filter(id=order.pk).update(
            status=WebOrderStatus.CANCELLED, ended_on=now, updated_on=now
        )
        order.status, order.ended_on = WebOrderStatus.CANCELLED, now
    return order


def _remove_prebook_lines(order: WebOrder, now: dt.datetime) -> None:
    for prebook in Prebook.objects.select_for_update().filter(web_order=order).order_by("id"):
        items = list(PrebookItem.objects.filter(prebook=prebook, web_order_item__web_order=order))
        stock.return_sold_lines(documents.sold_moves(items), company_id=order.company_id)
        PrebookItem.objects.filter(id__in=[i.pk for i in items]).delete()
        left = list(PrebookItem.objects.filter(prebook=prebook).values_list("total", flat=True))
        totals = rules.order_totals(left)
        prebook.subtotal, prebook.total = totals.subtotal, totals.total
        fields = ["subtotal", "total", "updated_on"]
        if not left:
            prebook.status, prebook.cancelled_on = PrebookStatus.CANCELLED, now
            fields += ["status", "cancelled_on"]
        prebook.save(update_fields=fields)
        if left:
            adjust_fee(prebook=prebook)
        else:
            reverse_fees(prebook=prebook)


def _insert_all(manager: Any, rows: Sequence[Any]) -> None:
    """Insert new rows of one model: one save() for a single row (cheaper in Python), else one bulk_create."""
    if len(rows) == 1:
        rows[0].save(force_insert=True)
    elif rows:
        manager.bulk_create(rows)
