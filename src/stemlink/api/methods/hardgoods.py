"""Hard goods (vases, ribbon, foam), products added by integrations, payment methods."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from stemlink.api.answers import Amount, Answer
from stemlink.api.params import Id, Int, Money
from stemlink.api.registry import CO, CallContext, Params, api_method
from stemlink.catalog.models import Category, Product, Vendor
from stemlink.catalog.services import add_product
from stemlink.errors import FieldError, NotFound, ValidationFailed
from stemlink.orders.resolvers import resolve_location
from stemlink.purchasing import queries, services
from stemlink.purchasing.models import PaymentMethod

AREA = "Purchasing"
Code = Annotated[str, Field(max_length=40)]


class HardGoodListParams(Params):
    locationId: Id
    vendorCode: Code = ""
    sku: Annotated[str, Field(max_length=60)] = ""
    category: Annotated[str, Field(max_length=100)] = ""


class HardGoodRecord(Answer):
    inventoryIds: str
    vendorId: int | None
    productId: int
    productDescription: str
    location: str
    category: str
    color: str
    sku: str
    quantity: int
    packSize: int
    totalUnits: int
    unitPrice: Amount
    image: str


class HardGoodListAnswer(Answer):
    inventoryItems: list[HardGoodRecord]


@api_method(
    "hardgood/inventory.list",
    answer=HardGoodListAnswer,
    tokens={CO},
    params=HardGoodListParams,
    answer_key="inventoryItems",
    area=AREA,
    summary="List hard goods on hand at a location, by grower code, SKU or category.",
)
def hardgood_inventory_list(ctx: CallContext, params: HardGoodListParams) -> dict[str, Any]:
    location = resolve_location(ctx.company, params.locationId)
    goods = queries.hard_goods(
        ctx.company,
        location_id=location.pk,
        vendor_code=params.vendorCode,
        sku=params.sku,
        category=params.category,
    )
    return {
        "inventoryItems": [
            {
                "inventoryIds": str(g.pk),
                "vendorId": g.vendor_id,
                "productId": g.product_id,
                "productDescription": g.product.description,
                "location": g.location.name,
                "category": g.product.category.name,
                "color": g.product.color,
                "sku": g.sku,
                "quantity": g.quantity,
                "packSize": g.pack_size,
                "totalUnits": g.quantity * g.pack_size,
                "unitPrice": g.unit_price,
                "image": g.image,
            }
            for g in goods[:5000]
        ]
    }


class HardGoodAddParams(Params):
    locationId: Id | None = None
    productId: Id | None = None
    productCode: Code | None = None
    vendorCode: Code | None = None
    sku: Annotated[str, Field(max_length=60)] = ""
    quantity: Int
    packSize: Int = 1
    unitCost: Money | None = None
    unitPrice: Money | None = None
    image: Annotated[str, Field(max_length=200)] = ""


class HardGoodAddAnswer(Answer):
    hardGoodInventoryId: int


@api_method(
    "hardgood.inventory.add",
    answer=HardGoodAddAnswer,
    tokens={CO},
    params=HardGoodAddParams,
    writes=True,
    area=AREA,
    summary="Put packs of a hard-goods product on hand; answers hardGoodInventoryId.",
)
def hardgood_inventory_add(ctx: CallContext, params: HardGoodAddParams) -> dict[str, Any]:
    products = Product.objects.filter(company=ctx.company)
    if params.productId is not None:
        product = products.filter(pk=params.productId).first()
    elif params.productCode:
        product = products.filter(code__iexact=params.productCode).first()
    else:
        raise ValidationFailed(FieldError("productId", "give productId or productCode"))
    if product is None:
        raise NotFound(f"Product {params.productId or params.productCode} was not found; check product.list.")
    vendor = None
    if params.vendorCode:
        vendor = Vendor.objects.filter(company=ctx.company, code__iexact=params.vendorCode).first()
        if vendor is None:
            raise NotFound(f"Vendor {params.vendorCode!r} was not found; check vendor.list.")
    good = services.add_hard_good(
        ctx.company,
        product=product,
        quantity=params.quantity,
        location=resolve_location(ctx.company, params.locationId),
        vendor=vendor,
        sku=params.sku,
        pack_size=params.packSize,
        unit_cost=params.unitCost,
        unit_price=params.unitPrice,
        image=params.image,
    )
    return {"hardGoodInventoryId": good.pk, "message": "success"}


class ProductAddParams(Params):
    productCode: Code
    description: Annotated[str, Field(max_length=200)]
    categoryId: Id | None = None
    category: Annotated[str, Field(max_length=100)] | None = None
    variety: Annotated[str, Field(max_length=100)] = ""
    color: Annotated[str, Field(max_length=50)] = ""
    grade: Annotated[str, Field(max_length=30)] = ""
    legacyCode: Code = ""
    divisionId: Int | None = None
    tags: Annotated[str, Field(max_length=200)] = ""


class ProductAddAnswer(Answer):
    productId: int


DIVISIONS = {1: "FreshCutFlowers", 2: "Plants", 3: "Hard Goods"}


@api_method(
    "product.add",
    answer=ProductAddAnswer,
    tokens={CO},
    params=ProductAddParams,
    writes=True,
    area=AREA,
    summary="Add a product to the catalogue (code, description, category; variety, color, grade, division).",
)
def product_add(ctx: CallContext, params: ProductAddParams) -> dict[str, Any]:
    categories = Category.objects.filter(company=ctx.company)
    if params.categoryId is not None:
        category = categories.filter(pk=params.categoryId).first()
    elif params.category:
        category = categories.filter(name__iexact=params.category).first()
    else:
        raise ValidationFailed(FieldError("categoryId", "give categoryId or category (see category.list)"))
    if category is None:
        raise NotFound(f"Category {params.categoryId or params.category} was not found; check category.list.")
    if params.divisionId is not None and params.divisionId not in DIVISIONS:
        raise ValidationFailed(
            FieldError("divisionId", "must be 1 (fresh cut flowers), 2 (plants) or 3 (hard goods)")
        )
    product = add_product(
        ctx.company,
        code=params.productCode,
        description=params.description,
        category=category,
        variety=params.variety,
        color=params.color,
        grade=params.grade,
        legacy_code=params.legacyCode,
        division_id=params.divisionId,
        division_description=DIVISIONS.get(params.divisionId or 0, ""),
        tags=params.tags,
    )
    return {"productId": product.pk, "message": "The product was successfully added."}


class PaymentMethodRecord(Answer):
    id: int
    name: str
    active: bool


class PaymentMethodListAnswer(Answer):
    paymentMethods: list[PaymentMethodRecord]


@api_method(
    "payment.method.list",
    answer=PaymentMethodListAnswer,
    tokens={CO},
    answer_key="paymentMethods",
    area=AREA,
    summary="List the company's payment methods (the names customer.add's paymentMethod takes).",
)
def payment_method_list(ctx: CallContext, params: Params) -> dict[str, Any]:
    methods = PaymentMethod.objects.filter(company=ctx.company).order_by("name")
    return {"paymentMethods": [{"id": m.pk, "name": m.name, "active": m.active} for m in methods]}
