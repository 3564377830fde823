"""Where stock comes from: purchase orders to growers, what was received on them, growers' offers,
hard goods, and the labels of received boxes.

A confirmed purchase-order line is future inventory (an `inventory.FutureLine`, offered at once);
each receipt against an air waybill is an on-hand line (`inventory.InventoryLine`) with the line's
cost. Prebook lines drawing on the future line are covered by received boxes in the order they were
made (`Cover`); a line closed short leaves the rest uncovered, for the rep to see.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from stemlink.catalog.models import BoxType, Carrier, Product, Vendor
from stemlink.customers.models import Customer
from stemlink.inventory.models import FutureLine, InventoryLine, UnitType
from stemlink.orders.models import Prebook, PrebookItem
from stemlink.purchasing import rules
from stemlink.tenancy.models import Company, Location


class POStatus(models.TextChoices):
    OPEN = rules.OPEN, "Open"
    CONFIRMED = rules.CONFIRMED, "Confirmed by grower"
    SHIPPED = rules.SHIPPED, "Shipped"
    RECEIVED = rules.RECEIVED, "Received"
    CANCELLED = rules.CANCELLED, "Cancelled"


class PurchaseOrder(models.Model):
    """Boxes bought from one grower for one ship date: for the open market, or for a customer."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="purchase_orders")
    ship_date = models.DateField(help_text="The day the grower ships.")
    arrival_date = models.DateField(help_text="The day the boxes are due at the warehouse.")
    awb = models.CharField("AWB", max_length=40, blank=True)
    carrier = models.ForeignKey(
        Carrier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The inbound carrier: who brings the boxes from the grower (Komet's carrierId).",
    )
    status = models.CharField(max_length=10, choices=POStatus.choices, default=POStatus.OPEN)
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Bought for this customer (its future boxes are offered to it alone).",
    )
    prebook = models.ForeignKey(
        Prebook, on_delete=models.PROTECT, null=True, blank=True, related_name="purchase_orders"
    )
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by_token_id = models.PositiveIntegerField(null=True, blank=True)
    created_on = models.DateTimeField(auto_now_add=True)
    updated_on = models.DateTimeField(auto_now=True)
    confirmed_on = models.DateTimeField(null=True, blank=True)
    received_on = models.DateTimeField(null=True, blank=True)
    cancelled_on = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["company", "ship_date"], name="po_company_shipdate"),
            models.Index(fields=["company", "vendor", "ship_date"], name="po_company_vendor_ship"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["location", "number"], name="po_number_unique_per_location"),
        ]

    def __str__(self) -> str:
        return f"PO {self.number} to {self.vendor_id} shipping {self.ship_date}"

    @property
    def komet_status(self) -> str:
        return rules.KOMET_NAMES[self.status]


class PurchaseOrderItem(models.Model):
    """A line of a purchase order: boxes of a product and pack at a unit cost."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    purchase_order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    box_type = models.ForeignKey(BoxType, on_delete=models.PROTECT, related_name="+")
    unit_type = models.CharField(max_length=5, choices=UnitType.choices, default=UnitType.STEM)
    bunches = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    stems_bunch = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    units_per_box = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    boxes = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    unit_cost = models.DecimalField(
        max_digits=10, decimal_places=3, validators=[MinValueValidator(Decimal("0"))]
    )
    price = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Sale price per unit of its future boxes; empty: cost marked up by the company margin.",
    )
    mixed_box = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Lines with the same number are the contents of the same mixed boxes.",
    )
    awb = models.CharField("AWB", max_length=40, blank=True)
    prebook_item = models.ForeignKey(
        PrebookItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="purchase_lines",
        help_text="The prebook line this line was bought for.",
    )
    future_line = models.ForeignKey(
        FutureLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    boxes_received = models.PositiveIntegerField(default=0)
    boxes_short = models.PositiveIntegerField(default=0)
    closed = models.BooleanField(default=False, help_text="Received in full, or closed short.")
    created_on = models.DateTimeField(auto_now_add=True)
    updated_on = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(boxes__gte=1), name="poitem_boxes_positive")]

    def __str__(self) -> str:
        return f"{self.boxes} x {self.product_id} on PO {self.purchase_order_id}"


class Receipt(models.Model):
    """Boxes of a purchase-order line received against an air waybill: one on-hand line."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(PurchaseOrderItem, on_delete=models.CASCADE, related_name="receipts")
    awb = models.CharField("AWB", max_length=40)
    boxes = models.PositiveIntegerField()
    inventory_line = models.ForeignKey(
        InventoryLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    shortage = models.PositiveIntegerField(default=0, help_text="Boxes that will never come (closed short).")
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    received_on = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.boxes} box(es) of PO line {self.item_id} on {self.awb}"


class Cover(models.Model):
    """Boxes of a prebook line that a receipt covered (`inventory_line` set) or left uncovered."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="covers")
    prebook_item = models.ForeignKey(PrebookItem, on_delete=models.CASCADE, related_name="covers")
    inventory_line = models.ForeignKey(
        InventoryLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    boxes = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    uncovered = models.BooleanField(default=False)
    resolved_on = models.DateTimeField(null=True, blank=True, help_text="When the rep dealt with it.")

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["company", "uncovered"], name="cover_company_uncovered")]

    def __str__(self) -> str:
        state = "uncovered" if self.uncovered else "covered"
        return f"{self.boxes} box(es) of prebook line {self.prebook_item_id} {state}"


class Box(models.Model):
    """One received box and its label (Komet's box code)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=rules.BOX_CODE_MAX)
    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="box_labels")
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="+")
    inventory_line = models.ForeignKey(InventoryLine, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="box_code_unique_per_company")
        ]

    def __str__(self) -> str:
        return self.code


class AvailabilityItem(models.Model):
    """A grower's offer: boxes of a product and pack it can ship between two dates (Komet's VA)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="availability")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    box_type = models.ForeignKey(BoxType, on_delete=models.PROTECT, related_name="+")
    unit_type = models.CharField(max_length=5, choices=UnitType.choices, default=UnitType.STEM)
    bunches = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    stems_bunch = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    units_per_box = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    boxes = models.PositiveIntegerField(help_text="Boxes offered.")
    boxes_booked = models.PositiveIntegerField(default=0)
    unit_cost = models.DecimalField(max_digits=10, decimal_places=3)
    price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    available_from = models.DateField()
    available_to = models.DateField()
    ship_via = models.PositiveSmallIntegerField(
        default=0, help_text="0 through the warehouse, 1 from the grower."
    )
    created_on = models.DateTimeField(auto_now_add=True)
    updated_on = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["company", "available_from"], name="avail_company_from")]
        constraints = [
            models.CheckConstraint(
                condition=Q(boxes_booked__lte=models.F("boxes")), name="avail_booked_within_boxes"
            ),
            models.CheckConstraint(
                condition=Q(available_to__gte=models.F("available_from")), name="avail_dates_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.boxes} box(es) of {self.product_id} offered by {self.vendor_id}"

    @property
    def free(self) -> int:
        return self.boxes - self.boxes_booked


class Booking(models.Model):
    """Boxes of a grower's offer booked into a prebook line (`prebook.vendor.availability.item.add`)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    availability_item = models.ForeignKey(AvailabilityItem, on_delete=models.PROTECT, related_name="bookings")
    prebook_item = models.ForeignKey(PrebookItem, on_delete=models.CASCADE, related_name="bookings")
    boxes = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    created_on = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.boxes} box(es) of offer {self.availability_item_id}"


class HardGood(models.Model):
    """Hard goods on hand (vases, ribbon, foam): counted in units of a pack, not boxes of flowers."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    sku = models.CharField(max_length=60, blank=True)
    quantity = models.PositiveIntegerField(help_text="Packs on hand.")
    pack_size = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    unit_cost = models.DecimalField(max_digits=10, decimal_places=3, default=Decimal("0"))
    unit_price = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    image = models.URLField(blank=True)
    created_on = models.DateTimeField(auto_now_add=True)
    updated_on = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["company", "location"], name="hardgood_company_location")]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.pack_size} of {self.product_id}"


class PaymentMethod(models.Model):
    """A way a customer pays (Cash, Check, Credit card…), named in `customer.add`'s paymentMethod."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=60)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["company", "name"], name="paymethod_name_unique_per_company")
        ]

    def __str__(self) -> str:
        return self.name


class InvoiceSync(models.Model):
    """An invoice an external accounting system took into its books (Komet's
    `invoice.mark.sync.status.ok`; `invoice.mark.sync.status.error` removes the mark)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    invoice = models.OneToOneField("orders.Invoice", on_delete=models.CASCADE, related_name="+")
    synced_on = models.DateTimeField(auto_now_add=True)
    synced_by_token_id = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"invoice {self.invoice_id} synced {self.synced_on:%Y-%m-%d}"
