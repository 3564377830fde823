"""Orders in the Django admin: for looking, not for changing stock.

Documents and the fee ledger change only through the services (holds, checkout, confirm, void),
so the admin shows them read-only: editing a count or a status here would bypass the stock
updates and the fee entries that must move with it.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from stemlink.orders.models import (
    DocumentCounter,
    FeeEntry,
    Invoice,
    InvoiceItem,
    Prebook,
    PrebookItem,
    StandingOrder,
    StandingOrderItem,
    WebOrder,
    WebOrderItem,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class WebOrderItemInline(ReadOnlyInline):
    model = WebOrderItem
    fields = [
        "origin",
        "inventory_line",
        "future_line",
        "product",
        "box_type",
        "boxes",
        "unit_price",
        "total",
        "date",
    ]


@admin.register(WebOrder)
class WebOrderAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "number",
        "company",
        "customer",
        "status",
        "ship_date",
        "expires_at",
        "checked_out_on",
    ]
    list_filter = ["company", "status"]
    list_select_related = ["company", "customer"]
    inlines = [WebOrderItemInline]


class InvoiceItemInline(ReadOnlyInline):
    model = InvoiceItem
    fields = [
        "inventory_line",
        "product",
        "box_type",
        "boxes",
        "units_per_box",
        "unit_price",
        "total",
        "mark_code",
    ]


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "display_number",
        "company",
        "customer",
        "status",
        "ship_date",
        "total",
        "is_ecommerce",
    ]
    list_filter = ["company", "status", "is_ecommerce", "prefix"]
    list_select_related = ["company", "customer"]
    search_fields = ["number", "po_number", "customer__name"]
    inlines = [InvoiceItemInline]


class PrebookItemInline(ReadOnlyInline):
    model = PrebookItem
    fields = ["future_line", "product", "box_type", "boxes", "unit_price", "total", "mark_code"]


@admin.register(Prebook)
class PrebookAdmin(ReadOnlyAdmin):
    list_display = ["id", "number", "company", "customer", "truck_date", "checkout_status", "status", "total"]
    list_filter = ["company", "checkout_status", "status", "type"]
    list_select_related = ["company", "customer"]
    inlines = [PrebookItemInline]


class StandingOrderItemInline(ReadOnlyInline):
    model = StandingOrderItem
    fields = ["product", "box_type", "boxes", "unit_price"]


@admin.register(StandingOrder)
class StandingOrderAdmin(ReadOnlyAdmin):
    list_display = ["id", "number", "company", "customer", "days", "start_date", "end_date", "status"]
    list_filter = ["company", "status"]
    inlines = [StandingOrderItemInline]


@admin.register(FeeEntry)
class FeeEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "company",
        "entry_type",
        "document_kind",
        "document_number",
        "base_amount",
        "amount",
        "created_on",
    ]
    list_filter = ["company", "entry_type", "document_kind"]


@admin.register(DocumentCounter)
class DocumentCounterAdmin(ReadOnlyAdmin):
    list_display = ["company", "location", "sequence", "last_number"]
