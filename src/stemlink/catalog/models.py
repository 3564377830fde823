"""What a wholesaler sells and ships with: categories, products, box types, carriers, growers."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models

from stemlink.tenancy.models import Company


class Category(models.Model):
    """A product family: Roses, Spray Roses, Carnations, …"""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(max_length=100)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "categories"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["company", "name"], name="category_name_unique_per_company")
        ]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    """A sellable flower: `code` is Komet's productCode, the id its companyProductId."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="products")
    code = models.CharField(max_length=40)
    description = models.CharField(max_length=200)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    variety = models.CharField(max_length=100, blank=True)
    color = models.CharField(max_length=50, blank=True)
    grade = models.CharField(max_length=30, blank=True, help_text="Stem length or quality grade, e.g. 50cm.")
    legacy_code = models.CharField(max_length=40, blank=True)
    division_id = models.PositiveIntegerField(null=True, blank=True)
    division_description = models.CharField(max_length=100, blank=True)
    tags = models.CharField(max_length=200, blank=True, help_text="Comma-separated.")
    active = models.BooleanField(default=True)
    updated_on = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["description"]
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="product_code_unique_per_company")
        ]
        # The e-commerce view reads the newest product change of a company on every page (a
        # deactivated product must drop out of a remembered total): one index walk, not a scan.
        indexes = [models.Index(fields=["company", "updated_on"], name="product_company_updated")]

    def __str__(self) -> str:
        return f"{self.description} [{self.code}]"


class BoxType(models.Model):
    """A box size: FB (full), HB (half), QB (quarter); `fbe` is its full-box equivalent."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="box_types")
    code = models.CharField(
        max_length=3,
        validators=[RegexValidator(r"^[A-Z0-9]{1,3}$", "Use 1 to 3 capital letters or digits, e.g. HB.")],
    )
    description = models.CharField(max_length=60, blank=True)
    fbe = models.DecimalField(
        max_digits=5,
        decimal_places=3,
        default=Decimal("1.000"),
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    komet_network_id = models.PositiveIntegerField(null=True, blank=True)
    komet_network_name = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="boxtype_code_unique_per_company"),
            models.CheckConstraint(condition=models.Q(fbe__gt=0), name="boxtype_fbe_positive"),
        ]

    def __str__(self) -> str:
        return self.code


class Carrier(models.Model):
    """A trucking or air company that takes boxes to customers."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="carriers")
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=120)
    active = models.BooleanField(default=True)
    street = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=50, blank=True)
    zip_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=60, blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="carrier_code_unique_per_company")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Vendor(models.Model):
    """A grower or farm the wholesaler buys from."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="vendors")
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=120)
    port_origin = models.CharField(max_length=60, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="vendor_code_unique_per_company")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
