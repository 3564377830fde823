"""Inventory use cases: add lines, edit them, reserve boxes for one customer and release them.

Each service is one transaction. Every change a buyer could see moves the line's `updated_on`
(the delta feed's clock, `ecommerce/inventory.list?updatedAsOf=`) and records an
`inventory.changed` event in the outbox, in the same transaction.

Reservations never flip `reserved_for` on an existing line: reserving splits the free boxes off
into a new line reserved for the customer, and releasing splits them back into a new unreserved
line. A line therefore belongs to one view (everyone's, or one customer's reserved view) for its
whole life, which is what lets a delta poll of one view ignore the lines of every other view
without ever missing a line that left it.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from stemlink.catalog.models import BoxType, Product, Vendor
from stemlink.customers.models import Customer
from stemlink.errors import FieldError, InvalidState, NotAvailable, NotFound, ValidationFailed
from stemlink.integrations.services import record_event, record_events
from stemlink.inventory import rules
from stemlink.inventory.models import FutureLine, InventoryLine, InventoryType, UnitType, line_model
from stemlink.tenancy import calendar
from stemlink.tenancy.models import Company, Location

ON_HAND = 1
FUTURE = 2
MAX_BOXES_PER_ADD = 100
_UNSET: Any = object()

_PACK_FIELDS = (
    "company_id",
    "location_id",
    "product_id",
    "vendor_id",
    "box_type_id",
    "unit_type",
    "bunches",
    "stems_bunch",
    "units_per_box",
    "unit_cost",
    "price",
)


def _line_model(origin: int) -> type[InventoryLine] | type[FutureLine]:
    if origin == ON_HAND:
        return InventoryLine
    if origin == FUTURE:
        return FutureLine
    raise ValidationFailed(FieldError("inventoryOrigin", "must be 1 (on hand) or 2 (future)"))


def record_line_change(line: InventoryLine | FutureLine, reason: str) -> None:
    """Record that what buyers see of a line changed (an `inventory.changed` outbox event)."""
    if isinstance(line, InventoryLine):
        origin, boxes = ON_HAND, line.boxes_on_hand
    else:
        origin, boxes = FUTURE, line.boxes
    free = boxes - line.boxes_held - line.boxes_sold
    record_event(
        line.company_id,
        "inventory.changed",
        rules.inventory_changed_data(origin, line.pk, free, reason, timezone.now()),
        customer_id=line.reserved_for_id,
    )


def record_product_change(product: Product, reason: str = "product_changed") -> int:
    """Record an `inventory.changed` event for each line of a product that has free boxes; return how many.

    A product's save (hiding it, renaming it) changes what buyers see of all its lines; the
    delta feed already answers them (the product's `updated_on` moved), and these events tell
    partners so at once. Lines with no free boxes are not on offer either way and get none.
    The quantity is 0 while the product is hidden. Runs in the caller's transaction.
    """
    events: list[tuple[str, dict, int | None]] = []
    now = timezone.now()
    for origin in (ON_HAND, FUTURE):
        lines = (
            line_model(origin)
            .objects.filter(company_id=product.company_id, product_id=product.pk)
            .with_free_boxes()
            .values_list("pk", "free", "reserved_for_id")
        )
        for line_id, free_boxes, reserved_for_id in lines:
            quantity = free_boxes if product.active else 0
            events.append(
                (
                    "inventory.changed",
                    rules.inventory_changed_data(origin, line_id, quantity, reason, now),
                    reserved_for_id,
                )
            )
    record_events(product.company_id, events)
    return len(events)


# --- adding lines ---------------------------------------------------------------------------------


def _resolve_pack(
    company: Company,
    errors: list[FieldError],
    *,
    product_id: int | None,
    product_code: str | None,
    box_type_id: int | None,
    box_type_code: str | None,
    vendor_id: int | None,
    vendor_code: str | None,
    location_id: int | None,
) -> tuple[Product | None, BoxType | None, Vendor | None, Location | None]:
    """Look up product, box type, grower and location of this company, naming what is unknown."""
    product = box_type = vendor = location = None
    if product_id is not None:
        product = Product.objects.filter(company=company, pk=product_id).first()
        if product is None:
            errors.append(FieldError("productId", f"product {product_id} is not a product of this company"))
    elif product_code:
        product = Product.objects.filter(company=company, code=product_code).first()
        if product is None:
            errors.append(
                FieldError("productCode", f"product code {product_code!r} is not a product of this company")
            )
    else:
        errors.append(FieldError("productId", "give productId or productCode"))
    if box_type_id is not None:
        box_type = BoxType.objects.filter(company=company, pk=box_type_id).first()
        if box_type is None:
            errors.append(
                FieldError("boxTypeId", f"box type {box_type_id} is not a box type of this company")
            )
    elif box_type_code:
        box_type = BoxType.objects.filter(company=company, code=box_type_code.upper()).first()
        if box_type is None:
            errors.append(
                FieldError(
                    "boxTypeCode", f"box type code {box_type_code!r} is not a box type of this company"
                )
            )
    else:
        errors.append(FieldError("boxTypeId", "give boxTypeId or boxTypeCode"))
    if vendor_id is not None:
        vendor = Vendor.objects.filter(company=company, pk=vendor_id).first()
        if vendor is None:
            errors.append(FieldError("growerId", f"grower {vendor_id} is not a grower of this company"))
    elif vendor_code:
        vendor = Vendor.objects.filter(company=company, code=vendor_code).first()
        if vendor is None:
            errors.append(
                FieldError("vendorCode", f"vendor code {vendor_code!r} is not a grower of this company")
            )
    if location_id is not None:
        location = Location.objects.filter(company=company, pk=location_id, active=True).first()
        if location is None:
            errors.append(
                FieldError("locationId", f"location {location_id} is not a location of this company")
            )
    else:
        # A company always has a location; single-location companies never name it.
        location = Location.objects.filter(company=company, active=True).order_by("id").first()
        if location is None:
            errors.append(FieldError("locationId", "this company has no active location to put stock in"))
    return product, box_type, vendor, location


# What the columns hold: prices to the cent (8 digits before the point), costs to a tenth of a
# cent (7 digits), and packs no real box comes near; anything beyond is a typing error.
MAX_PRICE = Decimal("99999999.99")
MAX_COST = Decimal("9999999.999")
MAX_PACK = 10_000
MAX_BOXES_PER_LINE = 1_000_000
CENT, MIL = Decimal("0.01"), Decimal("0.001")


def _money_value(
    value: Decimal | None, field: str, errors: list[FieldError], *, places: Decimal, limit: Decimal
) -> Decimal | None:
    """Round money half up to the column's places, or note why it cannot be stored."""
    if value is None:
        return None
    if not value.is_finite() or value < 0:
        errors.append(FieldError(field, "must be a number, 0 or more"))
        return None
    rounded = value.quantize(places, rounding=ROUND_HALF_UP)
    if rounded > limit:
        errors.append(FieldError(field, f"must be at most {limit}"))
        return None
    return rounded


def _check_pack_numbers(
    errors: list[FieldError],
    *,
    boxes: int,
    boxes_field: str,
    max_boxes: int,
    unit_type: str,
    bunches: int,
    stems_bunch: int,
) -> None:
    if not 1 <= boxes <= max_boxes:
        errors.append(
            FieldError(boxes_field, f"must be a whole number of boxes, at least 1 and at most {max_boxes}")
        )
    if unit_type not in UnitType.values:
        errors.append(FieldError("unitType", f"must be Stem or Bunch, not {unit_type!r}"))
    if not 1 <= bunches <= MAX_PACK:
        errors.append(FieldError("bunches", f"must be 1 to {MAX_PACK} bunches per box"))
    if not 1 <= stems_bunch <= MAX_PACK:
        errors.append(FieldError("stemsBunch", f"must be 1 to {MAX_PACK} stems per bunch"))


def _normal_unit_type(unit_type: str) -> str:
    """Accept `stem`, `STEM`, `Bunch`…: Komet clients are not consistent about case."""
    text = (unit_type or "").strip().capitalize()
    return text


def _checked_pack(
    company: Company,
    errors: list[FieldError],
    *,
    boxes: int,
    boxes_field: str,
    max_boxes: int,
    unit_type: str,
    bunches: int,
    stems_bunch: int,
    unit_cost: Decimal,
    price: Decimal | None,
    product_id: int | None,
    product_code: str | None,
    box_type_id: int | None,
    box_type_code: str | None,
    vendor_id: int | None,
    vendor_code: str | None,
    location_id: int | None,
) -> dict[str, Any]:
    """Check what on-hand and future lines share (pack, money, catalogue); return their model fields.

    Wrong fields are added to `errors` rather than raised, so the caller names every one at once;
    the fields returned are only usable when `errors` stayed empty.
    """
    unit_type = _normal_unit_type(unit_type)
    _check_pack_numbers(
        errors,
        boxes=boxes,
        boxes_field=boxes_field,
        max_boxes=max_boxes,
        unit_type=unit_type,
        bunches=bunches,
        stems_bunch=stems_bunch,
    )
    cost = _money_value(unit_cost, "unitCost", errors, places=MIL, limit=MAX_COST)
    price = _money_value(price, "price", errors, places=CENT, limit=MAX_PRICE)
    product, box_type, vendor, location = _resolve_pack(
        company,
        errors,
        product_id=product_id,
        product_code=product_code,
        box_type_id=box_type_id,
        box_type_code=box_type_code,
        vendor_id=vendor_id,
        vendor_code=vendor_code,
        location_id=location_id,
    )
    if errors:
        return {}
    return {
        "company": company,
        "location": location,
        "product": product,
        "vendor": vendor,
        "box_type": box_type,
        "unit_type": unit_type,
        "bunches": bunches,
        "stems_bunch": stems_bunch,
        "units_per_box": rules.units_per_box(unit_type, bunches, stems_bunch),  # type: ignore[arg-type]
        "unit_cost": cost,
        "price": price,
    }


@transaction.atomic
def add_on_hand_lines(
    company: Company,
    *,
    awb: str,
    ship_date: dt.date,
    quantity: int,
    unit_type: str,
    stems_bunch: int,
    bunches: int,
    unit_cost: Decimal,
    product_id: int | None = None,
    product_code: str | None = None,
    box_type_id: int | None = None,
    box_type_code: str | None = None,
    vendor_id: int | None = None,
    vendor_code: str | None = None,
    arrival_date: dt.date | None = None,
    price: Decimal | None = None,
    location_id: int | None = None,
    lot_number: str = "",
    inventory_type: str = InventoryType.OPEN_MARKET,
) -> list[int]:
    """Put boxes on hand (Komet's `inventory.add`); return the new line ids.

    Raises ValidationFailed naming every wrong field at once (an unknown product, box type or
    grower by the id or code given), and nothing is added.
    """
    errors: list[FieldError] = []
    if not (awb or "").strip():
        errors.append(FieldError("awb", "is required: the air waybill the boxes came on"))
    elif len(awb.strip()) > 40:
        errors.append(FieldError("awb", "must be at most 40 characters"))
    if len(lot_number or "") > 40:
        errors.append(FieldError("lotNumber", "must be at most 40 characters"))
    if inventory_type not in InventoryType.values:
        errors.append(FieldError("inventoryType", "must be M, L, S or P"))
    if arrival_date is not None and arrival_date < ship_date:
        errors.append(FieldError("arrivalDate", "must not be before shipDate"))
    pack = _checked_pack(
        company,
        errors,
        boxes=quantity,
        boxes_field="quantity",
        max_boxes=MAX_BOXES_PER_ADD,
        unit_type=unit_type,
        bunches=bunches,
        stems_bunch=stems_bunch,
        unit_cost=unit_cost,
        price=price,
        product_id=product_id,
        product_code=product_code,
        box_type_id=box_type_id,
        box_type_code=box_type_code,
        vendor_id=vendor_id,
        vendor_code=vendor_code,
        location_id=location_id,
    )
    if errors:
        raise ValidationFailed(errors)
    line = InventoryLine.objects.create(
        **pack,
        inventory_type=inventory_type,
        boxes_on_hand=quantity,
        awb=awb.strip(),
        lot_number=lot_number,
        ship_date=ship_date,
        arrival_date=arrival_date or calendar.today(company),
    )
    record_line_change(line, "added")
    return [line.pk]


@transaction.atomic
def add_future_line(
    company: Company,
    *,
    boxes: int,
    available_from: dt.date,
    available_to: dt.date,
    unit_type: str,
    stems_bunch: int,
    bunches: int,
    unit_cost: Decimal,
    product_id: int | None = None,
    product_code: str | None = None,
    box_type_id: int | None = None,
    box_type_code: str | None = None,
    vendor_id: int | None = None,
    vendor_code: str | None = None,
    price: Decimal | None = None,
    location_id: int | None = None,
    reserved_for: Customer | None = None,
) -> FutureLine:
    """Offer boxes confirmed to arrive between two dates (a future line, origin 2), to everyone or,
    with `reserved_for`, to that customer alone (boxes bought for it).

    Raises ValidationFailed naming every wrong field, and nothing is added.
    """
    errors: list[FieldError] = []
    if available_to < available_from:
        errors.append(FieldError("availableTo", "must not be before availableFrom"))
    pack = _checked_pack(
        company,
        errors,
        boxes=boxes,
        boxes_field="boxes",
        max_boxes=MAX_BOXES_PER_LINE,
        unit_type=unit_type,
        bunches=bunches,
        stems_bunch=stems_bunch,
        unit_cost=unit_cost,
        price=price,
        product_id=product_id,
        product_code=product_code,
        box_type_id=box_type_id,
        box_type_code=box_type_code,
        vendor_id=vendor_id,
        vendor_code=vendor_code,
        location_id=location_id,
    )
    if errors:
        raise ValidationFailed(errors)
    line = FutureLine.objects.create(
        **pack,
        boxes=boxes,
        available_from=available_from,
        available_to=available_to,
        reserved_for=reserved_for,
    )
    record_line_change(line, "added")
    return line


# --- editing lines --------------------------------------------------------------------------------


@transaction.atomic
def edit_line(
    company: Company,
    origin: int,
    line_id: int,
    *,
    price: Decimal | None = _UNSET,
    unit_cost: Decimal = _UNSET,
    boxes: int = _UNSET,
) -> InventoryLine | FutureLine:
    """Change a line's price (None: cost marked up by the company margin), cost or boxes.

    Boxes (on hand, or to arrive for a future line) never go below those held or sold.
    Raises NotFound for a line of another company, ValidationFailed for a negative number and
    InvalidState when the boxes asked for are fewer than those already held or sold.
    """
    model = _line_model(origin)
    boxes_field = "boxes_on_hand" if model is InventoryLine else "boxes"
    errors: list[FieldError] = []
    changes: dict[str, Any] = {}
    if price is not _UNSET:
        changes["price"] = _money_value(price, "price", errors, places=CENT, limit=MAX_PRICE)
    if unit_cost is not _UNSET:
        if unit_cost is None:
            errors.append(FieldError("unitCost", "must be a number, 0 or more"))
        changes["unit_cost"] = _money_value(unit_cost, "unitCost", errors, places=MIL, limit=MAX_COST)
    if boxes is not _UNSET:
        if boxes is None or not 0 <= boxes <= MAX_BOXES_PER_LINE:
            errors.append(FieldError("boxes", f"must be a whole number of boxes, 0 to {MAX_BOXES_PER_LINE}"))
        changes[boxes_field] = boxes
    if errors:
        raise ValidationFailed(errors)
    if not changes:
        raise ValidationFailed(FieldError("", "nothing to change: give a price, a cost or a number of boxes"))
    # One conditional UPDATE: a hold committed a moment ago can never be pushed past the boxes.
    query = model.objects.filter(company=company, pk=line_id)
    if boxes_field in changes:
        query = query.filter(boxes_held__lte=changes[boxes_field] - F("boxes_sold"))
    changed = query.update(**changes, updated_on=timezone.now())
    line = model.objects.filter(company=company, pk=line_id).first()
    if line is None:
        raise NotFound(f"inventory line {line_id} (origin {origin}) not found")
    if not changed:
        taken = line.boxes_held + line.boxes_sold
        raise InvalidState(
            f"line {line_id} has {line.boxes_held} box(es) held and {line.boxes_sold} sold: "
            f"it cannot have fewer than {taken} box(es)"
        )
    record_line_change(line, "edited")
    return line


# --- reservations ---------------------------------------------------------------------------------


def _copy_line(line: InventoryLine, **overrides: Any) -> InventoryLine:
    fields = {name: getattr(line, name) for name in _PACK_FIELDS}
    fields.update(
        inventory_type=line.inventory_type,
        awb=line.awb,
        lot_number=line.lot_number,
        ship_date=line.ship_date,
        arrival_date=line.arrival_date,
    )
    fields.update(overrides)
    return InventoryLine.objects.create(**fields)


def _split_free_boxes(line_id: int, boxes: int) -> None:
    """Take `boxes` free boxes off a line with one conditional UPDATE, or raise NotAvailable."""
    base = InventoryLine.objects.filter(pk=line_id)
    taken = base.filter(boxes_on_hand__gte=F("boxes_held") + F("boxes_sold") + boxes).update(
        boxes_on_hand=F("boxes_on_hand") - boxes, updated_on=timezone.now()
    )
    if not taken:
        current = base.values_list("boxes_on_hand", "boxes_held", "boxes_sold").first()
        free = rules.boxes_free(rules.StockCounts(*current)) if current else 0
        raise NotAvailable(f"line {line_id} has only {free} free box(es), not {boxes}", free)


@transaction.atomic
def reserve_boxes(
    company: Company, line_id: int, customer_id: int, boxes: int | None = None
) -> InventoryLine:
    """Reserve free boxes of an open-market on-hand line for one customer (all free boxes by default).

    The reserved boxes become a new line reserved for that customer; the line keeps the rest.
    Raises NotFound for a line or customer of another company, InvalidState for a line already
    reserved or not open market, NotAvailable when fewer boxes are free, ValidationFailed for
    fewer than one box.
    """
    customer = Customer.objects.filter(company=company, pk=customer_id).first()
    if customer is None:
        raise NotFound(f"customer {customer_id} not found")
    if not customer.active:
        raise InvalidState(f"customer {customer.code} is inactive: activate it before reserving stock for it")
    line = InventoryLine.objects.filter(company=company, pk=line_id).first()
    if line is None:
        raise NotFound(f"on-hand line {line_id} not found")
    if line.reserved_for_id is not None:
        raise InvalidState(
            f"line {line_id} is already reserved for customer {line.reserved_for_id}: release it first"
        )
    if line.inventory_type != InventoryType.OPEN_MARKET:
        raise InvalidState(f"line {line_id} is not open-market stock (type {line.inventory_type})")
    if boxes is None:
        boxes = rules.boxes_free(rules.StockCounts(line.boxes_on_hand, line.boxes_held, line.boxes_sold))
        if boxes == 0:
            raise NotAvailable(f"line {line_id} has no free boxes to reserve", 0)
    if boxes < 1:
        raise ValidationFailed(FieldError("boxes", "must be a whole number of boxes, at least 1"))
    _split_free_boxes(line_id, boxes)
    line.refresh_from_db()
    reserved = _copy_line(line, boxes_on_hand=boxes, reserved_for=customer)
    record_line_change(line, "reserved")
    record_line_change(reserved, "reserved")
    return reserved


@transaction.atomic
def release_reservation(company: Company, line_id: int, boxes: int | None = None) -> InventoryLine:
    """Give a reserved line's free boxes (all by default) back to the open market.

    They become a new unreserved line; the reserved line keeps what is held or sold for its customer.
    Raises NotFound for a line of another company, InvalidState for a line not reserved,
    NotAvailable when fewer boxes are free.
    """
    line = InventoryLine.objects.filter(company=company, pk=line_id).first()
    if line is None:
        raise NotFound(f"on-hand line {line_id} not found")
    if line.reserved_for_id is None:
        raise InvalidState(f"line {line_id} is not reserved for anyone")
    if boxes is None:
        boxes = rules.boxes_free(rules.StockCounts(line.boxes_on_hand, line.boxes_held, line.boxes_sold))
        if boxes == 0:
            raise NotAvailable(f"line {line_id} has no free boxes to release", 0)
    if boxes < 1:
        raise ValidationFailed(FieldError("boxes", "must be a whole number of boxes, at least 1"))
    _split_free_boxes(line_id, boxes)
    line.refresh_from_db()
    released = _copy_line(line, boxes_on_hand=boxes, reserved_for=None)
    record_line_change(line, "released")
    record_line_change(released, "released")
    return released


def reserved_lines(company: Company, customer_id: int) -> list[InventoryLine]:
    """Return the on-hand lines reserved for a customer that still have boxes on hand."""
    return list(
        InventoryLine.objects.filter(company=company, reserved_for_id=customer_id, boxes_on_hand__gt=0)
        .select_related("product", "box_type")
        .order_by("id")
    )


# --- receiving future boxes -----------------------------------------------------------------------


@transaction.atomic
def settle_future_line(
    company: Company, line_id: int, *, boxes: int, sold: int, before: tuple[int, int, int], reason: str
) -> FutureLine:
    """Set a future line's boxes still to arrive and sold, as a receipt decided (`purchasing.rules`).

    One conditional UPDATE guarded by the counts the decision was made from (`before`: boxes,
    held, sold): a cart that held a box a moment ago makes it refuse with InvalidState, and
    nothing changes. Records an `inventory.changed` event.
    """
    was_boxes, was_held, was_sold = before
    changed = (
        FutureLine.objects.filter(
            company=company, pk=line_id, boxes=was_boxes, boxes_held=was_held, boxes_sold=was_sold
        )
        .filter(boxes_held__lte=boxes - sold)
        .update(boxes=boxes, boxes_sold=sold, updated_on=timezone.now())
    )
    if not changed:
        raise InvalidState(
            f"future line {line_id} changed while receiving (a cart held or sold boxes); try again"
        )
    line = FutureLine.objects.get(company=company, pk=line_id)
    record_line_change(line, reason)
    return line


@transaction.atomic
def add_received_line(
    company: Company,
    *,
    pack_from: FutureLine | None,
    pack: dict[str, Any],
    boxes: int,
    sold: int,
    awb: str,
    ship_date: dt.date,
    inventory_type: str = InventoryType.OPEN_MARKET,
    reserved_for: Customer | None = None,
) -> InventoryLine:
    """Put received boxes on hand with their cost: `sold` of them already belong to prebooks.

    `pack` holds the pack's model fields (product, box type, unit type, bunches, stems, cost, price,
    vendor, location), or `pack_from` a future line to copy them from. Records an event.
    """
    fields = dict(pack)
    if pack_from is not None:
        fields.update({name: getattr(pack_from, name) for name in _PACK_FIELDS})
    if not 0 <= sold <= boxes:
        raise ValueError("sold boxes must be between 0 and the boxes received")
    line = InventoryLine.objects.create(
        **fields,
        inventory_type=inventory_type,
        reserved_for=reserved_for,
        boxes_on_hand=boxes,
        boxes_sold=sold,
        awb=awb,
        ship_date=ship_date,
        arrival_date=calendar.today(company),
    )
    record_line_change(line, "received")
    return line
