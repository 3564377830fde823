"""Who buys: customers with their pricing terms, and the places they ship to."""

from __future__ import annotations

import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, validate_email
from django.db import models

from stemlink.catalog.models import Carrier
from stemlink.tenancy.models import Company


class PriceLevel(models.TextChoices):
    A = "A", "Price A"
    B = "B", "Price B"


class MarkupKind(models.TextChoices):
    PERCENT = "percent", "Percent"
    AMOUNT = "amount", "Amount per unit"


def validate_email_list(value: str) -> None:
    """Check one or more e-mail addresses separated by `;` (or `,`), as Komet's clients send them."""
    parts = [part.strip() for part in re.split(r"[;,]", value or "")]
    if not any(parts):
        return
    for part in parts:
        if not part:
            continue
        try:
            validate_email(part)
        except ValidationError:
            raise ValidationError(
                f"{part[:60]!r} is not an e-mail address; give addresses like ap@example.com, separated by ;"
            ) from None


class CustomerType(models.TextChoices):
    FLORIST = "florist", "Florist"
    WHOLESALER = "wholesaler", "Wholesaler"
    SUPERMARKET = "supermarket", "Supermarket"
    EVENT = "event", "Event planner"
    MARKETPLACE = "marketplace", "Marketplace"
    INTERNAL = "internal", "Internal (own location)"


class Customer(models.Model):
    """A buyer of the company. Its id is the Customer ID handed to a marketplace."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="customers")
    code = models.CharField(max_length=30)
    name = models.CharField(max_length=200)
    customer_type = models.CharField(
        max_length=20, choices=CustomerType.choices, default=CustomerType.FLORIST
    )
    active = models.BooleanField(default=True)
    accounting_code = models.CharField(max_length=40, blank=True)
    sales_rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    billing_address = models.CharField(max_length=200, blank=True)
    billing_city = models.CharField(max_length=100, blank=True)
    billing_state = models.CharField(max_length=50, blank=True)
    billing_zipcode = models.CharField(max_length=20, blank=True)
    billing_country = models.CharField(max_length=60, blank=True)
    shipping_address = models.CharField(max_length=200, blank=True)
    shipping_city = models.CharField(max_length=100, blank=True)
    shipping_state = models.CharField(max_length=50, blank=True)
    shipping_zipcode = models.CharField(max_length=20, blank=True)
    shipping_country = models.CharField(max_length=60, blank=True)
    email = models.EmailField(blank=True)
    email_for_invoices = models.CharField(
        max_length=1000,
        blank=True,
        validators=[validate_email_list],
        help_text="One or more e-mail addresses, separated by ; (as Komet takes them).",
    )
    phone = models.CharField(max_length=40, blank=True)
    # Komet's customer fields (customer.add, customer.details.get): kept and answered back as given.
    fax = models.CharField(max_length=40, blank=True)
    website = models.CharField(max_length=200, blank=True)
    email_for_statements = models.CharField(
        max_length=1000,
        blank=True,
        validators=[validate_email_list],
        help_text="One or more e-mail addresses, separated by ; (as Komet takes them).",
    )
    terms = models.CharField(max_length=100, blank=True, help_text="Payment terms, e.g. Net 30.")
    credit_hold = models.BooleanField(default=False)
    payment_method = models.CharField(max_length=60, blank=True)
    charge_fuel_surcharge = models.BooleanField(default=False)
    charge_tax = models.BooleanField(default=False)
    send_invoice_via = models.CharField(max_length=40, blank=True, help_text="e.g. Email, Fax, Print.")
    default_price = models.CharField(max_length=1, choices=PriceLevel.choices, default=PriceLevel.A)
    price_b_markup_kind = models.CharField(
        max_length=10, choices=MarkupKind.choices, default=MarkupKind.PERCENT
    )
    price_b_markup = models.DecimalField(
        max_digits=10, decimal_places=3, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )
    ecommerce_markup_kind = models.CharField(
        max_length=10, choices=MarkupKind.choices, default=MarkupKind.PERCENT
    )
    ecommerce_markup = models.DecimalField(
        max_digits=10, decimal_places=3, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )
    credit_limit = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        default=None,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Empty: unlimited (as Komet); 0 is a limit of zero.",
    )
    default_carrier = models.ForeignKey(
        Carrier, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_on = models.DateTimeField(auto_now_add=True)
    updated_on = models.DateTimeField(auto_now=True)
    # Moves whenever anything that changes this customer's prices changes, so a delta poll of the
    # e-commerce view knows to send every line again.
    pricing_updated_on = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="customer_code_unique_per_company"),
            models.CheckConstraint(
                condition=models.Q(price_b_markup__gte=0), name="customer_price_b_markup_nonneg"
            ),
            models.CheckConstraint(
                condition=models.Q(ecommerce_markup__gte=0), name="customer_ecommerce_markup_nonneg"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_internal(self) -> bool:
        return self.customer_type == CustomerType.INTERNAL


class ShipTo(models.Model):
    """A delivery address of a customer; a marketplace adds one per florist."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="ship_tos")
    code = models.CharField(max_length=30, blank=True)
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=50, blank=True)
    zipcode = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=60, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    fax = models.CharField(max_length=40, blank=True)
    carrier = models.ForeignKey(Carrier, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    carrier_account = models.CharField(max_length=60, blank=True)
    # Komet's sales-person codes of a ship-to, for flowers and for plants: kept as given.
    sales_person_code_flowers = models.CharField(max_length=30, blank=True)
    sales_person_code_plants = models.CharField(max_length=30, blank=True)
    active = models.BooleanField(default=True)
    updated_on = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "ship-to"
        ordering = ["id"]
        indexes = [models.Index(fields=["company", "customer"], name="shipto_company_customer")]

    def __str__(self) -> str:
        return f"{self.name} ({self.customer.code})"
