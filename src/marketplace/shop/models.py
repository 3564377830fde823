"""Florists, their carts, their checkouts (one order per supplier and origin) and standing orders."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from marketplace.suppliers.models import Supplier
from marketplace.sync.models import Offer, Origin


class Florist(models.Model):
    """A shop that buys on the marketplace; signs in with its e-mail and password."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="florist")
    shop_name = models.CharField(max_length=120)
    address = models.CharField(max_length=200)
    city = models.CharField(max_length=80)
    state = models.CharField(max_length=40)
    zipcode = models.CharField(max_length=12)
    country = models.CharField(max_length=40, default="US")
    phone = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.shop_name


class ShipToLink(models.Model):
    """The ship-to a supplier made for this florist under the marketplace customer (made once, kept)."""

    florist = models.ForeignKey(Florist, on_delete=models.CASCADE, related_name="ship_tos")
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="ship_tos")
    ship_to_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["florist", "supplier"], name="one_ship_to_per_supplier")
        ]

    def __str__(self) -> str:
        return f"{self.florist} @ {self.supplier}: {self.ship_to_id}"


class CartLine(models.Model):
    """Boxes of one offer a florist means to buy, with the ship date and the price seen."""

    florist = models.ForeignKey(Florist, on_delete=models.CASCADE, related_name="cart_lines")
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="+")
    # The offer may vanish at the next sync; the line then stays, marked unavailable.
    offer = models.ForeignKey(Offer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    inventory_origin = models.PositiveSmallIntegerField(choices=Origin.choices)
    inventory_ids = models.CharField(max_length=200)
    product_description = models.CharField(max_length=200)
    grade = models.CharField(max_length=60, blank=True)
    box_type_code = models.CharField(max_length=10, blank=True)
    units_per_box = models.PositiveIntegerField(default=0)
    price_per_unit = models.DecimalField(max_digits=12, decimal_places=3)
    boxes = models.PositiveIntegerField()
    ship_date = models.DateField()
    notice = models.CharField(max_length=300, blank=True)
    # Set while the line is being ordered: a second "Place order" (a double click, a second tab)
    # finds it taken and cannot order it twice. Cleared if that supplier refuses the order.
    checkout_order = models.ForeignKey(
        "SupplierOrder", on_delete=models.SET_NULL, null=True, blank=True, related_name="cart_lines"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["supplier_id", "inventory_origin", "id"]

    def __str__(self) -> str:
        return f"{self.boxes} × {self.product_description}"


class CheckoutAttempt(models.Model):
    """One press of "Place order": its key seeds every Idempotency-Key, so a retry repeats, not duplicates."""

    florist = models.ForeignKey(Florist, on_delete=models.CASCADE, related_name="checkouts")
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    customer_po = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"checkout {self.key}"


class SupplierOrder(models.Model):
    """The part of a checkout that goes to one supplier as one web order (on-hand or future lines)."""

    class State(models.TextChoices):
        PENDING = "pending", "Not sent yet"
        INTERRUPTED = "interrupted", "Interrupted: retry to finish"
        FAILED = "failed", "Refused"
        PLACED = "placed", "Placed"

    attempt = models.ForeignKey(CheckoutAttempt, on_delete=models.CASCADE, related_name="supplier_orders")
    florist = models.ForeignKey(Florist, on_delete=models.CASCADE, related_name="orders")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="orders")
    inventory_origin = models.PositiveSmallIntegerField(choices=Origin.choices)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    web_order_id = models.BigIntegerField(null=True, blank=True)
    invoice_id = models.BigIntegerField(null=True, blank=True)
    invoice_number = models.CharField(max_length=40, blank=True)
    prebook_id = models.BigIntegerField(null=True, blank=True)
    prebook_number = models.CharField(max_length=40, blank=True)
    message = models.CharField(max_length=500, blank=True)
    wholesaler_status = models.CharField(max_length=40, blank=True)
    status_checked_at = models.DateTimeField(null=True, blank=True)
    total = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    placed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"order {self.pk} to {self.supplier_id}: {self.state}"

    @property
    def document_number(self) -> str:
        return self.invoice_number or self.prebook_number


class OrderLine(models.Model):
    """One cart line as sent in a supplier order."""

    class State(models.TextChoices):
        PENDING = "pending"
        ADDED = "added"
        REFUSED = "refused"

    order = models.ForeignKey(SupplierOrder, on_delete=models.CASCADE, related_name="lines")
    cart_line = models.ForeignKey(
        CartLine, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    inventory_ids = models.CharField(max_length=200)
    product_description = models.CharField(max_length=200)
    box_type_code = models.CharField(max_length=10, blank=True)
    boxes = models.PositiveIntegerField()
    price_per_unit = models.DecimalField(max_digits=12, decimal_places=3)
    units_per_box = models.PositiveIntegerField(default=0)
    ship_date = models.DateField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    web_order_item_id = models.BigIntegerField(null=True, blank=True)
    problem = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.boxes} × {self.product_description}"


class StandingOrder(models.Model):
    """Boxes a florist wants every week on chosen days, created at the supplier."""

    florist = models.ForeignKey(Florist, on_delete=models.CASCADE, related_name="standing_orders")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="standing_orders")
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    product_code = models.CharField(max_length=60)
    product_description = models.CharField(max_length=200)
    box_type_code = models.CharField(max_length=10)
    boxes = models.PositiveIntegerField()
    price_per_unit = models.DecimalField(max_digits=12, decimal_places=3)
    days = models.CharField(max_length=80)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    standing_order_id = models.BigIntegerField(null=True, blank=True)
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.boxes} × {self.product_description} every {self.days}"
