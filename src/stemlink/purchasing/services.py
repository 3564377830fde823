"""Purchasing use cases: purchase orders to growers from making to receiving, growers' offers booked
into prebooks, hard goods, box labels. Each public function is one transaction.

Stock is changed only through `stemlink.inventory.services` and `stemlink.inventory.stock`, so
every change records its `inventory.changed` event and moves the line's `updated_on`: a confirmed
line is on the marketplace's next delta poll, and so is a received one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from stemlink.catalog.models import BoxType, Carrier, Product, Vendor
from stemlink.customers.models import Customer
from stemlink.customers.services import add_customer
from stemlink.errors import FieldError, InvalidState, NotAvailable, NotFound, ValidationFailed
from stemlink.inventory import rules as inventory_rules
from stemlink.inventory import services as inventory_services
from stemlink.inventory import stock
from stemlink.inventory.models import FutureLine, InventoryType
from stemlink.inventory.stock import StockMove
from stemlink.orders import documents, numbering
from stemlink.orders import prebooks as prebook_service
from stemlink.orders import rules as order_rules
from stemlink.orders.models import (
    Invoice,
    Origin,
    Prebook,
    PrebookItem,
    PrebookStatus,
    WebOrder,
    WebOrderItem,
    WebOrderStatus,
)
from stemlink.orders.resolvers import resolve_carrier, resolve_location
from stemlink.purchasing import rules
from stemlink.purchasing.models import (
    AvailabilityItem,
    Booking,
    Box,
    Cover,
    HardGood,
    InvoiceSync,
    PaymentMethod,
    POStatus,
    PurchaseOrder,
    PurchaseOrderItem,
    Receipt,
)
from stemlink.tenancy.models import Company, Location

PURCHASE_ORDER = "purchase_order"
MAX_LINES = 200
MAX_BOXES = 100_000
MAX_AWB = 40


# --------------------------------------------------------------------------------------------
# Look-ups
# --------------------------------------------------------------------------------------------


def resolve_vendor(
    company: Company, vendor_id: int | None, vendor_code: str | None, field: str = "vendorId"
) -> Vendor:
    """The grower named by id or code, of this company and active. Raises ValidationFailed/NotFound."""
    vendors = Vendor.objects.filter(company=company)
    if vendor_id is not None:
        vendor = vendors.filter(pk=vendor_id).first()
        name = str(vendor_id)
    elif vendor_code:
        vendor = vendors.filter(code__iexact=vendor_code.strip()).first()
        name = repr(vendor_code)
        field = "vendorCode"
    else:
        raise ValidationFailed(FieldError(field, "is required: the grower (vendorId or vendorCode)"))
    if vendor is None:
        raise NotFound(f"Vendor {name} was not found; check vendor.list.")
    if not vendor.active:
        raise ValidationFailed(FieldError(field, f"vendor {vendor.code} is inactive; activate it first"))
    return vendor


def _order_for(
    company: Company, order_id: int, vendor: Vendor | None = None, *, lock: bool = True
) -> PurchaseOrder:
    orders = PurchaseOrder.objects.filter(company=company, pk=order_id)
    if lock:
        orders = orders.select_for_update(of=("self",))
    order = orders.select_related("vendor", "customer").first()
    # A vendor's token sees its own orders only; the others do not exist for it.
    if order is None or (vendor is not None and order.vendor_id != vendor.pk):
        raise NotFound(f"Purchase order {order_id} was not found.")
    return order


# --------------------------------------------------------------------------------------------
# Making purchase orders
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineRequest:
    """A purchase-order line as a client or a page gives it."""

    boxes: int
    unit_cost: Decimal
    product_id: int | None = None
    product_code: str | None = None
    box_type_id: int | None = None
    box_type_code: str | None = None
    unit_type: str = "Stem"
    bunches: int | None = None
    stems_bunch: int | None = None
    price: Decimal | None = None
    mixed_box: int | None = None
    prebook_item_id: int | None = None


def _check_line(company: Company, request: LineRequest, where: str) -> dict[str, Any]:
    errors: list[FieldError] = []
    if not isinstance(request.boxes, int) or not 1 <= request.boxes <= MAX_BOXES:
        errors.append(FieldError(f"{where}boxes", f"must be a whole number of boxes from 1 to {MAX_BOXES:,}"))
    for name, value in (("bunches", request.bunches), ("stemsBunch", request.stems_bunch)):
        if value is None:
            errors.append(FieldError(f"{where}{name}", "is required: how the boxes are packed"))
        elif not 1 <= value <= inventory_services.MAX_PACK:
            errors.append(FieldError(f"{where}{name}", f"must be 1 to {inventory_services.MAX_PACK:,}"))
    unit_type = (request.unit_type or "Stem").strip().capitalize()
    if unit_type not in ("Stem", "Bunch"):
        errors.append(FieldError(f"{where}unitType", "must be Stem or Bunch"))
    cost = _money(
        request.unit_cost, f"{where}unitCost", errors, inventory_services.MIL, inventory_services.MAX_COST
    )
    price = _money(
        request.price, f"{where}price", errors, inventory_services.CENT, inventory_services.MAX_PRICE
    )
    if request.unit_cost is None:
        errors.append(FieldError(f"{where}unitCost", "is required: what the grower charges per unit"))
    products = Product.objects.filter(company=company)
    product = None
    if request.product_id is not None:
        product = products.filter(pk=request.product_id).first()
        if product is None:
            errors.append(
                FieldError(
                    f"{where}productId", f"product {request.product_id} is not a product of this company"
                )
            )
    elif request.product_code:
        product = products.filter(code__iexact=request.product_code.strip()).first()
        if product is None:
            errors.append(
                FieldError(
                    f"{where}productCode",
                    f"product code {request.product_code!r} is not a product of this company",
                )
            )
    else:
        errors.append(FieldError(f"{where}productCode", "is required (or give productId)"))
    box_types = BoxType.objects.filter(company=company)
    box_type = None
    if request.box_type_id is not None:
        box_type = box_types.filter(pk=request.box_type_id).first()
        if box_type is None:
            errors.append(
                FieldError(
                    f"{where}boxTypeId", f"box type {request.box_type_id} is not a box type of this company"
                )
            )
    elif request.box_type_code:
        box_type = box_types.filter(code__iexact=request.box_type_code.strip()).first()
        if box_type is None:
            errors.append(
                FieldError(f"{where}boxTypeCode", f"no box type has the code {request.box_type_code!r}")
            )
    else:
        errors.append(FieldError(f"{where}boxTypeCode", "is required (or give boxTypeId)"))
    prebook_item = None
    if request.prebook_item_id is not None:
        prebook_item = (
            PrebookItem.objects.filter(company=company, pk=request.prebook_item_id)
            .select_related("prebook")
            .first()
        )
        if prebook_item is None or prebook_item.prebook.status != PrebookStatus.OPEN:
            errors.append(
                FieldError(f"{where}prebookItemId", f"prebook line {request.prebook_item_id} was not found")
            )
        elif prebook_item.future_line_id is not None:
            errors.append(
                FieldError(f"{where}prebookItemId", "this prebook line already draws on future inventory")
            )
        elif product is not None and prebook_item.product_id != product.pk:
            errors.append(FieldError(f"{where}prebookItemId", "this prebook line is for another product"))
        elif isinstance(request.boxes, int) and request.boxes < prebook_item.boxes:
            errors.append(
                FieldError(
                    f"{where}boxes",
                    f"the prebook line needs {prebook_item.boxes} box(es): buy at least that many",
                )
            )
    if errors:
        raise ValidationFailed(errors)
    assert product is not None and box_type is not None and request.bunches and request.stems_bunch
    return {
        "product": product,
        "box_type": box_type,
        "unit_type": unit_type,
        "bunches": request.bunches,
        "stems_bunch": request.stems_bunch,
        "units_per_box": inventory_rules.units_per_box(unit_type, request.bunches, request.stems_bunch),  # type: ignore[arg-type]
        "boxes": request.boxes,
        "unit_cost": cost,
        "price": price,
        "mixed_box": request.mixed_box,
        "prebook_item": prebook_item,
    }


def _money(
    value: Decimal | None, field: str, errors: list[FieldError], places: Decimal, limit: Decimal
) -> Decimal | None:
    if value is None:
        return None
    if not value.is_finite() or value < 0:
        errors.append(FieldError(field, "must be a number, 0 or more"))
        return None
    rounded = value.quantize(places)
    if rounded > limit:
        errors.append(FieldError(field, f"must be at most {limit}"))
        return None
    return rounded


def _awb(awb: str | None, field: str = "awb") -> str:
    text = (awb or "").strip()
    if len(text) > MAX_AWB:
        raise ValidationFailed(FieldError(field, f"must be at most {MAX_AWB} characters"))
    return text


def create_purchase_order(
    company: Company,
    *,
    vendor: Vendor,
    ship_date: dt.date,
    lines: Sequence[LineRequest],
    arrival_date: dt.date | None = None,
    awb: str = "",
    carrier: Carrier | None = None,
    location: Location | None = None,
    customer: Customer | None = None,
    prebook: Prebook | None = None,
    notes: str = "",
    user: Any = None,
    token_id: int | None = None,
    confirm: bool = False,
) -> PurchaseOrder:
    """Make a purchase order to a grower (open: waiting for its confirmation; `confirm`: already
    confirmed by it). Raises ValidationFailed naming every wrong line field, and nothing is made.
    """
    if not lines:
        raise ValidationFailed(
            FieldError("items", "give at least one line: product, box type, pack, boxes, cost")
        )
    if len(lines) > MAX_LINES:
        raise ValidationFailed(FieldError("items", f"at most {MAX_LINES} lines per purchase order"))
    arrival = arrival_date or ship_date
    if arrival < ship_date:
        raise ValidationFailed(FieldError("arrivalDate", "must not be before shipDate"))
    awb = _awb(awb)
    checked = [_check_line(company, line, f"items[{index}].") for index, line in enumerate(lines)]
    if prebook is not None and customer is None:
        customer = prebook.customer
    with transaction.atomic():
        location = location or resolve_location(company, None)
        order = PurchaseOrder.objects.create(
            company=company,
            location=location,
            number=numbering.next_number(company.pk, location.pk, PURCHASE_ORDER),
            vendor=vendor,
            ship_date=ship_date,
            arrival_date=arrival,
            awb=awb,
            carrier=carrier,
            customer=customer,
            prebook=prebook,
            notes=notes,
            created_by=user,
            created_by_token_id=token_id,
        )
        PurchaseOrderItem.objects.bulk_create(
            [
                PurchaseOrderItem(company=company, purchase_order=order, awb=awb, **fields)
                for fields in checked
            ]
        )
        if confirm:
            _confirm(company, order)
        return order


def add_to_purchase_order(
    company: Company,
    *,
    number: int,
    vendor: Vendor,
    lines: Sequence[LineRequest],
    location: Location | None = None,
    carrier: Carrier | None = None,
    confirm: bool = False,
) -> tuple[PurchaseOrder, list[int]]:
    """Add lines to the open purchase order `number` of this grower (Komet's `purchaseOrderNumber`
    on purchase.order.create); `confirm`: the grower confirmed it with them. Answers the order and
    the new lines' ids; `carrier`, when given, becomes the order's inbound carrier. Raises NotFound
    (no such order), ValidationFailed (another grower's, or a number two locations share and no
    location given), InvalidState (no longer open).
    """
    if not lines:
        raise ValidationFailed(
            FieldError("items", "give at least one line: product, box type, pack, boxes, cost")
        )
    checked = [_check_line(company, line, f"items[{index}].") for index, line in enumerate(lines)]
    with transaction.atomic():
        orders = PurchaseOrder.objects.filter(company=company, number=number)
        if location is not None:
            orders = orders.filter(location=location)
        found = list(orders.select_for_update(of=("self",)).select_related("vendor")[:2])
        if not found:
            raise NotFound(f"Purchase order {number} was not found; check purchase.order.list.")
        if len(found) > 1:
            raise ValidationFailed(
                FieldError(
                    "purchaseOrderNumber",
                    f"purchase order {number} is at several locations: give companyLocationCode",
                )
            )
        order = found[0]
        if order.vendor_id != vendor.pk:
            raise ValidationFailed(
                FieldError(
                    "purchaseOrderNumber",
                    f"purchase order {number} is to {order.vendor.code}, not {vendor.code}: "
                    "lines are added only to an order of the same grower",
                )
            )
        if order.status != POStatus.OPEN:
            raise InvalidState(
                f"Purchase order {number} is {order.komet_status}: lines are added only to an open "
                "(Approved) order; make a new purchase order instead"
            )
        if order.items.count() + len(checked) > MAX_LINES:
            raise ValidationFailed(FieldError("items", f"at most {MAX_LINES} lines per purchase order"))
        added = PurchaseOrderItem.objects.bulk_create(
            [
                PurchaseOrderItem(company=company, purchase_order=order, awb=order.awb, **fields)
                for fields in checked
            ]
        )
        ids = [item.pk for item in added]  # PostgreSQL and SQLite both answer the new ids
        if carrier is not None and order.carrier_id != carrier.pk:
            order.carrier = carrier
            order.save(update_fields=["carrier", "updated_on"])
        if confirm:
            _confirm(company, order)
        return order, ids


def prebook_needs(company: Company, prebook: Prebook) -> tuple[list[PrebookItem], dict[int, list[Cover]]]:
    """What a prebook still needs bought: its lines that draw on no inventory and no purchase yet
    (its purchase need), and the uncovered boxes a short or cancelled purchase left (by line)."""
    unbought = list(
        PrebookItem.objects.filter(
            company=company, prebook=prebook, future_line__isnull=True, purchase_lines__isnull=True
        )
        .select_related("product", "box_type")
        .order_by("id")
    )
    short: dict[int, list[Cover]] = {}
    for cover in (
        Cover.objects.filter(
            company=company, prebook_item__prebook=prebook, uncovered=True, resolved_on__isnull=True
        )
        .select_related("prebook_item__product", "prebook_item__box_type")
        .order_by("id")
    ):
        short.setdefault(cover.prebook_item_id, []).append(cover)
    return unbought, short


def purchase_for_prebook(
    company: Company,
    prebook: Prebook,
    *,
    vendor: Vendor,
    ship_date: dt.date,
    costs: dict[int, Decimal],
    user: Any = None,
) -> PurchaseOrder:
    """Buy from a grower what a prebook still needs (`prebook_needs`): its unbought lines, each
    bought for its prebook line (covered by the boxes when they come), and the boxes a short
    purchase left uncovered, bought again for the prebook's customer (the uncovered lines are then
    dealt with). `costs`: unit cost by prebook line id. Raises InvalidState (nothing to buy),
    ValidationFailed.
    """
    with transaction.atomic():
        prebook = Prebook.objects.select_for_update().get(company=company, pk=prebook.pk)
        if prebook.status != PrebookStatus.OPEN:
            raise InvalidState(f"Prebook {prebook.number} was deleted; nothing to buy for it.")
        unbought, short = prebook_needs(company, prebook)
        if not unbought and not short:
            raise InvalidState(f"prebook {prebook.number} has no line left to buy")

        def line(item: PrebookItem, boxes: int, for_item: bool) -> LineRequest:
            return LineRequest(
                boxes=boxes,
                unit_cost=costs.get(item.pk, Decimal("0")),
                product_id=item.product_id,
                box_type_id=item.box_type_id,
                unit_type=item.unit_type,
                bunches=item.bunches,
                stems_bunch=item.stems_bunch,
                price=item.unit_price,
                prebook_item_id=item.pk if for_item else None,
            )

        lines = [line(item, item.boxes, True) for item in unbought]
        lines += [
            line(covers[0].prebook_item, sum(c.boxes for c in covers), False) for covers in short.values()
        ]
        order = create_purchase_order(
            company,
            vendor=vendor,
            ship_date=ship_date,
            lines=lines,
            prebook=prebook,
            location=prebook.location,
            user=user,
            notes=f"For prebook {prebook.number}",
        )
        Cover.objects.filter(pk__in=[c.pk for covers in short.values() for c in covers]).update(
            resolved_on=timezone.now()
        )
        return order


# --------------------------------------------------------------------------------------------
# The grower's word: confirmed, shipped; cancelled
# --------------------------------------------------------------------------------------------


def _move(order: PurchaseOrder, target: str) -> None:
    if problem := rules.move_problem(order.status, target):
        raise InvalidState(f"Purchase order {order.number}: {problem}.")


def _confirm(company: Company, order: PurchaseOrder) -> None:
    _move(order, rules.CONFIRMED)
    available_from, available_to = rules.sale_window(order.arrival_date)
    for item in PurchaseOrderItem.objects.filter(purchase_order=order).select_related(
        "prebook_item", "product", "box_type"
    ):
        if item.mixed_box is not None:
            continue  # a mixed box is not boxes of one product: it is sold once it is on hand
        line = inventory_services.add_future_line(
            company,
            boxes=item.boxes,
            available_from=available_from,
            available_to=available_to,
            unit_type=item.unit_type,
            stems_bunch=item.stems_bunch,
            bunches=item.bunches,
            unit_cost=item.unit_cost,
            product_id=item.product_id,
            box_type_id=item.box_type_id,
            vendor_id=order.vendor_id,
            price=item.price,
            location_id=order.location_id,
            reserved_for=order.customer,
        )
        item.future_line = line
        item.save(update_fields=["future_line", "updated_on"])
        prebook_item = item.prebook_item
        if prebook_item is not None:
            # The prebook line this was bought for draws on its boxes from now on.
            stock.sell_boxes(documents.FUTURE, line.pk, prebook_item.boxes, company_id=company.pk)
            PrebookItem.objects.filter(pk=prebook_item.pk, future_line__isnull=True).update(
                future_line=line, vendor=order.vendor, updated_on=timezone.now()
            )
    order.status = POStatus.CONFIRMED
    order.confirmed_on = timezone.now()
    order.save(update_fields=["status", "confirmed_on", "updated_on"])


def confirm_purchase_order(company: Company, order_id: int, *, vendor: Vendor | None = None) -> PurchaseOrder:
    """The grower confirmed: its lines become future inventory, offered at once (to the order's
    customer alone when it was bought for one). Raises NotFound, InvalidState.
    """
    with transaction.atomic():
        order = _order_for(company, order_id, vendor)
        _confirm(company, order)
        return order


def add_awb(
    company: Company, order_id: int, *, awb: str, item_ids: Sequence[int] = (), vendor: Vendor | None = None
) -> list[PurchaseOrderItem]:
    """The grower shipped: put the air waybill on the order's lines (all, or those named). A
    confirmed order becomes shipped. Raises NotFound, ValidationFailed, InvalidState.
    """
    awb = _awb(awb)
    if not awb:
        raise ValidationFailed(FieldError("awb", "is required: the air waybill the boxes fly on"))
    with transaction.atomic():
        order = _order_for(company, order_id, vendor)
        if order.status not in (POStatus.CONFIRMED, POStatus.SHIPPED):
            raise InvalidState(
                f"Purchase order {order.number} is {order.status}: only a confirmed order ships "
                "(confirm it first)"
            )
        items = PurchaseOrderItem.objects.filter(purchase_order=order)
        if item_ids:
            found = set(items.filter(pk__in=item_ids).values_list("pk", flat=True))
            missing = [i for i in item_ids if i not in found]
            if missing:
                raise NotFound(
                    f"Purchase order item {missing[0]} was not found on purchase order {order.number}."
                )
            items = items.filter(pk__in=item_ids)
        items.update(awb=awb, updated_on=timezone.now())
        if not PurchaseOrderItem.objects.filter(purchase_order=order, awb="").exists():
            order.awb = awb
        order.status = POStatus.SHIPPED
        order.save(update_fields=["status", "awb", "updated_on"])
        return list(items.order_by("id"))


def add_awbs(
    company: Company, lines: Sequence[tuple[int, str]], *, vendor: Vendor | None = None
) -> list[PurchaseOrderItem]:
    """Put an air waybill on each line named, as `(line id, awb)`: lines of several orders and
    AWBs in one call, each order shipped as `add_awb` ships it. All or nothing: a line not found
    (or not `vendor`'s), a missing AWB or an order not confirmed refuses the whole call.
    """
    if not lines:
        raise ValidationFailed(FieldError("poItems", "give at least one line: poItemId and awb"))
    if len(lines) > MAX_LINES:
        raise ValidationFailed(FieldError("poItems", f"at most {MAX_LINES} lines per call"))
    for index, (_, awb) in enumerate(lines):
        if not _awb(awb, f"poItems[{index}].awb"):
            raise ValidationFailed(
                FieldError(f"poItems[{index}].awb", "is required: the air waybill the boxes fly on")
            )
    found = PurchaseOrderItem.objects.filter(company=company, pk__in={item_id for item_id, _ in lines})
    if vendor is not None:
        found = found.filter(purchase_order__vendor=vendor)
    order_of = dict(found.values_list("pk", "purchase_order_id"))
    for item_id, _ in lines:
        if item_id not in order_of:
            raise NotFound(f"Purchase order item {item_id} was not found.")
    # One add_awb per order and AWB, orders in id order (the same lock order in every call).
    groups: dict[tuple[int, str], list[int]] = {}
    for item_id, awb in lines:
        groups.setdefault((order_of[item_id], awb.strip()), []).append(item_id)
    with transaction.atomic():
        for (order_id, awb), item_ids in sorted(groups.items()):
            add_awb(company, order_id, awb=awb, item_ids=item_ids, vendor=vendor)
    items = PurchaseOrderItem.objects.in_bulk([item_id for item_id, _ in lines])
    return [items[item_id] for item_id, _ in lines]


def _withdraw(company: Company, item: PurchaseOrderItem, receipt_awb: str, user: Any = None) -> None:
    """Close a line with nothing more coming (a cancelled order, a deleted line)."""
    _receive_item(company, item, received=0, close=True, awb=receipt_awb, user=user)


def cancel_purchase_order(company: Company, order_id: int, *, user: Any = None) -> PurchaseOrder:
    """Cancel an order: its future boxes leave the market; prebook lines they were sold to are left
    uncovered (shown to the rep). Raises NotFound, InvalidState.
    """
    with transaction.atomic():
        order = _order_for(company, order_id)
        _move(order, rules.CANCELLED)
        for item in PurchaseOrderItem.objects.filter(purchase_order=order, closed=False).select_related(
            "purchase_order"
        ):
            if item.future_line_id is not None:
                _withdraw(company, item, order.awb or "CANCELLED", user)
        order.status = POStatus.CANCELLED
        order.cancelled_on = timezone.now()
        order.save(update_fields=["status", "cancelled_on", "updated_on"])
        return order


def delete_item(company: Company, order_id: int, item_id: int) -> PurchaseOrder:
    """Remove a line of an order not yet received from: its future boxes leave the market.

    Refused (InvalidState) once boxes of it were received or sold to a prebook.
    """
    with transaction.atomic():
        order = _order_for(company, order_id)
        if order.status in (POStatus.RECEIVED, POStatus.CANCELLED):
            raise InvalidState(f"Purchase order {order.number} is {order.status}; its lines cannot change.")
        item = PurchaseOrderItem.objects.filter(purchase_order=order, pk=item_id).first()
        if item is None:
            raise NotFound(f"Purchase order item {item_id} was not found on purchase order {order.number}.")
        if item.receipts.exists():
            raise InvalidState(f"Boxes of purchase order item {item_id} were received; it cannot be deleted.")
        if item.future_line_id is not None:
            line = FutureLine.objects.get(pk=item.future_line_id)
            if line.boxes_sold or line.boxes_held:
                raise InvalidState(
                    f"{line.boxes_sold + line.boxes_held} future box(es) of purchase order item {item_id} "
                    "are sold or in carts; it cannot be deleted (cancel the order to flag those prebooks)"
                )
            inventory_services.settle_future_line(
                company, line.pk, boxes=0, sold=0, before=(line.boxes, 0, 0), reason="withdrawn"
            )
        item.delete()
        if not PurchaseOrderItem.objects.filter(purchase_order=order).exists():
            order.status = POStatus.CANCELLED
            order.cancelled_on = timezone.now()
        order.save()
        return order


# --------------------------------------------------------------------------------------------
# Receiving
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceiveRequest:
    """Boxes of one line received; `close`: no more will come (the rest is a shortage); `awb`: the
    air waybill these boxes came on, when not the one given for the whole receipt."""

    item_id: int
    boxes: int
    close: bool = False
    awb: str = ""


def _claims(item: PurchaseOrderItem) -> list[tuple[int, int]]:
    """Prebook lines drawing on the item's future boxes, oldest first, with the boxes still uncovered."""
    if item.future_line_id is None:
        return []
    claims = []
    for prebook_item in (
        PrebookItem.objects.filter(future_line_id=item.future_line_id, prebook__status=PrebookStatus.OPEN)
        .order_by("id")
        .prefetch_related("covers")
    ):
        done = sum(cover.boxes for cover in prebook_item.covers.all())
        if prebook_item.boxes > done:
            claims.append((prebook_item.pk, prebook_item.boxes - done))
    return claims


def _lock_carts_holding(company: Company, future_line_id: int) -> list[int]:
    """Lock (in id order) the pending carts holding boxes of a future line; their ids."""
    holding = WebOrderItem.objects.filter(
        company=company, origin=Origin.FUTURE, future_line_id=future_line_id, holding=True
    ).values("web_order_id")
    return list(
        WebOrder.objects.filter(company=company, id__in=holding, status=WebOrderStatus.PENDING)
        .order_by("id")
        .select_for_update(of=("self",))
        .values_list("id", flat=True)
    )


def _release_holds(company: Company, future_line_id: int, boxes: int, carts: Sequence[int]) -> int:
    """Take out of the (locked) carts the items holding `boxes` of a future line the receipt left
    nothing to come for, newest first (the first to put boxes in a cart keeps them). Each item
    leaves its cart whole; its boxes go back to the line (recording `inventory.changed`), which the
    receipt then settles: they are the received, on-hand boxes now, free for anyone. Returns the
    boxes released.
    """
    chosen, total = [], 0
    for item_id, order_id, held in (
        WebOrderItem.objects.filter(
            company=company,
            origin=Origin.FUTURE,
            future_line_id=future_line_id,
            holding=True,
            web_order_id__in=list(carts),
        )
        .order_by("-id")
        .values_list("id", "web_order_id", "boxes")
    ):
        if total >= boxes:
            break
        chosen.append((item_id, order_id))
        total += held
    if not total:
        return 0
    stock.release_held_lines([StockMove(Origin.FUTURE, future_line_id, total)], company_id=company.pk)
    WebOrderItem.objects.filter(id__in=[item_id for item_id, _ in chosen]).delete()
    now = timezone.now()
    touched = {order_id for _, order_id in chosen}
    still = set(WebOrderItem.objects.filter(web_order_id__in=touched).values_list("web_order_id", flat=True))
    WebOrder.objects.filter(id__in=touched - still).update(origin=None, updated_on=now)
    WebOrder.objects.filter(id__in=touched & still).update(updated_on=now)
    return total


def _receive_item(
    company: Company, item: PurchaseOrderItem, *, received: int, close: bool, awb: str, user: Any = None
) -> Receipt:
    order = item.purchase_order
    future = None
    line = None
    claims = _claims(item)

    def plan(future: rules.FutureCounts | None) -> rules.ReceiptPlan:
        return rules.plan_receipt(
            ordered=item.boxes,
            received_before=item.boxes_received,
            received=received,
            close=close,
            future=future,
            claims=claims,
        )

    if item.future_line_id is not None:
        # Carts first, then the line: the order a checkout locks them in (no deadlock).
        carts = _lock_carts_holding(company, item.future_line_id)
        line = FutureLine.objects.select_for_update().get(pk=item.future_line_id)
        future = rules.FutureCounts(line.boxes, line.boxes_held, line.boxes_sold)
        sold_after = plan(future).future_sold
        release = rules.holds_to_release(future=future, received=received, close=close, sold_after=sold_after)
        if release and _release_holds(company, line.pk, release, carts):
            line.refresh_from_db(fields=["boxes", "boxes_held", "boxes_sold"])
            future = rules.FutureCounts(line.boxes, line.boxes_held, line.boxes_sold)
    # Planned again once released holds have moved the line's counts.
    planned = plan(future)
    if line is not None and future is not None:
        inventory_services.settle_future_line(
            company,
            line.pk,
            boxes=planned.future_boxes,
            sold=planned.future_sold,
            before=(future.boxes, future.held, future.sold),
            reason="received",
        )
    on_hand = None
    if received:
        for_customer = order.customer
        on_hand = inventory_services.add_received_line(
            company,
            pack_from=line,
            pack={
                "company": company,
                "location_id": order.location_id,
                "product_id": item.product_id,
                "vendor_id": order.vendor_id,
                "box_type_id": item.box_type_id,
                "unit_type": item.unit_type,
                "bunches": item.bunches,
                "stems_bunch": item.stems_bunch,
                "units_per_box": item.units_per_box,
                "unit_cost": item.unit_cost,
                "price": item.price,
            },
            boxes=received,
            sold=planned.covered,
            awb=awb,
            ship_date=order.ship_date,
            inventory_type=InventoryType.PREBOOK if for_customer else InventoryType.OPEN_MARKET,
            reserved_for=for_customer,
        )
    receipt = Receipt.objects.create(
        company=company,
        item=item,
        awb=awb,
        boxes=received,
        inventory_line=on_hand,
        shortage=planned.shortage,
        received_by=user,
    )
    Cover.objects.bulk_create(
        [
            Cover(company=company, receipt=receipt, prebook_item_id=pid, inventory_line=on_hand, boxes=boxes)
            for pid, boxes in planned.covers
        ]
        + [
            Cover(company=company, receipt=receipt, prebook_item_id=pid, boxes=boxes, uncovered=True)
            for pid, boxes in planned.uncovered
        ]
    )
    if on_hand is not None:
        first = Box.objects.filter(receipt__item=item).count() + 1
        Box.objects.bulk_create(
            [
                Box(
                    company=company,
                    code=code,
                    receipt=receipt,
                    vendor_id=order.vendor_id,
                    inventory_line=on_hand,
                )
                for code in rules.box_codes(order.number, item.pk, first, received)
            ]
        )
    item.boxes_received += received
    item.boxes_short += planned.shortage
    item.closed = close or item.boxes_received >= item.boxes
    if awb and not item.awb:
        item.awb = awb
    item.save(update_fields=["boxes_received", "boxes_short", "closed", "awb", "updated_on"])
    return receipt


def receive(
    company: Company,
    order_id: int,
    *,
    awb: str,
    lines: Sequence[ReceiveRequest],
    user: Any = None,
) -> list[Receipt]:
    """Receive boxes against air waybills, in one step: each line's boxes on its own AWB (`awb` of
    the request) or on the receipt's `awb`; a line may appear once per AWB. Each receipt becomes an
    on-hand line with its line's cost; the prebook lines drawing on the future boxes are covered
    first (oldest first), the rest is open market (or the order's customer's). A line closed short
    records the shortage and leaves the prebook lines it cannot cover uncovered. The order is
    received when every line is closed. All or nothing: one bad line receives none.

    Raises NotFound, ValidationFailed (boxes, AWB), InvalidState (an order not confirmed).
    """
    awb = _awb(awb)
    if not lines:
        raise ValidationFailed(FieldError("items", "give the boxes received of at least one line"))
    errors = []
    awbs = []
    for index, request in enumerate(lines):
        try:
            line_awb = _awb(request.awb, f"items[{index}].awb") or awb
        except ValidationFailed as exc:
            errors.extend(exc.errors)
            line_awb = awb
        if not line_awb:
            errors.append(
                FieldError(
                    f"items[{index}].awb",
                    "is required: the air waybill the boxes came on (here or as the receipt's awb)",
                )
            )
        awbs.append(line_awb)
        if not isinstance(request.boxes, int) or not 0 <= request.boxes <= MAX_BOXES:
            errors.append(
                FieldError(
                    f"items[{index}].boxes", f"must be a whole number of boxes from 0 to {MAX_BOXES:,}"
                )
            )
        elif request.boxes == 0 and not request.close:
            errors.append(
                FieldError(f"items[{index}].boxes", "0 boxes received: close the line short, or leave it out")
            )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        order = _order_for(company, order_id)
        if order.status not in rules.RECEIVABLE:
            raise InvalidState(
                f"Purchase order {order.number} is {order.status}: boxes are received only on a confirmed "
                "or shipped order"
            )
        items = {
            i.pk: i
            for i in PurchaseOrderItem.objects.filter(purchase_order=order).select_related("purchase_order")
        }
        receipts = []
        for index, request in enumerate(lines):
            item = items.get(request.item_id)
            if item is None:
                raise NotFound(
                    f"Purchase order item {request.item_id} was not found on purchase order {order.number}."
                )
            if item.closed:
                raise ValidationFailed(
                    FieldError(
                        f"items[{index}].itemId",
                        f"line {item.pk} is closed: everything was received or it was closed short",
                    )
                )
            receipts.append(
                _receive_item(
                    company, item, received=request.boxes, close=request.close, awb=awbs[index], user=user
                )
            )
        if not PurchaseOrderItem.objects.filter(purchase_order=order, closed=False).exists():
            order.status = POStatus.RECEIVED
            order.received_on = timezone.now()
        if not order.awb:
            order.awb = awb or awbs[0]
        order.save(update_fields=["status", "received_on", "awb", "updated_on"])
        return receipts


def resolve_uncovered(company: Company, cover_id: int) -> Cover:
    """The rep dealt with an uncovered prebook line (bought elsewhere, told the customer)."""
    with transaction.atomic():
        changed = Cover.objects.filter(
            company=company, pk=cover_id, uncovered=True, resolved_on__isnull=True
        ).update(resolved_on=timezone.now())
        cover = Cover.objects.filter(company=company, pk=cover_id).first()
        if cover is None:
            raise NotFound(f"Uncovered line {cover_id} was not found.")
        if not changed:
            raise InvalidState("this line was already dealt with")
        return cover


# --------------------------------------------------------------------------------------------
# Growers' availability
# --------------------------------------------------------------------------------------------


def add_availability(
    company: Company,
    *,
    vendor: Vendor,
    line: LineRequest,
    available_from: dt.date,
    available_to: dt.date,
    location: Location | None = None,
    ship_via: int = 0,
) -> AvailabilityItem:
    """Put a grower's offer on its availability list. Raises ValidationFailed."""
    if available_to < available_from:
        raise ValidationFailed(FieldError("availableTo", "must not be before availableFrom"))
    if ship_via not in (0, 1):
        raise ValidationFailed(
            FieldError("shipViaId", "must be 0 (through the warehouse) or 1 (from the grower)")
        )
    fields = _check_line(company, line, "")
    fields.pop("mixed_box")
    fields.pop("prebook_item")
    boxes = fields.pop("boxes")
    with transaction.atomic():
        return AvailabilityItem.objects.create(
            company=company,
            location=location or resolve_location(company, None),
            vendor=vendor,
            boxes=boxes,
            available_from=available_from,
            available_to=available_to,
            ship_via=ship_via,
            **fields,
        )


def book_availability(
    company: Company,
    prebook_id: int,
    *,
    availability_ids: Sequence[int],
    quantity: int,
    price: Decimal,
    mark_code: str = "",
    box_type_id: int | None = None,
    box_type_code: str | None = None,
    unit_type: str | None = None,
    stems_bunch: int | None = None,
    bunches: int | None = None,
) -> list[PrebookItem]:
    """Book boxes of growers' offers into a prebook: one prebook line per offer, for its grower,
    its boxes taken off the offer atomically. The pack may be changed for the line (box type,
    unit type, bunches, stems). Raises NotFound, ValidationFailed, NotAvailable (with the boxes left).
    """
    errors = []
    if problem := order_rules.boxes_error(quantity):
        errors.append(FieldError("quantity", problem))
    if problem := order_rules.price_error(price):
        errors.append(FieldError("price", problem))
    if not availability_ids:
        errors.append(
            FieldError("inventoryIds", "give the ids of the offers (vendor.availability.items.list)")
        )
    for name, value in (("bunches", bunches), ("stemsBunch", stems_bunch)):
        if value is not None and not 1 <= value <= inventory_services.MAX_PACK:
            errors.append(FieldError(name, f"must be 1 to {inventory_services.MAX_PACK:,}"))
    if unit_type is not None and unit_type.strip().capitalize() not in ("Stem", "Bunch"):
        errors.append(FieldError("unitType", "must be Stem or Bunch"))
    box_type = None
    if box_type_id is not None or box_type_code:
        box_types = BoxType.objects.filter(company=company)
        box_type = (
            box_types.filter(pk=box_type_id).first()
            if box_type_id is not None
            else box_types.filter(code__iexact=(box_type_code or "").strip()).first()
        )
        if box_type is None:
            errors.append(
                FieldError(
                    "boxTypeId" if box_type_id is not None else "boxTypeCode",
                    "is not a box type of this company",
                )
            )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        prebook = Prebook.objects.select_for_update().filter(company=company, pk=prebook_id).first()
        if prebook is None:
            raise NotFound(f"Prebook {prebook_id} was not found.")
        if prebook.status != PrebookStatus.OPEN:
            raise InvalidState(f"Prebook {prebook.number} was deleted; it cannot be changed.")
        offers = {o.pk: o for o in AvailabilityItem.objects.filter(company=company, pk__in=availability_ids)}
        created = []
        for offer_id in availability_ids:
            offer = offers.get(offer_id)
            if offer is None:
                raise NotFound(
                    f"Vendor availability item {offer_id} was not found; "
                    "check vendor.availability.items.list."
                )
            if not offer.available_from <= prebook.truck_date <= offer.available_to:
                raise ValidationFailed(
                    FieldError(
                        "inventoryIds",
                        f"offer {offer.pk} is available {offer.available_from.isoformat()} to "
                        f"{offer.available_to.isoformat()}, but the prebook's truck date is "
                        f"{prebook.truck_date.isoformat()}",
                    )
                )
            taken = AvailabilityItem.objects.filter(
                pk=offer.pk, boxes__gte=F("boxes_booked") + quantity
            ).update(boxes_booked=F("boxes_booked") + quantity, updated_on=timezone.now())
            if not taken:
                offer.refresh_from_db(fields=["boxes", "boxes_booked"])
                raise NotAvailable(
                    f"Only {offer.free} box(es) of vendor availability item {offer.pk} are left; "
                    f"you asked for {quantity}.",
                    offer.free,
                )
            kind = (unit_type or offer.unit_type).strip().capitalize()
            pack_bunches = bunches or offer.bunches
            pack_stems = stems_bunch or offer.stems_bunch
            per_box = inventory_rules.units_per_box(kind, pack_bunches, pack_stems)  # type: ignore[arg-type]
            unit_price = order_rules.round_money(price)
            item = PrebookItem.objects.create(
                company=company,
                prebook=prebook,
                product_id=offer.product_id,
                box_type=box_type or offer.box_type,
                vendor_id=offer.vendor_id,
                unit_type=kind,
                bunches=pack_bunches,
                stems_bunch=pack_stems,
                units_per_box=per_box,
                boxes=quantity,
                unit_price=unit_price,
                total=order_rules.check_amount(
                    order_rules.line_total(unit_price, per_box, quantity), "price"
                ),
                mark_code=mark_code,
            )
            Booking.objects.create(
                company=company, availability_item=offer, prebook_item=item, boxes=quantity
            )
            created.append(item)
        totals = order_rules.order_totals(i.total for i in PrebookItem.objects.filter(prebook=prebook))
        prebook.subtotal = totals.subtotal
        prebook.total = order_rules.check_amount(totals.total, "quantity")
        prebook.save(update_fields=["subtotal", "total", "updated_on"])
        documents.record_fee(prebook)
        return created


# --------------------------------------------------------------------------------------------
# Hard goods, box labels
# --------------------------------------------------------------------------------------------


def add_hard_good(
    company: Company,
    *,
    product: Product,
    quantity: int,
    location: Location | None = None,
    vendor: Vendor | None = None,
    sku: str = "",
    pack_size: int = 1,
    unit_cost: Decimal | None = None,
    unit_price: Decimal | None = None,
    image: str = "",
) -> HardGood:
    """Put hard goods on hand (packs of a product). Raises ValidationFailed."""
    errors: list[FieldError] = []
    if not isinstance(quantity, int) or not 1 <= quantity <= MAX_BOXES:
        errors.append(FieldError("quantity", f"must be a whole number of packs from 1 to {MAX_BOXES:,}"))
    if not isinstance(pack_size, int) or not 1 <= pack_size <= inventory_services.MAX_PACK:
        errors.append(FieldError("packSize", f"must be 1 to {inventory_services.MAX_PACK:,} units a pack"))
    if len(sku) > 60:
        errors.append(FieldError("sku", "must be at most 60 characters"))
    if len(image) > 200 or (image and not image.startswith(("https://", "http://"))):
        errors.append(FieldError("image", "must be an http(s) address of at most 200 characters"))
    cost = _money(unit_cost, "unitCost", errors, inventory_services.MIL, inventory_services.MAX_COST)
    price = _money(unit_price, "unitPrice", errors, inventory_services.CENT, inventory_services.MAX_PRICE)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        return HardGood.objects.create(
            company=company,
            location=location or resolve_location(company, None),
            vendor=vendor,
            product=product,
            sku=sku,
            quantity=quantity,
            pack_size=pack_size,
            unit_cost=cost or Decimal("0"),
            unit_price=price or Decimal("0"),
            image=image,
        )


@dataclass(frozen=True)
class BoxCodeResult:
    current: str
    new: str
    changed: bool
    message: str


def change_box_codes(
    company: Company, pairs: Sequence[tuple[str, str]], *, vendor: Vendor | None = None
) -> list[BoxCodeResult]:
    """Relabel boxes (current code -> new code), each on its own: one failing does not stop the rest.

    A vendor's token relabels only its own boxes; another's box "does not exist" for it.
    """
    results = []
    with transaction.atomic():
        for current, new in pairs:
            current, new = (current or "").strip(), (new or "").strip()
            boxes = Box.objects.filter(company=company, code=current)
            if vendor is not None:
                boxes = boxes.filter(vendor=vendor)
            box = boxes.first()
            if box is None:
                results.append(BoxCodeResult(current, new, False, "Box code does not exist"))
                continue
            if problem := rules.box_code_problem(new):
                results.append(BoxCodeResult(current, new, False, f"newBoxCode {problem}"))
                continue
            if new != current and Box.objects.filter(company=company, code=new).exists():
                results.append(BoxCodeResult(current, new, False, "The new box code is already in use"))
                continue
            try:
                with transaction.atomic():
                    Box.objects.filter(pk=box.pk).update(code=new)
            except IntegrityError:
                results.append(BoxCodeResult(current, new, False, "The new box code is already in use"))
                continue
            results.append(BoxCodeResult(current, new, True, "Box code was successfully updated"))
    return results


# --------------------------------------------------------------------------------------------
# Many prebooks at once, for a customer found or made by its code (Komet's multiple.prebooks.create)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MultiPrebookLine:
    """A line of `multiple.prebooks.create`: its carrier and ship date pick the prebook it goes on."""

    carrier_code: str
    ship_date: dt.date
    line: LineRequest
    carrier_name: str = ""
    vendor_code: str | None = None
    mark_code: str = ""


def create_multiple_prebooks(
    company: Company,
    *,
    customer_code: str,
    customer_fields: dict[str, Any],
    lines: Sequence[MultiPrebookLine],
    ship_via: int = 0,
    customer_po: str = "",
    auto_purchase: bool = False,
    location: Location | None = None,
    token_id: int | None = None,
) -> tuple[Customer, list[Prebook], list[PurchaseOrder]]:
    """Make one prebook per carrier and ship date for a customer found by code (made when new);
    with `auto_purchase`, buy every line that names its grower and cost on a purchase order per
    grower and ship date (sent to the grower, open). One transaction: a bad line changes nothing.

    Raises ValidationFailed (naming the line), NotFound (a carrier, product or grower).
    """
    if not lines:
        raise ValidationFailed(FieldError("prebookItems", "give at least one line"))
    if auto_purchase:
        missing = [
            FieldError(
                f"prebookItems[{i}].vendorCode", "is required to buy the line (autoGeneratePOsfromPrebooks)"
            )
            for i, item in enumerate(lines)
            if not item.vendor_code
        ]
        if missing:
            raise ValidationFailed(missing)
    with transaction.atomic():
        customer = Customer.objects.filter(company=company, code__iexact=customer_code.strip()).first()
        if customer is None:
            customer = add_customer(company, code=customer_code, **customer_fields)
        groups: dict[tuple[int, dt.date], list[tuple[int, MultiPrebookLine]]] = {}
        carriers: dict[str, Carrier] = {}
        for index, item in enumerate(lines):
            carrier = carriers.get(item.carrier_code.lower())
            if carrier is None:
                carrier = resolve_carrier(company, carrier_id=None, carrier_code=item.carrier_code)
                carriers[item.carrier_code.lower()] = carrier
            groups.setdefault((carrier.pk, item.ship_date), []).append((index, item))
        made, orders = [], []
        to_buy: dict[tuple[int, dt.date], list[LineRequest]] = {}
        vendors: dict[int, Vendor] = {}
        for (carrier_id, ship_date), members in groups.items():
            requests = [
                prebook_service.PrebookLineRequest(
                    boxes=item.line.boxes,
                    price=item.line.price if item.line.price is not None else Decimal("0"),
                    product_code=item.line.product_code,
                    product_id=item.line.product_id,
                    box_type_code=item.line.box_type_code,
                    unit_type=item.line.unit_type,
                    bunches=item.line.bunches,
                    stems_bunch=item.line.stems_bunch,
                    mark_code=item.mark_code,
                )
                for _, item in members
            ]
            result = prebook_service.create_prebook(
                company,
                customer=customer,
                carrier=next(c for c in carriers.values() if c.pk == carrier_id),
                truck_date=ship_date,
                location=location,
                customer_po=customer_po,
                ship_via=ship_via,
                items=requests,
                token_id=token_id,
            )
            made.append(result.prebook)
            if auto_purchase:
                for (_, item), prebook_item in zip(members, result.items, strict=True):
                    vendor = resolve_vendor(company, None, item.vendor_code, "vendorCode")
                    vendors[vendor.pk] = vendor
                    to_buy.setdefault((vendor.pk, ship_date), []).append(
                        LineRequest(
                            **{**item.line.__dict__, "prebook_item_id": prebook_item.pk, "mixed_box": None}
                        )
                    )
        for (vendor_id, ship_date), buy in to_buy.items():
            orders.append(
                create_purchase_order(
                    company,
                    vendor=vendors[vendor_id],
                    ship_date=ship_date,
                    lines=buy,
                    location=location,
                    customer=customer,
                    token_id=token_id,
                )
            )
        return customer, made, orders


# --------------------------------------------------------------------------------------------
# Invoices an external accounting system took (Komet's invoice.mark.sync.status.ok / .error)
# --------------------------------------------------------------------------------------------


def mark_invoice_synced(
    company: Company,
    invoice_id: int,
    *,
    synced: bool,
    invoice_number: int | None = None,
    token_id: int | None = None,
) -> bool:
    """Mark an invoice as taken into the external accounting system (`synced`), or take the mark
    off (the system failed to take it, or must take it again). Saying it twice changes nothing.
    Returns whether the invoice is marked now. Raises NotFound, ValidationFailed (a number that is
    not the invoice's).
    """
    with transaction.atomic():
        invoice = Invoice.objects.filter(company=company, pk=invoice_id).first()
        if invoice is None:
            raise NotFound(f"Invoice {invoice_id} was not found; check invoice.accounting.details.list.")
        if invoice_number is not None and invoice_number != invoice.number:
            raise ValidationFailed(
                FieldError(
                    "invoiceNumber", f"invoice {invoice_id} is number {invoice.number}, not {invoice_number}"
                )
            )
        if synced:
            InvoiceSync.objects.get_or_create(
                invoice=invoice, defaults={"company": company, "synced_by_token_id": token_id}
            )
        else:
            InvoiceSync.objects.filter(company=company, invoice=invoice).delete()
        return synced


# --------------------------------------------------------------------------------------------
# Payment methods (payment.method.list; the names customer.add's paymentMethod takes)
# --------------------------------------------------------------------------------------------

MAX_PAYMENT_METHOD = 60


def add_payment_method(company: Company, name: str) -> PaymentMethod:
    """Add a payment method by name. Raises ValidationFailed (blank, too long, already there)."""
    text = " ".join((name or "").split())
    if not text:
        raise ValidationFailed(FieldError("name", "type the payment method's name, e.g. Check"))
    if len(text) > MAX_PAYMENT_METHOD:
        raise ValidationFailed(FieldError("name", f"must be at most {MAX_PAYMENT_METHOD} characters"))
    with transaction.atomic():
        if PaymentMethod.objects.filter(company=company, name__iexact=text).exists():
            raise ValidationFailed(FieldError("name", f"{text!r} is already a payment method"))
        try:
            with transaction.atomic():
                return PaymentMethod.objects.create(company=company, name=text)
        except IntegrityError:
            raise ValidationFailed(FieldError("name", f"{text!r} is already a payment method")) from None


def set_payment_method_active(company: Company, method_id: int, active: bool) -> PaymentMethod:
    """Offer a payment method again, or stop offering it (customers keep the name they have)."""
    with transaction.atomic():
        method = PaymentMethod.objects.select_for_update().filter(company=company, pk=method_id).first()
        if method is None:
            raise NotFound(f"There is no payment method {method_id}.")
        if method.active != active:
            method.active = active
            method.save(update_fields=["active"])
        return method
