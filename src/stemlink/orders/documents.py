"""Invoices and prebooks written directly by an integrator (CRMs, accounting, EDI importers).

The marketplace's cart (`services.py`) makes documents from web orders; these use cases make and
change them one call at a time, as Komet's `invoice.*` and `prebook.*` methods do:

- an invoice sells on-hand boxes at once (a conditional update per line, lines taken in id order
  so two writers never deadlock) and keeps them sold until it is voided;
- a prebook is a need for a future truck date: lines by product and pack, or boxes drawn from a
  future line;
- every document made here records its transaction fee in the ledger, and each later change of
  its amount an adjustment, so the ledger always sums to the fee on what the document is worth.

Each public function is one transaction. Failures raise `StemlinkError`s and change nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from stemlink.catalog.models import BoxType, Carrier, Product, Vendor
from stemlink.customers.models import Customer, ShipTo
from stemlink.errors import FieldError, InvalidState, NotAvailable, NotFound, ValidationFailed
from stemlink.inventory import rules as inventory_rules
from stemlink.inventory import stock
from stemlink.inventory.models import FutureLine, InventoryLine, InventoryType
from stemlink.orders import numbering, rules
from stemlink.orders import services as order_services
from stemlink.orders.models import (
    CheckoutStatus,
    Invoice,
    InvoiceItem,
    InvoiceStatus,
    Origin,
    Prebook,
    PrebookItem,
    PrebookStatus,
    PrebookType,
)
from stemlink.orders.resolvers import resolve_location
from stemlink.tenancy.models import Company, Location

ON_HAND = int(Origin.ON_HAND)
FUTURE = int(Origin.FUTURE)
UNIT_TYPES = {"stem": "Stem", "bunch": "Bunch"}
# Far above any real order, well inside what the columns hold: a typo of 10,000,000 boxes is
# refused with a message instead of overflowing the database.
MAX_BOXES_PER_LINE = 10_000
MAX_PACK = 1_000
MAX_AMOUNT = Decimal("9999999999.99")


def boxes_error(boxes: int) -> str | None:
    """Return what is wrong with a line's box count (None when it is fine)."""
    if isinstance(boxes, bool) or boxes < 1:
        return "must be a whole number of boxes greater than 0"
    if boxes > MAX_BOXES_PER_LINE:
        return f"must be at most {MAX_BOXES_PER_LINE:,} boxes per line"
    return None


MAX_UNIT_PRICE = Decimal("99999999.99")


def price_error(price: Decimal) -> str | None:
    """Return what is wrong with a unit price (None when it is fine)."""
    if price < 0:
        return "must be 0 or more"
    if rules.round_money(price) > MAX_UNIT_PRICE:
        return f"must be at most {MAX_UNIT_PRICE:,} per unit"
    return None


def pack_error(value: int) -> str | None:
    """Return what is wrong with units per box (None when it is fine)."""
    if value < 1:
        return "must be a whole number greater than 0"
    if value > MAX_PACK * MAX_PACK:
        return f"must be at most {MAX_PACK * MAX_PACK:,}"
    return None


def _check_amount(amount: Decimal, field_name: str) -> Decimal:
    if amount > MAX_AMOUNT:
        raise _field_error(
            field_name, f"the amount {amount:,} is more than one document can hold; split the order"
        )
    return amount


# --------------------------------------------------------------------------------------------
# Finding the parties of a document
# --------------------------------------------------------------------------------------------


def _field_error(name: str, message: str) -> ValidationFailed:
    return ValidationFailed(FieldError(name, message))


def _unit_type(value: str | None, field_name: str) -> str:
    text = (value or "").strip().lower()
    if text not in UNIT_TYPES:
        raise _field_error(field_name, "must be Stem or Bunch")
    return UNIT_TYPES[text]


# --------------------------------------------------------------------------------------------
# Fees: one charge per document, then an adjustment whenever its amount changes
# --------------------------------------------------------------------------------------------


def _fee_for(document: Invoice | Prebook) -> None:
    # The ledger's own functions: the first call charges the document, later ones adjust it.
    if isinstance(document, Invoice):
        order_services.adjust_fee(invoice=document)
    else:
        order_services.adjust_fee(prebook=document)


def _reverse_fee(document: Invoice | Prebook) -> None:
    if isinstance(document, Invoice):
        order_services.reverse_fees(invoice=document)
    else:
        order_services.reverse_fees(prebook=document)


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
        if request.units_per_box is not None and (problem := pack_error(request.units_per_box)):
            errors.append(FieldError(f"{where}unitsPerBox", problem))
    if problem := boxes_error(request.boxes):
        errors.append(FieldError(f"{where}boxes", problem))
    if problem := price_error(request.price):
        errors.append(FieldError(f"{where}price", problem))
    if not (Decimal("0") <= request.discount_percent <= Decimal("100")):
        errors.append(FieldError(f"{where}discount", "must be a percent between 0 and 100"))
    if errors:
        raise ValidationFailed(errors)


def _offered_to(line: InventoryLine | FutureLine, customer: Customer) -> bool:
    return line.reserved_for_id is None or line.reserved_for_id == customer.pk


def _free_on_hand(line: InventoryLine) -> int:
    return inventory_rules.boxes_free(
        inventory_rules.StockCounts(line.boxes_on_hand, line.boxes_held, line.boxes_sold)
    )


def _free_future(line: FutureLine) -> int:
    return inventory_rules.boxes_free(
        inventory_rules.StockCounts(line.boxes, line.boxes_held, line.boxes_sold)
    )


def _plan_line(invoice: Invoice, request: InvoiceLineRequest, where: str) -> list[tuple[InventoryLine, int]]:
    """Decide which on-hand lines give the boxes asked for (no stock is changed here)."""
    customer = invoice.customer
    if request.order_item_id is not None:
        line = (
            InventoryLine.objects.filter(company_id=invoice.company_id, pk=request.order_item_id)
            .select_related("product", "box_type")
            .first()
        )
        if line is None or not _offered_to(line, customer):
            raise NotFound(
                f"Inventory item {request.order_item_id} was not found; take ids from inventory.list."
            )
        if line.location_id != invoice.location_id:
            raise _field_error(
                f"{where}orderItemId",
                f"inventory item {line.pk} is in another location than the invoice; "
                "create the invoice with that locationId",
            )
        free = _free_on_hand(line)
        if free < request.boxes:
            raise NotAvailable(
                f"Only {free} box(es) of inventory item {line.pk} are available; "
                f"you asked for {request.boxes}.",
                free,
            )
        return [(line, request.boxes)]

    unit_type = _unit_type(request.unit_type, f"{where}unitType")
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
            boxes_on_hand__gt=F("boxes_held") + F("boxes_sold"),
        )
        .filter(Q(reserved_for__isnull=True) | Q(reserved_for=customer))
        .order_by("id")
    )
    plan: list[tuple[InventoryLine, int]] = []
    wanted = request.boxes
    for line in candidates:
        take = min(_free_on_hand(line), wanted)
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
    invoice.total = _check_amount(totals.total, "items")
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
            total=_check_amount(
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


def _plan_and_sell(
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
        free = _free_on_hand(lines[line_id])
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
        _fee_for(invoice)
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
        _fee_for(invoice)
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
    return _free_on_hand(line)


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
    if problem := price_error(price):
        errors.append(FieldError("price", problem))
    if boxes is not None and (problem := boxes_error(boxes)):
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
        item.total = _check_amount(
            _item_total(item.unit_price, item.units_per_box, item.boxes, item.discount_percent), "price"
        )
        item.save()
        _recompute_invoice(invoice)
        _fee_for(invoice)
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
        _fee_for(invoice)
        return invoice, free


def find_invoice_by_number(company: Company, number: str | int, location_id: int | None = None) -> Invoice:
    """Return the company's invoice with this number (a `W` or `T` prefix is allowed and ignored).

    Raises ValidationFailed for a number that is not one (or one that two locations share, asking
    for `locationId`), NotFound when there is none.
    """
    return order_services.find_invoice(company, number, location_id=location_id)


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
# Prebooks
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrebookLineRequest:
    """A prebook line by product and pack (a need to buy or fill later)."""

    boxes: int
    price: Decimal
    product_code: str | None = None
    product_id: int | None = None
    box_type_code: str | None = None
    unit_type: str | None = "Stem"
    bunches: int | None = None
    stems_bunch: int | None = None
    mark_code: str = ""
    comments: str = ""


def _check_prebook_line(
    company: Company, request: PrebookLineRequest, where: str
) -> tuple[Product, BoxType, str]:
    errors = []
    if request.product_code in (None, "") and request.product_id is None:
        errors.append(FieldError(f"{where}productCode", "is required (or give companyProductId)"))
    if not request.box_type_code:
        errors.append(FieldError(f"{where}boxTypeCode", "is required"))
    if problem := boxes_error(request.boxes):
        errors.append(FieldError(f"{where}boxes", problem))
    if problem := price_error(request.price):
        errors.append(FieldError(f"{where}price", problem))
    for name, value in (("bunches", request.bunches), ("stemsBunch", request.stems_bunch)):
        if value is None:
            errors.append(FieldError(f"{where}{name}", "is required: how the boxes are packed"))
        elif value < 1 or value > MAX_PACK:
            errors.append(FieldError(f"{where}{name}", f"must be a whole number from 1 to {MAX_PACK:,}"))
    text = (request.unit_type or "Stem").strip().lower()
    if text not in UNIT_TYPES:
        errors.append(FieldError(f"{where}unitType", "must be Stem or Bunch"))
    if errors:
        raise ValidationFailed(errors)
    products = Product.objects.filter(company=company)
    if request.product_id is not None:
        product = products.filter(pk=request.product_id).first()
    else:
        product = products.filter(code__iexact=(request.product_code or "").strip()).first()
    if product is None:
        raise NotFound(
            f"Product {request.product_code or request.product_id} was not found; check product.list."
        )
    box_type = BoxType.objects.filter(
        company=company, code__iexact=(request.box_type_code or "").strip()
    ).first()
    if box_type is None:
        raise NotFound(f"No box type has the code {request.box_type_code!r}; check boxtype.list.")
    return product, box_type, UNIT_TYPES[text]


def _recompute_prebook(prebook: Prebook) -> None:
    totals = rules.order_totals(item.total for item in PrebookItem.objects.filter(prebook=prebook))
    prebook.subtotal = totals.subtotal
    prebook.total = _check_amount(totals.total, "prebookItems")
    prebook.save(update_fields=["subtotal", "total", "updated_on"])


def _add_prebook_lines(
    prebook: Prebook, checked: Sequence[tuple[PrebookLineRequest, Product, BoxType, str]]
) -> list[PrebookItem]:
    created = []
    for request, product, box_type, unit_type in checked:
        bunches, stems = int(request.bunches or 1), int(request.stems_bunch or 1)
        per_box = inventory_rules.units_per_box(unit_type, bunches, stems)  # type: ignore[arg-type]
        created.append(
            PrebookItem.objects.create(
                company_id=prebook.company_id,
                prebook=prebook,
                product=product,
                box_type=box_type,
                unit_type=unit_type,
                bunches=bunches,
                stems_bunch=stems,
                units_per_box=per_box,
                boxes=request.boxes,
                unit_price=rules.round_money(request.price),
                total=_check_amount(
                    rules.line_total(rules.round_money(request.price), per_box, request.boxes), "price"
                ),
                mark_code=request.mark_code,
                comments=request.comments,
            )
        )
    return created


@dataclass
class PrebookResult:
    prebook: Prebook
    items: list[PrebookItem]
    appended: bool = False


def create_prebook(
    company: Company,
    *,
    customer: Customer,
    carrier: Carrier,
    truck_date: dt.date,
    location: Location | None = None,
    ship_to: ShipTo | None = None,
    customer_po: str = "",
    comments: str = "",
    is_ecommerce: bool = False,
    ship_via: int = 0,
    use_existing: bool = False,
    items: Sequence[PrebookLineRequest] = (),
    vendor: Vendor | None = None,
    token_id: int | None = None,
    sales_channel: str = "",
) -> PrebookResult:
    """Create a prebook (header only or with lines), or with `use_existing` append to the open one
    of the same location, carrier, truck date, customer and PO; record its fee.

    Raises ValidationFailed (a bad line, a truck date in the past), NotFound (unknown product or box type).
    """
    if ship_via not in (0, 1):
        raise _field_error("shipViaId", "must be 0 (ship from warehouse) or 1 (straight from grower)")
    checked = []
    for index, request in enumerate(items):
        product, box_type, unit_type = _check_prebook_line(company, request, f"prebookItems[{index}].")
        checked.append((request, product, box_type, unit_type))
    with transaction.atomic():
        location = location or resolve_location(company, None)
        prebook = None
        if use_existing:
            prebook = (
                Prebook.objects.select_for_update()
                .filter(
                    company=company,
                    location=location,
                    carrier=carrier,
                    truck_date=truck_date,
                    customer=customer,
                    customer_po=customer_po,
                    status=PrebookStatus.OPEN,
                    type=PrebookType.REGULAR,
                    web_order__isnull=True,
                )
                .order_by("id")
                .first()
            )
        appended = prebook is not None
        if prebook is None:
            prebook = Prebook.objects.create(
                company=company,
                location=location,
                number=numbering.next_number(company.pk, location.pk, numbering.PREBOOK),
                customer=customer,
                ship_to=ship_to,
                carrier=carrier,
                vendor=vendor,
                truck_date=truck_date,
                customer_po=customer_po,
                comments=comments,
                is_ecommerce=is_ecommerce,
                ship_via=ship_via,
                type=PrebookType.REGULAR,
                sales_channel=sales_channel,
                created_by_token_id=token_id,
            )
        created = _add_prebook_lines(prebook, checked)
        _recompute_prebook(prebook)
        _fee_for(prebook)
        return PrebookResult(prebook, created, appended)


def _open_prebook(company: Company, prebook_id: int, vendor: Vendor | None = None) -> Prebook:
    prebook = Prebook.objects.select_for_update().filter(company=company, pk=prebook_id).first()
    # A vendor sees the prebooks it made and those with lines it grows; nothing else exists for it.
    if prebook is None or (
        vendor is not None
        and prebook.vendor_id != vendor.pk
        and not PrebookItem.objects.filter(prebook=prebook, vendor=vendor).exists()
    ):
        raise NotFound(f"Prebook {prebook_id} was not found.")
    if prebook.status != PrebookStatus.OPEN:
        raise InvalidState(f"Prebook {prebook.number} was deleted; it cannot be changed.")
    return prebook


def update_prebook(
    company: Company,
    prebook_id: int,
    *,
    carrier: Carrier | None = None,
    truck_date: dt.date | None = None,
    ship_via: int | None = None,
    customer_po: str | None = None,
    comments: str | None = None,
) -> Prebook:
    """Change a prebook's carrier, truck date, ship-via, PO or comments.

    Raises NotFound, InvalidState (deleted), ValidationFailed (a truck date outside the dates of
    the future lines it draws boxes from).
    """
    if ship_via is not None and ship_via not in (0, 1):
        raise _field_error("shipViaId", "must be 0 (ship from warehouse) or 1 (straight from grower)")
    with transaction.atomic():
        prebook = _open_prebook(company, prebook_id)
        if carrier is not None:
            prebook.carrier = carrier
        if truck_date is not None and truck_date != prebook.truck_date:
            if prebook.standing_order_id is not None:
                # Its truck date is what ties it to its standing order: moved, the worker would
                # make that date's prebook again and the customer would get both.
                raise _field_error(
                    "shipDate",
                    f"prebook {prebook.number} was made by a standing order for "
                    f"{prebook.truck_date.isoformat()}; its truck date cannot change. Delete it and "
                    "create a prebook for the new date instead",
                )
            for item in PrebookItem.objects.filter(prebook=prebook, future_line__isnull=False).select_related(
                "future_line"
            ):
                line = item.future_line
                assert line is not None
                if not (line.available_from <= truck_date <= line.available_to):
                    raise _field_error(
                        "shipDate",
                        f"line {item.pk} draws on future inventory {line.pk}, available "
                        f"{line.available_from.isoformat()} to {line.available_to.isoformat()}; "
                        "remove that line first or keep the date inside those days",
                    )
            prebook.truck_date = truck_date
        if ship_via is not None:
            prebook.ship_via = ship_via
        if customer_po is not None:
            prebook.customer_po = customer_po
        if comments is not None:
            prebook.comments = comments
        prebook.save()
        return prebook


def _return_prebook_item_boxes(item: PrebookItem) -> None:
    if item.future_line_id is not None:
        stock.return_sold_boxes(FUTURE, item.future_line_id, item.boxes, company_id=item.company_id)


def delete_prebook(company: Company, prebook_id: int) -> Prebook:
    """Delete (cancel) a prebook: its future boxes go back on sale and its fee is reversed.

    Raises NotFound, InvalidState when it was already deleted.
    """
    with transaction.atomic():
        prebook = _open_prebook(company, prebook_id)
        moves = [
            stock.StockMove(FUTURE, line_id, boxes)
            for line_id, boxes in PrebookItem.objects.filter(
                prebook=prebook, future_line__isnull=False
            ).values_list("future_line_id", "boxes")
        ]
        stock.return_sold_lines(moves, company_id=company.pk)
        prebook.status = PrebookStatus.CANCELLED
        prebook.cancelled_on = timezone.now()
        prebook.save(update_fields=["status", "cancelled_on", "updated_on"])
        _reverse_fee(prebook)
        return prebook


def delete_prebook_item(
    company: Company, prebook_id: int, item_id: int, *, vendor: Vendor | None = None
) -> Prebook:
    """Remove a line from a prebook, returning its future boxes; adjust the fee.

    Raises NotFound (also for a vendor's token naming another vendor's line), InvalidState.
    """
    with transaction.atomic():
        prebook = _open_prebook(company, prebook_id, vendor)
        item = PrebookItem.objects.select_for_update().filter(prebook=prebook, pk=item_id).first()
        if item is None or (vendor is not None and vendor.pk not in (item.vendor_id, prebook.vendor_id)):
            raise NotFound(f"Prebook item {item_id} was not found on prebook {prebook.number}.")
        _return_prebook_item_boxes(item)
        item.delete()
        _recompute_prebook(prebook)
        _fee_for(prebook)
        return prebook


def add_future_item(
    company: Company,
    prebook_id: int,
    *,
    future_line_id: int,
    boxes: int,
    price: Decimal,
    mark_code: str = "",
) -> tuple[PrebookItem, int]:
    """Add boxes of a future line to a prebook, selling them atomically; adjust the fee.

    Returns the item and the boxes left free on the line. Raises NotFound (a line that does not
    exist or is reserved for another customer), ValidationFailed (boxes, price, or a truck date
    outside the line's available dates), NotAvailable with the boxes left.
    """
    errors = []
    if problem := boxes_error(boxes):
        errors.append(FieldError("boxes", problem))
    if problem := price_error(price):
        errors.append(FieldError("price", problem))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        prebook = _open_prebook(company, prebook_id)
        line = FutureLine.objects.filter(company=company, pk=future_line_id).first()
        if line is None or not _offered_to(line, prebook.customer):
            raise NotFound(
                f"Future inventory {future_line_id} was not found; "
                "take ids from future.inventory.openmarket.list."
            )
        if line.location_id != prebook.location_id:
            raise _field_error("inventoryId", "this future line is in another location than the prebook")
        if not (line.available_from <= prebook.truck_date <= line.available_to):
            raise _field_error(
                "inventoryId",
                f"this future line is available {line.available_from.isoformat()} to "
                f"{line.available_to.isoformat()}, but the prebook's truck date is "
                f"{prebook.truck_date.isoformat()}",
            )
        free = _free_future(line)
        if free < boxes:
            raise NotAvailable(
                f"Only {free} box(es) of future inventory {line.pk} are available; you asked for {boxes}.",
                free,
            )
        left = stock.sell_boxes(FUTURE, line.pk, boxes, company_id=company.pk).free
        item = PrebookItem(
            company=company,
            prebook=prebook,
            future_line=line,
            boxes=boxes,
            unit_price=rules.round_money(price),
            total=_check_amount(
                rules.line_total(rules.round_money(price), line.units_per_box, boxes), "price"
            ),
            mark_code=mark_code,
        ).take_pack_from(line)
        item.save(force_insert=True)
        _recompute_prebook(prebook)
        _fee_for(prebook)
        return item, left


__all__ = [
    "CheckoutStatus",
    "InvoiceLineRequest",
    "InvoiceResult",
    "PrebookLineRequest",
    "PrebookResult",
    "add_future_item",
    "add_invoice_item",
    "checkout_invoice",
    "create_invoice",
    "create_prebook",
    "delete_invoice_item",
    "delete_prebook",
    "delete_prebook_item",
    "find_invoice_by_number",
    "update_invoice_item",
    "update_prebook",
]
