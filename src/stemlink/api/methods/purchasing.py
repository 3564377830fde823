"""Purchasing (Komet's vendor side): purchase orders to growers, growers' availability, receiving,
box labels, hard goods.

A Vendor token sees only its own grower's purchase orders, availability and boxes; another
grower's record "was not found" for it. Komet documents only the names of most of these methods
(`komet-api-notes.md` §3.7): their parameters follow Komet's naming of the same fields elsewhere.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field

from stemlink.api.answers import Amount, Answer, Day, NoAnswer
from stemlink.api.params import Bool, Date, Id, IdList, Int, Money
from stemlink.api.registry import CO, VE, CallContext, Params, api_method
from stemlink.api.scoping import customer_for
from stemlink.catalog.models import Carrier, Vendor
from stemlink.errors import FieldError, NotFound, ValidationFailed
from stemlink.orders.models import Prebook
from stemlink.orders.resolvers import resolve_carrier, resolve_location
from stemlink.purchasing import queries, rules, services
from stemlink.purchasing.models import PurchaseOrder, PurchaseOrderItem
from stemlink.tenancy.models import Location

AREA = "Purchasing"
Code = Annotated[str, Field(max_length=40)]
Short = Annotated[str, Field(max_length=60)]
Note = Annotated[str, Field(max_length=2000)]


def _own_vendor(ctx: CallContext) -> Vendor | None:
    """The grower of a Vendor token (None for other tokens)."""
    if ctx.token_type != VE or ctx.vendor_id is None:
        return None
    vendor = Vendor.objects.filter(company=ctx.company, pk=ctx.vendor_id).first()
    if vendor is None:
        raise NotFound("The vendor of this token was not found.")
    return vendor


def _range(date_from: dt.date | None, date_to: dt.date | None, field: str, max_days: int) -> None:
    if (
        date_from is not None
        and date_to is not None
        and (problem := rules.range_problem(date_from, date_to, max_days))
    ):
        raise ValidationFailed(FieldError(field, problem))


# --- purchase orders ------------------------------------------------------------------------------


class POListParams(Params):
    date: Date | None = None
    dateFrom: Date | None = None
    dateTo: Date | None = None
    number: Id | None = None
    vendorId: Id | None = None
    vendor: Short = ""
    status: Short | None = None
    locationId: Id | None = None


class POItemRecord(Answer):
    id: int
    productId: int
    productCode: str
    productDescription: str
    boxTypeId: int
    boxTypeCode: str
    unitType: str
    bunches: int
    stemsBunch: int
    unitsPerBox: int
    quantity: int
    boxes: int | None
    boxesShort: int
    unitCost: Amount
    price: Amount | None
    awb: str
    mixedBox: int | None
    inventoryId: int | None
    prebookItemId: int | None


class PORecord(Answer):
    id: int
    number: int
    vendorId: int
    vendorName: str
    vendorCode: str
    shipDate: Day
    arrivalDate: Day
    awb: str
    carrierId: int | None
    carrierCode: str | None
    status: str
    statusCode: str
    locationId: int
    customerId: int | None
    prebookId: int | None
    items: list[POItemRecord]


class POListAnswer(Answer):
    purchaseOrders: list[PORecord]


def _status(text: str | None) -> str | None:
    if text is None:
        return None
    code = rules.status_code(text)
    if code is None:
        raise ValidationFailed(
            FieldError("status", "must be one of Approved, Confirmed by Farm, Shipped, Received, Cancelled")
        )
    return code


@api_method(
    "purchase.order.list",
    answer=POListAnswer,
    tokens={CO, VE},
    params=POListParams,
    answer_key="purchaseOrders",
    area=AREA,
    summary="List purchase orders by grower ship date (date, or dateFrom/dateTo up to 6 months) or number.",
)
def purchase_order_list(ctx: CallContext, params: POListParams) -> dict[str, Any]:
    vendor = _own_vendor(ctx)
    if params.number is None and params.date is None and params.dateFrom is None:
        raise ValidationFailed(
            FieldError("date", "is required (the grower ship date), or give dateFrom/dateTo or number")
        )
    date_from = params.date or params.dateFrom
    date_to = params.date or params.dateTo or date_from
    _range(date_from, date_to, "dateTo", rules.MAX_LIST_DAYS)
    orders = list(
        queries.purchase_orders(
            ctx.company,
            date_from=date_from,
            date_to=date_to,
            number=params.number,
            vendor_id=vendor.pk if vendor else params.vendorId,
            vendor=params.vendor,
            status=_status(params.status),
            location_id=params.locationId,
        )[:1000]
    )
    items = queries.items_of(orders)
    return {
        "purchaseOrders": [queries.order_record(o, items[o.pk], show_prices=vendor is None) for o in orders]
    }


class PODetailsParams(Params):
    dateFrom: Date
    dateTo: Date
    vendorId: Id | None = None


class PODetailRecord(Answer):
    purchaseOrderId: int
    purchaseOrderNumber: int
    purchaseOrderItemId: int
    vendorId: int
    vendorName: str
    shipDate: Day
    status: str
    productId: int
    productDescription: str
    boxTypeCode: str
    quantity: int
    boxesReceived: int
    boxesShort: int
    unitCost: Amount
    awb: str
    inventoryId: int | None
    availableBoxes: int | None


class PODetailsAnswer(Answer):
    purchaseOrderItems: list[PODetailRecord]


@api_method(
    "purchase.order.va.details.list",
    answer=PODetailsAnswer,
    tokens={CO},
    params=PODetailsParams,
    answer_key="purchaseOrderItems",
    area=AREA,
    summary="List the lines of purchase orders shipping between two dates (at most 4 days), with what is "
    "received, short, and still offered as future inventory.",
)
def purchase_order_details(ctx: CallContext, params: PODetailsParams) -> dict[str, Any]:
    _range(params.dateFrom, params.dateTo, "dateTo", 4)
    orders = list(
        queries.purchase_orders(
            ctx.company, date_from=params.dateFrom, date_to=params.dateTo, vendor_id=params.vendorId
        )
    )
    by_order = queries.items_of(orders)
    records = []
    for order in orders:
        for item in by_order[order.pk]:
            line = item.future_line
            records.append(
                {
                    "purchaseOrderId": order.pk,
                    "purchaseOrderNumber": order.number,
                    "purchaseOrderItemId": item.pk,
                    "vendorId": order.vendor_id,
                    "vendorName": order.vendor.name,
                    "shipDate": order.ship_date,
                    "status": order.komet_status,
                    "productId": item.product_id,
                    "productDescription": item.product.description,
                    "boxTypeCode": item.box_type.code,
                    "quantity": item.boxes,
                    "boxesReceived": item.boxes_received,
                    "boxesShort": item.boxes_short,
                    "unitCost": item.unit_cost,
                    "awb": item.awb,
                    "inventoryId": item.future_line_id,
                    "availableBoxes": line.boxes - line.boxes_held - line.boxes_sold if line else None,
                }
            )
    return {"purchaseOrderItems": records}


class POLineParams(Params):
    productId: Id | None = None
    productCode: Code | None = None
    boxTypeId: Id | None = None
    boxTypeCode: Annotated[str, Field(max_length=3)] | None = None
    unitType: Annotated[str, Field(max_length=5)] = "Stem"
    bunches: Int | None = None
    stemsBunch: Int | None = None
    boxes: Int
    unitCost: Money
    price: Money | None = None
    prebookItemId: Id | None = None

    def request(self, mixed_box: int | None = None, boxes: int | None = None) -> services.LineRequest:
        return services.LineRequest(
            boxes=self.boxes if boxes is None else boxes,
            unit_cost=self.unitCost,
            product_id=self.productId,
            product_code=self.productCode,
            box_type_id=self.boxTypeId,
            box_type_code=self.boxTypeCode,
            unit_type=self.unitType,
            bunches=self.bunches,
            stems_bunch=self.stemsBunch,
            price=self.price,
            mixed_box=mixed_box,
            prebook_item_id=self.prebookItemId,
        )


class POHeaderParams(Params):
    vendorId: Id | None = None
    vendorCode: Code | None = None
    shipDate: Date
    arrivalDate: Date | None = None
    awb: Annotated[str, Field(max_length=40)] = ""
    locationId: Id | None = None
    companyLocationCode: Annotated[
        Code | None, Field(description="Komet's name: the location by its code (or give locationId).")
    ] = None
    customerId: Id | None = None
    prebookId: Id | None = None
    comments: Note = ""
    confirmed: Bool = False


class POCreateParams(POHeaderParams):
    carrierId: Annotated[
        Id | None,
        Field(description="Komet's: the inbound carrier bringing the boxes from the grower (carrier.list)."),
    ] = None
    carrierCode: Annotated[
        Code | None, Field(description="Komet's: the inbound carrier by its code (or give carrierId).")
    ] = None
    purchaseOrderNumber: Annotated[
        Id | None,
        Field(
            description="Komet's: add the lines to this open purchase order of the same grower "
            "instead of making a new one (the answer names only the lines added); the order keeps its "
            "ship date, AWB, customer and prebook, and takes carrierId/carrierCode when given."
        ),
    ] = None
    items: Annotated[list[POLineParams], Field(max_length=200)] = []
    purchaseOrderItems: Annotated[
        list[POLineParams],
        Field(max_length=200, description="Komet's name for items (give one or the other)."),
    ] = []


class POCreateAnswer(Answer):
    purchaseOrderId: int
    purchaseOrderNumber: int
    purchaseOrderItemIds: list[int]
    purchaseOrderStatus: str


def _create(
    ctx: CallContext,
    params: POHeaderParams,
    lines: list[services.LineRequest],
    carrier: Carrier | None = None,
) -> dict[str, Any]:
    vendor = services.resolve_vendor(ctx.company, params.vendorId, params.vendorCode)
    customer = customer_for(ctx, params.customerId, include_inactive=False) if params.customerId else None
    prebook = None
    if params.prebookId is not None:
        prebook = Prebook.objects.filter(company=ctx.company, pk=params.prebookId).first()
        if prebook is None:
            raise NotFound(f"Prebook {params.prebookId} was not found.")
    order = services.create_purchase_order(
        ctx.company,
        vendor=vendor,
        ship_date=params.shipDate,
        arrival_date=params.arrivalDate,
        awb=params.awb,
        carrier=carrier,
        location=resolve_location(
            ctx.company, params.locationId, params.companyLocationCode, field_name="companyLocationCode"
        ),
        customer=customer,
        prebook=prebook,
        notes=params.comments,
        lines=lines,
        token_id=ctx.token_id,
        confirm=params.confirmed,
    )
    return {
        "purchaseOrderId": order.pk,
        "purchaseOrderNumber": order.number,
        "purchaseOrderItemIds": list(order.items.order_by("id").values_list("pk", flat=True)),
        "purchaseOrderStatus": order.komet_status,
        "message": f"Purchase order {order.number} was successfully created." + _mixed_note(order),
    }


def _mixed_note(order: PurchaseOrder) -> str:
    """What a confirmed order with mixed boxes tells the client: those are not offered as future
    boxes (a mixed box holds several products; a future box is boxes of one product and pack, and
    offering each product would sell the same physical box once per product it holds)."""
    if order.status == rules.OPEN or not order.items.filter(mixed_box__isnull=False).exists():
        return ""
    return " Its mixed boxes are not offered as future boxes: they are sold once received."


@api_method(
    "purchase.order.create",
    answer=POCreateAnswer,
    tokens={CO},
    params=POCreateParams,
    writes=True,
    area=AREA,
    summary="Create a purchase order to a grower: product, box type, pack, boxes and cost per line; "
    "confirmed=1 when the grower already confirmed it (its lines become future inventory at once).",
)
def purchase_order_create(ctx: CallContext, params: POCreateParams) -> dict[str, Any]:
    if params.items and params.purchaseOrderItems:
        raise ValidationFailed(
            FieldError("purchaseOrderItems", "give the lines once: as items or as purchaseOrderItems")
        )
    lines = [item.request() for item in params.items or params.purchaseOrderItems]
    carrier = None
    if params.carrierId is not None or params.carrierCode:
        # The company's own active carrier, as every order path names one (no carrier is made here).
        carrier = resolve_carrier(ctx.company, carrier_id=params.carrierId, carrier_code=params.carrierCode)
    if params.purchaseOrderNumber is None:
        return _create(ctx, params, lines, carrier)
    order, ids = services.add_to_purchase_order(
        ctx.company,
        number=params.purchaseOrderNumber,
        vendor=services.resolve_vendor(ctx.company, params.vendorId, params.vendorCode),
        lines=lines,
        location=_location_named(ctx, params),
        carrier=carrier,
        confirm=params.confirmed,
    )
    return {
        "purchaseOrderId": order.pk,
        "purchaseOrderNumber": order.number,
        "purchaseOrderItemIds": ids,
        "purchaseOrderStatus": order.komet_status,
        "message": f"{len(ids)} lines were added to purchase order {order.number}." + _mixed_note(order),
    }


def _location_named(ctx: CallContext, params: POHeaderParams) -> Location | None:
    """The location the client named (None when it named none)."""
    if params.locationId is None and not params.companyLocationCode:
        return None
    return resolve_location(
        ctx.company, params.locationId, params.companyLocationCode, field_name="companyLocationCode"
    )


class MixedBoxParams(Params):
    boxTypeId: Id | None = None
    boxTypeCode: Annotated[str, Field(max_length=3)] | None = None
    boxes: Int
    breakdowns: Annotated[list[POLineParams], Field(max_length=50)]


class POMixedCreateParams(POHeaderParams):
    mixedBoxes: Annotated[list[MixedBoxParams], Field(max_length=100)] = []


@api_method(
    "purchase.order.mixed.create",
    answer=POCreateAnswer,
    tokens={CO},
    params=POMixedCreateParams,
    writes=True,
    area=AREA,
    summary="Create a purchase order of mixed boxes: each box type and number of boxes holds several "
    "products (breakdowns); mixed boxes are sold once on hand, not as future boxes of one product.",
)
def purchase_order_mixed_create(ctx: CallContext, params: POMixedCreateParams) -> dict[str, Any]:
    lines = []
    for number, box in enumerate(params.mixedBoxes, start=1):
        if not box.breakdowns:
            raise ValidationFailed(
                FieldError(f"mixedBoxes[{number - 1}].breakdowns", "give the products the box holds")
            )
        for part in box.breakdowns:
            request = part.request(mixed_box=number, boxes=box.boxes)
            lines.append(
                services.LineRequest(
                    **{
                        **request.__dict__,
                        "box_type_id": box.boxTypeId,
                        "box_type_code": box.boxTypeCode,
                    }
                )
            )
    if not lines:
        raise ValidationFailed(FieldError("mixedBoxes", "give at least one mixed box with its breakdowns"))
    return _create(ctx, params, lines)


class POConfirmParams(Params):
    purchaseOrderId: Id


class POStatusAnswer(Answer):
    purchaseOrderId: int
    purchaseOrderStatus: str
    inventoryIds: list[int]


@api_method(
    "purchase.order.confirm",
    answer=POStatusAnswer,
    tokens={CO, VE},
    params=POConfirmParams,
    writes=True,
    area=AREA,
    summary="The grower confirms a purchase order (Stemlink's): its lines become future inventory, "
    "offered on the marketplace at once; answers the future inventory ids.",
)
def purchase_order_confirm(ctx: CallContext, params: POConfirmParams) -> dict[str, Any]:
    order = services.confirm_purchase_order(ctx.company, params.purchaseOrderId, vendor=_own_vendor(ctx))
    ids = [i for i in order.items.order_by("id").values_list("future_line_id", flat=True) if i is not None]
    return {
        "purchaseOrderId": order.pk,
        "purchaseOrderStatus": order.komet_status,
        "inventoryIds": ids,
        "message": "OK" + _mixed_note(order),
    }


class ReceiveLineParams(Params):
    purchaseOrderItemId: Id
    boxes: Int
    close: Bool = False
    awb: Annotated[
        str,
        Field(
            max_length=40,
            description="The air waybill these boxes came on, when not the receipt's awb: one call "
            "receives several AWBs (a line may appear once per AWB).",
        ),
    ] = ""


class POReceiveParams(Params):
    purchaseOrderId: Id
    awb: Annotated[
        str, Field(max_length=40, description="The air waybill of every line that names none of its own.")
    ] = ""
    items: Annotated[list[ReceiveLineParams], Field(max_length=200)]


class ReceiptRecord(Answer):
    purchaseOrderItemId: int
    awb: str
    boxes: int
    orderItemId: int | None
    shortage: int
    boxCodes: list[str]


class POReceiveAnswer(Answer):
    purchaseOrderId: int
    purchaseOrderStatus: str
    receipts: list[ReceiptRecord]


@api_method(
    "purchase.order.receive",
    answer=POReceiveAnswer,
    tokens={CO},
    params=POReceiveParams,
    answer_key="receipts",
    writes=True,
    area=AREA,
    summary="Receive boxes of purchase-order lines against an AWB (Stemlink's): each becomes an on-hand "
    "line with its cost; close=1 records the rest as a shortage.",
)
def purchase_order_receive(ctx: CallContext, params: POReceiveParams) -> dict[str, Any]:
    receipts = services.receive(
        ctx.company,
        params.purchaseOrderId,
        awb=params.awb,
        lines=[services.ReceiveRequest(i.purchaseOrderItemId, i.boxes, i.close, i.awb) for i in params.items],
    )
    order = receipts[0].item.purchase_order
    order.refresh_from_db(fields=["status"])
    return {
        "purchaseOrderId": order.pk,
        "purchaseOrderStatus": order.komet_status,
        "receipts": [
            {
                "purchaseOrderItemId": r.item_id,
                "awb": r.awb,
                "boxes": r.boxes,
                "orderItemId": r.inventory_line_id,
                "shortage": r.shortage,
                "boxCodes": list(r.box_labels.order_by("id").values_list("code", flat=True)),
            }
            for r in receipts
        ],
    }


class AwbAddParams(Params):
    purchaseOrderId: Id | None = None
    # A purchase order has at most 200 lines: a longer list is a mistake (and a URL past the limit).
    purchaseOrderItemIds: Annotated[IdList, Field(max_length=200)] = []
    poItemId: Annotated[
        Id | None,
        Field(description="Komet's form: the one line shipped (its order is found from it)."),
    ] = None
    awb: Annotated[str, Field(max_length=40)]


NO_BOX_CODES = (
    "Always empty: Stemlink labels boxes when they are received (purchase.order.receive answers "
    "their codes), not when they ship."
)
NO_NEW_LINE = (
    "Always null: Komet splits a line shipped short into a new one; Stemlink keeps the line whole "
    "(what does not arrive is recorded short at receipt)."
)


class AwbAddAnswer(Answer):
    purchaseOrderId: int
    purchaseOrderItemIds: list[int]
    awb: str
    newPOItemId: int | None = Field(description=NO_NEW_LINE)
    boxCodes: list[str] = Field(description=NO_BOX_CODES)


@api_method(
    "purchase.order.item.awb.add",
    answer=AwbAddAnswer,
    tokens={CO, VE},
    params=AwbAddParams,
    writes=True,
    area=AREA,
    summary="Put the air waybill on a purchase order's lines (all, or those named): the order is shipped.",
)
def purchase_order_item_awb_add(ctx: CallContext, params: AwbAddParams) -> dict[str, Any]:
    order_id = _order_of(ctx, params.purchaseOrderId, params.poItemId, "poItemId")
    items = services.add_awb(
        ctx.company,
        order_id,
        awb=params.awb,
        item_ids=params.purchaseOrderItemIds or ([params.poItemId] if params.poItemId else []),
        vendor=_own_vendor(ctx),
    )
    return {
        "purchaseOrderId": order_id,
        "purchaseOrderItemIds": [i.pk for i in items],
        "awb": params.awb,
        "newPOItemId": None,
        "boxCodes": [],
        "message": "success",
    }


class AwbLineParams(Params):
    poItemId: Annotated[Id, Field(description="The purchase order line shipped (purchase.order.list).")]
    awb: Annotated[str, Field(max_length=40, description="The air waybill its boxes fly on.")]
    shipDate: Annotated[
        Date | None, Field(description="Komet's: the grower's ship date; accepted, not checked.")
    ] = None


class AwbLinesParams(Params):
    poItems: Annotated[
        list[AwbLineParams],
        Field(max_length=200, description="The lines shipped: poItemId, awb, shipDate (JSON body only)."),
    ]
    vendorId: Annotated[
        Id | None,
        Field(description="Komet's: the grower whose lines these are (a Vendor token's own is used)."),
    ] = None


class AwbLineResult(Answer):
    poItemId: int
    purchaseOrderId: int
    awb: str
    status: int
    message: str
    boxCodes: list[str] = Field(description=NO_BOX_CODES)
    lotNumber: str | None = Field(description="Always null: Stemlink keeps no lot numbers.")


class AwbLinesAnswer(Answer):
    purchaseOrderItemDetailsAWBAddAPIResultList: list[AwbLineResult]


@api_method(
    "purchase.order.items.awb.add",
    answer=AwbLinesAnswer,
    tokens={CO, VE},
    params=AwbLinesParams,
    answer_key="purchaseOrderItemDetailsAWBAddAPIResultList",
    writes=True,
    area=AREA,
    summary="Put an air waybill on several purchase order lines at once, of one or more orders: each "
    "order is shipped; all or nothing.",
)
def purchase_order_items_awb_add(ctx: CallContext, params: AwbLinesParams) -> dict[str, Any]:
    vendor = _own_vendor(ctx)
    if vendor is None and params.vendorId is not None:
        vendor = Vendor.objects.filter(company=ctx.company, pk=params.vendorId).first()
        if vendor is None:
            raise NotFound(f"Vendor {params.vendorId} was not found; check vendor.list.")
    items = services.add_awbs(
        ctx.company, [(line.poItemId, line.awb) for line in params.poItems], vendor=vendor
    )
    return {
        "purchaseOrderItemDetailsAWBAddAPIResultList": [
            {
                "poItemId": item.pk,
                "purchaseOrderId": item.purchase_order_id,
                "awb": item.awb,
                "status": 1,
                "message": "OK",
                "boxCodes": [],
                "lotNumber": None,
            }
            for item in items
        ]
    }


def _order_of(ctx: CallContext, order_id: int | None, item_id: int | None, field: str) -> int:
    """The purchase order named, or the one the line `item_id` is on (Komet names only the line)."""
    if order_id is not None:
        return order_id
    if item_id is None:
        raise ValidationFailed(
            FieldError(field, "is required: the purchase order line (purchase.order.list)")
        )
    found = (
        PurchaseOrderItem.objects.filter(company=ctx.company, pk=item_id)
        .values_list("purchase_order_id", flat=True)
        .first()
    )
    if found is None:
        raise NotFound(f"Purchase order item {item_id} was not found.")
    return found


class POItemDeleteParams(Params):
    purchaseOrderId: Id | None = None
    purchaseOrderItemId: Id | None = None
    poItemId: Annotated[
        Id | None, Field(description="Komet's name for purchaseOrderItemId (its order is found from it).")
    ] = None


@api_method(
    "purchase.order.item.delete",
    answer=NoAnswer,
    tokens={CO},
    params=POItemDeleteParams,
    writes=True,
    area=AREA,
    summary="Remove a line of a purchase order nothing was received or sold of; "
    "its future boxes leave the market.",
)
def purchase_order_item_delete(ctx: CallContext, params: POItemDeleteParams) -> dict[str, Any]:
    item_id = params.purchaseOrderItemId or params.poItemId
    order_id = _order_of(ctx, params.purchaseOrderId, item_id, "poItemId")
    if item_id is None:
        raise ValidationFailed(FieldError("poItemId", "is required: the purchase order line to delete"))
    services.delete_item(ctx.company, order_id, item_id)
    return {"message": "The purchase order item was successfully deleted."}


# --- growers' availability ------------------------------------------------------------------------


class AvailabilityListParams(Params):
    dateFrom: Date
    dateTo: Date
    exactDate: Date | None = None
    locationId: Id | None = None
    customerId: Id | None = None
    shipViaId: Int | None = None
    availableOnly: Bool = False


class AvailabilityRecord(Answer):
    inventoryId: int
    vendorId: int
    vendor: str
    companyProductId: int
    productDescription: str
    productCode: str
    grade: str
    category: str
    boxTypeId: int
    boxTypeCode: str
    unitType: str
    bunches: int
    stemsBunch: int
    unitsPerBox: int
    quantity: int
    totalUnits: int
    unitCost: Amount | None
    price: Amount | None
    availableFrom: Day
    availableTo: Day
    shipViaId: int
    locationId: int


class AvailabilityListAnswer(Answer):
    inventoryItems: list[AvailabilityRecord]


@api_method(
    "vendor.availability.items.list",
    answer=AvailabilityListAnswer,
    tokens={CO, VE},
    params=AvailabilityListParams,
    answer_key="inventoryItems",
    area=AREA,
    summary="List growers' availability (offers) between two dates; a Vendor token sees its own only.",
)
def vendor_availability_list(ctx: CallContext, params: AvailabilityListParams) -> dict[str, Any]:
    vendor = _own_vendor(ctx)
    _range(params.dateFrom, params.dateTo, "dateTo", rules.MAX_LIST_DAYS)
    if params.shipViaId is not None and params.shipViaId not in (0, 1):
        raise ValidationFailed(FieldError("shipViaId", "must be 0 (warehouse) or 1 (straight from grower)"))
    # A customer named gets its view: the cost is the wholesaler's, never shown for a customer.
    customer = customer_for(ctx, params.customerId) if params.customerId is not None else None
    items = queries.availability(
        ctx.company,
        date_from=params.dateFrom,
        date_to=params.dateTo,
        exact_date=params.exactDate,
        location_id=params.locationId,
        vendor_id=vendor.pk if vendor else None,
        ship_via=params.shipViaId,
        available_only=params.availableOnly,
    )
    return {
        "inventoryItems": [
            {
                "inventoryId": a.pk,
                "vendorId": a.vendor_id,
                "vendor": a.vendor.name,
                "companyProductId": a.product_id,
                "productDescription": a.product.description,
                "productCode": a.product.code,
                "grade": a.product.grade,
                "category": a.product.category.name,
                "boxTypeId": a.box_type_id,
                "boxTypeCode": a.box_type.code,
                "unitType": a.unit_type,
                "bunches": a.bunches,
                "stemsBunch": a.stems_bunch,
                "unitsPerBox": a.units_per_box,
                "quantity": a.free,
                "totalUnits": a.free * a.units_per_box,
                "unitCost": None if customer else a.unit_cost,
                "price": a.price,
                "availableFrom": a.available_from,
                "availableTo": a.available_to,
                "shipViaId": a.ship_via,
                "locationId": a.location_id,
            }
            for a in items[:5000]
        ]
    }


class BookAvailabilityParams(Params):
    prebookId: Id
    inventoryIds: Annotated[IdList, Field(max_length=200)]
    quantity: Int
    price: Money
    markCode: Short = ""
    boxTypeId: Id | None = None
    boxTypeCode: Annotated[str, Field(max_length=3)] | None = None
    stemsBunch: Int | None = None
    unitType: Annotated[str, Field(max_length=5)] | None = None
    bunches: Int | None = None


class BookAvailabilityAnswer(Answer):
    prebookItemId: int
    prebookItemIds: list[int]


@api_method(
    "prebook.vendor.availability.item.add",
    answer=BookAvailabilityAnswer,
    tokens={CO},
    params=BookAvailabilityParams,
    writes=True,
    area=AREA,
    summary="Book boxes of growers' availability into a prebook (one line per offer, for its grower).",
)
def prebook_vendor_availability_item_add(ctx: CallContext, params: BookAvailabilityParams) -> dict[str, Any]:
    items = services.book_availability(
        ctx.company,
        params.prebookId,
        availability_ids=params.inventoryIds,
        quantity=params.quantity,
        price=params.price,
        mark_code=params.markCode,
        box_type_id=params.boxTypeId,
        box_type_code=params.boxTypeCode,
        unit_type=params.unitType,
        stems_bunch=params.stemsBunch,
        bunches=params.bunches,
    )
    return {"prebookItemId": items[0].pk, "prebookItemIds": [i.pk for i in items], "message": "success"}


# --- box labels -----------------------------------------------------------------------------------


class BoxCodePairParams(Params):
    currentBoxCode: Annotated[str, Field(max_length=100)]
    newBoxCode: Annotated[str, Field(max_length=100)]


class BoxCodeChangeParams(Params):
    boxes: Annotated[list[BoxCodePairParams], Field(max_length=1000)]


class BoxCodeRecord(Answer):
    currentBoxCode: str
    newBoxCode: str
    status: int
    message: str


class BoxCodeChangeAnswer(Answer):
    boxes: list[BoxCodeRecord]


@api_method(
    "box.code.change",
    answer=BoxCodeChangeAnswer,
    tokens={CO, VE},
    params=BoxCodeChangeParams,
    answer_key="boxes",
    writes=True,
    area=AREA,
    summary="Relabel received boxes (currentBoxCode -> newBoxCode), each on its own; "
    "a Vendor token its own only.",
)
def box_code_change(ctx: CallContext, params: BoxCodeChangeParams) -> dict[str, Any]:
    if not params.boxes:
        raise ValidationFailed(FieldError("boxes", "give at least one {currentBoxCode, newBoxCode}"))
    results = services.change_box_codes(
        ctx.company, [(b.currentBoxCode, b.newBoxCode) for b in params.boxes], vendor=_own_vendor(ctx)
    )
    done = sum(r.changed for r in results)
    failed = len(results) - done
    message = f"{done} boxes were successfully updated."
    if failed:
        message += f" {failed} boxes could not be updated"
    return {
        "message": message,
        "boxes": [
            {"currentBoxCode": r.current, "newBoxCode": r.new, "status": int(r.changed), "message": r.message}
            for r in results
        ],
    }


# --- many prebooks at once ------------------------------------------------------------------------


class MultiPrebookItemParams(POLineParams):
    carrierCode: Code
    carrierName: Annotated[str, Field(max_length=120)] = ""
    shipDate: Date
    vendorCode: Code | None = None
    markCode: Short = ""
    unitCost: Money | None = None  # type: ignore[assignment]
    price: Money


Text200 = Annotated[str, Field(max_length=200)]
Text100 = Annotated[str, Field(max_length=100)]
Text60 = Annotated[str, Field(max_length=60)]


class MultiplePrebooksParams(Params):
    customerCode: Code
    customerName: Text200
    billAddress: Text200
    billCity: Text100
    billState: Text60
    billZipCode: Annotated[str, Field(max_length=20)]
    billCountry: Text60
    shipAddress: Text200
    shipCity: Text100
    shipState: Text60
    shipZipCode: Annotated[str, Field(max_length=20)]
    shipCountry: Text60
    customerPhone: Annotated[str, Field(max_length=40)]
    shipViaId: Int = 0
    customerPO: Short = ""
    autoGeneratePOsfromPrebooks: Bool = False
    companyLocationCode: Code | None = None
    prebookItems: Annotated[list[MultiPrebookItemParams], Field(max_length=500)]


class MultiPrebookRecord(Answer):
    prebookId: int
    prebookNumber: int
    carrierId: int | None
    shipDate: Day


class MultiplePrebooksAnswer(Answer):
    customerId: int
    prebooks: list[MultiPrebookRecord]
    purchaseOrderIds: list[int]


@api_method(
    "multiple.prebooks.create",
    answer=MultiplePrebooksAnswer,
    tokens={CO},
    params=MultiplePrebooksParams,
    answer_key="prebooks",
    writes=True,
    area=AREA,
    summary="Create a prebook per carrier and ship date for a customer found by code (made when new); "
    "autoGeneratePOsfromPrebooks buys the lines that name a grower and cost.",
)
def multiple_prebooks_create(ctx: CallContext, params: MultiplePrebooksParams) -> dict[str, Any]:
    if params.autoGeneratePOsfromPrebooks:
        missing = [
            FieldError(
                f"prebookItems[{i}].unitCost", "is required to buy the line (autoGeneratePOsfromPrebooks)"
            )
            for i, item in enumerate(params.prebookItems)
            if item.unitCost is None
        ]
        if missing:
            raise ValidationFailed(missing)
    location = resolve_location(
        ctx.company, None, params.companyLocationCode, field_name="companyLocationCode"
    )
    customer, made, orders = services.create_multiple_prebooks(
        ctx.company,
        customer_code=params.customerCode,
        customer_fields={
            "name": params.customerName,
            "billing_address": params.billAddress,
            "billing_city": params.billCity,
            "billing_state": params.billState,
            "billing_zipcode": params.billZipCode,
            "billing_country": params.billCountry,
            "shipping_address": params.shipAddress,
            "shipping_city": params.shipCity,
            "shipping_state": params.shipState,
            "shipping_zipcode": params.shipZipCode,
            "shipping_country": params.shipCountry,
            "phone": params.customerPhone,
        },
        lines=[
            services.MultiPrebookLine(
                carrier_code=item.carrierCode,
                carrier_name=item.carrierName,
                ship_date=item.shipDate,
                vendor_code=item.vendorCode,
                mark_code=item.markCode,
                line=services.LineRequest(
                    boxes=item.boxes,
                    unit_cost=item.unitCost if item.unitCost is not None else Decimal("0"),
                    product_id=item.productId,
                    product_code=item.productCode,
                    box_type_id=item.boxTypeId,
                    box_type_code=item.boxTypeCode,
                    unit_type=item.unitType,
                    bunches=item.bunches,
                    stems_bunch=item.stemsBunch,
                    price=item.price,
                ),
            )
            for item in params.prebookItems
        ],
        ship_via=params.shipViaId,
        customer_po=params.customerPO,
        auto_purchase=params.autoGeneratePOsfromPrebooks,
        location=location,
        token_id=ctx.token_id,
    )
    return {
        "customerId": customer.pk,
        "prebooks": [
            {
                "prebookId": p.pk,
                "prebookNumber": p.number,
                "carrierId": p.carrier_id,
                "shipDate": p.truck_date,
            }
            for p in made
        ],
        "purchaseOrderIds": [o.pk for o in orders],
        "message": f"{len(made)} prebook(s) were successfully created.",
    }
