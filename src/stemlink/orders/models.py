"""Orders: the marketplace's carts (web orders), the documents they become, and the fee ledger.

- A **web order** is a cart: its items hold boxes of on-hand (origin 1) or future (origin 2) lines.
- At checkout, on-hand items become an **invoice** (numbered with the `W` prefix) and future items a
  **prebook**; held boxes become sold.
- A **standing order** is a weekly template that generates one prebook per truck date.
- The **fee ledger** records the transaction fee of every document created through the API, and a
  negative entry when the document is voided.

Numbers come from `DocumentCounter`, one row per company, location and sequence, bumped with a
conditional update so two checkouts never get the same number.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Self

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from stemlink.catalog.models import BoxType, Carrier, Product, Vendor
from stemlink.customers.models import Customer, ShipTo
from stemlink.inventory.models import FutureLine, InventoryLine, UnitType
from stemlink.tenancy.models import Company, Location

ZERO = Decimal("0.00")


class Origin(models.IntegerChoices):
    """Where the boxes of an e-commerce line come from (Komet's inventoryOrigin)."""

    ON_HAND = 1, "On hand"
    FUTURE = 2, "Future"


class SalesChannel(models.TextChoices):
    NONE = "", "Unknown"
    WEB_APP = "WEB_APP", "Web app"
    MOBILE_APP = "MOBILE_APP", "Mobile app"
    K2K = "K2K", "K2K"
    ECOMMERCE_LITE = "ECOMMERCE_LITE", "E-commerce lite"


class DocumentCounter(models.Model):
    """The last number handed out in one numbering sequence of a location.

    Sequences: `invoice` (all invoice prefixes share it, so a bare `invoiceNumber` names one
    invoice per location), `prebook`, `web_order`, `standing_order`.
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    sequence = models.CharField(max_length=20)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "location", "sequence"], name="doccounter_unique_sequence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sequence}@{self.location_id}: {self.last_number}"


# --------------------------------------------------------------------------------------------
# Web orders
# --------------------------------------------------------------------------------------------


class WebOrderStatus(models.IntegerChoices):
    """Komet's statusId: 1 Pending, 2 Checked out; ours adds the two ways a cart ends unsold."""

    PENDING = 1, "Pending"
    CHECKED_OUT = 2, "Checked out"
    EXPIRED = 3, "Expired"
    CANCELLED = 4, "Cancelled"


class WebOrder(models.Model):
    """A marketplace cart. Its items hold boxes until checkout, expiry or deletion."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="web_orders")
    ship_to = models.ForeignKey(ShipTo, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    ship_date = models.DateField(null=True, blank=True)
    # Set by the first item: on-hand and future lines never share a web order.
    origin = models.PositiveSmallIntegerField(choices=Origin.choices, null=True, blank=True)
    status = models.PositiveSmallIntegerField(choices=WebOrderStatus.choices, default=WebOrderStatus.PENDING)
    number = models.PositiveIntegerField()
    customer_po = models.CharField("customer PO", max_length=60, blank=True)
    sales_channel = models.CharField(max_length=20, choices=SalesChannel.choices, blank=True, default="")
    # The API token that opened it (no foreign key: the api app sits above orders).
    created_by_token_id = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField()
    # Order entry: a sales rep's order taken in the back office holds its boxes in a web order of
    # its own, which the API never sees; the documents it becomes carry no marketplace fee.
    rep_entered = models.BooleanField(default=False)
    created_on = models.DateTimeField(auto_now_add=True)
    updated_on = models.DateTimeField(auto_now=True)
    checked_out_on = models.DateTimeField(null=True, blank=True)
    ended_on = models.DateTimeField(null=True, blank=True, help_text="When it expired or was cancelled.")

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="weborder_status_expires"),
            models.Index(fields=["company", "customer", "status"], name="weborder_company_cust_status"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["company", "location", "number"], name="weborder_number_unique"),
        ]

    def __str__(self) -> str:
        return f"Web order {self.number} ({self.get_status_display()})"


class DocumentLine(models.Model):
    """What cart, invoice and prebook lines share: product, pack, boxes, unit price and total."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    box_type = models.ForeignKey(BoxType, on_delete=models.PROTECT, related_name="+")
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    unit_type = models.CharField(max_length=5, choices=UnitType.choices, default=UnitType.STEM)
    bunches = models.PositiveIntegerField(default=1)
    stems_bunch = models.PositiveIntegerField(default=1)
    units_per_box = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    boxes = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    mark_code = models.CharField(max_length=60, blank=True)

    # The product and pack a line is sold in: what an inventory line (or a cart line) hands on.
    PACK_FIELDS = (
        "product_id",
        "box_type_id",
        "vendor_id",
        "unit_type",
        "bunches",
        "stems_bunch",
        "units_per_box",
    )

    class Meta:
        abstract = True

    def take_pack_from(self, source: Any) -> Self:
        """Take the product and pack of `source` (an on-hand or future line, or another document
        line): product, box type, grower, unit type, bunches, stems per bunch, units per box."""
        for name in self.PACK_FIELDS:
            setattr(self, name, getattr(source, name))
        return self


class WebOrderItem(DocumentLine):
    """A line of a cart: boxes held on one on-hand or future line at the customer's price."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    web_order = models.ForeignKey(WebOrder, on_delete=models.CASCADE, related_name="items")
    origin = models.PositiveSmallIntegerField(choices=Origin.choices)
    inventory_line = models.ForeignKey(
        InventoryLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    future_line = models.ForeignKey(
        FutureLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    date = models.DateField(help_text="Ship date the buyer chose.")
    # Whether the boxes are still held for this item (False once sold at checkout or released).
    holding = models.BooleanField(default=True)
    created_on = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(boxes__gte=1), name="weborderitem_boxes_positive"),
            models.CheckConstraint(
                condition=(Q(origin=1, inventory_line__isnull=False, future_line__isnull=True))
                | (Q(origin=2, future_line__isnull=False, inventory_line__isnull=True)),
                name="weborderitem_line_matches_origin",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.boxes} x {self.product_id} on web order {self.web_order_id}"

    @property
    def line_id(self) -> int:
        return int(self.inventory_line_id if self.origin == Origin.ON_HAND else self.future_line_id)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Invoices
# --------------------------------------------------------------------------------------------


class InvoiceStatus(models.IntegerChoices):
    """Komet's invoice status codes."""

    PENDING = 0, "Pending Approval"
    CONFIRMED = 1, "Confirmed"
    DRAFT = 2, "Draft"
    VOIDED = 4, "Voided"


class InvoicePrefix(models.TextChoices):
    NONE = "", "Order"
    WEB = "W", "Web order"
    TRANSFER = "T", "Transfer"


class Invoice(models.Model):
    """An order of on-hand boxes (Komet calls these invoices or orders)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    # Unique per location across prefixes, so the bare `invoiceNumber` the API takes names one invoice.
    number = models.PositiveIntegerField()
    prefix = models.CharField(max_length=2, choices=InvoicePrefix.choices, blank=True, default="")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="invoices")
    ship_to = models.ForeignKey(ShipTo, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # For a transfer (prefix T): the company's own location the boxes go to.
    to_location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ship_date = models.DateField()
    status = models.PositiveSmallIntegerField(choices=InvoiceStatus.choices, default=InvoiceStatus.PENDING)
    po_number = models.CharField("PO number", max_length=60, blank=True)
    reference = models.CharField(max_length=60, blank=True, help_text="AWB or other reference.")
    notes = models.TextField(blank=True)
    warehouse_instructions = models.TextField(blank=True)
    is_ecommerce = models.BooleanField(default=False)
    sales_channel = models.CharField(max_length=20, choices=SalesChannel.choices, blank=True, default="")
    web_order = models.ForeignKey(
        WebOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices"
    )
    void_reason = models.CharField(max_length=300, blank=True)
    # Taken by a sales rep in the back office (order entry): no marketplace fee, ever.
    rep_entered = models.BooleanField(default=False)
    subtotal = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    additional_charges = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    total = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by_token_id = models.PositiveIntegerField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_on = models.DateTimeField(auto_now_add=True)
    updated_on = models.DateTimeField(auto_now=True, db_index=True)
    confirmed_on = models.DateTimeField(null=True, blank=True)
    voided_on = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            # The back office's lists: newest first, by status, and its search by number; Home's days.
            models.Index(fields=["company", "status", "created_on", "id"], name="invoice_company_status_new"),
            models.Index(fields=["company", "created_on", "id"], name="invoice_company_created"),
            # Home's today figures and 28-day chart read their window from this index alone.
            models.Index(
                fields=["company", "created_on", "is_ecommerce", "sales_channel", "status", "total"],
                name="invoice_company_created_cover",
            ),
            models.Index(fields=["company", "number"], name="invoice_company_number"),
            # The API's invoice.list: a range of ship dates in (ship date, id) order, read in index order.
            models.Index(fields=["company", "ship_date", "id"], name="invoice_company_ship_id"),
            # One customer's invoices newest first, and the search by a customer's name (the
            # matching customers' invoices, read from this index alone, then sorted).
            models.Index(
                fields=["company", "customer", "created_on", "id"], name="invoice_company_cust_created"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["location", "number"], name="invoice_number_unique_per_location"),
        ]

    def __str__(self) -> str:
        return f"Invoice {self.display_number} ({self.get_status_display()})"

    @property
    def display_number(self) -> str:
        return f"{self.prefix}{self.number}"


class InvoiceItem(DocumentLine):
    """A line of an invoice: boxes sold from an on-hand line (or, without one, by product and pack)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="items")
    inventory_line = models.ForeignKey(
        InventoryLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    web_order_item = models.ForeignKey(
        WebOrderItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="invoice_items"
    )
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2, default=ZERO)
    product_alias = models.CharField(max_length=200, blank=True)
    notes = models.CharField(max_length=300, blank=True)
    created_on = models.DateTimeField(auto_now_add=True)
    updated_on = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(boxes__gte=1), name="invoiceitem_boxes_positive")]

    def __str__(self) -> str:
        return f"{self.boxes} x {self.product_id} on invoice {self.invoice_id}"


# --------------------------------------------------------------------------------------------
# Prebooks and standing orders
# --------------------------------------------------------------------------------------------


class PrebookType(models.TextChoices):
    REGULAR = "R", "Prebook"
    STANDING = "S", "Standing order"
    HOLIDAY = "D", "Holiday"


class CheckoutStatus(models.IntegerChoices):
    """Komet's checkOutStatus of a prebook."""

    PENDING = 0, "Pending"
    CHECKED_OUT = 1, "Checked out"


class PrebookStatus(models.IntegerChoices):
    OPEN = 1, "Open"
    CANCELLED = 2, "Cancelled"


class StandingOrderStatus(models.IntegerChoices):
    ACTIVE = 1, "Active"
    PAUSED = 2, "Paused"
    CANCELLED = 3, "Cancelled"


class StandingOrder(models.Model):
    """A weekly template: a prebook for each chosen weekday between start and end dates."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="standing_orders")
    ship_to = models.ForeignKey(ShipTo, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="+")
    recurrence = models.CharField(max_length=10, default="weekly")
    # Canonical comma list of weekday names in week order, e.g. "Monday,Thursday".
    days = models.CharField(max_length=80)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    status = models.PositiveSmallIntegerField(
        choices=StandingOrderStatus.choices, default=StandingOrderStatus.ACTIVE
    )
    customer_po = models.CharField("customer PO", max_length=60, blank=True)
    comments = models.TextField(blank=True)
    is_ecommerce = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by_token_id = models.PositiveIntegerField(null=True, blank=True)
    created_on = models.DateTimeField(auto_now_add=True)
    updated_on = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["company", "status"], name="standing_company_status")]
        constraints = [
            models.UniqueConstraint(fields=["company", "location", "number"], name="standing_number_unique"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="standing_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"Standing order {self.number} ({self.days})"


class StandingOrderItem(models.Model):
    """What each generated prebook contains."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    standing_order = models.ForeignKey(StandingOrder, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    box_type = models.ForeignKey(BoxType, on_delete=models.PROTECT, related_name="+")
    unit_type = models.CharField(max_length=5, choices=UnitType.choices, default=UnitType.STEM)
    bunches = models.PositiveIntegerField(null=True, blank=True)
    stems_bunch = models.PositiveIntegerField(null=True, blank=True)
    units_per_box = models.PositiveIntegerField(null=True, blank=True)
    boxes = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    mark_code = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(boxes__gte=1), name="standingitem_boxes_positive")]

    def __str__(self) -> str:
        return f"{self.boxes} x {self.product_id} every {self.standing_order.days}"


class Prebook(models.Model):
    """An order for a future truck date, filled from future inventory or bought for it."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="prebooks")
    ship_to = models.ForeignKey(ShipTo, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    vendor = models.ForeignKey(
        Vendor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Set when a vendor made it.",
    )
    truck_date = models.DateField()
    customer_po = models.CharField("customer PO", max_length=60, blank=True)
    comments = models.TextField(blank=True)
    is_ecommerce = models.BooleanField(default=False)
    ship_via = models.PositiveSmallIntegerField(
        default=0, help_text="0 ship from warehouse, 1 straight from grower."
    )
    type = models.CharField(max_length=1, choices=PrebookType.choices, default=PrebookType.REGULAR)
    checkout_status = models.PositiveSmallIntegerField(
        choices=CheckoutStatus.choices, default=CheckoutStatus.PENDING
    )
    status = models.PositiveSmallIntegerField(choices=PrebookStatus.choices, default=PrebookStatus.OPEN)
    web_order = models.ForeignKey(
        WebOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="prebooks"
    )
    standing_order = models.ForeignKey(
        StandingOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="prebooks"
    )
    sales_channel = models.CharField(max_length=20, choices=SalesChannel.choices, blank=True, default="")
    # Taken by a sales rep in the back office (order entry): no marketplace fee, ever.
    rep_entered = models.BooleanField(default=False)
    subtotal = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    total = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by_token_id = models.PositiveIntegerField(null=True, blank=True)
    created_on = models.DateTimeField(auto_now_add=True)
    updated_on = models.DateTimeField(auto_now=True, db_index=True)
    cancelled_on = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            # The Prebooks list (latest truck date first) and Home's days.
            models.Index(fields=["company", "truck_date", "id"], name="prebook_company_truck_id"),
            # Home's today figures and 28-day chart read their window from this index alone.
            models.Index(
                fields=["company", "created_on", "is_ecommerce", "sales_channel", "status", "total"],
                name="prebook_company_created_cover",
            ),
            models.Index(fields=["company", "customer"], name="prebook_company_customer"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["location", "number"], name="prebook_number_unique_per_location"),
            # Generation runs again and again; each truck date of a standing order gets one prebook.
            models.UniqueConstraint(
                fields=["standing_order", "truck_date"],
                condition=Q(standing_order__isnull=False),
                name="prebook_once_per_standing_truck_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Prebook {self.number} for {self.truck_date}"


class PrebookItem(DocumentLine):
    """A line of a prebook: boxes of a future line, or of a product and pack to be bought."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    prebook = models.ForeignKey(Prebook, on_delete=models.CASCADE, related_name="items")
    future_line = models.ForeignKey(
        FutureLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    web_order_item = models.ForeignKey(
        WebOrderItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="prebook_items"
    )
    comments = models.CharField(max_length=300, blank=True)
    created_on = models.DateTimeField(auto_now_add=True)
    updated_on = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(boxes__gte=1), name="prebookitem_boxes_positive")]

    def __str__(self) -> str:
        return f"{self.boxes} x {self.product_id} on prebook {self.prebook_id}"


# --------------------------------------------------------------------------------------------
# Transaction fee ledger
# --------------------------------------------------------------------------------------------


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", "Invoice"
    PREBOOK = "prebook", "Prebook"


class FeeEntryType(models.TextChoices):
    CHARGE = "charge", "Charge"
    ADJUSTMENT = "adjustment", "Adjustment"
    REVERSAL = "reversal", "Reversal"


class FeeEntry(models.Model):
    """One line of the transaction-fee ledger. Entries are never edited: a void adds a negative one.

    Each document has one charge; later changes to its amount are adjustments; a void reverses
    every entry of the document with a reversal pointing at it.
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    entry_type = models.CharField(max_length=12, choices=FeeEntryType.choices, default=FeeEntryType.CHARGE)
    document_kind = models.CharField(max_length=10, choices=DocumentKind.choices)
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="fee_entries"
    )
    prebook = models.ForeignKey(
        Prebook, on_delete=models.PROTECT, null=True, blank=True, related_name="fee_entries"
    )
    document_number = models.CharField(max_length=20, help_text="With its prefix, e.g. W1042.")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    base_amount = models.DecimalField(max_digits=12, decimal_places=2)
    rate_percent = models.DecimalField(max_digits=5, decimal_places=2)
    amount = models.DecimalField(max_digits=12, decimal_places=2, help_text="Negative for a reversal.")
    reversal_of = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    created_on = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "fee entry"
        verbose_name_plural = "fee entries"
        ordering = ["id"]
        indexes = [
            # The ledger in its order (a page of it), and one customer's entries over a period. The
            # first also covers the fees page's figures by customer and Home's fees per day: a
            # period's entries are read from the index alone.
            models.Index(
                fields=["company", "created_on", "id", "customer", "entry_type", "amount", "base_amount"],
                name="fee_company_created_cover",
            ),
            models.Index(fields=["company", "customer", "created_on"], name="fee_company_cust_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(document_kind="invoice", invoice__isnull=False, prebook__isnull=True))
                | (Q(document_kind="prebook", prebook__isnull=False, invoice__isnull=True)),
                name="fee_document_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(entry_type="reversal", reversal_of__isnull=False)
                | (~Q(entry_type="reversal") & Q(reversal_of__isnull=True)),
                name="fee_reversal_points_at_entry",
            ),
            models.UniqueConstraint(
                fields=["invoice"],
                condition=Q(entry_type="charge", invoice__isnull=False),
                name="fee_one_charge_per_invoice",
            ),
            models.UniqueConstraint(
                fields=["prebook"],
                condition=Q(entry_type="charge", prebook__isnull=False),
                name="fee_one_charge_per_prebook",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_entry_type_display()} {self.amount} on {self.document_kind} {self.document_number}"
