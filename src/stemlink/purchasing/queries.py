"""The read side of purchasing: purchase orders and their lines, growers' offers, hard goods,
and the prebook lines a shortage left uncovered (for the rep)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import F, QuerySet

from stemlink.customers.models import Customer
from stemlink.customers.services import unit_price_for
from stemlink.errors import FieldError, NotFound, ValidationFailed
from stemlink.purchasing.models import AvailabilityItem, Cover, HardGood, PurchaseOrder, PurchaseOrderItem
from stemlink.tenancy.models import Company


def purchase_orders(
    company: Company,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    number: int | None = None,
    vendor_id: int | None = None,
    vendor: str = "",
    status: str | None = None,
    location_id: int | None = None,
) -> QuerySet[PurchaseOrder]:
    """The company's purchase orders by grower ship date, newest number first (a number ignores dates)."""
    orders = PurchaseOrder.objects.filter(company=company).select_related(
        "vendor", "location", "customer", "carrier"
    )
    if number is not None:
        orders = orders.filter(number=number)
    else:
        if date_from is not None:
            orders = orders.filter(ship_date__gte=date_from)
        if date_to is not None:
            orders = orders.filter(ship_date__lte=date_to)
    if vendor_id is not None:
        orders = orders.filter(vendor_id=vendor_id)
    if vendor:
        orders = orders.filter(vendor__name__icontains=vendor)
    if status:
        orders = orders.filter(status=status)
    if location_id is not None:
        orders = orders.filter(location_id=location_id)
    return orders.order_by("-ship_date", "-number")


def items_of(orders: list[PurchaseOrder]) -> dict[int, list[PurchaseOrderItem]]:
    """The lines of these orders, by order id; one query."""
    by_order: dict[int, list[PurchaseOrderItem]] = {o.pk: [] for o in orders}
    for item in (
        PurchaseOrderItem.objects.filter(purchase_order_id__in=list(by_order))
        .select_related("product", "box_type", "future_line")
        .order_by("id")
    ):
        by_order[item.purchase_order_id].append(item)
    return by_order


def availability(
    company: Company,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    exact_date: dt.date | None = None,
    location_id: int | None = None,
    vendor_id: int | None = None,
    ship_via: int | None = None,
    available_only: bool = False,
) -> QuerySet[AvailabilityItem]:
    """Growers' offers available on some day of a range (or on one exact day)."""
    items = AvailabilityItem.objects.filter(company=company).select_related(
        "product", "product__category", "box_type", "vendor"
    )
    if exact_date is not None:
        items = items.filter(available_from__lte=exact_date, available_to__gte=exact_date)
    else:
        if date_to is not None:
            items = items.filter(available_from__lte=date_to)
        if date_from is not None:
            items = items.filter(available_to__gte=date_from)
    if location_id is not None:
        items = items.filter(location_id=location_id)
    if vendor_id is not None:
        items = items.filter(vendor_id=vendor_id)
    if ship_via is not None:
        items = items.filter(ship_via=ship_via)
    if available_only:
        items = items.filter(boxes__gt=F("boxes_booked"))
    return items.order_by("available_from", "id")


def hard_goods(
    company: Company,
    *,
    location_id: int | None = None,
    vendor_code: str = "",
    sku: str = "",
    category: str = "",
) -> QuerySet[HardGood]:
    """Hard goods on hand at a location, by grower code, SKU or category name."""
    goods = HardGood.objects.filter(company=company).select_related(
        "product", "product__category", "vendor", "location"
    )
    if location_id is not None:
        goods = goods.filter(location_id=location_id)
    if vendor_code:
        goods = goods.filter(vendor__code__iexact=vendor_code)
    if sku:
        goods = goods.filter(sku__iexact=sku)
    if category:
        goods = goods.filter(product__category__name__icontains=category)
    return goods.order_by("id")


def uncovered(company: Company) -> QuerySet[Cover]:
    """Prebook lines a short or cancelled purchase left without boxes, not yet dealt with."""
    return (
        Cover.objects.filter(company=company, uncovered=True, resolved_on__isnull=True)
        .select_related(
            "prebook_item__prebook__customer",
            "prebook_item__product",
            "receipt__item__purchase_order__vendor",
        )
        .order_by("prebook_item__prebook__truck_date", "id")
    )


def order_record(
    order: PurchaseOrder, items: list[PurchaseOrderItem], *, show_prices: bool = True
) -> dict[str, Any]:
    """A purchase order as `purchase.order.list` answers it (boxes received only once shipped)."""
    shipped = order.status in ("shipped", "received")
    return {
        "id": order.pk,
        "number": order.number,
        "vendorId": order.vendor_id,
        "vendorName": order.vendor.name,
        "vendorCode": order.vendor.code,
        "shipDate": order.ship_date,
        "arrivalDate": order.arrival_date,
        "awb": order.awb,
        "carrierId": order.carrier_id,
        "carrierCode": order.carrier.code if order.carrier else None,
        "status": order.komet_status,
        "statusCode": order.status,
        "locationId": order.location_id,
        "customerId": order.customer_id,
        "prebookId": order.prebook_id,
        "items": [
            {
                "id": item.pk,
                "productId": item.product_id,
                "productCode": item.product.code,
                "productDescription": item.product.description,
                "boxTypeId": item.box_type_id,
                "boxTypeCode": item.box_type.code,
                "unitType": item.unit_type,
                "bunches": item.bunches,
                "stemsBunch": item.stems_bunch,
                "unitsPerBox": item.units_per_box,
                "quantity": item.boxes,
                "boxes": item.boxes_received if shipped else None,
                "boxesShort": item.boxes_short,
                "unitCost": item.unit_cost,
                "price": item.price if show_prices else None,
                "awb": item.awb,
                "mixedBox": item.mixed_box,
                "inventoryId": item.future_line_id,
                "prebookItemId": item.prebook_item_id,
            }
            for item in items
        ],
    }


# --- growers' availability in the e-commerce view (Komet's inventoryOrigin 3) --------------------

VENDOR_AVAILABILITY = 3
HORIZON_DAYS = 60


def _offers(company: Company, ids: Sequence[int], location_id: int | None) -> list[AvailabilityItem]:
    if not ids:
        raise ValidationFailed(FieldError("inventoryLineIds", "give at least one line id"))
    offers = AvailabilityItem.objects.filter(
        company=company, pk__in=list(dict.fromkeys(ids))[:500], product__active=True
    ).select_related("product", "product__category", "box_type", "vendor")
    if location_id is not None:
        offers = offers.filter(location_id=location_id)
    found = list(offers.order_by("id"))
    if not found:
        raise NotFound(
            "None of these vendor availability items was found; take ids from vendor.availability.items.list."
        )
    return found


def availability_as_offered(
    company: Company,
    customer: Customer,
    ids: Sequence[int],
    *,
    on_date: dt.date | None,
    location_id: int | None = None,
) -> list[dict[str, Any]]:
    """Growers' offers as `ecommerce/inventory.get` answers lines (origin 3): priced for the
    customer, with the boxes left that can ship on `on_date` (0 outside the offer's days)."""
    records = []
    for a in _offers(company, ids, location_id):
        shippable = on_date is None or a.available_from <= on_date <= a.available_to
        records.append(
            {
                "inventoryOrigin": VENDOR_AVAILABILITY,
                "inventoryIds": str(a.pk),
                "companyProductId": a.product_id,
                "productCode": a.product.code,
                "productDescription": a.product.description,
                "category": a.product.category.name,
                "variety": a.product.variety,
                "color": a.product.color,
                "grade": a.product.grade,
                "boxTypeId": a.box_type_id,
                "boxTypeCode": a.box_type.code,
                "unitType": a.unit_type,
                "bunches": a.bunches,
                "stemsBunch": a.stems_bunch,
                "unitsPerBox": a.units_per_box,
                "quantity": max(a.free, 0) if shippable else 0,
                "price": unit_price_for(
                    customer,
                    line_price=a.price,
                    unit_cost=a.unit_cost,
                    gross_margin_percent=company.gross_margin_percent,
                ),
                "availableFrom": a.available_from,
                "availableTo": a.available_to,
                "vendorName": a.vendor.name if company.show_vendors else None,
                "locationId": a.location_id,
                "updatedOn": a.updated_on.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S"),
            }
        )
    return records


def availability_dates(
    company: Company, ids: Sequence[int], *, location_id: int | None = None, today: dt.date
) -> list[dt.date]:
    """The days every given offer can ship on, from today to the e-commerce horizon."""
    days: set[dt.date] | None = None
    last = today + dt.timedelta(days=HORIZON_DAYS)
    for a in _offers(company, ids, location_id):
        start, end = max(a.available_from, today), min(a.available_to, last)
        span = {start + dt.timedelta(days=n) for n in range((end - start).days + 1)} if a.free > 0 else set()
        days = span if days is None else days & span
    return sorted(days or ())
