"""Session and company: `login`, `company.list`, `location.list`, `company.location.list`."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import ConfigDict, Field

from stemlink.api import services
from stemlink.api.answers import Answer
from stemlink.api.params import Id
from stemlink.api.registry import CO, CU, US, VE, CallContext, Params, api_method
from stemlink.api.scoping import customer_for
from stemlink.tenancy.models import Location, Membership

# Komet numbers roles (27 is its e-commerce user); ours are named, so they get stable numbers here.
ROLE_IDS = {"admin": 1, "sales_rep": 2, "warehouse": 3, "accounting": 4}

Text = Annotated[str, Field(max_length=200)]


class LoginParams(Params):
    # Passwords are taken exactly as typed: no stripping of spaces.
    model_config = ConfigDict(str_strip_whitespace=False)

    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=100)
    company_id: Id | None = Field(
        default=None, alias="companyId", description="[ext] which company to sign in to"
    )


class LoginAnswer(Answer):
    apiKey: str


@api_method(
    "login",
    answer=LoginAnswer,
    tokens=set(),
    params=LoginParams,
    answer_key="apiKey",
    needs_token=False,
    area="Session and company",
    summary="Exchange a back-office user's name and password for a User token (apiKey); while that "
    "token lives (STEMLINK_USER_TOKEN_HOURS) a repeated login answers the same one.",
)
def login(ctx: CallContext, params: LoginParams) -> dict[str, Any]:
    _, raw = services.log_in(
        params.username.strip(),
        params.password,
        company_id=params.company_id,
        request=ctx.extra.get("request"),
    )
    return {"apiKey": raw}


class CompanyRecord(Answer):
    companyId: int
    companyName: str
    roleId: int | None
    customerId: int | None
    customerName: str | None


class CompanyListAnswer(Answer):
    companyResult: list[CompanyRecord]


@api_method(
    "company.list",
    answer=CompanyListAnswer,
    tokens={CO, US},
    answer_key="companyResult",
    envelope=False,
    area="Session and company",
    summary="The company of the token, with its Company ID (the X-ACCOUNT value).",
)
def company_list(ctx: CallContext, params: Params) -> dict[str, Any]:
    role_id = None
    if ctx.user_id is not None:
        membership = Membership.objects.filter(user_id=ctx.user_id, company=ctx.company, active=True).first()
        role_id = ROLE_IDS.get(membership.role) if membership else None
    return {
        "companyResult": [
            {
                "companyId": ctx.company.pk,
                "companyName": ctx.company.name,
                "roleId": role_id,
                "customerId": None,
                "customerName": None,
            }
        ]
    }


class LocationListParams(Params):
    id: Id | None = None
    name: Text | None = None
    code: Text | None = None


class LocationRecord(Answer):
    id: int
    name: str
    code: str


class LocationListAnswer(Answer):
    locations: list[LocationRecord]


@api_method(
    "location.list",
    answer=LocationListAnswer,
    tokens={CO},
    params=LocationListParams,
    answer_key="locations",
    area="Session and company",
    summary="The company's active locations, by name; id and code match exactly, name in part.",
)
def location_list(ctx: CallContext, params: LocationListParams) -> dict[str, Any]:
    locations = Location.objects.filter(company=ctx.company, active=True)
    if params.id is not None:
        locations = locations.filter(pk=params.id)
    if params.name:
        locations = locations.filter(name__icontains=params.name)
    if params.code:
        locations = locations.filter(code__iexact=params.code)
    return {
        "locations": [
            {"id": loc.pk, "name": loc.name, "code": loc.code} for loc in locations.order_by("name", "id")
        ]
    }


class CompanyLocationListParams(Params):
    customer_id: Id = Field(alias="customerId")


class CompanyLocationRecord(Answer):
    id: int
    name: str
    shortName: str
    code: str
    active: bool


class CompanyLocationListAnswer(Answer):
    locations: list[CompanyLocationRecord]


@api_method(
    "company.location.list",
    answer=CompanyLocationListAnswer,
    tokens={CO, CU, VE},
    params=CompanyLocationListParams,
    answer_key="locations",
    envelope=False,
    requires_account=True,
    area="Session and company",
    summary="The company's locations a customer can buy from (needs X-ACCOUNT).",
)
def company_location_list(ctx: CallContext, params: CompanyLocationListParams) -> dict[str, Any]:
    customer_for(ctx, params.customer_id)
    locations = Location.objects.filter(company=ctx.company).order_by("name", "id")
    return {
        "locations": [
            {
                "id": loc.pk,
                "name": loc.name,
                "shortName": loc.short_name,
                "code": loc.code,
                "active": loc.active,
            }
            for loc in locations
        ]
    }
