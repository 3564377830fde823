"""Stock: boxes on hand in a warehouse, and boxes confirmed to arrive (future lines).

Both kinds count boxes held in open carts and boxes sold; the database refuses any row where the
counts go negative or held + sold passes what there is, as the last guard against oversell.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Self

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from stemlink.catalog.models import BoxType, Product, Vendor
from stemlink.customers.models import Customer
from stemlink.tenancy.models import Company, Location


class UnitType(models.TextChoices):
    STEM = "Stem", "Stem"
    BUNCH = "Bunch", "Bunch"


class InventoryType(models.TextChoices):
    OPEN_MARKET = "M", "Open market"
    LOCAL = "L", "Local"
    STANDING_ORDER = "S", "Standing order"
    PREBOOK = "P", "Prebook"


ON_HAND = 1  # e-commerce origin of an on-hand line
FUTURE = 2  # e-commerce origin of a future line


class LineQuerySet(models.QuerySet):
    """What several places ask of on-hand and future lines, said once."""

    def with_free(self) -> Self:
        """Annotate each line with `free`: its boxes not held and not sold."""
        total = self.model.TOTAL_FIELD
        return self.annotate(free=F(total) - F("boxes_held") - F("boxes_sold"))

    def with_free_boxes(self) -> Self:
        """Lines with at least one box free (annotated with `free`)."""
        return self.with_free().filter(free__gt=0)

    def sellable(self) -> Self:
        """Lines any customer may buy on the marketplace: unreserved, with boxes free, and for on-hand
        lines open-market ones (the other types are the wholesaler's own)."""
        lines = self.filter(reserved_for__isnull=True)
        if self.model is InventoryLine:
            lines = lines.filter(inventory_type=InventoryType.OPEN_MARKET)
        return lines.with_free_boxes()


class Pack(models.Model):
    """The product and how it is packed: shared by on-hand and future lines."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    box_type = models.ForeignKey(BoxType, on_delete=models.PROTECT, related_name="+")
    unit_type = models.CharField(max_length=5, choices=UnitType.choices, default=UnitType.STEM)
    bunches = models.PositiveIntegerField(validators=[MinValueValidator(1)], help_text="Bunches per box.")
    stems_bunch = models.PositiveIntegerField(validators=[MinValueValidator(1)], help_text="Stems per bunch.")
    units_per_box = models.PositiveIntegerField(
        validators=[MinValueValidator(1)],
        help_text="Stems per box for Stem lines, bunches per box for Bunch lines.",
    )
    unit_cost = models.DecimalField(
        max_digits=10, decimal_places=3, validators=[MinValueValidator(Decimal("0"))]
    )
    # Price A per unit; empty means cost marked up by the company's gross margin.
    price = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))]
    )
    reserved_for = models.ForeignKey(
        Customer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Offered to this customer only (e.g. inventory kept exclusively for a marketplace).",
    )
    created_on = models.DateTimeField(auto_now_add=True)
    # Moves on every change a buyer could see (holds, sales, price, reservation): the delta feed's clock.
    updated_on = models.DateTimeField(auto_now=True, db_index=True)

    objects = LineQuerySet.as_manager()

    # The field that counts the line's boxes (on hand, or to arrive).
    TOTAL_FIELD = ""

    class Meta:
        abstract = True


class InventoryLine(Pack):
    """Boxes on hand (Komet's orderItemId): e-commerce origin 1."""

    TOTAL_FIELD = "boxes_on_hand"

    inventory_type = models.CharField(
        max_length=1, choices=InventoryType.choices, default=InventoryType.OPEN_MARKET
    )
    boxes_on_hand = models.PositiveIntegerField(default=0)
    boxes_held = models.PositiveIntegerField(default=0)
    boxes_sold = models.PositiveIntegerField(default=0)
    awb = models.CharField("AWB", max_length=40, blank=True)
    lot_number = models.CharField(max_length=40, blank=True)
    ship_date = models.DateField(null=True, blank=True)
    arrival_date = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = "on-hand line"
        ordering = ["id"]
        indexes = [
            models.Index(fields=["company", "inventory_type"], name="invline_company_type"),
            models.Index(fields=["company", "updated_on"], name="invline_company_updated"),
            # The e-commerce view: equality on the first three, then id order for paging, then
            # every column its conditions read, so counting and skipping never touch the table.
            models.Index(
                fields=[
                    "company",
                    "reserved_for",
                    "inventory_type",
                    "id",
                    "boxes_on_hand",
                    "boxes_held",
                    "boxes_sold",
                    "product",
                    "location",
                ],
                name="invline_ecommerce",
            ),
            # What everyone may buy now, the lines a marketplace's full sync walks page by page.
            # It holds the product too: the view skips lines of inactive products (see
            # stemlink.inventory.feed), and reading that from the table would cost a row per line.
            models.Index(
                fields=["company", "id", "location", "product"],
                name="invline_sellable",
                condition=Q(reserved_for__isnull=True, inventory_type="M")
                & Q(boxes_on_hand__gt=F("boxes_held") + F("boxes_sold")),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(boxes_on_hand__gte=0), name="invline_on_hand_nonneg"),
            models.CheckConstraint(condition=Q(boxes_held__gte=0), name="invline_held_nonneg"),
            models.CheckConstraint(condition=Q(boxes_sold__gte=0), name="invline_sold_nonneg"),
            models.CheckConstraint(
                condition=Q(boxes_held__lte=F("boxes_on_hand") - F("boxes_sold")),
                name="invline_held_plus_sold_within_on_hand",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.boxes_on_hand} box(es) of product {self.product_id}"


class FutureLine(Pack):
    """A confirmed purchase line, boxes that will arrive (Komet's inventoryId): origin 2."""

    TOTAL_FIELD = "boxes"

    boxes = models.PositiveIntegerField(default=0)
    boxes_held = models.PositiveIntegerField(default=0)
    boxes_sold = models.PositiveIntegerField(default=0)
    available_from = models.DateField()
    available_to = models.DateField()

    class Meta:
        verbose_name = "future line"
        ordering = ["id"]
        indexes = [
            models.Index(fields=["company", "updated_on"], name="futline_company_updated"),
            # The e-commerce view, as for on-hand lines: see InventoryLine. It also serves date
            # searches by company (a separate (company, available_from) index lured SQLite's
            # planner into sorting every page).
            models.Index(
                fields=[
                    "company",
                    "reserved_for",
                    "id",
                    "boxes",
                    "boxes_held",
                    "boxes_sold",
                    "available_from",
                    "available_to",
                    "product",
                    "location",
                ],
                name="futline_ecommerce",
            ),
            models.Index(
                fields=["company", "id", "available_from", "available_to", "location", "product"],
                name="futline_sellable",
                condition=Q(reserved_for__isnull=True) & Q(boxes__gt=F("boxes_held") + F("boxes_sold")),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(boxes__gte=0), name="futline_boxes_nonneg"),
            models.CheckConstraint(condition=Q(boxes_held__gte=0), name="futline_held_nonneg"),
            models.CheckConstraint(condition=Q(boxes_sold__gte=0), name="futline_sold_nonneg"),
            models.CheckConstraint(
                condition=Q(boxes_held__lte=F("boxes") - F("boxes_sold")),
                name="futline_held_plus_sold_within_boxes",
            ),
            models.CheckConstraint(
                condition=Q(available_to__gte=F("available_from")), name="futline_dates_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.boxes} future box(es) of product {self.product_id}"


def line_model(origin: int) -> type[InventoryLine] | type[FutureLine]:
    """The model of an e-commerce origin: 1 on hand, 2 future. Raises ValueError for any other."""
    if origin == ON_HAND:
        return InventoryLine
    if origin == FUTURE:
        return FutureLine
    raise ValueError(f"there is no inventory origin {origin!r}: 1 is on hand, 2 future")
