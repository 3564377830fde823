"""Changes to the catalogue that buyers can see, made so that every marketplace learns of them.

The e-commerce view (`stemlink.inventory.feed`) answers a delta with every line whose product
changed since (`Product.updated_on`). A product's own save moves that stamp; a category's does not,
so a change to a category that buyers see (its name, or `active`, which hides or shows all its
products) moves the stamp of each of its products in the same transaction.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from stemlink.catalog.models import BoxType, Category, Product
from stemlink.errors import FieldError, ValidationFailed
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


def add_product(
    company: Company,
    *,
    code: str,
    description: str,
    category: Category,
    variety: str = "",
    color: str = "",
    grade: str = "",
    legacy_code: str = "",
    division_id: int | None = None,
    division_description: str = "",
    tags: str = "",
) -> Product:
    """Add a product to the catalogue (Komet's `product.add`). Raises ValidationFailed for a code
    another product has, or a blank description."""
    code, description = (code or "").strip(), (description or "").strip()
    errors = []
    if not code:
        errors.append(FieldError("productCode", "is required: the product code"))
    elif Product.objects.filter(company=company, code__iexact=code).exists():
        errors.append(FieldError("productCode", f"product code {code!r} is taken by another product"))
    if not description:
        errors.append(FieldError("description", "is required"))
    if errors:
        raise ValidationFailed(errors)
    return Product.objects.create(
        company=company,
        code=code,
        description=description,
        category=category,
        variety=variety,
        color=color,
        grade=grade,
        legacy_code=legacy_code,
        division_id=division_id,
        division_description=division_description,
        tags=tags,
    )
