"""The e-commerce view a marketplace syncs (API.md §4.4 and the delta of §5)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import Field, WithJsonSchema

from stemlink.api.answers import Amount, Answer, Day, Timestamp
from stemlink.api.params import Bool, Date, DateTime, Id, IdList, Int
from stemlink.api.registry import CO, CU, CallContext, Params, api_method
from stemlink.api.scoping import customer_for
from stemlink.catalog.models import Carrier
from stemlink.errors import FieldError, NotFound, PermissionDenied, ValidationFailed
from stemlink.inventory import feed, queries
from stemlink.purchasing import queries as purchasing_queries
from stemlink.tenancy import calendar
from stemlink.tenancy.models import Location

AREA = "E-commerce"
# The delta cursor, as clients pass it back in updatedAsOf: UTC, `YYYY-MM-DD hh:mm:ss`.
Cursor = Annotated[
    str,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$",
            "description": "Pass it as the next poll's updatedAsOf (UTC, YYYY-MM-DD hh:mm:ss).",
        }
    ),
]


def _require_transactional(ctx: CallContext, reserved: bool) -> None:
    if reserved and not ctx.transactional:
        raise PermissionDenied(
            "reservedInventory=true needs a token with Transactional API Access: ask the wholesaler to "
            "switch it on for this token, or leave reservedInventory out to see the open inventory."
        )


def _origin(value: int | None, *, required: bool, vendor_availability: bool = False) -> int | None:
    if value is None:
        if required:
            raise ValidationFailed(FieldError("inventoryOrigin", "is required: 1 (on hand) or 2 (future)"))
        return None
    # Komet's inventory.get and inventory-available-dates also take 3: growers' availability.
    if vendor_availability and value == purchasing_queries.VENDOR_AVAILABILITY:
        return value
    if value not in (feed.ON_HAND, feed.FUTURE):
        raise ValidationFailed(
            FieldError("inventoryOrigin", f"must be 1 (on hand) or 2 (future), not {value}")
        )
    return value


def _window(available_from: dt.date | None, available_to: dt.date | None) -> tuple[dt.date, dt.date] | None:
    """The availability window a client names (the availableFrom/availableTo a listing answered).

    None when neither is given; one alone is a window open on the other side. Raises
    ValidationFailed when it ends before it starts.
    """
    if available_from is None and available_to is None:
        return None
    first, last = available_from or dt.date.min, available_to or dt.date.max
    if first > last:
        raise ValidationFailed(
            FieldError("availableTo", f"must not be before availableFrom ({first.isoformat()})")
        )
    return first, last


class InventoryListParams(Params):
    customerId: Id | None = None
    availableDate: Date | None = None
    companyLocationId: Id | None = None
    searchText: str = ""
    categoryId: Id | None = None
    color: str = ""
    page: Int = 1
    rows: Int = feed.DEFAULT_ROWS
    reservedInventory: Bool = False
    updatedAsOf: DateTime | None = None
    inventoryOrigin: Int | None = None
    # [ext] The last answer's nextCursor, sent instead of page: the next page, found by seeking.
    cursor: Annotated[
        str | None,
        Field(
            description=(
                "[extension] The previous answer's nextCursor, sent instead of page to read the next page"
                " (same token and filters; rows may change). Found by seeking, so every page costs the same;"
                " refused with a validation error when changed, expired or sent with other filters."
            )
        ),
    ] = None


class EcommerceLine(Answer):
    inventoryOrigin: int
    inventoryIds: str
    companyProductId: int
    productCode: str
    productDescription: str
    category: str
    variety: str
    color: str
    grade: str
    boxTypeId: int
    boxTypeCode: str
    unitType: str
    bunches: int
    stemsBunch: int
    unitsPerBox: int
    quantity: int
    price: Amount
    availableFrom: Day
    availableTo: Day
    vendorName: str | None
    locationId: int
    updatedOn: Timestamp


class EcommerceInventoryListAnswer(Answer):
    total: int
    page: int
    rows: int
    inventoryItems: list[EcommerceLine]
    nextUpdatedAsOf: Cursor
    nextCursor: str | None = Field(
        description=(
            "[extension] Send it as cursor (instead of page) for the next page; null after the last page."
            " Opaque; valid for a few hours, with the same token and filters."
        )
    )


@api_method(
    "ecommerce/inventory.list",
    answer=EcommerceInventoryListAnswer,
    tokens={CO, CU},
    params=InventoryListParams,
    answer_key="inventoryItems",
    requires_account=True,
    area=AREA,
)
def inventory_list(ctx: CallContext, params: InventoryListParams) -> dict[str, Any]:
    """List what the customer may buy, priced for it, a page at a time (or what changed since updatedAsOf)."""
    customer = customer_for(ctx, params.customerId)
    _require_transactional(ctx, params.reservedInventory)
    flt = feed.EcommerceFilter(
        reserved=params.reservedInventory,
        available_date=params.availableDate,
        location_id=params.companyLocationId,
        search_text=params.searchText,
        category_id=params.categoryId,
        color=params.color,
        origin=_origin(params.inventoryOrigin, required=False),
        updated_as_of=params.updatedAsOf,
    )
    page = feed.ecommerce_inventory(
        ctx.company,
        customer,
        flt,
        # With a cursor the page is the cursor's; a page sent beside it must agree.
        page=params.page if (params.cursor is None or "page" in params.model_fields_set) else None,
        rows=params.rows,
        cursor=params.cursor,
        client=ctx.token_id,
    )
    return {
        "total": page.total,
        "page": page.page,
        "rows": params.rows,
        "inventoryItems": page.items,
        # [ext] Pass this as the next poll's updatedAsOf: it overlaps a little so nothing is missed.
        "nextUpdatedAsOf": page.next_updated_as_of,
        # [ext] Pass this as the next call's cursor: the next page, found by seeking.
        "nextCursor": page.next_cursor,
    }


class InventoryGetParams(Params):
    customerId: Id | None = None
    inventoryLineIds: IdList
    inventoryOrigin: Int
    date: Date
    companyLocationId: Id | None = None
    carrierId: Id | None = None
    availableFrom: Date | None = Field(
        default=None, description="First day of the window asked about (as a listing answered it)."
    )
    availableTo: Date | None = Field(
        default=None, description="Last day of the window asked about (as a listing answered it)."
    )


class EcommerceInventoryGetAnswer(Answer):
    inventoryItems: list[EcommerceLine]


@api_method(
    "ecommerce/inventory.get",
    answer=EcommerceInventoryGetAnswer,
    tokens={CO, CU},
    params=InventoryGetParams,
    answer_key="inventoryItems",
    requires_account=True,
    area=AREA,
)
def inventory_get(ctx: CallContext, params: InventoryGetParams) -> dict[str, Any]:
    """Answer the given lines with the boxes the customer may buy on a date (0 when none)."""
    customer = customer_for(ctx, params.customerId)
    origin = _origin(params.inventoryOrigin, required=True, vendor_availability=True)
    assert origin is not None
    window = _window(params.availableFrom, params.availableTo)
    if (
        params.carrierId is not None
        and not Carrier.objects.filter(company=ctx.company, pk=params.carrierId).exists()
    ):
        raise NotFound(f"Carrier {params.carrierId} was not found.")
    if origin == purchasing_queries.VENDOR_AVAILABILITY:
        offers = purchasing_queries.availability_as_offered(
            ctx.company,
            customer,
            params.inventoryLineIds,
            on_date=params.date,
            location_id=params.companyLocationId,
        )
        return {"inventoryItems": offers}
    items = feed.ecommerce_lines(
        ctx.company,
        customer,
        origin,
        params.inventoryLineIds,
        on_date=params.date,
        include_reserved=ctx.transactional,
        location_id=params.companyLocationId,
    )
    if window is not None:
        # A line whose availability does not meet the window asked about has nothing to sell in it.
        first, last = (d.isoformat() for d in window)
        for item in items:
            if item["availableTo"] < first or item["availableFrom"] > last:
                item["quantity"] = 0
    return {"inventoryItems": items}


class AvailableDatesParams(Params):
    customerId: Id | None = None
    inventoryLineIds: IdList
    inventoryOrigin: Int
    companyLocationId: Id | None = None


class AvailableDatesAnswer(Answer):
    availableDateFrom: Day | None
    availableDateTo: Day | None
    availableDates: list[Day]


@api_method(
    "ecommerce/inventory-available-dates.list",
    answer=AvailableDatesAnswer,
    tokens={CO, CU},
    params=AvailableDatesParams,
    answer_key="availableDates",
    requires_account=True,
    area=AREA,
)
def available_dates_list(ctx: CallContext, params: AvailableDatesParams) -> dict[str, Any]:
    """Answer the days on which the given lines may ship."""
    customer = customer_for(ctx, params.customerId)
    origin = _origin(params.inventoryOrigin, required=True, vendor_availability=True)
    assert origin is not None
    if origin == purchasing_queries.VENDOR_AVAILABILITY:
        days = purchasing_queries.availability_dates(
            ctx.company,
            params.inventoryLineIds,
            location_id=params.companyLocationId,
            today=calendar.today(ctx.company),
        )
        return {
            "availableDateFrom": days[0].isoformat() if days else None,
            "availableDateTo": days[-1].isoformat() if days else None,
            "availableDates": [d.isoformat() for d in days],
        }
    dates = feed.available_dates(
        ctx.company,
        customer,
        origin,
        params.inventoryLineIds,
        include_reserved=ctx.transactional,
        location_id=params.companyLocationId,
    )
    return {
        "availableDateFrom": dates.first.isoformat() if dates.first else None,
        "availableDateTo": dates.last.isoformat() if dates.last else None,
        "availableDates": [d.isoformat() for d in dates.dates],
    }


class CustomerCarriersParams(Params):
    customerId: Id | None = None
    date: Date
    companyLocationId: Id | None = None
    availableFrom: Date | None = Field(
        default=None, description="First day of the window asked about (as a listing answered it)."
    )
    availableTo: Date | None = Field(
        default=None, description="Last day of the window asked about (as a listing answered it)."
    )


class CustomerCarrierRecord(Answer):
    carrierId: int
    carrierName: str


class CustomerCarriersAnswer(Answer):
    carrierCubeRate: Amount | None
    carrierId: int | None
    carrierName: str | None
    carriers: list[CustomerCarrierRecord]


@api_method(
    "ecommerce/customer-carriers.list",
    answer=CustomerCarriersAnswer,
    tokens={CO, CU},
    params=CustomerCarriersParams,
    answer_key="carriers",
    requires_account=True,
    area=AREA,
)
def customer_carriers_list(ctx: CallContext, params: CustomerCarriersParams) -> dict[str, Any]:
    """Answer the customer's default carrier and the carriers it may choose for a ship date."""
    customer = customer_for(ctx, params.customerId)
    # Komet narrows the carriers to those whose Days of Service meet the window; Stemlink keeps no
    # days of service (every active carrier serves every day), so the window is checked, not applied.
    _window(params.availableFrom, params.availableTo)
    # Carriers are the company's, at every location: a location is checked to be one, not applied.
    if (
        params.companyLocationId is not None
        and not Location.objects.filter(company=ctx.company, pk=params.companyLocationId).exists()
    ):
        raise NotFound(f"Location {params.companyLocationId} was not found.")
    # Stemlink keeps no cube rates (Komet's Days of Service): null, as for a customer without one.
    return {"carrierCubeRate": None, **queries.customer_carriers(ctx.company, customer)}
