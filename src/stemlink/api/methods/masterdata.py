"""Master data: box types, carriers, categories, products and vendors (growers).

Filters as Komet: ids and codes match exactly (codes ignoring case), names and descriptions match
a case-insensitive part.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from stemlink.api.answers import Amount, Answer
from stemlink.api.params import Bool, Id
from stemlink.api.registry import CO, VE, CallContext, Params, api_method
from stemlink.catalog.models import BoxType, Carrier, Category, Product, Vendor

Text = Annotated[str, Field(max_length=200)]
AREA = "Master data"


class BoxTypeListParams(Params):
    id: Id | None = None
    code: Annotated[str, Field(max_length=3)] | None = None


class BoxTypeRecord(Answer):
    id: int
    code: str
    fbe: Amount
    kometNetworkId: int | None
    kometNetworkName: str


class BoxTypeListAnswer(Answer):
    boxtypes: list[BoxTypeRecord]


@api_method(
    "boxtype.list",
    answer=BoxTypeListAnswer,
    tokens={CO, VE},
    params=BoxTypeListParams,
    answer_key="boxtypes",
    area=AREA,
    summary="The company's box types by code, with each one's full-box equivalent (fbe).",
)
def boxtype_list(ctx: CallContext, params: BoxTypeListParams) -> dict[str, Any]:
    boxes = BoxType.objects.filter(company=ctx.company)
    if params.id is not None:
        boxes = boxes.filter(pk=params.id)
    if params.code:
        boxes = boxes.filter(code__iexact=params.code)
    return {
        "boxtypes": [
            {
                "id": box.pk,
                "code": box.code,
                "fbe": box.fbe,
                "kometNetworkId": box.komet_network_id,
                "kometNetworkName": box.komet_network_name,
            }
            for box in boxes.order_by("code", "id")
        ]
    }


class CarrierListParams(Params):
    id: Id | None = None
    name: Text | None = None
    code: Text | None = None
    active: Bool | None = None


class CarrierRecord(Answer):
    id: int
    code: str
    name: str
    active: bool
    street: str
    city: str
    state: str
    zipCode: str
    country: str
    phone: str
    kometNetworkName: str | None
    kometNetworkId: int | None


class CarrierListAnswer(Answer):
    carriers: list[CarrierRecord]


@api_method(
    "carrier.list",
    answer=CarrierListAnswer,
    tokens={CO, VE},
    params=CarrierListParams,
    answer_key="carriers",
    area=AREA,
    summary="The company's carriers; filter by id, code, part of the name, or active.",
)
def carrier_list(ctx: CallContext, params: CarrierListParams) -> dict[str, Any]:
    carriers = Carrier.objects.filter(company=ctx.company)
    if params.id is not None:
        carriers = carriers.filter(pk=params.id)
    if params.name:
        carriers = carriers.filter(name__icontains=params.name)
    if params.code:
        carriers = carriers.filter(code__iexact=params.code)
    if params.active is not None:
        carriers = carriers.filter(active=params.active)
    return {
        "carriers": [
            {
                "id": c.pk,
                "code": c.code,
                "name": c.name,
                "active": c.active,
                "street": c.street,
                "city": c.city,
                "state": c.state,
                "zipCode": c.zip_code,
                "country": c.country,
                "phone": c.phone,
                # Carriers hold no Komet network mapping: null, as Komet answers an unmapped one.
                "kometNetworkName": None,
                "kometNetworkId": None,
            }
            for c in carriers.order_by("name", "id")
        ]
    }


class CategoryRecord(Answer):
    categoryId: int
    categoryName: str
    kometNetworkId: int | None
    kometNetworkName: str | None
    active: bool


class CategoryListAnswer(Answer):
    categoryItems: list[CategoryRecord]


@api_method(
    "category.list",
    answer=CategoryListAnswer,
    tokens={CO},
    answer_key="categoryItems",
    area=AREA,
    summary="The company's product categories (flower types).",
)
def category_list(ctx: CallContext, params: Params) -> dict[str, Any]:
    categories = Category.objects.filter(company=ctx.company).order_by("name", "id")
    return {
        "categoryItems": [
            {
                "categoryId": cat.pk,
                "categoryName": cat.name,
                "kometNetworkId": None,
                "kometNetworkName": None,
                "active": cat.active,
            }
            for cat in categories
        ]
    }


class ProductListParams(Params):
    id: Id | None = None
    description: Text | None = None
    legacy_code: Annotated[str, Field(max_length=40)] | None = Field(default=None, alias="legacyCode")


class ProductRecord(Answer):
    id: int
    description: str
    active: bool
    category: str
    variety: str
    color: str
    grade: str
    legacyCode: str
    productCode: str
    divisionId: int | None
    divisionDescription: str
    tags: str


class ProductListAnswer(Answer):
    products: list[ProductRecord]


@api_method(
    "product.list",
    answer=ProductListAnswer,
    tokens={CO, VE},
    params=ProductListParams,
    answer_key="products",
    area=AREA,
    summary="The company's products by description; filter by id, part of the description, or legacyCode.",
)
def product_list(ctx: CallContext, params: ProductListParams) -> dict[str, Any]:
    products = Product.objects.filter(company=ctx.company).select_related("category")
    if params.id is not None:
        products = products.filter(pk=params.id)
    if params.description:
        products = products.filter(description__icontains=params.description)
    if params.legacy_code:
        products = products.filter(legacy_code__iexact=params.legacy_code)
    return {
        "products": [
            {
                "id": p.pk,
                "description": p.description,
                "active": p.active,
                "category": p.category.name,
                "variety": p.variety,
                "color": p.color,
                "grade": p.grade,
                "legacyCode": p.legacy_code,
                "productCode": p.code,
                "divisionId": p.division_id,
                "divisionDescription": p.division_description,
                "tags": p.tags,
            }
            for p in products.order_by("description", "id")
        ]
    }


class VendorListParams(Params):
    id: Id | None = None
    name: Text | None = None
    code: Text | None = None
    port_origin: Annotated[str, Field(max_length=60)] | None = Field(default=None, alias="portOrigin")
    include_inactive: Bool = Field(default=False, alias="includeInactive")


class VendorRecord(Answer):
    id: int
    name: str
    code: str
    portOrigin: str
    cargoMasterCode: str | None
    active: bool


class VendorListAnswer(Answer):
    vendors: list[VendorRecord]


@api_method(
    "vendor.list",
    answer=VendorListAnswer,
    tokens={CO},
    params=VendorListParams,
    answer_key="vendors",
    area=AREA,
    summary="The company's vendors (growers); inactive ones only with includeInactive.",
)
def vendor_list(ctx: CallContext, params: VendorListParams) -> dict[str, Any]:
    vendors = Vendor.objects.filter(company=ctx.company)
    if not params.include_inactive:
        vendors = vendors.filter(active=True)
    if params.id is not None:
        vendors = vendors.filter(pk=params.id)
    if params.name:
        vendors = vendors.filter(name__icontains=params.name)
    if params.code:
        vendors = vendors.filter(code__iexact=params.code)
    if params.port_origin:
        vendors = vendors.filter(port_origin__iexact=params.port_origin)
    return {
        "vendors": [
            {
                "id": v.pk,
                "name": v.name,
                "code": v.code,
                "portOrigin": v.port_origin,
                "cargoMasterCode": None,
                "active": v.active,
            }
            for v in vendors.order_by("name", "id")
        ]
    }
