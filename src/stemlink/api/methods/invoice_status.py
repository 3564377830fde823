"""Invoice status changes a sales rep or partner makes (API.md §4.6): invoice.confirm, invoice.void.

Both go through the one transition table in `stemlink.orders.rules`; a confirm or void tells the
partner by webhook (`invoice.confirmed`, `invoice.voided`).
"""

from __future__ import annotations

from typing import Annotated, Any

from django.contrib.auth import get_user_model
from pydantic import BeforeValidator, Field

from stemlink.api.answers import Answer
from stemlink.api.params import Id
from stemlink.api.registry import CO, US, CallContext, Params, api_method
from stemlink.errors import FieldError, ValidationFailed
from stemlink.orders import invoices
from stemlink.orders.models import Invoice

AREA = "Invoices"


def _numbers(value: Any) -> Any:
    # Komet sends one number, as 1042 or "1042"; we also take a list or "1042,1043" to confirm many.
    if value is None:
        return value
    if isinstance(value, bool):
        raise ValueError("must be an invoice number, e.g. 1042")
    if isinstance(value, int):
        return [str(value)]
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list):
        return [str(part).strip() for part in value if str(part).strip()]
    raise ValueError("must be an invoice number, e.g. 1042")


Numbers = Annotated[
    list[Annotated[str, Field(max_length=20)]], BeforeValidator(_numbers), Field(max_length=200)
]


def _user(ctx: CallContext) -> Any:
    if ctx.user_id is None:
        return None
    return get_user_model().objects.filter(pk=ctx.user_id).first()


def _row(invoice: Invoice) -> dict[str, Any]:
    return {
        "invoiceId": invoice.pk,
        "invoiceNumber": invoice.number,
        "prefix": invoice.prefix,
        "status": int(invoice.status),
    }


class InvoiceConfirmParams(Params):
    invoiceNumber: Numbers
    locationId: Id | None = None


class InvoiceStatusRecord(Answer):
    invoiceId: int
    invoiceNumber: int
    prefix: str
    status: int


class InvoiceConfirmAnswer(Answer):
    invoiceId: int = Field(description="The first invoice confirmed.")
    invoiceNumber: int
    prefix: str
    invoices: list[InvoiceStatusRecord]


@api_method(
    "invoice.confirm",
    answer=InvoiceConfirmAnswer,
    tokens={CO, US},
    params=InvoiceConfirmParams,
    answer_key="invoices",
    writes=True,
    area=AREA,
    summary="Confirm a Draft or Pending Approval invoice (several: comma-separated numbers, all or none).",
)
def invoice_confirm(ctx: CallContext, params: InvoiceConfirmParams) -> dict[str, Any]:
    if not params.invoiceNumber:
        raise ValidationFailed(FieldError("invoiceNumber", "is required"))
    confirmed = invoices.confirm_invoices(
        ctx.company, params.invoiceNumber, user=_user(ctx), location_id=params.locationId
    )
    message = (
        "The invoice was successfully confirmed."
        if len(confirmed) == 1
        else "The invoices were successfully confirmed."
    )
    return {"message": message, **_row(confirmed[0]), "invoices": [_row(inv) for inv in confirmed]}


class InvoiceVoidParams(Params):
    invoiceNumber: Annotated[
        str, BeforeValidator(lambda v: str(v) if isinstance(v, int) else v), Field(max_length=20)
    ]
    reason: Annotated[str, Field(max_length=300)] = ""
    locationId: Id | None = None


class InvoiceVoidAnswer(Answer):
    invoiceId: int
    invoiceNumber: int
    prefix: str


@api_method(
    "invoice.void",
    answer=InvoiceVoidAnswer,
    tokens={CO, US},
    params=InvoiceVoidParams,
    answer_key="invoiceId",
    writes=True,
    area=AREA,
    summary="Void a Draft or Pending Approval invoice with a reason: boxes back on sale, fee reversed.",
)
def invoice_void(ctx: CallContext, params: InvoiceVoidParams) -> dict[str, Any]:
    invoice = invoices.void_invoice(
        ctx.company, params.invoiceNumber, params.reason, user=_user(ctx), location_id=params.locationId
    )
    return {"message": "The invoice was successfully voided.", **_row(invoice)}
