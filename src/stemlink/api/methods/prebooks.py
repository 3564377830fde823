"""Prebooks (API.md §4.7): orders for a future truck date, made, changed, filled and listed.

A Vendor token may make prebooks and delete their lines, and reads only the lines of its own
vendor; a Customer token lists only its own customer's prebooks.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from pydantic import Field

from stemlink.api.answers import Amount, Answer, Day, NoAnswer, Timestamp
from stemlink.api.params import Bool, Date, DateTime, Id, Int, Money
from stemlink.api.registry import CO, CU, VE, CallContext, Params, api_method
from stemlink.api.scoping import customer_for
from stemlink.catalog.models import Vendor
from stemlink.errors import FieldError, NotFound, ValidationFailed
from stemlink.orders import prebooks, resolvers
from stemlink.orders.models import Prebook, PrebookItem, PrebookStatus, PrebookType
from stemlink.orders.periods import period_errors
from stemlink.orders.queries import PrebookFilter, prebooks_matching

AREA = "Prebooks and standing orders"
Code = Annotated[str, Field(max_length=40)]
Short = Annotated[str, Field(max_length=60)]
Note = Annotated[str, Field(max_length=2000)]


def _vendor(ctx: CallContext) -> Vendor | None:
    if ctx.vendor_id is None:
        return None
    vendor = Vendor.objects.filter(company=ctx.company, pk=ctx.vendor_id).first()
    if vendor is None:
        raise NotFound("The vendor of this token was not found.")
    return vendor


class PrebookItemParams(Params):
    productCode: Code | None = None
    companyProductId: Id | None = None
    boxTypeCode: Annotated[str, Field(max_length=3)] | None = None
    boxes: Int
    unitType: Annotated[str, Field(max_length=5)] = "Stem"
    bunches: Int | None = None
    stemsBunch: Int | None = None
    price: Money
    markCode: Short = ""
    comments: Annotated[str, Field(max_length=300)] = ""

    def request(self) -> prebooks.PrebookLineRequest:
        return prebooks.PrebookLineRequest(
            boxes=self.boxes,
            price=self.price,
            product_code=self.productCode,
            product_id=self.companyProductId,
            box_type_code=self.boxTypeCode,
            unit_type=self.unitType,
            bunches=self.bunches,
            stems_bunch=self.stemsBunch,
            mark_code=self.markCode,
            comments=self.comments,
        )


class PrebookCreateParams(Params):
    customerId: Id | None = None
    customerCode: Code | None = None
    customerDescription: Annotated[str, Field(max_length=200)] | None = None
    carrierId: Id | None = None
    carrierCode: Code | None = None
    carrierDescription: Annotated[str, Field(max_length=200)] | None = None
    shipDate: Date
    shipToId: Id | None = None
    shipViaId: Int = 0
    customerPO: Short = ""
    isEcommerce: Bool = False
    useExisting: Bool = False
    comments: Note = ""
    locationId: Id | None = None
    locationCode: Code | None = None
    prebookItems: Annotated[list[PrebookItemParams], Field(max_length=500)] = []


class PrebookItemIdRecord(Answer):
    prebookItemId: int


class PrebookCreateAnswer(Answer):
    prebookId: int
    prebookNumber: int
    prebookItems: list[PrebookItemIdRecord]


@api_method(
    "prebook.create",
    answer=PrebookCreateAnswer,
    tokens={CO, VE},
    params=PrebookCreateParams,
    writes=True,
    area=AREA,
    summary="Create a prebook for a truck date (lines optional), or append to a matching one (useExisting).",
)
def prebook_create(ctx: CallContext, params: PrebookCreateParams) -> dict[str, Any]:
    # A customer or carrier made from a code and description is undone with a refused document.
    with transaction.atomic():
        return _prebook_create(ctx, params)


def _prebook_create(ctx: CallContext, params: PrebookCreateParams) -> dict[str, Any]:
    customer = resolvers.resolve_customer(
        ctx.company,
        customer_id=params.customerId,
        customer_code=params.customerCode,
        customer_description=params.customerDescription,
    )
    carrier = resolvers.resolve_carrier(
        ctx.company,
        carrier_id=params.carrierId,
        carrier_code=params.carrierCode,
        carrier_description=params.carrierDescription,
    )
    result = prebooks.create_prebook(
        ctx.company,
        customer=customer,
        carrier=carrier,
        truck_date=params.shipDate,
        location=resolvers.resolve_location(ctx.company, params.locationId, params.locationCode),
        ship_to=resolvers.resolve_ship_to(customer, params.shipToId),
        customer_po=params.customerPO,
        comments=params.comments,
        is_ecommerce=params.isEcommerce,
        ship_via=params.shipViaId,
        use_existing=params.useExisting,
        items=[item.request() for item in params.prebookItems],
        vendor=_vendor(ctx),
        token_id=ctx.token_id,
        sales_channel=ctx.sales_channel,
    )
    return {
        "message": "The prebook was successfully updated."
        if result.appended
        else "The prebook was successfully created.",
        "prebookId": result.prebook.pk,
        "prebookNumber": result.prebook.number,
        "prebookItems": [{"prebookItemId": item.pk} for item in result.items],
    }


class PrebookUpdateParams(Params):
    prebookId: Id
    carrierId: Id | None = None
    carrierCode: Code | None = None
    shipDate: Date | None = None
    shipViaId: Int | None = None
    customerPO: Short | None = None
    comments: Note | None = None


class PrebookUpdateAnswer(Answer):
    prebookId: int


@api_method(
    "prebook.update",
    answer=PrebookUpdateAnswer,
    tokens={CO},
    params=PrebookUpdateParams,
    writes=True,
    area=AREA,
    summary="Change a prebook's carrier, truck date, ship-via, customer PO or comments.",
)
def prebook_update(ctx: CallContext, params: PrebookUpdateParams) -> dict[str, Any]:
    carrier = None
    if params.carrierId is not None or params.carrierCode:
        carrier = resolvers.resolve_carrier(
            ctx.company, carrier_id=params.carrierId, carrier_code=params.carrierCode
        )
    prebook = prebooks.update_prebook(
        ctx.company,
        params.prebookId,
        carrier=carrier,
        truck_date=params.shipDate,
        ship_via=params.shipViaId,
        customer_po=params.customerPO,
        comments=params.comments,
    )
    return {"message": "success", "prebookId": prebook.pk}


class PrebookIdParams(Params):
    prebookId: Id


@api_method(
    "prebook.delete",
    answer=NoAnswer,
    tokens={CO},
    params=PrebookIdParams,
    writes=True,
    area=AREA,
    summary="Delete a prebook: its future boxes go back on sale and its transaction fee is reversed.",
)
def prebook_delete(ctx: CallContext, params: PrebookIdParams) -> dict[str, Any]:
    prebooks.delete_prebook(ctx.company, params.prebookId)
    # Komet's message, trailing space included: clients compare it.
    return {"message": "The prebook was successfully deleted "}


class PrebookItemDeleteParams(Params):
    prebookId: Id
    prebookItemId: Id


@api_method(
    "prebook.item.delete",
    answer=NoAnswer,
    tokens={CO, VE},
    params=PrebookItemDeleteParams,
    writes=True,
    area=AREA,
    summary="Remove a line from a prebook; boxes it drew from a future line go back on sale.",
)
def prebook_item_delete(ctx: CallContext, params: PrebookItemDeleteParams) -> dict[str, Any]:
    prebooks.delete_prebook_item(ctx.company, params.prebookId, params.prebookItemId, vendor=_vendor(ctx))
    return {"message": "The prebook item was successfully deleted."}


class PrebookFutureItemParams(Params):
    prebookId: Id
    inventoryId: Id
    boxes: Int
    price: Money
    markCode: Short = ""


class PrebookFutureItemAnswer(Answer):
    prebookItemId: int
    availableBoxes: int


@api_method(
    "prebook.future.item.add",
    answer=PrebookFutureItemAnswer,
    tokens={CO},
    params=PrebookFutureItemParams,
    writes=True,
    area=AREA,
    summary="Add boxes of a future line to a prebook (sold at once; subject to the transaction fee).",
)
def prebook_future_item_add(ctx: CallContext, params: PrebookFutureItemParams) -> dict[str, Any]:
    item, left = prebooks.add_future_item(
        ctx.company,
        params.prebookId,
        future_line_id=params.inventoryId,
        boxes=params.boxes,
        price=params.price,
        mark_code=params.markCode,
    )
    return {"message": "The item was successfully added.", "prebookItemId": item.pk, "availableBoxes": left}


# --------------------------------------------------------------------------------------------
# Reading prebooks
# --------------------------------------------------------------------------------------------


def _type_code(prebook: Prebook) -> str:
    # Komet lists 'P' for a prebook and 'S' for one made by a standing order.
    return (
        "S"
        if prebook.type == PrebookType.STANDING
        else "P"
        if prebook.type == PrebookType.REGULAR
        else prebook.type
    )


def _prebook_row(prebook: Prebook) -> dict[str, Any]:
    return {
        "id": prebook.pk,
        "number": prebook.number,
        "truckDate": prebook.truck_date,
        "customerId": prebook.customer_id,
        "customerName": prebook.customer.name,
        "customerCode": prebook.customer.code,
        "carrierId": prebook.carrier_id,
        "carrierName": prebook.carrier.name if prebook.carrier is not None else "",
        "shipToId": prebook.ship_to_id,
        "customerPONumber": prebook.customer_po,
        "type": _type_code(prebook),
        "isEcommerce": prebook.is_ecommerce,
        "checkOutStatus": prebook.checkout_status,
        "shipvia": prebook.ship_via,
        "comments": prebook.comments,
        "locationId": prebook.location_id,
        "locationCode": prebook.location.code if prebook.location is not None else None,
        "locationName": prebook.location.name if prebook.location is not None else None,
        "standingOrderId": prebook.standing_order_id,
        "subtotal": prebook.subtotal,
        "total": prebook.total,
        "createdOn": prebook.created_on,
        "updatedOn": prebook.updated_on,
    }


class PrebookFilterParams(Params):
    prebook: Int | None = None
    customer: Annotated[str, Field(max_length=200)] | None = None
    customerId: Id | None = None
    carrierId: Id | None = None
    carrierName: Annotated[str, Field(max_length=120)] | None = None
    customerPONumber: Short | None = None
    isEcommerce: Bool | None = None
    checkOutStatus: Int | None = None
    locationId: Id | None = None
    updatedAsOf: DateTime | None = None
    salesPersonId: Id | None = Field(
        default=None, description="Prebooks of customers this sales person serves."
    )
    soNumber: Int | None = Field(
        default=None, description="Prebooks made by the standing order of this number."
    )
    brandId: Id | None = Field(
        default=None,
        description="Stemlink has no brands: as Komet for a company without them, no prebook has one, "
        "so a brandId answers none.",
    )


def _filter(ctx: CallContext, params: PrebookFilterParams, **dates: Any) -> PrebookFilter:
    """The API's prebook filters as `orders.queries` says them: open prebooks, a Customer token's own."""
    customer = None
    if ctx.customer is not None or params.customerId is not None:
        customer = customer_for(ctx, params.customerId)
    return PrebookFilter(
        status=PrebookStatus.OPEN,
        customer=customer,
        number=params.prebook,
        customer_name=params.customer or "",
        carrier_id=params.carrierId,
        carrier_name=params.carrierName or "",
        customer_po=params.customerPONumber or "",
        is_ecommerce=params.isEcommerce,
        checkout_status=params.checkOutStatus,
        location_id=params.locationId,
        updated_since=params.updatedAsOf,
        sales_person_id=params.salesPersonId,
        standing_order_number=params.soNumber,
        brand_id=params.brandId,
        **dates,
    )


def _filtered(ctx: CallContext, flt: PrebookFilter) -> QuerySet[Prebook]:
    return (
        prebooks_matching(ctx.company, flt)
        .select_related("customer", "carrier", "location")
        .order_by("truck_date", "id")
    )


class PrebookListParams(PrebookFilterParams):
    dateFrom: Date | None = None
    dateTo: Date | None = None
    CompanyLocationId: Id | None = Field(
        default=None,
        description="A location's id (location.list), as Komet spells it here: its prebooks only.",
    )


class PrebookRecord(Answer):
    id: int
    number: int
    truckDate: Day
    customerId: int
    customerName: str
    customerCode: str
    carrierId: int | None
    carrierName: str
    shipToId: int | None
    customerPONumber: str
    type: str
    isEcommerce: bool
    checkOutStatus: int
    shipvia: int = Field(description="0: ships from the warehouse; 1: straight from the grower.")
    comments: str
    locationId: int | None
    locationCode: str | None
    locationName: str | None
    standingOrderId: int | None
    subtotal: Amount
    total: Amount
    createdOn: Timestamp
    updatedOn: Timestamp


class PrebookListAnswer(Answer):
    prebooks: list[PrebookRecord]


@api_method(
    "prebook.list",
    answer=PrebookListAnswer,
    tokens={CO, CU},
    params=PrebookListParams,
    answer_key="prebooks",
    area=AREA,
    summary="Prebooks with truck dates from dateFrom to dateTo (at most 6 months apart), filtered.",
)
def prebook_list(ctx: CallContext, params: PrebookListParams) -> dict[str, Any]:
    errors = period_errors(
        params.dateFrom, params.dateTo, from_field="dateFrom", to_field="dateTo", max_months=6
    )
    if errors:
        raise ValidationFailed(errors)
    flt = _filter(ctx, params, truck_date_from=params.dateFrom, truck_date_to=params.dateTo)
    if params.CompanyLocationId is not None:
        # Komet's spelling on prebook.list; with locationId too, a prebook must be at both (at most one).
        if params.locationId is not None and params.locationId != params.CompanyLocationId:
            return {"prebooks": []}
        flt = dataclasses.replace(flt, location_id=params.CompanyLocationId)
    prebooks = _filtered(ctx, flt)
    return {"prebooks": [_prebook_row(p) for p in prebooks]}


class PrebookDetailsParams(PrebookFilterParams):
    date: Date | None = None
    vendorShipDateFrom: Date | None = None
    vendorShipDateTo: Date | None = None


def _detail_row(item: PrebookItem) -> dict[str, Any]:
    return {
        "prebookItemId": item.pk,
        "inventoryId": item.future_line_id,
        "vendorId": item.vendor_id,
        "vendorName": item.vendor.name if item.vendor is not None else "",
        "productId": item.product_id,
        "productCode": item.product.code,
        "productDescription": item.product.description,
        "totalBoxes": item.boxes,
        "boxType": item.box_type.code,
        "unitType": item.unit_type,
        "bunches": item.bunches,
        "stemsBunch": item.stems_bunch,
        "units": item.units_per_box,
        "totalUnits": item.units_per_box * item.boxes,
        "unitPrice": item.unit_price,
        "totalPrice": item.total,
        "markCode": item.mark_code,
        "comments": item.comments,
        # Stemlink has no brands nor mixed boxes: as Komet answers for a company without them.
        "brandId": None,
        "brandName": None,
        "breakdowns": [],
    }


class Breakdown(Answer):
    """One product of a mixed box (Stemlink has none, so the list is always empty)."""

    productId: int
    productDescription: str
    stemsBunch: int
    bunches: int
    price: Amount


class PrebookDetailRecord(Answer):
    prebookItemId: int
    inventoryId: int | None
    vendorId: int | None
    vendorName: str
    productId: int
    productCode: str
    productDescription: str
    totalBoxes: int
    boxType: str
    unitType: str
    bunches: int
    stemsBunch: int
    units: int
    totalUnits: int
    unitPrice: Amount
    totalPrice: Amount
    markCode: str
    comments: str
    brandId: int | None = Field(description="Always null: Stemlink has no brands.")
    brandName: str | None = Field(description="Always null: Stemlink has no brands.")
    breakdowns: list[Breakdown] = Field(description="Always empty: Stemlink sells no mixed boxes.")


class PrebookWithDetails(PrebookRecord):
    details: list[PrebookDetailRecord]


class PrebookDetailsListAnswer(Answer):
    prebooks: list[PrebookWithDetails]


@api_method(
    "prebook.details.list",
    answer=PrebookDetailsListAnswer,
    tokens={CO, VE},
    params=PrebookDetailsParams,
    answer_key="prebooks",
    area=AREA,
    summary="Prebooks of one truck date (or a range of at most 7 days) with their lines.",
)
def prebook_details_list(ctx: CallContext, params: PrebookDetailsParams) -> dict[str, Any]:
    if params.date is not None:
        prebooks = _filtered(
            ctx, _filter(ctx, params, truck_date_from=params.date, truck_date_to=params.date)
        )
    elif params.vendorShipDateFrom is not None or params.vendorShipDateTo is not None:
        errors = period_errors(
            params.vendorShipDateFrom,
            params.vendorShipDateTo,
            from_field="vendorShipDateFrom",
            to_field="vendorShipDateTo",
            max_days=7,
        )
        if errors:
            raise ValidationFailed(errors)
        flt = _filter(
            ctx, params, truck_date_from=params.vendorShipDateFrom, truck_date_to=params.vendorShipDateTo
        )
        prebooks = _filtered(ctx, flt)
    else:
        raise ValidationFailed(
            FieldError("date", "is required (a truck date), or give vendorShipDateFrom and vendorShipDateTo")
        )
    items = PrebookItem.objects.select_related("product", "box_type", "vendor").order_by("id")
    vendor = _vendor(ctx)
    if vendor is not None:
        # A grower sees only what it is asked to grow.
        items = items.filter(vendor=vendor)
        prebooks = prebooks.filter(Q(items__vendor=vendor) | Q(vendor=vendor)).distinct()
    rows = []
    for prebook in prebooks.prefetch_related(Prefetch("items", queryset=items)):
        row = _prebook_row(prebook)
        row["details"] = [_detail_row(item) for item in prebook.items.all()]
        rows.append(row)
    return {"prebooks": rows}
