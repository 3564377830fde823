"""Changes to the catalogue that buyers can see, made so that every marketplace learns of them.

The e-commerce view (`stemlink.inventory.feed`) answers a delta with every line whose product
changed since (`Product.updated_on`). A product's own save moves that stamp; a category's does not,
so a change to a category that buyers see (its name, or `active`, which hides or shows all its
products) moves the stamp of each of its products in the same transaction.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from stemlink.catalog.models import BoxType, Carrier, Category, Product, Vendor
from stemlink.errors import FieldError, NotFound, ValidationFailed
from stemlink.tenancy.models import Company


def set_product_active(product: Product, active: bool) -> Product:
    """Show (True) or hide (False) a product's lines in every e-commerce view at once.

    Saving moves `updated_on`, so the next delta answers its lines (with quantity 0 when hidden).
    """
    product.active = active
    product.save(update_fields=["active", "updated_on"])
    return product


def save_category(category: Category) -> Category:
    """Save a category; when its name or `active` moved, move its products' change stamps too.

    A deactivated category hides all its products from the e-commerce view; the stamps put their
    lines in the next delta (quantity 0), and reactivating puts them back the same way.
    """
    with transaction.atomic():
        before = None
        if category.pk is not None:
            before = (
                Category.objects.select_for_update()
                .filter(pk=category.pk)
                .values_list("name", "active")
                .first()
            )
        category.save()
        if before is not None and before != (category.name, category.active):
            Product.objects.filter(category_id=category.pk).update(updated_on=timezone.now())
    return category


def set_category_active(category: Category, active: bool) -> Category:
    """Show (True) or hide (False) every product of a category in the e-commerce view at once."""
    category.active = active
    return save_category(category)


# The box sizes of the flower trade, with their full-box equivalents: a new company starts with
# them so its first inventory line can be entered without setting up box types first.
STANDARD_BOX_TYPES = (
    ("FB", "Full box", "1.000"),
    ("HB", "Half box", "0.500"),
    ("QB", "Quarter box", "0.250"),
)


def add_standard_box_types(company: Company) -> list[BoxType]:
    """Give `company` the standard box types (FB, HB, QB) it does not have yet."""
    return [
        BoxType.objects.get_or_create(
            company=company, code=code, defaults={"description": description, "fbe": Decimal(fbe)}
        )[0]
        for code, description, fbe in STANDARD_BOX_TYPES
    ]


# --- master data, as the back office's Setup pages and imports change it --------------------------


def _field_errors(error: DjangoValidationError) -> list[FieldError]:
    if hasattr(error, "message_dict"):
        return [
            FieldError("" if field == NON_FIELD_ERRORS else field, " ".join(str(m) for m in messages))
            for field, messages in error.message_dict.items()
        ]
    return [FieldError("", " ".join(str(m) for m in error.messages))]


def _apply(record: Any, changes: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValueError(f"{type(record).__name__} does not take {', '.join(unknown)} here")
    for name, value in changes.items():
        if value is None and name not in {"division_id", "komet_network_id"}:
            continue
        setattr(record, name, value.strip() if isinstance(value, str) else value)


def _visible(text: str) -> bool:
    """Tell whether `text` has a character a person can see (not only spaces, controls or marks)."""
    return any(not ch.isspace() and unicodedata.category(ch)[0] not in "CZ" for ch in text)


_NOUNS: dict[type, str] = {
    Product: "product",
    Category: "category",
    BoxType: "box type",
    Carrier: "carrier",
    Vendor: "grower",
}


def _checked_save(record: Any, *, unique: tuple[str, ...], exclude: list[str]) -> None:
    """Validate `record` (every bad field named), refuse a code or name another record of the company
    has, and save it; all or nothing."""
    errors: list[FieldError] = []
    try:
        record.full_clean(exclude=["company", *exclude], validate_unique=False, validate_constraints=False)
    except DjangoValidationError as error:
        errors.extend(_field_errors(error))
    for name in ("code", "name", "description"):
        value = getattr(record, name, None)
        if isinstance(value, str) and value and not _visible(value):
            errors.append(FieldError(name, "has no visible characters; type letters or digits"))
    model = type(record)
    for field in unique:
        value = getattr(record, field)
        if (
            value
            and model.objects.filter(company_id=record.company_id, **{field: value})
            .exclude(pk=record.pk)
            .exists()
        ):
            errors.append(FieldError(field, f"{value!r} is already used by another {_NOUNS[model]}"))
    if errors:
        raise ValidationFailed(errors)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        names = ", ".join(unique)
        raise ValidationFailed(FieldError(unique[0], f"another record already has this {names}")) from None


_PRODUCT_FIELDS = frozenset(
    {
        "code",
        "description",
        "variety",
        "color",
        "grade",
        "legacy_code",
        "tags",
        "active",
        "category_id",
        "division_id",
        "division_description",
    }
)


def save_product(company: Company, product: Product | None = None, **changes: Any) -> Product:
    """Add a product to `company` (product None) or change the given fields of one of its products.

    `category_id` must name an active or inactive category of the same company. A change to an
    existing product moves its `updated_on` (the delta feed's clock) and, through the post-save
    hook of `stemlink.inventory`, records an `inventory.changed` event for each of its lines on
    offer. Raises ValidationFailed naming every bad field.
    """
    if product is not None and product.company_id != company.pk:
        raise NotFound(f"There is no product {product.pk}.")
    record = product if product is not None else Product(company=company)
    category_id = changes.get("category_id")
    if category_id is not None and not Category.objects.filter(company=company, pk=category_id).exists():
        raise ValidationFailed(FieldError("category", f"there is no category {category_id}"))
    _apply(record, changes, _PRODUCT_FIELDS)
    if record.category_id is None:
        raise ValidationFailed(FieldError("category", "is required"))
    with transaction.atomic():
        _checked_save(record, unique=("code",), exclude=["category"])
    return record


def category_named(company: Company, name: str, *, create: bool = False) -> Category | None:
    """The company's category with this name (any case); made when `create` and there is none."""
    name = (name or "").strip()
    found = Category.objects.filter(company=company, name__iexact=name).first()
    if found is None and create and name:
        found = save_category_fields(company, None, name=name)
    return found


def save_category_fields(company: Company, category: Category | None = None, **changes: Any) -> Category:
    """Add a category (None) or change its name or `active`; see `save_category` for the feed."""
    if category is not None and category.company_id != company.pk:
        raise NotFound(f"There is no category {category.pk}.")
    record = category if category is not None else Category(company=company)
    _apply(record, changes, frozenset({"name", "active"}))
    with transaction.atomic():
        before = (
            Category.objects.select_for_update().filter(pk=record.pk).values_list("name", "active").first()
            if record.pk
            else None
        )
        _checked_save(record, unique=("name",), exclude=[])
        if before is not None and before != (record.name, record.active):
            Product.objects.filter(category_id=record.pk).update(updated_on=timezone.now())
    return record


def save_box_type(company: Company, box_type: BoxType | None = None, **changes: Any) -> BoxType:
    """Add a box type (None) or change one: code (1-3 capitals or digits), description, fbe."""
    if box_type is not None and box_type.company_id != company.pk:
        raise NotFound(f"There is no box type {box_type.pk}.")
    record = box_type if box_type is not None else BoxType(company=company)
    if isinstance(changes.get("code"), str):
        changes["code"] = changes["code"].strip().upper()
    _apply(record, changes, frozenset({"code", "description", "fbe"}))
    _checked_save(record, unique=("code",), exclude=[])
    return record


_CARRIER_FIELDS = frozenset(
    {"code", "name", "active", "street", "city", "state", "zip_code", "country", "phone"}
)


def save_carrier(company: Company, carrier: Carrier | None = None, **changes: Any) -> Carrier:
    """Add a carrier (None) or change one; an inactive carrier cannot be named on new orders."""
    if carrier is not None and carrier.company_id != company.pk:
        raise NotFound(f"There is no carrier {carrier.pk}.")
    record = carrier if carrier is not None else Carrier(company=company)
    _apply(record, changes, _CARRIER_FIELDS)
    _checked_save(record, unique=("code",), exclude=[])
    return record


def save_vendor(company: Company, vendor: Vendor | None = None, **changes: Any) -> Vendor:
    """Add a grower (None) or change one: code, name, port of origin, active."""
    if vendor is not None and vendor.company_id != company.pk:
        raise NotFound(f"There is no grower {vendor.pk}.")
    record = vendor if vendor is not None else Vendor(company=company)
    _apply(record, changes, frozenset({"code", "name", "port_origin", "active"}))
    _checked_save(record, unique=("code",), exclude=[])
    return record


# What Komet's `product.add` calls the fields `save_product` names.
_API_FIELD_NAMES = {"code": "productCode", "category": "categoryId"}


def add_product(
    company: Company, *, code: str, description: str, category: Category, **fields: Any
) -> Product:
    """Add a product to the catalogue (Komet's `product.add`): `save_product`, with every bad field
    named as the API names it. A code is unique per company whatever its case."""
    code = (code or "").strip()
    if code and Product.objects.filter(company=company, code__iexact=code).exists():
        raise ValidationFailed(
            FieldError("productCode", f"product code {code!r} is taken by another product")
        )
    try:
        return save_product(
            company, None, code=code, description=description, category_id=category.pk, **fields
        )
    except ValidationFailed as refused:
        raise ValidationFailed(
            [FieldError(_API_FIELD_NAMES.get(e.field, e.field), e.message) for e in refused.errors]
        ) from None
