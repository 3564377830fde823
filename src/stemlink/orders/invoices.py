"""Invoices: made and changed by integrators one call at a time (`invoice.*`), found by number,
confirmed (one, many, or the back office's Confirm Orders) and voided by the sales rep.

An invoice sells on-hand boxes at once (a conditional update per line, lines taken in id order so
two writers never deadlock) and keeps them sold until it is voided; every change of its amount is
an entry in the fee ledger (`fees.py`). Each public function is one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from stemlink.catalog.models import BoxType, Carrier, Product
from stemlink.customers.models import Customer, ShipTo
from stemlink.errors import FieldError, InvalidState, NotAvailable, NotFound, ValidationFailed
from stemlink.integrations.services import record_event
from stemlink.inventory import stock
from stemlink.inventory.models import InventoryLine, InventoryType
from stemlink.inventory.stock import StockMove
from stemlink.orders import documents, numbering, rules
from stemlink.orders.documents import ON_HAND
from stemlink.orders.fees import reverse_fees
from stemlink.orders.models import (
    Invoice,
    InvoiceItem,
    InvoiceStatus,
    Origin,
)
from stemlink.orders.overdue import retry_after_releasing_overdue
from stemlink.orders.resolvers import resolve_location
from stemlink.orders.rules import InvoiceAction
from stemlink.tenancy.models import Company, Location


def _now(now: dt.datetime | None) -> dt.datetime:
    return now if now is not None else timezone.now()


# --------------------------------------------------------------------------------------------
# Invoices
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvoiceLineRequest:
    """One line asked for: an on-hand line by id, or a product and pack to find on hand."""

    boxes: int
    price: Decimal
    order_item_id: int | None = None
    product_code: str | None = None
    box_type_code: str | None = None
    units_per_box: int | None = None
    unit_type: str | None = None
    mark_code: str = ""
    product_alias: str = ""
    notes: str = ""
    discount_percent: Decimal = Decimal("0")


@dataclass
class InvoiceResult:
    invoice: Invoice
    # (invoice item, on-hand line id) per line created, in the order asked.
    items: list[tuple[InvoiceItem, int]] = field(default_factory=list)
    # Boxes still free on each on-hand line touched, for `returnAvailableBoxes`.
    available_boxes: dict[int, int] = field(default_factory=dict)


def _check_line_request(request: InvoiceLineRequest, where: str) -> None:
    errors = []
    by_pack = any(
        v not in (None, "") for v in (request.product_code, request.box_type_code, request.units_per_box)
    )
    if request.order_item_id is not None and by_pack:
        errors.append(
            FieldError(
                f"{where}orderItemId",
                "give either orderItemId or productCode + boxTypeCode + unitsPerBox + unitType, not both",
            )
        )
    elif request.order_item_id is None:
        for name, value in (
            ("productCode", request.product_code),
            ("boxTypeCode", request.box_type_code),
            ("unitsPerBox", request.units_per_box),
            ("unitType", request.unit_type),
        ):
            if value in (None, ""):
                errors.append(FieldError(f"{where}{name}", "is required when orderItemId is not given"))
        if request.units_per_box is not None and (problem := rules.pack_error(request.units_per_box)):
            errors.append(FieldError(f"{where}unitsPerBox", problem))
    if problem := rules.boxes_error(request.boxes):
        errors.append(FieldError(f"{where}boxes", problem))
    if problem := rules.price_error(request.price):
        errors.append(FieldError(f"{where}price", problem))
    if not (Decimal("0") <= request.discount_percent <= Decimal("100")):
        errors.append(FieldError(f"{where}discount", "must be a percent between 0 and 100"))
    if errors:
        raise ValidationFailed(errors)


def _plan_line(invoice: Invoice, request: InvoiceLineRequest, where: str) -> list[tuple[InventoryLine, int]]:
    """Decide which on-hand lines give the boxes asked for (no stock is changed here)."""
    customer = invoice.customer
    if request.order_item_id is not None:
        line = (
            InventoryLine.objects.filter(company_id=invoice.company_id, pk=request.order_item_id)
            .select_related("product", "box_type")
            .first()
        )
        if line is None or not documents.offered_to(line, customer):
            raise NotFound(
                f"Inventory item {request.order_item_id} was not found; take ids from inventory.list."
            )
        if line.location_id != invoice.location_id:
            raise rules.field_error(
                f"{where}orderItemId",
                f"inventory item {line.pk} is in another location than the invoice; "
                "create the invoice with that locationId",
            )
        free = documents.free_on_hand(line)
        if free < request.boxes:
            raise NotAvailable(
                f"Only {free} box(es) of inventory item {line.pk} are available; "
                f"you asked for {request.boxes}.",
                free,
            )
        return [(line, request.boxes)]

    unit_type = rules.unit_type(request.unit_type, f"{where}unitType")
    product = Product.objects.filter(company_id=invoice.company_id, code__iexact=request.product_code).first()
    if product is None:
        raise NotFound(f"No product has the code {request.product_code!r}; check product.list.")
    box_type = BoxType.objects.filter(
        company_id=invoice.company_id, code__iexact=(request.box_type_code or "").strip()
    ).first()
    if box_type is None:
        raise NotFound(f"No box type has the code {request.box_type_code!r}; check boxtype.list.")
    # Oldest boxes first, as a warehouse sells them; open market or kept for this customer.
    candidates = (
        InventoryLine.objects.filter(
            company_id=invoice.company_id,
            location_id=invoice.location_id,
            product=product,
            box_type=box_type,
            unit_type=unit_type,
            units_per_box=int(request.units_per_box or 0),
            inventory_type__in=[InventoryType.OPEN_MARKET, InventoryType.LOCAL],
        )
        .with_free_boxes()
        .filter(Q(reserved_for__isnull=True) | Q(reserved_for=customer))
        .order_by("id")
    )
    plan: list[tuple[InventoryLine, int]] = []
    wanted = request.boxes
    for line in candidates:
        take = min(documents.free_on_hand(line), wanted)
        if take > 0:
            plan.append((line, take))
            wanted -= take
        if wanted == 0:
            return plan
    have = request.boxes - wanted
    raise NotAvailable(
        f"Only {have} box(es) of {product.code} in {box_type.code} with {request.units_per_box} "
        f"{unit_type.lower()}s per box are available; you asked for {request.boxes}.",
        have,
    )


def _sell_in_lock_order(company_id: int, plan: Sequence[tuple[int, int]]) -> dict[int, int]:
    """Sell boxes on several on-hand lines, each line once, in lock order (no deadlocks).

    Returns the boxes left free on each line.
    """
    moves = stock.in_lock_order(stock.StockMove(ON_HAND, line_id, boxes) for line_id, boxes in plan)
    return {
        m.line_id: stock.sell_boxes(ON_HAND, m.line_id, m.boxes, company_id=company_id).free for m in moves
    }


def _recompute_invoice(invoice: Invoice) -> None:
    totals = rules.order_totals(
        (item.total for item in InvoiceItem.objects.filter(invoice=invoice)), invoice.additional_charges
    )
    invoice.subtotal = totals.subtotal
    invoice.total = rules.check_amount(totals.total, "items")
    invoice.save(update_fields=["subtotal", "total", "updated_on"])


def _item_total(unit_price: Decimal, units_per_box: int, boxes: int, discount_percent: Decimal) -> Decimal:
    gross = rules.line_total(unit_price, units_per_box, boxes)
    if not discount_percent:
        return gross
    return rules.round_money(gross * (Decimal(100) - discount_percent) / Decimal(100))


def _add_planned_items(
    invoice: Invoice, request: InvoiceLineRequest, plan: list[tuple[InventoryLine, int]]
) -> list[tuple[InvoiceItem, int]]:
    created = []
    for line, boxes in plan:
        item = InvoiceItem(
            company_id=invoice.company_id,
            invoice=invoice,
            inventory_line=line,
            boxes=boxes,
            unit_price=rules.round_money(request.price),
            discount_percent=request.discount_percent,
            total=rules.check_amount(
                _item_total(
                    rules.round_money(request.price), line.units_per_box, boxes, request.discount_percent
                ),
                "price",
            ),
            mark_code=request.mark_code,
            product_alias=request.product_alias,
            notes=request.notes,
        ).take_pack_from(line)
        item.save(force_insert=True)
        created.append((item, line.pk))
    return created


Plans = list[tuple[InvoiceLineRequest, list[tuple[InventoryLine, int]]]]


def _lines_asked_for(invoice: Invoice, requests: Sequence[InvoiceLineRequest]) -> list[int]:
    """The on-hand lines these requests may draw on: by id, or by product and box type code."""
    ids = {r.order_item_id for r in requests if r.order_item_id is not None}
    by_code = Q()
    for r in requests:
        if r.order_item_id is None and r.product_code and r.box_type_code:
            by_code |= Q(product__code__iexact=r.product_code, box_type__code__iexact=r.box_type_code.strip())
    if by_code:
        ids.update(
            InventoryLine.objects.filter(
                by_code, company_id=invoice.company_id, location_id=invoice.location_id
            ).values_list("pk", flat=True)
        )
    return sorted(ids)


def _plan_and_sell(
    invoice: Invoice, requests: Sequence[InvoiceLineRequest], result: InvoiceResult, many: bool
) -> Plans:
    """Plan and sell (below); boxes an overdue cart still holds are taken back first when short."""
    return retry_after_releasing_overdue(
        ON_HAND,
        _lines_asked_for(invoice, requests),
        invoice.company_id,
        lambda: _plan_and_sell_once(invoice, requests, result, many),
    )


def _plan_and_sell_once(
    invoice: Invoice, requests: Sequence[InvoiceLineRequest], result: InvoiceResult, many: bool
) -> Plans:
    """Check the lines asked for, decide where their boxes come from, and sell those boxes."""
    plans: Plans = []
    for index, request in enumerate(requests):
        where = f"items[{index}]." if many else ""
        _check_line_request(request, where)
        plans.append((request, _plan_line(invoice, request, where)))
    # Two lines of one call may draw on the same on-hand line: check their sum before selling.
    wanted: dict[int, int] = {}
    lines: dict[int, InventoryLine] = {}
    for _request, plan in plans:
        for line, boxes in plan:
            wanted[line.pk] = wanted.get(line.pk, 0) + boxes
            lines[line.pk] = line
    for line_id, boxes in wanted.items():
        free = documents.free_on_hand(lines[line_id])
        if boxes > free:
            raise NotAvailable(
                f"Only {free} box(es) of inventory item {line_id} are available; "
                f"the lines of this request ask for {boxes}.",
                free,
            )
    result.available_boxes.update(
        _sell_in_lock_order(
            invoice.company_id, [(line.pk, boxes) for _r, plan in plans for line, boxes in plan]
        )
    )
    return plans


def _add_lines(
    invoice: Invoice, requests: Sequence[InvoiceLineRequest], result: InvoiceResult, many: bool
) -> None:
    for request, plan in _plan_and_sell(invoice, requests, result, many):
        result.items.extend(_add_planned_items(invoice, request, plan))


def create_invoice(
    company: Company,
    *,
    customer: Customer,
    carrier: Carrier,
    ship_date: dt.date,
    location: Location | None = None,
    ship_to: ShipTo | None = None,
    po_number: str = "",
    reference: str = "",
    notes: str = "",
    warehouse_instructions: str = "",
    draft: bool = False,
    items: Sequence[InvoiceLineRequest] = (),
    token_id: int | None = None,
    sales_channel: str = "",
) -> InvoiceResult:
    """Create an invoice (Draft or Pending Approval) selling the boxes of its lines, and charge its fee.

    Raises ValidationFailed for a bad line or a ship date in the past, NotFound for a line or code
    that does not exist, NotAvailable (with the boxes left) when a line has too few boxes.
    """
    if customer.company_id != company.pk or carrier.company_id != company.pk:
        raise NotFound("Customer or carrier not found.")
    with transaction.atomic():
        location = location or resolve_location(company, None)
        invoice = Invoice(
            company=company,
            location=location,
            customer=customer,
            ship_to=ship_to,
            carrier=carrier,
            ship_date=ship_date,
            status=InvoiceStatus.DRAFT if draft else InvoiceStatus.PENDING,
            po_number=po_number,
            reference=reference,
            notes=notes,
            warehouse_instructions=warehouse_instructions,
            sales_channel=sales_channel,
            created_by_token_id=token_id,
        )
        result = InvoiceResult(invoice)
        # Stock rows first, the number counter after: the order web-order checkout locks them in,
        # so an invoice typed in and a checkout racing for one line can never deadlock.
        plans = _plan_and_sell(invoice, items, result, many=True)
        invoice.number = numbering.next_number(company.pk, location.pk, numbering.INVOICE)
        invoice.save()
        for request, plan in plans:
            result.items.extend(_add_planned_items(invoice, request, plan))
        _recompute_invoice(invoice)
        documents.record_fee(invoice)
        return result


def _editable_invoice(company: Company, invoice_id: int, *, lock: bool = True) -> Invoice:
    query = Invoice.objects.filter(company=company, pk=invoice_id).select_related("customer")
    invoice = (query.select_for_update() if lock else query).first()
    if invoice is None:
        raise NotFound(f"Invoice {invoice_id} was not found.")
    if invoice.status not in (InvoiceStatus.DRAFT, InvoiceStatus.PENDING):
        raise InvalidState(
            f"Invoice {invoice.display_number} is {invoice.get_status_display()}; "
            "only Draft and Pending Approval invoices can be changed."
        )
    return invoice


def add_invoice_item(company: Company, invoice_id: int, request: InvoiceLineRequest) -> InvoiceResult:
    """Add a line to a Draft or Pending invoice, selling its boxes; adjust the fee.

    Raises NotFound, InvalidState (invoice confirmed or voided), ValidationFailed, NotAvailable.
    """
    with transaction.atomic():
        invoice = _editable_invoice(company, invoice_id)
        result = InvoiceResult(invoice)
        _add_lines(invoice, [request], result, many=False)
        _recompute_invoice(invoice)
        documents.record_fee(invoice)
        return result


def _invoice_item(invoice: Invoice, item_id: int) -> InvoiceItem:
    item = InvoiceItem.objects.select_for_update().filter(invoice=invoice, pk=item_id).first()
    if item is None:
        raise NotFound(f"Invoice item {item_id} was not found on invoice {invoice.display_number}.")
    return item


def _line_free(item: InvoiceItem) -> int | None:
    if item.inventory_line_id is None:
        return None
    line = InventoryLine.objects.get(pk=item.inventory_line_id)
    return documents.free_on_hand(line)


def update_invoice_item(
    company: Company,
    invoice_id: int,
    item_id: int,
    *,
    price: Decimal,
    boxes: int | None = None,
    discount_percent: Decimal | None = None,
    mark_code: str | None = None,
    product_alias: str | None = None,
    notes: str | None = None,
) -> tuple[InvoiceItem, int | None]:
    """Change a line's price, boxes, discount or texts; sell or return the boxes that differ; adjust the fee.

    Returns the item and the boxes left free on its on-hand line.
    Raises NotFound, InvalidState, ValidationFailed, NotAvailable (more boxes than are left).
    """
    errors = []
    if problem := rules.price_error(price):
        errors.append(FieldError("price", problem))
    if boxes is not None and (problem := rules.boxes_error(boxes)):
        errors.append(FieldError("boxes", problem))
    if discount_percent is not None and not (Decimal(0) <= discount_percent <= Decimal(100)):
        errors.append(FieldError("discount", "must be a percent between 0 and 100"))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        invoice = _editable_invoice(company, invoice_id)
        item = _invoice_item(invoice, item_id)
        free = _line_free(item)
        if boxes is not None and boxes != item.boxes:
            if item.inventory_line_id is None:
                raise InvalidState("This line was not sold from an on-hand line; its boxes cannot change.")
            if boxes > item.boxes:
                moved = stock.sell_boxes(
                    ON_HAND, item.inventory_line_id, boxes - item.boxes, company_id=company.pk
                )
            else:
                moved = stock.return_sold_boxes(
                    ON_HAND, item.inventory_line_id, item.boxes - boxes, company_id=company.pk
                )
            free = moved.free
            item.boxes = boxes
        item.unit_price = rules.round_money(price)
        if discount_percent is not None:
            item.discount_percent = discount_percent
        if mark_code is not None:
            item.mark_code = mark_code
        if product_alias is not None:
            item.product_alias = product_alias
        if notes is not None:
            item.notes = notes
        item.total = rules.check_amount(
            _item_total(item.unit_price, item.units_per_box, item.boxes, item.discount_percent), "price"
        )
        item.save()
        _recompute_invoice(invoice)
        documents.record_fee(invoice)
        return item, free


def delete_invoice_item(company: Company, invoice_id: int, item_id: int) -> tuple[Invoice, int | None]:
    """Remove a line from a Draft or Pending invoice, returning its boxes to stock; adjust the fee.

    Returns the invoice and the boxes free on the line afterwards. Raises NotFound, InvalidState.
    """
    with transaction.atomic():
        invoice = _editable_invoice(company, invoice_id)
        item = _invoice_item(invoice, item_id)
        free = None
        if item.inventory_line_id is not None:
            free = stock.return_sold_boxes(
                ON_HAND, item.inventory_line_id, item.boxes, company_id=company.pk
            ).free
        item.delete()
        _recompute_invoice(invoice)
        documents.record_fee(invoice)
        return invoice, free


def find_invoice_by_number(company: Company, number: str | int, location_id: int | None = None) -> Invoice:
    """Return the company's invoice with this number (a `W` or `T` prefix is allowed and ignored).

    Raises ValidationFailed for a number that is not one (or one that two locations share, asking
    for `locationId`), NotFound when there is none.
    """
    return find_invoice(company, number, location_id=location_id)


def checkout_invoice(company: Company, number: str | int, location_id: int | None = None) -> Invoice:
    """Move a Draft invoice to Pending Approval.

    Raises NotFound, and InvalidState when it is already checked out, confirmed or voided.
    """
    with transaction.atomic():
        found = find_invoice_by_number(company, number, location_id)
        invoice = Invoice.objects.select_for_update().get(pk=found.pk)
        target = rules.invoice_transition(invoice.status, rules.InvoiceAction.CHECKOUT)
        invoice.status = int(target)
        invoice.save(update_fields=["status", "updated_on"])
        return invoice


# --------------------------------------------------------------------------------------------
# Invoices: confirm, void
# --------------------------------------------------------------------------------------------


def _invoice_event(event_type: str, invoice: Invoice) -> None:
    _, data, customer_id = invoice_event(event_type, invoice)
    record_event(invoice.company_id, event_type, data, customer_id=customer_id)


def invoice_event(event_type: str, invoice: Invoice) -> tuple[str, dict, int | None]:
    """Return an invoice's event as `record_events` takes it: (type, data, customer id)."""
    return (
        event_type,
        {
            "invoiceId": invoice.pk,
            "invoiceNumber": invoice.display_number,
            "customerId": invoice.customer_id,
            "webOrderId": invoice.web_order_id,
            "status": int(invoice.status),
            "total": str(invoice.total),
        },
        invoice.customer_id,
    )


def find_invoice(
    company: Company, number: Any, *, location_id: int | None = None, lock: bool = False
) -> Invoice:
    """Return the company's invoice with this bare number (a `W`/`T` prefix is accepted and dropped).

    Numbers are unique per location: with several locations, `location_id` picks one. Raises
    ValidationFailed for a number that is not one, NotFound when there is no such invoice.
    """
    bare = rules.parse_invoice_number(number)
    if bare is None:
        raise ValidationFailed(FieldError("invoiceNumber", "must be an invoice number, e.g. 1042"))
    text = str(bare)
    invoices = Invoice.objects.filter(company=company, number=bare)
    if location_id is not None:
        invoices = invoices.filter(location_id=location_id)
    if lock:
        invoices = invoices.select_for_update()
    found = list(invoices[:2])
    if not found:
        raise NotFound(f"Invoice {text} was not found.")
    if len(found) > 1:
        raise ValidationFailed(
            FieldError("locationId", f"invoice number {text} exists at several locations; say which one")
        )
    return found[0]


def confirm_invoices(
    company: Company,
    numbers: Iterable[Any],
    *,
    user: Any = None,
    location_id: int | None = None,
    now: dt.datetime | None = None,
) -> list[Invoice]:
    """Confirm one or many invoices (the sales rep's "Confirm Orders"), all or none.

    Raises NotFound for a number the company does not have, InvalidState (naming the invoice) for
    one the transition table does not let be confirmed.
    """
    now = _now(now)
    wanted = list(dict.fromkeys(str(n).strip() for n in numbers))
    if not wanted:
        raise ValidationFailed(FieldError("invoiceNumber", "name at least one invoice"))
    confirmed = []
    with transaction.atomic():
        for number in wanted:
            invoice = find_invoice(company, number, location_id=location_id, lock=True)
            try:
                invoice.status = rules.invoice_transition(invoice.status, InvoiceAction.CONFIRM)
            except InvalidState as refused:
                raise InvalidState(f"Invoice {invoice.display_number}: {refused.message}") from None
            invoice.confirmed_on = now
            invoice.confirmed_by = user if getattr(user, "pk", None) else None
            invoice.save(update_fields=["status", "confirmed_on", "confirmed_by", "updated_on"])
            _invoice_event("invoice.confirmed", invoice)
            confirmed.append(invoice)
    return confirmed


def confirm_invoices_by_id(company: Company, invoice_ids: list[int], *, user: Any = None) -> list[Invoice]:
    """Confirm the company's invoices with these ids, all or none (the back office's Confirm Orders).

    Invoice numbers are unique per location, so the confirm service is asked once per location;
    one transaction around the calls keeps "all or none" across locations. Raises NotFound for
    an id the company does not have, InvalidState for an invoice that cannot be confirmed.
    """
    invoices = list(Invoice.objects.filter(company=company, pk__in=invoice_ids).order_by("created_on", "id"))
    missing = set(invoice_ids) - {i.pk for i in invoices}
    if missing:
        raise NotFound(f"There is no invoice {min(missing)}.")
    by_location: dict[int, list[int]] = {}
    for invoice in invoices:
        by_location.setdefault(invoice.location_id, []).append(invoice.number)
    confirmed: list[Invoice] = []
    with transaction.atomic():
        for location_id, numbers in by_location.items():
            confirmed += confirm_invoices(company, numbers, user=user, location_id=location_id)
    return confirmed


def void_invoice(
    company: Company,
    number: Any,
    reason: str,
    *,
    user: Any = None,
    location_id: int | None = None,
    now: dt.datetime | None = None,
) -> Invoice:
    """Void an invoice: its boxes go back to the open market and its fee is reversed.

    Raises ValidationFailed without a reason (or one over 300 characters), NotFound for a number
    the company does not have, InvalidState when the transition table forbids it (Confirmed, Voided).
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(FieldError("reason", "is required: say why the invoice is voided"))
    if len(reason) > 300:
        raise ValidationFailed(FieldError("reason", "must be at most 300 characters"))
    with transaction.atomic():
        invoice = find_invoice(company, number, location_id=location_id, lock=True)
        _void(invoice, reason, user, _now(now))
    return invoice


def _void(invoice: Invoice, reason: str, user: Any, now: dt.datetime) -> None:
    invoice.status = rules.invoice_transition(invoice.status, InvoiceAction.VOID)
    moves = [
        StockMove(Origin.ON_HAND, line_id, boxes)
        for line_id, boxes in InvoiceItem.objects.filter(
            invoice=invoice, inventory_line__isnull=False
        ).values_list("inventory_line_id", "boxes")
        if line_id is not None
    ]
    stock.return_sold_lines(moves, company_id=invoice.company_id)
    invoice.void_reason = reason
    invoice.voided_on = now
    invoice.voided_by = user if getattr(user, "pk", None) else None
    invoice.save(update_fields=["status", "void_reason", "voided_on", "voided_by", "updated_on"])
    reverse_fees(invoice=invoice)
    _invoice_event("invoice.voided", invoice)
