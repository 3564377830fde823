"""What the marketplace knows of each wholesaler: its catalogue, its offers and its sync runs."""

from __future__ import annotations

from django.db import models

from marketplace.suppliers.models import Supplier


class Origin(models.IntegerChoices):
    ON_HAND = 1, "On hand"
    FUTURE = 2, "Future"


class CatalogItem(models.Model):
    """One record of a wholesaler's master data (product, box type, carrier, category) as last pulled."""

    class Kind(models.TextChoices):
        PRODUCT = "product"
        BOXTYPE = "boxtype"
        CARRIER = "carrier"
        CATEGORY = "category"

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="catalog_items")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    external_id = models.BigIntegerField()
    name = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["supplier", "kind", "external_id"], name="catalog_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.external_id} {self.name}"


class Offer(models.Model):
    """One e-commerce inventory line of a wholesaler, as the marketplace customer may buy it."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="offers")
    inventory_origin = models.PositiveSmallIntegerField(choices=Origin.choices)
    inventory_ids = models.CharField(max_length=200)
    company_product_id = models.BigIntegerField(null=True, blank=True)
    product_code = models.CharField(max_length=60, blank=True)
    product_description = models.CharField(max_length=200)
    category = models.CharField(max_length=100, blank=True)
    variety = models.CharField(max_length=100, blank=True)
    color = models.CharField(max_length=60, blank=True)
    grade = models.CharField(max_length=60, blank=True)
    box_type_id = models.BigIntegerField(null=True, blank=True)
    box_type_code = models.CharField(max_length=10, blank=True)
    unit_type = models.CharField(max_length=10, blank=True)
    bunches = models.PositiveIntegerField(default=0)
    stems_bunch = models.PositiveIntegerField(default=0)
    units_per_box = models.PositiveIntegerField(default=0)
    price_per_unit = models.DecimalField(max_digits=12, decimal_places=3)
    price_per_box = models.DecimalField(max_digits=12, decimal_places=2)
    boxes_available = models.PositiveIntegerField()
    available_from = models.DateField(null=True, blank=True)
    available_to = models.DateField(null=True, blank=True)
    vendor_name = models.CharField(max_length=120, blank=True)
    location_id = models.BigIntegerField(null=True, blank=True)
    updated_on = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["product_description", "price_per_unit", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "inventory_origin", "inventory_ids"], name="offer_once_per_line"
            )
        ]
        indexes = [models.Index(fields=["category"]), models.Index(fields=["color"])]

    def __str__(self) -> str:
        return f"{self.product_description} {self.grade} ({self.supplier_id}:{self.inventory_ids})"

    @property
    def is_future(self) -> bool:
        return self.inventory_origin == Origin.FUTURE

    @property
    def pack(self) -> str:
        if self.unit_type.lower() == "stem" or self.stems_bunch:
            return f"{self.bunches} × {self.stems_bunch}"
        return f"{self.bunches}"


class SyncRun(models.Model):
    """One sync of one supplier: what changed, how many calls it took, and what went wrong."""

    class Kind(models.TextChoices):
        FULL = "full"
        DELTA = "delta"

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="sync_runs")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    started_at = models.DateTimeField(db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    added = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)
    calls = models.PositiveIntegerField(default=0)
    errors = models.TextField(blank=True)
    ok = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} sync of {self.supplier_id} at {self.started_at:%Y-%m-%d %H:%M:%S}"

    @property
    def seconds(self) -> float | None:
        """How long the run took, or None while it runs."""
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


# Stemlink's event ids are UUIDs (36 characters); a longer id is refused with a message.
EVENT_ID_MAX_LENGTH = 100


class ReceivedWebhook(models.Model):
    """The id of a webhook event a supplier delivered: a redelivery of the same id is not acted on again.

    One row per (supplier, event id), enforced by the database, so two deliveries of one event
    racing each other act once. Rows older than WEBHOOK_EVENT_RETENTION_DAYS are swept by the worker.
    """

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="received_webhooks")
    event_id = models.CharField(max_length=EVENT_ID_MAX_LENGTH)
    received_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["supplier", "event_id"], name="received_webhook_once")]

    def __str__(self) -> str:
        return f"event {self.event_id} of {self.supplier_id}"
