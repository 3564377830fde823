"""Customers and their ship-tos: `customer.list`, `customer.details.get`, `customer.add`, `customer.shipto.*`.

A Customer token sees only its own customer and that customer's ship-tos; any other customerId
or shipToId is answered as not found.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from stemlink.api.answers import Amount, Answer, NoAnswer, Timestamp
from stemlink.api.params import Bool, DateTime, Id, Money
from stemlink.api.registry import CO, CU, VE, CallContext, Params, api_method
from stemlink.api.scoping import customer_for
from stemlink.customers import services
from stemlink.customers.models import Customer, CustomerType, ShipTo
from stemlink.errors import FieldError, NotFound, ValidationFailed
from stemlink.tenancy.models import Location

Str20 = Annotated[str, Field(max_length=20)]
Str30 = Annotated[str, Field(max_length=30)]
Str40 = Annotated[str, Field(max_length=40)]
Str50 = Annotated[str, Field(max_length=50)]
Str60 = Annotated[str, Field(max_length=60)]
Str100 = Annotated[str, Field(max_length=100)]
Str200 = Annotated[str, Field(max_length=200)]
Email = Annotated[str, Field(max_length=254)]


AREA = "Customers"

# Model field names -> API parameter names, so a service's validation error names what the client sent.
API_NAMES = {
    "name": "name",
    "code": "code",
    "customer_type": "type",
    "sales_rep": "salesPersonId",
    "accounting_code": "accountingCode",
    "billing_address": "billAddress",
    "billing_city": "billCity",
    "billing_state": "billState",
    "billing_zipcode": "billZipCode",
    "billing_country": "billCountry",
    "shipping_address": "shipAddress",
    "shipping_city": "shipCity",
    "shipping_state": "shipState",
    "shipping_zipcode": "shipZipCode",
    "shipping_country": "shipCountry",
    "email": "email",
    "email_for_invoices": "emailForInvoices",
    "email_for_statements": "emailForStatements",
    "phone": "phone",
    "fax": "fax",
    "website": "website",
    "terms": "terms",
    "payment_method": "paymentMethod",
    "send_invoice_via": "sendInvoiceVia",
    "sales_person_code_flowers": "salesPersonCodeForFlowers",
    "sales_person_code_plants": "salesPersonCodeForPlants",
    "default_price": "defaultPrice",
    "credit_limit": "creditLimit",
    "zipcode": "zipcode",
    "carrier_account": "carrierAccount",
    "address": "address",
    "city": "city",
    "state": "state",
    "country": "country",
}


def _renamed(error: ValidationFailed) -> ValidationFailed:
    errors = [FieldError(API_NAMES.get(e.field, e.field), e.message) for e in error.errors]
    return ValidationFailed(errors)


def _timestamp(value: Any) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%S") if value else None


def _sales_person(customer: Customer) -> str:
    rep = customer.sales_rep
    if rep is None:
        return ""
    return rep.get_full_name() or rep.get_username()


class CustomerListParams(Params):
    id: Id | None = None
    name: Str200 | None = None
    code: Str30 | None = None
    sales_person_id: Id | None = Field(default=None, alias="salesPersonId")
    include_inactive: Bool = Field(default=False, alias="includeInactive")
    location_id: Id | None = Field(default=None, alias="locationId")
    update_as_of: DateTime | None = Field(
        default=None, alias="updateAsOf", description="customers changed since (UTC date or date-time)"
    )


class CustomerRecord(Answer):
    id: int
    accountingCode: str
    name: str
    code: str
    active: bool
    salesPerson: str
    salesPersonId: int | None
    customerType: str
    updatedOn: Timestamp | None


class CustomerListAnswer(Answer):
    customers: list[CustomerRecord]


@api_method(
    "customer.list",
    answer=CustomerListAnswer,
    tokens={CO, VE},
    params=CustomerListParams,
    answer_key="customers",
    area=AREA,
    summary="The company's customers (active ones unless includeInactive); filter by id, code, name, "
    "sales person or changes since updateAsOf.",
)
def customer_list(ctx: CallContext, params: CustomerListParams) -> dict[str, Any]:
    customers = Customer.objects.filter(company=ctx.company).select_related("sales_rep")
    if (
        params.location_id is not None
        and not Location.objects.filter(company=ctx.company, pk=params.location_id).exists()
    ):
        raise NotFound(f"Location {params.location_id} was not found.")
    if not params.include_inactive:
        customers = customers.filter(active=True)
    if params.id is not None:
        customers = customers.filter(pk=params.id)
    if params.name:
        customers = customers.filter(name__icontains=params.name)
    if params.code:
        customers = customers.filter(code__iexact=params.code)
    if params.sales_person_id is not None:
        customers = customers.filter(sales_rep_id=params.sales_person_id)
    if params.update_as_of is not None:
        customers = customers.filter(updated_on__gte=params.update_as_of)
    return {
        "customers": [
            {
                "id": c.pk,
                "accountingCode": c.accounting_code,
                "name": c.name,
                "code": c.code,
                "active": c.active,
                "salesPerson": _sales_person(c),
                "salesPersonId": c.sales_rep_id,
                "customerType": c.get_customer_type_display(),
                "updatedOn": _timestamp(c.updated_on),
            }
            for c in customers.order_by("name", "id")
        ]
    }


class CustomerParams(Params):
    customer_id: Id = Field(alias="customerId")


def customer_details(customer: Customer) -> dict[str, Any]:
    return {
        "id": customer.pk,
        "name": customer.name,
        "code": customer.code,
        "customerType": customer.get_customer_type_display(),
        "active": customer.active,
        "accountingCode": customer.accounting_code,
        "billAddress": customer.billing_address,
        "billCity": customer.billing_city,
        "billState": customer.billing_state,
        "billZipCode": customer.billing_zipcode,
        "billCountry": customer.billing_country,
        "shipAddress": customer.shipping_address,
        "shipCity": customer.shipping_city,
        "shipState": customer.shipping_state,
        "shipZipCode": customer.shipping_zipcode,
        "shipCountry": customer.shipping_country,
        "email": customer.email,
        "emailForInvoices": customer.email_for_invoices,
        "emailForStatements": customer.email_for_statements,
        "phone": customer.phone,
        "fax": customer.fax,
        "website": customer.website,
        "terms": customer.terms,
        "creditHold": customer.credit_hold,
        "paymentMethod": customer.payment_method,
        "chargeFuelSurcharge": customer.charge_fuel_surcharge,
        "chargeTax": customer.charge_tax,
        "sendInvoiceVia": customer.send_invoice_via,
        "defaultPrice": customer.default_price,
        "priceBMarkup": customer.price_b_markup,
        "priceBMarkupType": customer.price_b_markup_kind,
        "priceSellFastMarkup": None,
        "ecommerceMarkup": customer.ecommerce_markup,
        "ecommerceMarkupType": customer.ecommerce_markup_kind,
        "creditLimit": customer.credit_limit,
        "salesPerson": _sales_person(customer),
        "salesPersonId": customer.sales_rep_id,
        "defaultCarrierId": customer.default_carrier_id,
        "updatedOn": _timestamp(customer.updated_on),
    }


class CustomerDetails(Answer):
    id: int
    name: str
    code: str
    customerType: str
    active: bool
    accountingCode: str
    billAddress: str
    billCity: str
    billState: str
    billZipCode: str
    billCountry: str
    shipAddress: str
    shipCity: str
    shipState: str
    shipZipCode: str
    shipCountry: str
    email: str
    emailForInvoices: str
    emailForStatements: str
    phone: str
    fax: str
    website: str
    terms: str
    creditHold: bool
    paymentMethod: str
    chargeFuelSurcharge: bool
    chargeTax: bool
    sendInvoiceVia: str
    defaultPrice: str
    priceBMarkup: Amount
    priceBMarkupType: str
    priceSellFastMarkup: Amount | None
    ecommerceMarkup: Amount
    ecommerceMarkupType: str
    creditLimit: Amount | None
    salesPerson: str
    salesPersonId: int | None
    defaultCarrierId: int | None
    updatedOn: Timestamp | None


class CustomerDetailsAnswer(Answer):
    customer: CustomerDetails


@api_method(
    "customer.details.get",
    answer=CustomerDetailsAnswer,
    tokens={CO, CU},
    params=CustomerParams,
    answer_key="customer",
    area=AREA,
    summary="One customer with its addresses, contact and pricing terms (a Customer token: its own).",
)
def customer_details_get(ctx: CallContext, params: CustomerParams) -> dict[str, Any]:
    customer = customer_for(ctx, params.customer_id)
    return {"customer": customer_details(customer)}


def _customer_type(value: Any) -> Any:
    """Komet sends the customer type as its id (`3` or `"3"`); Stemlink's types are numbered in order."""
    text = str(value).strip() if isinstance(value, int | str) and not isinstance(value, bool) else value
    if isinstance(text, str) and text.isascii() and text.isdigit():
        number = int(text)
        if not 1 <= number <= len(CustomerType.values):
            raise ValueError(f"must be a customer type: {CUSTOMER_TYPE_IDS} (or its name), got {number}")
        return CustomerType.values[number - 1]
    return text


CUSTOMER_TYPE_IDS = ", ".join(f"{n} {value}" for n, value in enumerate(CustomerType.values, start=1))


class CustomerAddParams(Params):
    name: Str200
    code: Str30 | None = None
    type: Annotated[str, BeforeValidator(_customer_type), Field(max_length=40)] | None = Field(
        default=None, description=f"the customer type, by name or number: {CUSTOMER_TYPE_IDS}"
    )
    sales_person_id: Id | None = Field(default=None, alias="salesPersonId")
    accounting_code: Str40 | None = Field(default=None, alias="accountingCode")
    phone: Str40 | None = None
    fax: Str40 | None = None
    website: Str200 | None = None
    email: Email | None = None
    email_for_invoices: Annotated[str, Field(max_length=1000)] | None = Field(
        default=None,
        alias="emailForInvoices",
        description="one or more addresses separated by ; (e.g. ap@a.example;boss@a.example)",
    )
    email_for_statements: Annotated[str, Field(max_length=1000)] | None = Field(
        default=None,
        alias="emailForStatements",
        description="one or more addresses separated by ; for statements of account",
    )
    terms: Str100 | None = Field(default=None, description="payment terms, e.g. Net 30")
    credit_hold: Bool | None = Field(default=None, alias="creditHold", description="true: on credit hold")
    payment_method: Str60 | None = Field(default=None, alias="paymentMethod")
    charge_fuel_surcharge: Bool | None = Field(default=None, alias="chargeFuelSurcharge")
    charge_tax: Bool | None = Field(default=None, alias="chargeTax")
    send_invoice_via: Str40 | None = Field(
        default=None, alias="sendInvoiceVia", description="how invoices are sent, e.g. Email, Fax, Print"
    )
    credit_limit: Money | None = Field(
        default=None, alias="creditLimit", description="empty or absent: unlimited; 0 is a limit of zero"
    )
    default_price: Annotated[str, Field(pattern="^[ABab]$")] | None = Field(
        default=None, alias="defaultPrice"
    )
    bill_address: Str200 | None = Field(default=None, alias="billAddress")
    bill_city: Str100 | None = Field(default=None, alias="billCity")
    bill_state: Str50 | None = Field(default=None, alias="billState")
    bill_zip_code: Str20 | None = Field(default=None, alias="billZipCode")
    bill_country: Str60 | None = Field(default=None, alias="billCountry")
    ship_address: Str200 | None = Field(default=None, alias="shipAddress")
    ship_city: Str100 | None = Field(default=None, alias="shipCity")
    ship_state: Str50 | None = Field(default=None, alias="shipState")
    ship_zip_code: Str20 | None = Field(default=None, alias="shipZipCode")
    ship_country: Str60 | None = Field(default=None, alias="shipCountry")


class CustomerAddAnswer(Answer):
    customerId: int
    code: str


@api_method(
    "customer.add",
    answer=CustomerAddAnswer,
    tokens={CO},
    params=CustomerAddParams,
    answer_key="customerId",
    writes=True,
    area=AREA,
    summary="Create a customer; without a code, one is made from the name.",
)
def customer_add(ctx: CallContext, params: CustomerAddParams) -> dict[str, Any]:
    try:
        customer = services.add_customer(
            ctx.company,
            name=params.name,
            code=params.code,
            customer_type=params.type,
            sales_rep_id=params.sales_person_id,
            accounting_code=params.accounting_code,
            phone=params.phone,
            fax=params.fax,
            website=params.website,
            email=params.email,
            email_for_invoices=params.email_for_invoices,
            email_for_statements=params.email_for_statements,
            terms=params.terms,
            credit_hold=params.credit_hold,
            payment_method=params.payment_method,
            charge_fuel_surcharge=params.charge_fuel_surcharge,
            charge_tax=params.charge_tax,
            send_invoice_via=params.send_invoice_via,
            credit_limit=params.credit_limit,
            default_price=params.default_price.upper() if params.default_price else None,
            billing_address=params.bill_address,
            billing_city=params.bill_city,
            billing_state=params.bill_state,
            billing_zipcode=params.bill_zip_code,
            billing_country=params.bill_country,
            shipping_address=params.ship_address,
            shipping_city=params.ship_city,
            shipping_state=params.ship_state,
            shipping_zipcode=params.ship_zip_code,
            shipping_country=params.ship_country,
        )
    except ValidationFailed as error:
        raise _renamed(error) from None
    return {
        "message": "The customer was successfully saved.",
        "customerId": customer.pk,
        "code": customer.code,
    }


class ShipToFields(Params):
    name: Str200 | None = None
    ship_to_code: Str30 | None = Field(default=None, alias="shipToCode")
    address: Str200 | None = None
    city: Str100 | None = None
    state: Str50 | None = None
    zipcode: Str20 | None = None
    country: Str60 | None = None
    phone: Str40 | None = None
    fax: Str40 | None = None
    carrier_id: Id | None = Field(default=None, alias="carrierId")
    carrier_account: Str60 | None = Field(default=None, alias="carrierAccount")
    sales_person_code_flowers: Str30 | None = Field(default=None, alias="salesPersonCodeForFlowers")
    sales_person_code_plants: Str30 | None = Field(default=None, alias="salesPersonCodeForPlants")

    def ship_to_values(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "code": self.ship_to_code,
            "address": self.address,
            "city": self.city,
            "state": self.state,
            "zipcode": self.zipcode,
            "country": self.country,
            "phone": self.phone,
            "fax": self.fax,
            "carrier_account": self.carrier_account,
            "sales_person_code_flowers": self.sales_person_code_flowers,
            "sales_person_code_plants": self.sales_person_code_plants,
        }


class ShipToAddParams(ShipToFields):
    customer_id: Id = Field(alias="customerId")
    name: Str200


SAVED = "Ship to was successfully saved"


class ShipToIdAnswer(Answer):
    shipToId: int


@api_method(
    "customer.shipto.add",
    answer=ShipToIdAnswer,
    tokens={CO, CU},
    params=ShipToAddParams,
    answer_key="shipToId",
    writes=True,
    area=AREA,
    summary="Add a ship-to (delivery address) to a customer; a marketplace adds one per florist.",
)
def shipto_add(ctx: CallContext, params: ShipToAddParams) -> dict[str, Any]:
    customer = customer_for(ctx, params.customer_id)
    try:
        ship_to = services.add_ship_to(customer, carrier_id=params.carrier_id, **params.ship_to_values())
    except ValidationFailed as error:
        raise _renamed(error) from None
    return {"message": SAVED, "shipToId": ship_to.pk}


class ShipToUpdateParams(ShipToFields):
    ship_to_id: Id = Field(alias="shipToId")
    customer_id: Id = Field(alias="customerId")


@api_method(
    "customer.shipto.update",
    answer=ShipToIdAnswer,
    tokens={CO, CU},
    params=ShipToUpdateParams,
    answer_key="shipToId",
    writes=True,
    area=AREA,
    summary="Change a customer's ship-to; only the fields sent change.",
)
def shipto_update(ctx: CallContext, params: ShipToUpdateParams) -> dict[str, Any]:
    customer = customer_for(ctx, params.customer_id)
    ship_to = services.ship_to_of(ctx.company, params.ship_to_id, customer=customer)
    try:
        services.update_ship_to(ship_to, carrier_id=params.carrier_id, **params.ship_to_values())
    except ValidationFailed as error:
        raise _renamed(error) from None
    return {"message": SAVED, "shipToId": ship_to.pk}


class ShipToDeleteParams(Params):
    ship_to_id: Id = Field(alias="shipToId")


@api_method(
    "customer.shipto.delete",
    answer=NoAnswer,
    tokens={CO},
    params=ShipToDeleteParams,
    writes=True,
    area=AREA,
    summary="Remove a ship-to from its customer's list (orders that used it keep their address).",
)
def shipto_delete(ctx: CallContext, params: ShipToDeleteParams) -> dict[str, Any]:
    services.remove_ship_to(services.ship_to_of(ctx.company, params.ship_to_id))
    return {"message": "Ship to removed."}


class ShipToListParams(Params):
    customer_id: Id | None = Field(default=None, alias="customerId")
    name: Str200 | None = None
    id: Id | None = None
    update_as_of: DateTime | None = Field(
        default=None, alias="updateAsOf", description="ship-tos changed since (UTC date or date-time)"
    )


def ship_to_record(ship_to: ShipTo) -> dict[str, Any]:
    return {
        "id": ship_to.pk,
        "customerId": ship_to.customer_id,
        "shipToCode": ship_to.code,
        "name": ship_to.name,
        "address": ship_to.address,
        "city": ship_to.city,
        "state": ship_to.state,
        "zipcode": ship_to.zipcode,
        "country": ship_to.country,
        "phone": ship_to.phone,
        "fax": ship_to.fax,
        "carrierId": ship_to.carrier_id,
        "carrierName": ship_to.carrier.name if ship_to.carrier else "",
        "carrierCode": ship_to.carrier.code if ship_to.carrier else "",
        "carrierAccount": ship_to.carrier_account,
        "updatedAsOf": _timestamp(ship_to.updated_on),
    }


class ShipToRecord(Answer):
    id: int
    customerId: int
    shipToCode: str
    name: str
    address: str
    city: str
    state: str
    zipcode: str
    country: str
    phone: str
    fax: str
    carrierId: int | None
    carrierName: str
    carrierCode: str
    carrierAccount: str
    updatedAsOf: Timestamp | None


class ShipToListAnswer(Answer):
    shiptos: list[ShipToRecord]


@api_method(
    "customer.shipto.list",
    answer=ShipToListAnswer,
    tokens={CO, CU, VE},
    params=ShipToListParams,
    answer_key="shiptos",
    area=AREA,
    summary="Ship-tos of the company's customers; give at least one of customerId, name, id, updateAsOf.",
)
def shipto_list(ctx: CallContext, params: ShipToListParams) -> dict[str, Any]:
    if params.customer_id is None and not params.name and params.id is None and params.update_as_of is None:
        raise ValidationFailed(
            FieldError("customerId", "give at least one of customerId, name, id or updateAsOf"),
            "Give at least one filter: customerId, name, id or updateAsOf.",
        )
    ship_tos = ShipTo.objects.filter(company=ctx.company, active=True).select_related("carrier")
    if params.customer_id is not None:
        ship_tos = ship_tos.filter(customer=customer_for(ctx, params.customer_id))
    elif ctx.customer is not None:
        ship_tos = ship_tos.filter(customer=ctx.customer)
    if params.id is not None:
        ship_tos = ship_tos.filter(pk=params.id)
    if params.name:
        ship_tos = ship_tos.filter(name__icontains=params.name)
    if params.update_as_of is not None:
        ship_tos = ship_tos.filter(updated_on__gte=params.update_as_of)
    return {"shiptos": [ship_to_record(s) for s in ship_tos.order_by("name", "id")]}
