"""Prebooks made and changed by integrators one call at a time (`prebook.*`).

A prebook is a need for a future truck date: lines by product and pack, or boxes drawn from a
future line; every change of its amount is an entry in the fee ledger (`fees.py`). Each public
function is one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from stemlink.catalog.models import BoxType, Carrier, Product, Vendor
from stemlink.customers.models import Customer, ShipTo
from stemlink.errors import FieldError, InvalidState, NotAvailable, NotFound, ValidationFailed
from stemlink.inventory import rules as inventory_rules
from stemlink.inventory import stock
from stemlink.inventory.models import FutureLine
from stemlink.orders import documents, numbering, rules
from stemlink.orders.models import (
    Prebook,
    PrebookItem,
    PrebookStatus,
    PrebookType,
)
from stemlink.orders.overdue import retry_after_releasing_overdue
from stemlink.orders.resolvers import resolve_location
from stemlink.tenancy.models import Company, Location

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
    if problem := rules.boxes_error(request.boxes):
        errors.append(FieldError(f"{where}boxes", problem))
    if problem := rules.price_error(request.price):
        errors.append(FieldError(f"{where}price", problem))
    for name, value in (("bunches", request.bunches), ("stemsBunch", request.stems_bunch)):
        if value is None:
            errors.append(FieldError(f"{where}{name}", "is required: how the boxes are packed"))
        elif value < 1 or value > rules.MAX_PACK:
            errors.append(
                FieldError(f"{where}{name}", f"must be a whole number from 1 to {rules.MAX_PACK:,}")
            )
    text = (request.unit_type or "Stem").strip().lower()
    if text not in rules.UNIT_TYPES:
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
    return product, box_type, rules.UNIT_TYPES[text]


def _recompute_prebook(prebook: Prebook) -> None:
    totals = rules.order_totals(item.total for item in PrebookItem.objects.filter(prebook=prebook))
    prebook.subtotal = totals.subtotal
    prebook.total = rules.check_amount(totals.total, "prebookItems")
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
                total=rules.check_amount(
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
        raise rules.field_error("shipViaId", "must be 0 (ship from warehouse) or 1 (straight from grower)")
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
        documents.record_fee(prebook)
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
        raise rules.field_error("shipViaId", "must be 0 (ship from warehouse) or 1 (straight from grower)")
    with transaction.atomic():
        prebook = _open_prebook(company, prebook_id)
        if carrier is not None:
            prebook.carrier = carrier
        if truck_date is not None and truck_date != prebook.truck_date:
            if prebook.standing_order_id is not None:
                # Its truck date is what ties it to its standing order: moved, the worker would
                # make that date's prebook again and the customer would get both.
                raise rules.field_error(
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
                    raise rules.field_error(
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
    # Boxes already received are sold on the on-hand line they came in on (documents.sold_moves).
    stock.return_sold_lines(documents.sold_moves([item]), company_id=item.company_id)


def delete_prebook(company: Company, prebook_id: int) -> Prebook:
    """Delete (cancel) a prebook: its future boxes go back on sale and its fee is reversed.

    Raises NotFound, InvalidState when it was already deleted.
    """
    with transaction.atomic():
        prebook = _open_prebook(company, prebook_id)
        moves = documents.sold_moves(PrebookItem.objects.filter(prebook=prebook, future_line__isnull=False))
        stock.return_sold_lines(moves, company_id=company.pk)
        prebook.status = PrebookStatus.CANCELLED
        prebook.cancelled_on = timezone.now()
        prebook.save(update_fields=["status", "cancelled_on", "updated_on"])
        documents.reverse_fee(prebook)
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
        documents.record_fee(prebook)
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
    if problem := rules.boxes_error(boxes):
        errors.append(FieldError("boxes", problem))
    if problem := rules.price_error(price):
        errors.append(FieldError("price", problem))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        prebook = _open_prebook(company, prebook_id)
        line = FutureLine.objects.filter(company=company, pk=future_line_id).first()
        if line is None or not documents.offered_to(line, prebook.customer):
            raise NotFound(
                f"Future inventory {future_line_id} was not found; "
                "take ids from future.inventory.openmarket.list."
            )
        if line.location_id != prebook.location_id:
            raise rules.field_error("inventoryId", "this future line is in another location than the prebook")
        if not (line.available_from <= prebook.truck_date <= line.available_to):
            raise rules.field_error(
                "inventoryId",
                f"this future line is available {line.available_from.isoformat()} to "
                f"{line.available_to.isoformat()}, but the prebook's truck date is "
                f"{prebook.truck_date.isoformat()}",
            )

        def sell() -> int:
            line.refresh_from_db(fields=["boxes", "boxes_held", "boxes_sold"])  # fresh after a release
            free = documents.free_future(line)
            if free < boxes:
                raise NotAvailable(
                    f"Only {free} box(es) of future inventory {line.pk} are available; "
                    f"you asked for {boxes}.",
                    free,
                )
            return stock.sell_boxes(documents.FUTURE, line.pk, boxes, company_id=company.pk).free

        # Boxes an overdue cart still holds go to this sale at once (`stemlink.orders.overdue`).
        left = retry_after_releasing_overdue(documents.FUTURE, [line.pk], company.pk, sell)
        item = PrebookItem(
            company=company,
            prebook=prebook,
            future_line=line,
            boxes=boxes,
            unit_price=rules.round_money(price),
            total=rules.check_amount(
                rules.line_total(rules.round_money(price), line.units_per_box, boxes), "price"
            ),
            mark_code=mark_code,
        ).take_pack_from(line)
        item.save(force_insert=True)
        _recompute_prebook(prebook)
        documents.record_fee(prebook)
        return item, left
