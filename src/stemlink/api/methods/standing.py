"""Standing orders (API.md §4.7): list them, and **[ext]** create one through the API.

A Customer token may create standing orders for its own customer only. A customer whose inventory
is reserved (a marketplace's) is refused, with the reason, by the service.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from stemlink.api.answers import Amount, Answer, Day
from stemlink.api.params import Date, Id, Int, Money
from stemlink.api.registry import CO, CU, CallContext, Params, api_method
from stemlink.api.scoping import customer_for
from stemlink.errors import FieldError, ValidationFailed
from stemlink.orders import resolvers, standing
from stemlink.orders.models import StandingOrder
from stemlink.orders.periods import WEEKDAYS, period_errors

AREA = "Prebooks and standing orders"
Code = Annotated[str, Field(max_length=40)]
STATUSES = {"all", "active", "paused", "cancelled"}


class StandingListParams(Params):
    dateFrom: Date | None = None
    dateTo: Date | None = None
    customerId: Id | None = None
    customer: Annotated[str, Field(max_length=200)] | None = None
    number: Int | None = None
    locationId: Id | None = None
    status: Annotated[str, Field(max_length=20)] = "Active"


def _row(order: StandingOrder) -> dict[str, Any]:
    return {
        "id": order.pk,
        "number": order.number,
        "customerId": order.customer_id,
        "customerName": order.customer.name,
        "shipToId": order.ship_to_id,
        "carrierId": order.carrier_id,
        "priceList": None,
        "carrierName": order.carrier.name,
        "recurrence": order.recurrence.capitalize(),
        "days": ", ".join(d for d in WEEKDAYS if d in order.days.split(",")),
        "startDate": order.start_date,
        "endDate": order.end_date,
        "status": order.get_status_display(),
        "customerPO": order.customer_po,
        "comments": order.comments,
        "locationId": order.location_id,
        "items": [
            {
                "standingOrderItemId": item.pk,
                "productCode": item.product.code,
                "productDescription": item.product.description,
                "boxTypeCode": item.box_type.code,
                "boxes": item.boxes,
                "unitType": item.unit_type,
                "bunches": item.bunches,
                "stemsBunch": item.stems_bunch,
                "unitsPerBox": item.units_per_box,
                "price": item.unit_price,
                "markCode": item.mark_code,
            }
            for item in order.items.all()
        ],
    }


class StandingItemRecord(Answer):
    standingOrderItemId: int
    productCode: str
    productDescription: str
    boxTypeCode: str
    boxes: int
    unitType: str
    bunches: int | None
    stemsBunch: int | None
    unitsPerBox: int | None
    price: Amount
    markCode: str


class StandingOrderRecord(Answer):
    id: int
    number: int
    customerId: int
    customerName: str
    priceList: str | None = Field(description="Always null: Stemlink has no price lists.")
    shipToId: int | None
    carrierId: int
    carrierName: str
    recurrence: str
    days: str
    startDate: Day
    endDate: Day | None
    status: str
    customerPO: str
    comments: str
    locationId: int
    items: list[StandingItemRecord]


class StandingOrderListAnswer(Answer):
    standingOrders: list[StandingOrderRecord]


@api_method(
    "standing.order.list",
    answer=StandingOrderListAnswer,
    tokens={CO},
    params=StandingListParams,
    answer_key="standingOrders",
    area=AREA,
    summary=(
        "Standing orders running between dateFrom and dateTo; status Active (default), Paused, "
        "Cancelled or All."
    ),
)
def standing_order_list(ctx: CallContext, params: StandingListParams) -> dict[str, Any]:
    errors = period_errors(
        params.dateFrom, params.dateTo, from_field="dateFrom", to_field="dateTo", max_months=6
    )
    status = params.status.strip().lower()
    if status not in STATUSES:
        errors.append(FieldError("status", "must be All, Active, Paused or Cancelled"))
    if errors:
        raise ValidationFailed(errors)
    assert params.dateFrom is not None and params.dateTo is not None
    customer = customer_for(ctx, params.customerId) if params.customerId is not None else None
    orders = standing.standing_orders_in(
        ctx.company,
        params.dateFrom,
        params.dateTo,
        customer=customer,
        status=status,
        number=params.number,
        customer_name=params.customer,
        location_id=params.locationId,
    )
    return {"standingOrders": [_row(order) for order in orders]}


class StandingItemParams(Params):
    productCode: Code | None = None
    companyProductId: Id | None = None
    boxTypeCode: Annotated[str, Field(max_length=3)] | None = None
    boxes: Int
    price: Money
    unitType: Annotated[str, Field(max_length=5)] | None = None
    bunches: Int | None = None
    stemsBunch: Int | None = None
    markCode: Annotated[str, Field(max_length=60)] = ""


class StandingCreateParams(Params):
    customerId: Id | None = None
    shipToId: Id | None = None
    carrierId: Id | None = None
    carrierCode: Code | None = None
    recurrence: Annotated[str, Field(max_length=10)] = "weekly"
    days: Annotated[str, Field(max_length=120)] = ""
    startDate: Date
    endDate: Date | None = None
    customerPO: Annotated[str, Field(max_length=60)] = ""
    comments: Annotated[str, Field(max_length=2000)] = ""
    locationId: Id | None = None
    items: Annotated[list[StandingItemParams], Field(max_length=200)] = []


class StandingOrderCreateAnswer(Answer):
    standingOrderId: int
    standingOrderNumber: int


@api_method(
    "standing.order.create",
    answer=StandingOrderCreateAnswer,
    tokens={CO, CU},
    params=StandingCreateParams,
    writes=True,
    area=AREA,
    summary="[ext] Create a weekly standing order; its prebooks are made the company's lead days ahead.",
)
def standing_order_create(ctx: CallContext, params: StandingCreateParams) -> dict[str, Any]:
    customer = customer_for(ctx, params.customerId, include_inactive=False)
    carrier = resolvers.resolve_carrier(
        ctx.company, carrier_id=params.carrierId, carrier_code=params.carrierCode
    )
    order = standing.create_standing_order(
        ctx.company,
        customer=customer,
        carrier=carrier,
        days=params.days,
        start_date=params.startDate,
        end_date=params.endDate,
        recurrence=params.recurrence,
        ship_to=resolvers.resolve_ship_to(customer, params.shipToId),
        location=resolvers.resolve_location(ctx.company, params.locationId),
        items=[
            standing.StandingLineRequest(
                product_code=item.productCode,
                product_id=item.companyProductId,
                box_type_code=item.boxTypeCode,
                boxes=item.boxes,
                price=item.price,
                unit_type=item.unitType,
                bunches=item.bunches,
                stems_bunch=item.stemsBunch,
                mark_code=item.markCode,
            )
            for item in params.items
        ],
        customer_po=params.customerPO,
        comments=params.comments,
        token_id=ctx.token_id,
        check_prices=True,
        unpriced_allowed=ctx.token_type == CO,
    )
    return {
        "message": "The standing order was successfully created.",
        "standingOrderId": order.pk,
        "standingOrderNumber": order.number,
    }
