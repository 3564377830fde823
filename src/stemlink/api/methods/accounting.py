"""What accounting systems and the lighter e-commerce clients read: invoices for the books,
the e-commerce-lite settings, and the deprecated carriers-by-ship-date list."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, F, OuterRef, Q
from pydantic import Field

from stemlink.api.answers import Amount, Answer, Day, NoAnswer
from stemlink.api.params import Bool, Date, Id, IdList, Int
from stemlink.api.registry import CO, CU, US, CallContext, Params, TokenType, api_method
from stemlink.api.scoping import customer_for
from stemlink.errors import FieldError, ValidationFailed
from stemlink.inventory.models import FutureLine, InventoryLine, InventoryType
from stemlink.orders import queries as order_queries
from stemlink.purchasing import rules as purchasing_rules
from stemlink.purchasing import services as purchasing_services
from stemlink.purchasing.models import AvailabilityItem, InvoiceSync
from stemlink.tenancy import calendar
from stemlink.tenancy.models import Location, Membership


class AccountingParams(Params):
    orderDateFrom: Date
    orderDateTo: Date
    status: Int | None = None
    locationIds: Annotated[IdList, Field(max_length=100)] = []
    excludeTransfer: Bool = False
    externalSystemSynced: Annotated[
        Bool | None,
        Field(
            description="1: only the invoices marked as taken into the external accounting system "
            "(invoice.mark.sync.status.ok); 0: only those still to take. Absent: all."
        ),
    ] = None


class AccountingInvoiceRecord(Answer):
    id: int
    number: str
    shipDate: Day
    status: int
    locationId: int
    customerId: int
    customerName: str
    customerCode: str
    accountingCode: str
    poNumber: str
    subtotal: Amount
    additionalCharges: Amount
    total: Amount


class AccountingAnswer(Answer):
    invoices: list[AccountingInvoiceRecord]


@api_method(
    "invoice.accounting.details.list",
    answer=AccountingAnswer,
    tokens={CO},
    params=AccountingParams,
    answer_key="invoices",
    area="Invoices",
    summary="List invoices for the books by ship date (at most 31 days), "
    "with the customer's accounting code.",
)
def invoice_accounting_details_list(ctx: CallContext, params: AccountingParams) -> dict[str, Any]:
    if problem := purchasing_rules.range_problem(
        params.orderDateFrom, params.orderDateTo, purchasing_rules.MAX_ACCOUNTING_DAYS
    ):
        raise ValidationFailed(FieldError("orderDateTo", problem))
    if params.status is not None and params.status not in (0, 1, 2, 4):
        raise ValidationFailed(
            FieldError("status", "must be 0 (pending), 1 (confirmed), 2 (draft) or 4 (voided)")
        )
    flt = order_queries.InvoiceFilter(
        status=params.status, location_ids=params.locationIds or None, exclude_transfer=params.excludeTransfer
    )
    invoices = (
        order_queries.invoices_matching(ctx.company, flt)
        .filter(ship_date__gte=params.orderDateFrom, ship_date__lte=params.orderDateTo)
        .filter(synced_filter(params.externalSystemSynced))
        .select_related("customer")
        .order_by("ship_date", "id")[:10000]
    )
    return {
        "invoices": [
            {
                "id": i.pk,
                "number": i.display_number,
                "shipDate": i.ship_date,
                "status": i.status,
                "locationId": i.location_id,
                "customerId": i.customer_id,
                "customerName": i.customer.name,
                "customerCode": i.customer.code,
                "accountingCode": i.customer.accounting_code,
                "poNumber": i.po_number,
                "subtotal": i.subtotal,
                "additionalCharges": i.additional_charges,
                "total": i.total,
            }
            for i in invoices
        ]
    }


def synced_filter(synced: bool | None) -> Q:
    """The invoices marked (True) or not marked (False) as taken by the accounting system."""
    if synced is None:
        return Q()
    marked = Exists(InvoiceSync.objects.filter(invoice=OuterRef("pk")))
    return Q(marked) if synced else ~Q(marked)


class SyncMarkParams(Params):
    invoiceId: Id
    invoiceNumber: Annotated[
        Int | None, Field(description="The invoice's number, checked against invoiceId when given.")
    ] = None


def _mark(ctx: CallContext, params: SyncMarkParams, synced: bool) -> dict[str, Any]:
    purchasing_services.mark_invoice_synced(
        ctx.company,
        params.invoiceId,
        synced=synced,
        invoice_number=params.invoiceNumber,
        token_id=ctx.token_id,
    )
    return {"message": "OK"}


@api_method(
    "invoice.mark.sync.status.ok",
    answer=NoAnswer,
    tokens={CO},
    params=SyncMarkParams,
    writes=True,
    area="Invoices",
    summary="Mark an invoice as taken into the external accounting system "
    "(invoice.accounting.details.list externalSystemSynced=1 lists it).",
)
def invoice_mark_sync_status_ok(ctx: CallContext, params: SyncMarkParams) -> dict[str, Any]:
    return _mark(ctx, params, True)


@api_method(
    "invoice.mark.sync.status.error",
    answer=NoAnswer,
    tokens={CO},
    params=SyncMarkParams,
    writes=True,
    area="Invoices",
    summary="Take the synchronized mark off an invoice (the accounting system must take it again).",
)
def invoice_mark_sync_status_error(ctx: CallContext, params: SyncMarkParams) -> dict[str, Any]:
    return _mark(ctx, params, False)


class LiteSettingsParams(Params):
    customerId: Id | None = None


class LiteUserInfo(Answer):
    isMultilocation: bool
    showArrivalDate: bool
    chargeTax: bool
    isMultiCompany: bool
    isEcommerceLite: bool
    isAdminSales: bool
    showVendorCodeOrName: int
    companyName: str
    customerName: str
    username: str
    companyLogo: str
    enableAccessAppMobile: bool


class LiteSettingsAnswer(Answer):
    userInfo: list[LiteUserInfo]


@api_method(
    "ecommerce-lite/settings",
    answer=LiteSettingsAnswer,
    tokens={CU, US},
    params=LiteSettingsParams,
    answer_key="userInfo",
    requires_account=True,
    area="E-commerce",
    summary="Answer what an e-commerce-lite client shows for a customer: locations, vendor names, logo.",
)
def ecommerce_lite_settings(ctx: CallContext, params: LiteSettingsParams) -> dict[str, Any]:
    customer = customer_for(ctx, params.customerId)
    company = ctx.company
    username = ""
    admin_sales = False
    if ctx.token_type == TokenType.USER and ctx.user_id is not None:
        username = (
            get_user_model().objects.filter(pk=ctx.user_id).values_list("username", flat=True).first() or ""
        )
        role = (
            Membership.objects.filter(company=company, user_id=ctx.user_id, active=True)
            .values_list("role", flat=True)
            .first()
        )
        admin_sales = role in ("admin", "sales_rep")
    return {
        "userInfo": [
            {
                "isMultilocation": Location.objects.filter(company=company, active=True).count() > 1,
                # Stemlink keeps no arrival-date display, tax or mobile-app switches: they are off.
                "showArrivalDate": False,
                "chargeTax": False,
                "isMultiCompany": False,
                "isEcommerceLite": ctx.sales_channel == "ECOMMERCE_LITE",
                "isAdminSales": admin_sales,
                "showVendorCodeOrName": 2 if company.show_vendors else 0,
                "companyName": company.name,
                "customerName": customer.name,
                "username": username,
                "companyLogo": company.logo.url if company.logo else "",
                "enableAccessAppMobile": False,
            }
        ]
    }


class CarriersByDateParams(Params):
    customerId: Id | None = None
    companyLocationId: Id | None = None
    inventoryOrigin: Int = 1


class CarrierOfDate(Answer):
    carrierId: int | None
    carrierName: str | None


class CarriersByDateAnswer(Answer):
    deliverDates: list[str]
    defaultCarriersByDate: dict[str, CarrierOfDate]
    carrierDate: str | None


HORIZON_DAYS = 60
ON_HAND_DAYS = 7


def _us_date(day: dt.date) -> str:
    return day.strftime("%m/%d/%Y")


@api_method(
    "carriers.by.customer.ship.date.list",
    answer=CarriersByDateAnswer,
    tokens={CU},
    params=CarriersByDateParams,
    answer_key="deliverDates",
    area="E-commerce",
    deprecated=True,
    summary="Deprecated (Komet gives new tokens no access): the days a customer may receive inventory of "
    "an origin (1 on hand, 2 future, 3 growers' availability), MM/DD/YYYY, with the default carrier.",
)
def carriers_by_customer_ship_date_list(ctx: CallContext, params: CarriersByDateParams) -> dict[str, Any]:
    customer = customer_for(ctx, params.customerId)
    origin = params.inventoryOrigin
    if origin not in (1, 2, 3):
        raise ValidationFailed(
            FieldError("inventoryOrigin", "must be 1 (on hand), 2 (future) or 3 (vendor availability)")
        )
    today = calendar.today(ctx.company)
    horizon = today + dt.timedelta(days=HORIZON_DAYS)
    visible = Q(reserved_for__isnull=True) | Q(reserved_for=customer)
    location = {"location_id": params.companyLocationId} if params.companyLocationId is not None else {}
    days: set[dt.date] = set()
    if origin == 1:
        stock = InventoryLine.objects.filter(
            visible, company=ctx.company, inventory_type=InventoryType.OPEN_MARKET, **location
        )
        if stock.with_free_boxes().exists():
            days = {today + dt.timedelta(days=n) for n in range(ON_HAND_DAYS)}
    else:
        if origin == 2:
            spans = (
                FutureLine.objects.filter(visible, company=ctx.company, available_to__gte=today, **location)
                .with_free_boxes()
                .values_list("available_from", "available_to")
            )
        else:
            spans = AvailabilityItem.objects.filter(
                company=ctx.company, available_to__gte=today, boxes__gt=F("boxes_booked"), **location
            ).values_list("available_from", "available_to")
        for start, end in spans[:2000]:
            day = max(start, today)
            while day <= min(end, horizon):
                days.add(day)
                day += dt.timedelta(days=1)
    carrier = customer.default_carrier
    if carrier is not None and not carrier.active:
        carrier = None
    default = {"carrierId": carrier.pk if carrier else None, "carrierName": carrier.name if carrier else None}
    ordered = sorted(days)
    return {
        "deliverDates": [_us_date(d) for d in ordered],
        "defaultCarriersByDate": {_us_date(d): default for d in ordered},
        "carrierDate": _us_date(ordered[0]) if ordered else None,
    }
