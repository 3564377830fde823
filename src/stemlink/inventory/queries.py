"""Read side of inventory: the company's own views of its stock (on hand by type, the consolidated
open market, future lines) and the carriers a customer may choose.

The e-commerce view one customer may buy from, built for speed, is `stemlink.inventory.feed`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import F

from stemlink.customers.models import Customer
from stemlink.errors import FieldError, ValidationFailed
from stemlink.inventory.feed import Pricer, datetime_text
from stemlink.inventory.models import FutureLine, InventoryLine, InventoryType
from stemlink.tenancy import calendar
from stemlink.tenancy.models import Company

# --- the company's own view ---------------------------------------------------------------------------


def parse_inventory_types(text: str | None) -> list[str]:
    """Read `inventoryType`: M (the default), L, S, P, `all`, or a comma list of them.

    Raises ValidationFailed naming any unknown type.
    """
    if text is None or not text.strip():
        return [InventoryType.OPEN_MARKET.value]
    wanted = [t.strip().upper() for t in text.split(",") if t.strip()]
    if any(t == "ALL" for t in wanted):
        return list(InventoryType.values)
    unknown = [t for t in wanted if t not in InventoryType.values]
    if unknown:
        raise ValidationFailed(
            FieldError(
                "inventoryType", f"unknown type {', '.join(unknown)}: use M, L, S, P, all or a comma list"
            )
        )
    return list(dict.fromkeys(wanted))


def company_inventory(
    company: Company,
    *,
    inventory_types: Sequence[str] = ("M",),
    exclude_held: bool = False,
    lot_number: str = "",
    location_id: int | None = None,
    vendor_id: int | None = None,
    today: dt.date | None = None,
) -> list[dict[str, Any]]:
    """Return the company's on-hand lines with boxes left (Komet's `inventory.list`), one query.

    `quantity` is boxes on hand not sold, less those held in carts when `exclude_held`.
    """
    today = today or calendar.today(company)
    query = InventoryLine.objects.filter(company=company, inventory_type__in=list(inventory_types))
    remaining = F("boxes_on_hand") - F("boxes_sold") - (F("boxes_held") if exclude_held else 0)
    query = query.annotate(remaining=remaining).filter(remaining__gt=0)
    if lot_number:
        query = query.filter(lot_number=lot_number)
    if location_id is not None:
        query = query.filter(location_id=location_id)
    if vendor_id is not None:
        query = query.filter(vendor_id=vendor_id)
    rows = query.order_by("id").values_list(
        "id",
        "product_id",
        "product__code",
        "product__description",
        "product__grade",
        "remaining",
        "unit_type",
        "bunches",
        "stems_bunch",
        "units_per_box",
        "box_type_id",
        "box_type__code",
        "vendor_id",
        "vendor__name",
        "unit_cost",
        "price",
        "inventory_type",
        "arrival_date",
        "lot_number",
        "location_id",
        "reserved_for_id",
        "boxes_held",
        "updated_on",
    )
    pricer = Pricer(None, company, ecommerce=False)
    items = []
    for (
        line_id,
        product_id,
        code,
        description,
        grade,
        remaining_boxes,
        unit_type,
        bunches,
        stems_bunch,
        units_per_box,
        box_type_id,
        box_code,
        vendor_id_,
        vendor_name,
        unit_cost,
        price,
        inventory_type,
        arrival_date,
        lot,
        location,
        reserved_for,
        held,
        updated_on,
    ) in rows:
        items.append(
            {
                "orderItemId": line_id,
                "companyProductId": product_id,
                "productCode": code,
                "productDescription": description,
                "grade": grade,
                "quantity": remaining_boxes,
                "totalUnits": remaining_boxes * units_per_box,
                "unitType": unit_type,
                "bunches": bunches,
                "stemsBunch": stems_bunch,
                "unitsPerBox": units_per_box,
                "boxTypeId": box_type_id,
                "boxTypeCode": box_code,
                "growerId": vendor_id_,
                "growerName": vendor_name,
                "unitCost": float(unit_cost),
                "price": pricer(price, unit_cost),
                "inventoryType": inventory_type,
                "arrivalDate": arrival_date.isoformat() if arrival_date else None,
                "aging": (today - arrival_date).days if arrival_date else None,
                "lotNumber": lot,
                "locationId": location,
                "heldBoxes": held,
                "reservedForCustomerId": reserved_for,
                "updatedOn": datetime_text(updated_on),
            }
        )
    return items


def consolidated_open_market(company: Company, *, location_id: int | None = None) -> list[dict[str, Any]]:
    """Return open-market boxes free to sell, one record per product, box type and pack; one query.

    A group's price is the lowest Price A among its lines: the best a buyer can get. No cost or aging.
    """
    query = InventoryLine.objects.filter(company=company).sellable()
    if location_id is not None:
        query = query.filter(location_id=location_id)
    rows = query.order_by("product__description", "product_id", "box_type__code", "id").values_list(
        "id",
        "product_id",
        "product__code",
        "product__description",
        "product__grade",
        "product__category__name",
        "box_type_id",
        "box_type__code",
        "unit_type",
        "bunches",
        "stems_bunch",
        "units_per_box",
        "free",
        "price",
        "unit_cost",
    )
    pricer = Pricer(None, company, ecommerce=False)
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for (
        line_id,
        product_id,
        code,
        description,
        grade,
        category,
        box_type_id,
        box_code,
        unit_type,
        bunches,
        stems_bunch,
        units_per_box,
        free,
        price,
        cost,
    ) in rows:
        key = (product_id, box_type_id, unit_type, bunches, stems_bunch)
        unit_price = pricer(price, cost)
        group = groups.get(key)
        if group is None:
            groups[key] = {
                "companyProductId": product_id,
                "inventoryItemIds": str(line_id),
                "productCode": code,
                "productDescription": description,
                "grade": grade,
                "category": category,
                "quantity": free,
                "totalUnits": free * units_per_box,
                "boxTypeId": box_type_id,
                "boxTypeCode": box_code,
                "unitType": unit_type,
                "bunches": bunches,
                "stemsBunch": stems_bunch,
                "unitsPerBox": units_per_box,
                "price": unit_price,
            }
        else:
            group["inventoryItemIds"] += f",{line_id}"
            group["quantity"] += free
            group["totalUnits"] += free * units_per_box
            group["price"] = min(group["price"], unit_price)
    return list(groups.values())


def future_open_market(
    company: Company,
    *,
    date_from: dt.date,
    date_to: dt.date,
    location_id: int | None = None,
    customer: Customer | None = None,
) -> list[dict[str, Any]]:
    """Return future lines with free boxes available between two dates, priced for a customer if named.

    Lines reserved for a customer are left out (they are not open market). One query.
    Raises ValidationFailed when dateTo is before dateFrom.
    """
    if date_to < date_from:
        raise ValidationFailed(FieldError("dateTo", "must not be before dateFrom"))
    query = FutureLine.objects.filter(
        company=company,
        available_from__lte=date_to,
        available_to__gte=date_from,
    ).sellable()
    if location_id is not None:
        query = query.filter(location_id=location_id)
    rows = query.order_by("available_from", "id").values_list(
        "id",
        "product_id",
        "product__code",
        "product__description",
        "product__grade",
        "product__category__name",
        "vendor__name",
        "free",
        "box_type_id",
        "box_type__code",
        "unit_type",
        "bunches",
        "stems_bunch",
        "units_per_box",
        "price",
        "unit_cost",
        "available_from",
        "available_to",
        "location_id",
    )
    pricer = Pricer(customer, company, ecommerce=False)
    return [
        {
            "inventoryId": line_id,
            "companyProductId": product_id,
            "productCode": code,
            "productDescription": description,
            "grade": grade,
            "category": category,
            "vendor": vendor_name if (company.show_vendors or customer is None) else None,
            "quantity": free,
            "totalUnits": free * units_per_box,
            "boxTypeId": box_type_id,
            "boxTypeCode": box_code,
            "unitType": unit_type,
            "bunches": bunches,
            "stemsBunch": stems_bunch,
            "unitsPerBox": units_per_box,
            "price": pricer(price, cost),
            "availableDate": available_from.isoformat(),
            "availableTo": available_to.isoformat(),
            "locationId": location,
        }
        for (
            line_id,
            product_id,
            code,
            description,
            grade,
            category,
            vendor_name,
            free,
            box_type_id,
            box_code,
            unit_type,
            bunches,
            stems_bunch,
            units_per_box,
            price,
            cost,
            available_from,
            available_to,
            location,
        ) in rows
    ]


def customer_carriers(company: Company, customer: Customer) -> dict[str, Any]:
    """Return the customer's default carrier and every active carrier of the company; one query."""
    from stemlink.catalog.models import Carrier

    carriers = list(
        Carrier.objects.filter(company=company, active=True).order_by("name", "id").values_list("id", "name")
    )
    default_id = customer.default_carrier_id
    names = dict(carriers)
    if default_id not in names:
        default_id = None
    return {
        "carrierId": default_id,
        "carrierName": names.get(default_id) if default_id else None,
        "carriers": [{"carrierId": cid, "carrierName": name} for cid, name in carriers],
    }
