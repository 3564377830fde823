"""Inventory in Django's admin: for looking and small fixes.

Reservations are made with `stemlink reserve` (or the services), never by editing `reserved_for`:
a line keeps the view it was born in, which the e-commerce deltas rely on. Lines are never deleted
(orders point at them, and a deleted line moves no change stamp a marketplace could see).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from stemlink.inventory.models import FutureLine, InventoryLine


class _LineAdmin(admin.ModelAdmin):
    readonly_fields = ["company", "reserved_for", "boxes_held", "boxes_sold", "created_on", "updated_on"]
    raw_id_fields = ["product", "vendor"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(InventoryLine)
class InventoryLineAdmin(_LineAdmin):
    list_display = [
        "id", "company", "product", "box_type", "inventory_type", "boxes_on_hand", "boxes_held",
        "boxes_sold", "price", "reserved_for", "updated_on",
    ]  # fmt: skip
    list_filter = ["company", "inventory_type", "location"]
    list_select_related = ["company", "product", "box_type", "reserved_for"]
    search_fields = ["product__description", "product__code", "lot_number", "awb"]


@admin.register(FutureLine)
class FutureLineAdmin(_LineAdmin):
    list_display = [
        "id", "company", "product", "box_type", "boxes", "boxes_held", "boxes_sold", "price",
        "available_from", "available_to", "reserved_for",
    ]  # fmt: skip
    list_filter = ["company", "location"]
    list_select_related = ["company", "product", "box_type", "reserved_for"]
    search_fields = ["product__description", "product__code"]
