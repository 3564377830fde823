"""Companies (tenants), their locations, and who works for them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Company(models.Model):
    """A wholesaler. Its id is the Company ID that API clients send as `X-ACCOUNT`."""

    name = models.CharField(max_length=200)
    address = models.TextField(blank=True, help_text="Postal address, as printed on invoices.")
    # An IANA name (validated against the tz database by `stemlink.tenancy.rules`).
    time_zone = models.CharField(max_length=64, default="UTC")
    # An ISO 4217 code; every price and fee of the company is in this currency.
    currency = models.CharField(max_length=3, default="USD")
    logo = models.FileField(upload_to="logos/", blank=True)
    active = models.BooleanField(default=True)
    # Price A for a line without a price of its own: cost marked up to this gross margin.
    gross_margin_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("30.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("95"))],
    )
    transaction_fee_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.50"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    checkout_timer_minutes = models.PositiveIntegerField(
        default=30, validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    autoconfirm_on_checkout = models.BooleanField(default=False)
    standing_order_lead_days = models.PositiveIntegerField(
        default=7, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    paid_users = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    show_vendors = models.BooleanField(default=True, help_text="Show the grower's name to e-commerce buyers.")
    created_on = models.DateTimeField(auto_now_add=True)
    updated_on = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "companies"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} (#{self.pk})"


class Location(models.Model):
    """A warehouse or branch; a company always has at least one."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(max_length=120)
    short_name = models.CharField(max_length=30, blank=True)
    code = models.CharField(max_length=20)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="location_code_unique_per_company")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Role(models.TextChoices):
    ADMIN = "admin", "Administrator"
    SALES_REP = "sales_rep", "Sales rep"
    WAREHOUSE = "warehouse", "Warehouse"
    ACCOUNTING = "accounting", "Accounting"


class Membership(models.Model):
    """A user's place in one company, with the role that decides what they may do there."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.SALES_REP)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["user", "company"], name="one_membership_per_company")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.company.name} ({self.role})"


class FirstRun(models.Model):
    """The one row that says the install's first run happened: its primary key is always 1.

    Creating the first company inserts this row in the same transaction, so two first-run
    submissions at once cannot both succeed: the second insert of id 1 fails (PostgreSQL) or
    waits for the first writer and then finds a company (SQLite), and nothing of it is kept.
    """

    ONLY_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=ONLY_ID)
    # Kept when that company is later deleted: the first run stays done.
    company = models.ForeignKey(Company, on_delete=models.SET_NULL, null=True, related_name="+")
    done_on = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="first_run_single_row")]

    def __str__(self) -> str:
        return f"First run done on {self.done_on:%Y-%m-%d}"
