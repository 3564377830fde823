"""Web orders (API.md §4.5): the marketplace's cart and checkout.

Thin: parse, scope the customer to the token, call `stemlink.orders.weborders`, answer in Komet's
words. A Customer token works on its own customer only; a User token names the customer.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.contrib.auth import get_user_model
from pydantic import Field

from stemlink.api.answers import Amount, Answer, Day, Timestamp
from stemlink.api.params import Bool, Date, Id, IdList, Int, Money
from stemlink.api.registry import CU, US, CallContext, Params, api_method
from stemlink.api.scoping import customer_for
from stemlink.errors import FieldError, ValidationFailed
from stemlink.orders import queries, weborders
from stemlink.orders.models import WebOrderStatus

AREA = "Web orders"
Short = Annotated[str, Field(max_length=60)]


def _user(ctx: CallContext) -> Any:
    if ctx.user_id is None:
        return None
    return get_user_model().objects.filter(pk=ctx.user_id).first()


def _stamp(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S") if value else None


class WebOrderCreateParams(Params):
    customerId: Id | None = None
    companyId: Id | None = None
    companyLocationId: Id | None = None


class WebOrderIdAnswer(Answer):
    webOrderId: int


@api_method(
    "web-order.create",
    answer=WebOrderIdAnswer,
    tokens={CU, US},
    params=WebOrderCreateParams,
    answer_key="webOrderId",
    writes=True,
    requires_account=True,
    area=AREA,
    summary="Open a Pending web order (a cart) for the customer.",
)
def web_order_create(ctx: CallContext, params: WebOrderCreateParams) -> dict[str, Any]:
    customer = customer_for(ctx, params.customerId)
    if params.companyId is None:
        raise ValidationFailed(FieldError("companyId", "is required: the Company ID you send as X-ACCOUNT"))
    if params.companyId != ctx.company.pk:
        raise ValidationFailed(FieldError("companyId", "must be the Company ID of the token (X-ACCOUNT)"))
    order = weborders.create_web_order(
        ctx.company,
        customer,
        location_id=params.companyLocationId,
        sales_channel=ctx.sales_channel,
        token_id=ctx.token_id,
        user=_user(ctx),
    )
    return {"message": "Web order was successfully created.", "webOrderId": order.pk}


class WebOrderItemAddParams(Params):
    customerId: Id | None = None
    inventoryIds: IdList | None = None
    inventoryOrigin: Int | None = None
    productCode: Annotated[str, Field(max_length=40)] | None = None
    companyProductId: Id | None = None
    boxTypeCode: Annotated[str, Field(max_length=3)] | None = None
    price: Money
    quantity: Int
    carrierId: Id
    date: Date
    shipToId: Id | None = None
    markCode: Short = ""
    webOrderId: Id | None = None
    companyLocationId: Id | None = None
    reservedInventory: Bool = False


class WebOrderItemAddAnswer(Answer):
    webOrderId: int
    webOrderItemId: int
    webOrderItemIds: list[int]
    availableBoxes: int
    expiresOn: Timestamp | None


@api_method(
    "web-order-item.add",
    answer=WebOrderItemAddAnswer,
    tokens={CU, US},
    params=WebOrderItemAddParams,
    answer_key="webOrderItemId",
    writes=True,
    requires_account=True,
    area=AREA,
    summary="Hold boxes for the customer's web order at its current price (opens one when needed).",
)
def web_order_item_add(ctx: CallContext, params: WebOrderItemAddParams) -> dict[str, Any]:
    customer = customer_for(ctx, params.customerId)
    origin = params.inventoryOrigin if params.inventoryOrigin is not None else None
    if params.inventoryIds:
        if origin is None:
            raise ValidationFailed(
                FieldError("inventoryOrigin", "is required with inventoryIds: 1 on hand, 2 future")
            )
        line_ids = list(params.inventoryIds)
    elif params.productCode or params.companyProductId:
        if not ctx.transactional:
            raise ValidationFailed(
                FieldError(
                    "productCode",
                    "ordering by productCode or companyProductId needs a token with Transactional API "
                    "Access; send inventoryIds from ecommerce/inventory.list instead",
                )
            )
        if not params.boxTypeCode:
            raise ValidationFailed(
                FieldError("boxTypeCode", "is required with productCode or companyProductId")
            )
        origin = origin if origin is not None else 1
        line_ids = weborders.lines_for_product(
            ctx.company,
            customer,
            origin=origin,
            box_type_code=params.boxTypeCode,
            price=params.price,
            product_code=params.productCode,
            product_id=params.companyProductId,
            location_id=params.companyLocationId,
            reserved_inventory=params.reservedInventory,
        )
    else:
        raise ValidationFailed(
            FieldError(
                "inventoryIds",
                "name the boxes: inventoryIds (from ecommerce/inventory.list) and inventoryOrigin",
            )
        )
    if params.reservedInventory and not ctx.transactional:
        raise ValidationFailed(FieldError("reservedInventory", "needs a token with Transactional API Access"))
    if origin not in (1, 2):
        raise ValidationFailed(FieldError("inventoryOrigin", "must be 1 (on hand) or 2 (future)"))
    result = weborders.add_web_order_item(
        ctx.company,
        customer,
        weborders.ItemRequest(
            origin=origin,
            line_ids=line_ids,
            boxes=params.quantity,
            price=params.price,
            carrier_id=params.carrierId,
            date=params.date,
            ship_to_id=params.shipToId,
            mark_code=params.markCode,
            web_order_id=params.webOrderId,
            location_id=params.companyLocationId,
            reserved_inventory=params.reservedInventory,
        ),
        transactional=ctx.transactional,
        sales_channel=ctx.sales_channel,
        token_id=ctx.token_id,
        user=_user(ctx),
    )
    return {
        "message": "The item was successfully added to the web order.",
        "webOrderId": result.web_order.pk,
        "webOrderItemId": result.item.pk,
        "webOrderItemIds": [item.pk for item in result.items],
        "availableBoxes": result.available_boxes,
        "expiresOn": _stamp(result.web_order.expires_at),
    }


class WebOrderItemDeleteParams(Params):
    customerId: Id | None = None
    webOrderId: Id
    webOrderItemId: Id


@api_method(
    "web-order-item.delete",
    answer=WebOrderIdAnswer,
    tokens={CU, US},
    params=WebOrderItemDeleteParams,
    writes=True,
    requires_account=True,
    area=AREA,
    summary="Remove an item from a Pending web order and release its boxes.",
)
def web_order_item_delete(ctx: CallContext, params: WebOrderItemDeleteParams) -> dict[str, Any]:
    customer = customer_for(ctx, params.customerId)
    order = weborders.delete_web_order_item(ctx.company, customer, params.webOrderId, params.webOrderItemId)
    return {"message": "The item was successfully removed from the web order.", "webOrderId": order.pk}


class WebOrderCheckoutParams(Params):
    customerId: Id | None = None
    webOrderId: Id
    customerPo: Short = ""
    companyLocationId: Id | None = None


class CheckoutInvoiceRecord(Answer):
    invoiceId: int
    invoiceNumber: int
    prefix: str
    status: int
    total: Amount


class CheckoutPrebookRecord(Answer):
    prebookId: int
    prebookNumber: int
    total: Amount


class WebOrderCheckoutAnswer(Answer):
    webOrderId: int
    invoices: list[CheckoutInvoiceRecord]
    prebooks: list[CheckoutPrebookRecord]


@api_method(
    "web-order.checkout",
    answer=WebOrderCheckoutAnswer,
    tokens={CU, US},
    params=WebOrderCheckoutParams,
    answer_key="webOrderId",
    writes=True,
    requires_account=True,
    area=AREA,
    summary="Check out a web order: on-hand items become a W invoice, future items a prebook.",
)
def web_order_checkout(ctx: CallContext, params: WebOrderCheckoutParams) -> dict[str, Any]:
    customer = customer_for(ctx, params.customerId)
    result = weborders.checkout_web_order(
        ctx.company,
        customer,
        params.webOrderId,
        customer_po=params.customerPo,
        location_id=params.companyLocationId,
        user=_user(ctx),
        token_id=ctx.token_id,
    )
    return {
        "message": "The Web Order was successfully checked out.",
        "webOrderId": result.web_order.pk,
        "invoices": [
            {
                "invoiceId": invoice.pk,
                "invoiceNumber": invoice.number,
                "prefix": invoice.prefix,
                "status": int(invoice.status),
                "total": invoice.total,
            }
            for invoice in result.invoices
        ],
        "prebooks": [
            {"prebookId": prebook.pk, "prebookNumber": prebook.number, "total": prebook.total}
            for prebook in result.prebooks
        ],
    }


class WebOrderDetailsParams(Params):
    customerId: Id | None = None
    webOrderId: Id | None = None
    statusId: Int | None = None
    companyLocationId: Id | None = None


def _order_row(view: queries.WebOrderView) -> dict[str, Any]:
    order = view.order
    return {
        "id": order.pk,
        "number": order.number,
        "statusId": int(order.status),
        "status": WebOrderStatus(order.status).label,
        "companyLocationId": order.location_id,
        "customerId": order.customer_id,
        "shipToId": order.ship_to_id,
        "carrierId": order.carrier_id,
        "shipDate": order.ship_date.isoformat() if order.ship_date else None,
        "customerPo": order.customer_po,
        "subtotal": view.subtotal,
        "additionalCharges": view.additional_charges,
        "total": view.total,
        "transactionFee": view.transaction_fee,
        "createdOn": _stamp(order.created_on),
        "checkedOutOn": _stamp(order.checked_out_on),
        "expiresOn": _stamp(order.expires_at) if order.status == WebOrderStatus.PENDING else None,
        "invoiceNumbers": view.invoice_numbers,
        "prebookNumbers": view.prebook_numbers,
        "items": [
            {
                "id": item.pk,
                "webOrderItemId": item.pk,
                "inventoryOrigin": item.origin,
                "inventoryId": item.line_id,
                "companyProductId": item.product_id,
                "productCode": item.product.code,
                "productDescription": item.product.description,
                "boxTypeId": item.box_type_id,
                "boxTypeCode": item.box_type.code,
                "unitType": item.unit_type,
                "unitsPerBox": item.units_per_box,
                "quantity": item.boxes,
                "price": item.unit_price,
                "total": item.total,
                "date": item.date.isoformat(),
                "carrierId": order.carrier_id,
                "markCode": item.mark_code,
            }
            for item in view.items
        ],
    }


class WebOrderItemRecord(Answer):
    id: int
    webOrderItemId: int
    inventoryOrigin: int
    inventoryId: int
    companyProductId: int
    productCode: str
    productDescription: str
    boxTypeId: int
    boxTypeCode: str
    unitType: str
    unitsPerBox: int
    quantity: int
    price: Amount
    total: Amount
    date: Day
    carrierId: int | None
    markCode: str


class WebOrderRecord(Answer):
    id: int
    number: int
    statusId: int
    status: str
    companyLocationId: int
    customerId: int
    shipToId: int | None
    carrierId: int | None
    shipDate: Day | None
    customerPo: str
    subtotal: Amount
    additionalCharges: Amount
    total: Amount
    transactionFee: Amount
    createdOn: Timestamp
    checkedOutOn: Timestamp | None
    expiresOn: Timestamp | None
    invoiceNumbers: list[str]
    prebookNumbers: list[str]
    items: list[WebOrderItemRecord]


class WebOrderDetailsAnswer(Answer):
    webOrders: list[WebOrderRecord]


@api_method(
    "web-order-details.list",
    answer=WebOrderDetailsAnswer,
    tokens={CU, US},
    params=WebOrderDetailsParams,
    answer_key="webOrders",
    requires_account=True,
    area=AREA,
    summary="List the customer's web orders (Pending unless statusId or webOrderId say otherwise) and fees.",
)
def web_order_details_list(ctx: CallContext, params: WebOrderDetailsParams) -> dict[str, Any]:
    customer = customer_for(ctx, params.customerId)
    if params.statusId is not None and params.statusId not in {int(s) for s in WebOrderStatus}:
        raise ValidationFailed(FieldError("statusId", "must be 1 (Pending) or 2 (Checked out)"))
    views = queries.web_orders_for(
        ctx.company,
        customer,
        web_order_id=params.webOrderId,
        status=params.statusId,
        location_id=params.companyLocationId,
    )
    return {
        "message": "OK" if views else "Web orders not found.",
        "webOrders": [_order_row(v) for v in views],
    }


class WebOrderDeleteParams(Params):
    customerId: Id | None = None
    webOrderId: Id


@api_method(
    "web-order.delete",
    answer=WebOrderIdAnswer,
    tokens={CU, US},
    params=WebOrderDeleteParams,
    answer_key="webOrderId",
    writes=True,
    requires_account=True,
    area=AREA,
    summary="Delete a web order: release its holds, void its unconfirmed invoices, remove its prebook lines.",
)
def web_order_delete(ctx: CallContext, params: WebOrderDeleteParams) -> dict[str, Any]:
    customer = customer_for(ctx, params.customerId)
    order = weborders.delete_web_order(ctx.company, customer, params.webOrderId, user=_user(ctx))
    return {"message": "The web order was successfully deleted.", "webOrderId": order.pk}
