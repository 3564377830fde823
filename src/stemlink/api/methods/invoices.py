"""Invoices (API.md §4.6): create and change them, check them out, list them, get their PDF.

`invoice.confirm` and `invoice.void` live with the web orders (`weborders.py`). A Customer token
reads only its own customer's invoices; another customer's are answered as not found.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Any

from django.db import models, transaction
from django.db.models import CharField, ExpressionWrapper, F, QuerySet, Sum, Value
from django.db.models.functions import Cast, Replace, Substr
from orjson import Fragment
from pydantic import BeforeValidator, Field

from stemlink.api.answers import Amount, Answer, Day, Timestamp
from stemlink.api.params import Bool, Date, DateTime, Id, IdList, Int, Money
from stemlink.api.registry import CO, CU, CallContext, Params, api_method
from stemlink.api.scoping import customer_for
from stemlink.api.streamed import StreamedRows, batched
from stemlink.errors import FieldError, NotFound, ValidationFailed
from stemlink.orders import invoices, pdf, queries, resolvers, rules
from stemlink.orders.models import Invoice, InvoiceItem, InvoiceStatus
from stemlink.orders.periods import period_errors

AREA = "Invoices"
Code = Annotated[str, Field(max_length=40)]
Short = Annotated[str, Field(max_length=60)]
Note = Annotated[str, Field(max_length=2000)]
Percent = Annotated[Decimal, Field(ge=0, le=100)]
MAX_DETAIL_BOXES = 10_000
STATUS_CODES = {int(s) for s in InvoiceStatus}
NOT_FOUND_MESSAGE = "Orders not found."


class InvoiceItemParams(Params):
    orderItemId: Id | None = None
    productCode: Code | None = None
    boxTypeCode: Annotated[str, Field(max_length=3)] | None = None
    unitsPerBox: Int | None = None
    unitType: Annotated[str, Field(max_length=5)] | None = None
    boxes: Int
    price: Money
    markCode: Short = ""
    productAlias: Annotated[str, Field(max_length=200)] = ""
    notes: Annotated[str, Field(max_length=300)] = ""

    def request(self) -> invoices.InvoiceLineRequest:
        return invoices.InvoiceLineRequest(
            boxes=self.boxes,
            price=self.price,
            order_item_id=self.orderItemId,
            product_code=self.productCode,
            box_type_code=self.boxTypeCode,
            units_per_box=self.unitsPerBox,
            unit_type=self.unitType,
            mark_code=self.markCode,
            product_alias=self.productAlias,
            notes=self.notes,
        )


class InvoiceCreateParams(Params):
    customerId: Id | None = None
    customerCode: Code | None = None
    customerDescription: Annotated[str, Field(max_length=200)] | None = None
    carrierId: Id | None = None
    carrierCode: Code | None = None
    carrierDescription: Annotated[str, Field(max_length=200)] | None = None
    shipDate: Date
    shipToId: Id | None = None
    poNumber: Short = ""
    reference: Short = ""
    warehouseInstructions: Note = ""
    invoiceNotes: Note = ""
    statusDraft: Bool = False
    returnAvailableBoxes: Bool = False
    locationId: Id | None = None
    locationCode: Code | None = None
    items: Annotated[list[InvoiceItemParams], Field(max_length=500)] = []


def _invoice_answer(invoice: Invoice) -> dict[str, Any]:
    return {"invoiceId": invoice.pk, "invoiceNumber": invoice.number}


def _item_rows(result: invoices.InvoiceResult, with_boxes: bool) -> list[dict[str, Any]]:
    rows = []
    for item, line_id in result.items:
        row: dict[str, Any] = {"invoiceItemId": item.pk, "orderItemId": line_id}
        if with_boxes:
            row["availableBoxes"] = result.available_boxes.get(line_id)
        rows.append(row)
    return rows


class InvoiceItemResult(Answer):
    invoiceItemId: int
    orderItemId: int | None
    availableBoxes: int | None = Field(default=None, description="Only with returnAvailableBoxes.")


class InvoiceCreateAnswer(Answer):
    invoiceId: int
    invoiceNumber: int
    items: list[InvoiceItemResult]


@api_method(
    "invoice.create",
    answer=InvoiceCreateAnswer,
    tokens={CO},
    params=InvoiceCreateParams,
    writes=True,
    area=AREA,
    summary="Create an invoice with its lines, selling the boxes at once (subject to the transaction fee).",
)
def invoice_create(ctx: CallContext, params: InvoiceCreateParams) -> dict[str, Any]:
    # A customer or carrier made from a code and description is undone with a refused document.
    with transaction.atomic():
        return _invoice_create(ctx, params)


def _invoice_create(ctx: CallContext, params: InvoiceCreateParams) -> dict[str, Any]:
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
    ship_to = resolvers.resolve_ship_to(customer, params.shipToId)
    location = resolvers.resolve_location(ctx.company, params.locationId, params.locationCode)
    result = invoices.create_invoice(
        ctx.company,
        customer=customer,
        carrier=carrier,
        ship_date=params.shipDate,
        location=location,
        ship_to=ship_to,
        po_number=params.poNumber,
        reference=params.reference,
        notes=params.invoiceNotes,
        warehouse_instructions=params.warehouseInstructions,
        draft=params.statusDraft,
        items=[item.request() for item in params.items],
        token_id=ctx.token_id,
        sales_channel=ctx.sales_channel,
    )
    return {
        "message": "The invoice was successfully created.",
        **_invoice_answer(result.invoice),
        "items": _item_rows(result, params.returnAvailableBoxes),
    }


class InvoiceItemAddParams(InvoiceItemParams):
    invoiceId: Id
    returnAvailableBoxes: Bool = False
    locationId: Id | None = None


class InvoiceItemAddAnswer(Answer):
    invoiceId: int
    invoiceNumber: int
    invoiceItemId: int
    items: list[InvoiceItemResult]
    availableBoxes: int | None = Field(default=None, description="Only with returnAvailableBoxes.")


@api_method(
    "invoice.item.add",
    answer=InvoiceItemAddAnswer,
    tokens={CO},
    params=InvoiceItemAddParams,
    writes=True,
    area=AREA,
    summary="Add a line to a Draft or Pending invoice: an on-hand line by orderItemId, or product and pack.",
)
def invoice_item_add(ctx: CallContext, params: InvoiceItemAddParams) -> dict[str, Any]:
    if (
        params.locationId is not None
        and not Invoice.objects.filter(
            company=ctx.company, pk=params.invoiceId, location_id=params.locationId
        ).exists()
    ):
        # Komet names the invoice's location with its id: an invoice of another location is not this one.
        raise NotFound(f"Invoice {params.invoiceId} was not found at location {params.locationId}.")
    result = invoices.add_invoice_item(ctx.company, params.invoiceId, params.request())
    answer: dict[str, Any] = {
        "message": "The item was successfully added.",
        **_invoice_answer(result.invoice),
        "invoiceItemId": result.items[0][0].pk,
        "items": _item_rows(result, params.returnAvailableBoxes),
    }
    if params.returnAvailableBoxes:
        answer["availableBoxes"] = result.available_boxes.get(result.items[0][1])
    return answer


class InvoiceItemUpdateParams(Params):
    invoiceId: Id
    invoiceItemId: Id
    boxes: Int | None = None
    price: Money
    discount: Percent | None = None
    markCode: Short | None = None
    productAlias: Annotated[str, Field(max_length=200)] | None = None
    notes: Annotated[str, Field(max_length=300)] | None = None
    returnAvailableBoxes: Bool = False


class InvoiceItemUpdateAnswer(Answer):
    invoiceId: int
    invoiceNumber: int
    invoiceItemId: int
    availableBoxes: int | None = Field(default=None, description="Only with returnAvailableBoxes.")


@api_method(
    "invoice.item.update",
    answer=InvoiceItemUpdateAnswer,
    tokens={CO},
    params=InvoiceItemUpdateParams,
    writes=True,
    area=AREA,
    summary="Change a line's price, boxes, discount, mark code or notes; boxes are sold or returned.",
)
def invoice_item_update(ctx: CallContext, params: InvoiceItemUpdateParams) -> dict[str, Any]:
    item, free = invoices.update_invoice_item(
        ctx.company,
        params.invoiceId,
        params.invoiceItemId,
        price=params.price,
        boxes=params.boxes,
        discount_percent=params.discount,
        mark_code=params.markCode,
        product_alias=params.productAlias,
        notes=params.notes,
    )
    answer: dict[str, Any] = {
        "message": "The item was successfully updated.",
        "invoiceId": item.invoice_id,
        "invoiceNumber": item.invoice.number,
        "invoiceItemId": item.pk,
    }
    if params.returnAvailableBoxes:
        answer["availableBoxes"] = free
    return answer


class InvoiceItemDeleteParams(Params):
    invoiceId: Id
    invoiceItemId: Id
    returnAvailableBoxes: Bool = False


class InvoiceItemDeleteAnswer(Answer):
    invoiceId: int
    invoiceNumber: int
    availableBoxes: int | None = Field(default=None, description="Only with returnAvailableBoxes.")


@api_method(
    "invoice.item.delete",
    answer=InvoiceItemDeleteAnswer,
    tokens={CO},
    params=InvoiceItemDeleteParams,
    writes=True,
    area=AREA,
    summary="Remove a line from a Draft or Pending invoice; its boxes go back on sale.",
)
def invoice_item_delete(ctx: CallContext, params: InvoiceItemDeleteParams) -> dict[str, Any]:
    invoice, free = invoices.delete_invoice_item(ctx.company, params.invoiceId, params.invoiceItemId)
    answer: dict[str, Any] = {"message": "The item was successfully deleted.", **_invoice_answer(invoice)}
    if params.returnAvailableBoxes:
        answer["availableBoxes"] = free
    return answer


def _number_text(value: Any) -> Any:
    # Komet clients send the number as 1042 or "1042"; both name the same invoice.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


DocumentNumber = Annotated[str, BeforeValidator(_number_text), Field(min_length=1, max_length=20)]


class InvoiceCheckoutParams(Params):
    invoiceNumber: DocumentNumber
    locationId: Id | None = None


class InvoiceCheckoutAnswer(Answer):
    invoiceId: int
    invoiceNumber: int


@api_method(
    "invoice.checkout",
    answer=InvoiceCheckoutAnswer,
    tokens={CO},
    params=InvoiceCheckoutParams,
    writes=True,
    area=AREA,
    summary="Check out a Draft invoice: it becomes Pending Approval, waiting for a sales rep.",
)
def invoice_checkout(ctx: CallContext, params: InvoiceCheckoutParams) -> dict[str, Any]:
    invoice = invoices.checkout_invoice(ctx.company, params.invoiceNumber, params.locationId)
    return {"message": "The invoice was successfully checked out.", **_invoice_answer(invoice)}


# --------------------------------------------------------------------------------------------
# Reading invoices
# --------------------------------------------------------------------------------------------


class InvoiceFilterParams(Params):
    status: Int | None = None
    customer: Annotated[str, Field(max_length=200)] | None = None
    customerId: Id | None = None
    carrierId: Id | None = None
    carrierName: Annotated[str, Field(max_length=120)] | None = None
    product: Annotated[str, Field(max_length=200)] | None = None
    order: DocumentNumber | None = None
    orderId: Id | None = None
    isEcommerce: Bool | None = None
    updatedAsOf: DateTime | None = None
    locationId: Id | None = None
    locationIds: IdList | None = Field(
        default=None, description="Locations' ids (location.list), comma-separated: invoices of any of them."
    )
    excludeTransfer: Bool = Field(
        default=False, description="true: leave out transfers between the company's own locations (prefix T)."
    )


def _filtered(ctx: CallContext, params: InvoiceFilterParams) -> QuerySet[Invoice]:
    if params.status is not None and params.status not in STATUS_CODES:
        raise ValidationFailed(
            FieldError("status", "must be 0 (Pending), 1 (Confirmed), 2 (Draft) or 4 (Voided)")
        )
    number = None
    if params.order:
        number = rules.parse_invoice_number(params.order)
        if number is None:
            raise ValidationFailed(
                FieldError("order", f"must be an invoice number such as 1042, got {params.order!r}")
            )
    customer = (
        customer_for(ctx, params.customerId)
        if ctx.customer is not None or params.customerId is not None
        else None
    )
    flt = queries.InvoiceFilter(
        customer=customer,
        status=params.status,
        customer_name=params.customer or "",
        carrier_id=params.carrierId,
        carrier_name=params.carrierName or "",
        product=params.product or "",
        number=number,
        invoice_id=params.orderId,
        is_ecommerce=params.isEcommerce,
        updated_since=params.updatedAsOf,
        location_id=params.locationId,
        location_ids=params.locationIds,
        exclude_transfer=bool(params.excludeTransfer),
    )
    invoices = queries.invoices_matching(ctx.company, flt)
    return invoices.select_related("customer", "customer__sales_rep", "carrier").order_by("ship_date", "id")


def _sales_person(invoice: Invoice) -> str:
    rep = invoice.customer.sales_rep
    if rep is None:
        return ""
    return rep.get_full_name() or rep.get_username()


def _invoice_row(invoice: Invoice) -> dict[str, Any]:
    return {
        "id": invoice.pk,
        "number": invoice.number,
        "prefix": invoice.prefix,
        "shipDate": invoice.ship_date,
        "createdOn": invoice.created_on,
        "updatedOn": invoice.updated_on,
        "status": invoice.status,
        "statusName": invoice.get_status_display(),
        "customerId": invoice.customer_id,
        "customerName": invoice.customer.name,
        "carrierId": invoice.carrier_id,
        "carrierName": invoice.carrier.name if invoice.carrier is not None else "",
        "shipToId": invoice.ship_to_id,
        "salesPersonName": _sales_person(invoice),
        "poNumber": invoice.po_number,
        "invoiceNotes": invoice.notes,
        "subtotal": invoice.subtotal,
        "total": invoice.total,
        "isEcommerce": invoice.is_ecommerce,
        "locationId": invoice.location_id,
    }


# invoice.list reads plain rows from the cursor: one tuple per invoice, no model object per row
# (a six-month answer holds tens of thousands), and sends them as they are read, a batch at a time
# (`StreamedRows`). The same fields as `_invoice_row`, written as `envelope.dumps` writes them (the
# same bytes, which a test holds), and read so that neither Django nor the driver converts a value
# the answer only writes out again: on SQLite a date, a timestamp, an amount and a flag each cost a
# Django converter per row (and a timestamp two parses), on PostgreSQL a timestamp a Python loader.
# - Dates and timestamps come as text, cut and joined by the database: a date casts to its ISO
#   text on both; a timestamp to "YYYY-MM-DD HH:MM:SS[.ffffff][+00]" in UTC (SQLite keeps it so;
#   PostgreSQL writes it so in the connection's zone, UTC under USE_TZ, with DateStyle ISO, which
#   psycopg requires to read timestamps at all), of which the first 19 characters with a "T" are
#   what the envelope writes for a UTC timestamp.
# - Amounts and the flag as the driver hands them (`_as_read`: an output field with no converter):
#   a Decimal on PostgreSQL, an int or a float on SQLite (which stores decimals so; 12 digits with 2
#   decimals are exact to the cent in a double), written with 2 decimals as the envelope writes a
#   Decimal of 2 places; the flag a bool on both (SQLite's driver reads a "bool" column so itself).
def _day_text(field: str) -> Cast:
    return Cast(field, CharField())


def _utc_text(field: str) -> Replace:
    return Replace(Substr(Cast(field, CharField()), 1, 19), Value(" "), Value("T"))


def _as_read(field: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(field), output_field=models.Field())


_LIST_COLUMNS = (
    "id",
    "number",
    "prefix",
    _day_text("ship_date"),
    _utc_text("created_on"),
    _utc_text("updated_on"),
    "status",
    "customer_id",
    "customer__name",
    "carrier_id",
    "carrier__name",
    "ship_to_id",
    "customer__sales_rep__first_name",
    "customer__sales_rep__last_name",
    "customer__sales_rep__username",
    "po_number",
    "notes",
    _as_read("subtotal"),
    _as_read("total"),
    _as_read("is_ecommerce"),
    "location_id",
)
_STATUS_NAMES = {value: str(label) for value, label in InvoiceStatus.choices}
# Rows fetched from the cursor at a time (a PostgreSQL round trip each); the answer's batches are
# `streamed.BATCH_ROWS`.
_FETCH_ROWS = 5000


def _invoice_rows(invoices: QuerySet[Invoice]) -> Iterator[dict[str, Any]]:
    for (
        pk,
        number,
        prefix,
        ship_day,
        created_text,
        updated_text,
        status,
        customer_id,
        customer_name,
        carrier_id,
        carrier_name,
        ship_to_id,
        rep_first,
        rep_last,
        rep_username,
        po_number,
        notes,
        subtotal,
        total,
        is_ecommerce,
        location_id,
    ) in invoices.values_list(*_LIST_COLUMNS).iterator(chunk_size=_FETCH_ROWS):
        yield {
            "id": pk,
            "number": number,
            "prefix": prefix,
            "shipDate": ship_day,
            "createdOn": created_text,
            "updatedOn": updated_text,
            "status": status,
            "statusName": _STATUS_NAMES.get(status, str(status)),
            "customerId": customer_id,
            "customerName": customer_name,
            "carrierId": carrier_id,
            "carrierName": carrier_name or "",
            "shipToId": ship_to_id,
            # As `User.get_full_name() or get_username()`, from the columns.
            "salesPersonName": (f"{rep_first} {rep_last}".strip() or rep_username) if rep_username else "",
            "poNumber": po_number,
            "invoiceNotes": notes,
            "subtotal": Fragment(format(subtotal, ".2f")),
            "total": Fragment(format(total, ".2f")),
            "isEcommerce": is_ecommerce,
            "locationId": location_id,
        }


def _found(invoices: list[dict[str, Any]]) -> dict[str, Any]:
    return {"message": "OK" if invoices else NOT_FOUND_MESSAGE, "invoices": invoices}


class InvoiceListParams(InvoiceFilterParams):
    orderDateFrom: Date | None = None
    orderDateTo: Date | None = None


class InvoiceRecord(Answer):
    id: int
    number: int
    prefix: str
    shipDate: Day
    createdOn: Timestamp
    updatedOn: Timestamp
    status: int
    statusName: str
    customerId: int
    customerName: str
    carrierId: int | None
    carrierName: str
    shipToId: int | None
    salesPersonName: str
    poNumber: str
    invoiceNotes: str
    subtotal: Amount
    total: Amount
    isEcommerce: bool
    locationId: int | None


class InvoiceListAnswer(Answer):
    invoices: list[InvoiceRecord]


@api_method(
    "invoice.list",
    answer=InvoiceListAnswer,
    tokens={CO, CU},
    params=InvoiceListParams,
    answer_key="invoices",
    area=AREA,
    summary="Invoices shipping between orderDateFrom and orderDateTo (at most 6 months apart), filtered.",
)
def invoice_list(ctx: CallContext, params: InvoiceListParams) -> dict[str, Any]:
    errors = period_errors(
        params.orderDateFrom,
        params.orderDateTo,
        from_field="orderDateFrom",
        to_field="orderDateTo",
        max_months=6,
    )
    if errors:
        raise ValidationFailed(errors)
    invoices = _filtered(ctx, params).filter(ship_date__range=(params.orderDateFrom, params.orderDateTo))
    rows = StreamedRows(batched(_invoice_rows(invoices)))
    return {"message": "OK" if rows else NOT_FOUND_MESSAGE, "invoices": rows}


class InvoiceDetailsParams(InvoiceFilterParams):
    orderDate: Date | None = None
    orderDateFrom: Date | None = None
    orderDateTo: Date | None = None


def _detail_row(item: InvoiceItem) -> dict[str, Any]:
    return {
        "detailId": item.pk,
        "orderItemId": item.inventory_line_id,
        "productId": item.product_id,
        "productCode": item.product.code,
        "productDescription": item.product.description,
        "productAlias": item.product_alias,
        "boxTypeCode": item.box_type.code,
        "boxes": item.boxes,
        "unitType": item.unit_type,
        "bunches": item.bunches,
        "stemsBunch": item.stems_bunch,
        "unitsPerBox": item.units_per_box,
        "totalUnits": item.units_per_box * item.boxes,
        "unitPrice": item.unit_price,
        "discount": item.discount_percent,
        "total": item.total,
        "markCode": item.mark_code,
        "notes": item.notes,
    }


class InvoiceDetailRecord(Answer):
    detailId: int
    orderItemId: int | None
    productId: int
    productCode: str
    productDescription: str
    productAlias: str
    boxTypeCode: str
    boxes: int
    unitType: str
    bunches: int
    stemsBunch: int
    unitsPerBox: int
    totalUnits: int
    unitPrice: Amount
    discount: Amount
    total: Amount
    markCode: str
    notes: str


class InvoiceBreakdown(Answer):
    """One product of a mixed box (Stemlink has none, so the list is always empty)."""

    productId: int
    productDescription: str
    stemsBunch: int
    bunches: int
    price: Amount


class InvoiceBox(Answer):
    """One labelled box (Stemlink labels none, so the list is always empty)."""

    boxCode: str
    detailId: int


class AdditionalCharge(Answer):
    description: str
    amount: Amount


class InvoiceWithDetails(InvoiceRecord):
    details: list[InvoiceDetailRecord]
    breakdowns: list[InvoiceBreakdown] = Field(description="Always empty: Stemlink sells no mixed boxes.")
    boxes: list[InvoiceBox] = Field(description="Always empty: Stemlink labels no single boxes.")
    additionalChargesDetails: list[AdditionalCharge]


class InvoiceDetailsListAnswer(Answer):
    invoices: list[InvoiceWithDetails]


@api_method(
    "invoice.details.list",
    answer=InvoiceDetailsListAnswer,
    tokens={CO, CU},
    params=InvoiceDetailsParams,
    answer_key="invoices",
    area=AREA,
    summary="Invoices with their lines: one orderDate, a range of at most 4 days, or one order/orderId.",
)
def invoice_details_list(ctx: CallContext, params: InvoiceDetailsParams) -> dict[str, Any]:
    invoices = _filtered(ctx, params)
    if params.orderDate is not None:
        invoices = invoices.filter(ship_date=params.orderDate)
    elif params.orderDateFrom is not None or params.orderDateTo is not None:
        errors = period_errors(
            params.orderDateFrom,
            params.orderDateTo,
            from_field="orderDateFrom",
            to_field="orderDateTo",
            max_days=4,
        )
        if errors:
            raise ValidationFailed(errors)
        invoices = invoices.filter(ship_date__range=(params.orderDateFrom, params.orderDateTo))
    elif params.order is None and params.orderId is None:
        raise ValidationFailed(
            FieldError(
                "orderDate",
                "give orderDate, orderDateFrom and orderDateTo (at most 4 days), order or orderId",
            )
        )
    boxes = InvoiceItem.objects.filter(invoice__in=invoices.values("pk")).aggregate(n=Sum("boxes"))["n"] or 0
    if boxes > MAX_DETAIL_BOXES:
        raise ValidationFailed(
            FieldError(
                "orderDateTo",
                f"these invoices hold {boxes} boxes, more than the {MAX_DETAIL_BOXES} one answer may carry; "
                "ask for fewer days or add filters",
            )
        )
    rows = []
    for invoice in invoices.prefetch_related("items__product", "items__box_type"):
        row = _invoice_row(invoice)
        row["details"] = [_detail_row(item) for item in invoice.items.all()]
        # Stemlink sells no mixed boxes and labels no single boxes: empty, as Komet answers them
        # for a company without; the additional charges it holds are one amount per invoice.
        row["breakdowns"] = []
        row["boxes"] = []
        row["additionalChargesDetails"] = (
            [{"description": "Additional charges", "amount": invoice.additional_charges}]
            if invoice.additional_charges
            else []
        )
        rows.append(row)
    return _found(rows)


class InvoicePdfParams(Params):
    invoiceId: Id


class InvoicePdfAnswer(Answer):
    suggestedFileName: str
    file: str = Field(
        description="The PDF as comma-separated signed byte values (Java byte[] style), as Komet."
    )


@api_method(
    "invoice.pdf.get",
    answer=InvoicePdfAnswer,
    tokens={CO, CU},
    params=InvoicePdfParams,
    area=AREA,
    summary="The invoice as a PDF: the file's bytes as comma-separated signed values, as Komet sends them.",
)
def invoice_pdf_get(ctx: CallContext, params: InvoicePdfParams) -> dict[str, Any]:
    invoices = Invoice.objects.filter(company=ctx.company, pk=params.invoiceId)
    if ctx.customer is not None:
        invoices = invoices.filter(customer=ctx.customer)
    invoice = invoices.select_related("company", "customer", "ship_to", "carrier", "location").first()
    if invoice is None:
        raise NotFound(f"Invoice {params.invoiceId} was not found.")
    data = pdf.render_invoice_pdf(pdf.invoice_sheet(invoice))
    return {
        "suggestedFileName": pdf.suggested_file_name(invoice.display_number),
        "file": pdf.signed_byte_string(data),
    }
