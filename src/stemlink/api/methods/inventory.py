"""Inventory, the company's view (API.md §4.3): lists of on-hand and future lines, and inventory.add."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from stemlink.api.answers import Amount, Answer, Day, Timestamp
from stemlink.api.params import Bool, Date, Id, Int, Money
from stemlink.api.registry import CO, VE, CallContext, Params, api_method
from stemlink.api.scoping import customer_for
from stemlink.inventory import queries, services

AREA = "Inventory"


class InventoryListParams(Params):
    includeBoxes: Bool = Field(
        default=False,
        description="true: each line also answers `boxes`, its labelled boxes (always empty: "
        "Stemlink labels no single boxes).",
    )
    inventoryType: str | None = None
    excludeHeldItems: Bool = False
    lotNumber: str = ""
    locationId: Id | None = None


class InventoryBox(Answer):
    """One labelled box of a line (Stemlink labels none, so the list is always empty)."""

    boxCode: str


class InventoryLineRecord(Answer):
    orderItemId: int
    companyProductId: int
    productCode: str
    productDescription: str
    grade: str
    quantity: int
    totalUnits: int
    unitType: str
    bunches: int
    stemsBunch: int
    unitsPerBox: int
    boxTypeId: int
    boxTypeCode: str
    growerId: int | None
    growerName: str | None
    unitCost: Amount
    price: Amount | None
    inventoryType: str
    arrivalDate: Day | None
    aging: int | None
    lotNumber: str
    locationId: int
    heldBoxes: int
    reservedForCustomerId: int | None
    updatedOn: Timestamp
    boxes: list[InventoryBox] | None = Field(
        description="null unless includeBoxes=true; then the line's labelled boxes, as Komet answers them "
        "for a company that labels none (always empty: Stemlink counts boxes, it does not label them).",
    )


class InventoryListAnswer(Answer):
    inventoryItems: list[InventoryLineRecord]


@api_method(
    "inventory.list",
    answer=InventoryListAnswer,
    tokens={CO, VE},
    params=InventoryListParams,
    answer_key="inventoryItems",
    area=AREA,
)
def inventory_list(ctx: CallContext, params: InventoryListParams) -> dict[str, Any]:
    """List on-hand lines with boxes left, by inventory type (M open market by default)."""
    items = queries.company_inventory(
        ctx.company,
        inventory_types=queries.parse_inventory_types(params.inventoryType),
        exclude_held=params.excludeHeldItems,
        lot_number=params.lotNumber,
        location_id=params.locationId,
        # A Vendor token sees only the lines of its own grower.
        vendor_id=ctx.vendor_id if ctx.token_type == VE else None,
    )
    for item in items:
        # Komet answers each line's box codes when asked; Stemlink counts boxes and labels none.
        item["boxes"] = [] if params.includeBoxes else None
    return {"inventoryItems": items}


class ConsolidatedParams(Params):
    locationId: Id | None = None


class ConsolidatedRecord(Answer):
    companyProductId: int
    inventoryItemIds: str
    productCode: str
    productDescription: str
    grade: str
    category: str
    quantity: int
    totalUnits: int
    boxTypeId: int
    boxTypeCode: str
    unitType: str
    bunches: int
    stemsBunch: int
    unitsPerBox: int
    price: Amount | None


class ConsolidatedListAnswer(Answer):
    inventoryItems: list[ConsolidatedRecord]


@api_method(
    "inventory.consolidated.openmarket.list",
    answer=ConsolidatedListAnswer,
    tokens={CO},
    params=ConsolidatedParams,
    answer_key="inventoryItems",
    area=AREA,
)
def consolidated_list(ctx: CallContext, params: ConsolidatedParams) -> dict[str, Any]:
    """List free open-market boxes grouped by product, box type and pack, without cost or aging."""
    return {"inventoryItems": queries.consolidated_open_market(ctx.company, location_id=params.locationId)}


class FutureListParams(Params):
    dateFrom: Date
    dateTo: Date
    locationId: Id | None = None
    customerId: Id | None = None


class FutureLineRecord(Answer):
    inventoryId: int
    companyProductId: int
    productCode: str
    productDescription: str
    grade: str
    category: str
    vendor: str | None
    quantity: int
    totalUnits: int
    boxTypeId: int
    boxTypeCode: str
    unitType: str
    bunches: int
    stemsBunch: int
    unitsPerBox: int
    price: Amount | None
    availableDate: Day
    availableTo: Day
    locationId: int


class FutureListAnswer(Answer):
    inventoryItems: list[FutureLineRecord]


@api_method(
    "future.inventory.openmarket.list",
    answer=FutureListAnswer,
    tokens={CO},
    params=FutureListParams,
    answer_key="inventoryItems",
    area=AREA,
)
def future_list(ctx: CallContext, params: FutureListParams) -> dict[str, Any]:
    """List future open-market lines available between two dates, priced for a customer when named."""
    customer = customer_for(ctx, params.customerId) if params.customerId is not None else None
    items = queries.future_open_market(
        ctx.company,
        date_from=params.dateFrom,
        date_to=params.dateTo,
        location_id=params.locationId,
        customer=customer,
    )
    return {"inventoryItems": items}


class InventoryAddParams(Params):
    vendorCode: str | None = None
    growerId: Id | None = None
    awb: str
    shipDate: Date
    arrivalDate: Date | None = None
    productId: Id | None = None
    productCode: str | None = None
    quantity: Int
    boxTypeId: Id | None = None
    boxTypeCode: str | None = None
    unitType: str
    stemsBunch: Int
    bunches: Int
    unitCost: Money
    price: Money | None = None
    locationId: Id | None = None
    lotNumber: str = Field(default="", max_length=40)


class InventoryAddAnswer(Answer):
    inventoryIds: list[int]


@api_method(
    "inventory.add",
    answer=InventoryAddAnswer,
    tokens={CO},
    params=InventoryAddParams,
    answer_key="inventoryIds",
    writes=True,
    area=AREA,
)
def inventory_add(ctx: CallContext, params: InventoryAddParams) -> dict[str, Any]:
    """Put 1 to 100 boxes of a product on hand; answer the new line ids."""
    ids = services.add_on_hand_lines(
        ctx.company,
        vendor_code=params.vendorCode,
        vendor_id=params.growerId,
        awb=params.awb,
        ship_date=params.shipDate,
        arrival_date=params.arrivalDate,
        product_id=params.productId,
        product_code=params.productCode,
        quantity=params.quantity,
        box_type_id=params.boxTypeId,
        box_type_code=params.boxTypeCode,
        unit_type=params.unitType,
        stems_bunch=params.stemsBunch,
        bunches=params.bunches,
        unit_cost=params.unitCost,
        price=params.price,
        location_id=params.locationId,
        lot_number=params.lotNumber,
    )
    return {"inventoryIds": ids, "message": f"{params.quantity} box(es) added to inventory."}
