from django.contrib import admin

from stemlink.inventory.models import FutureLine, InventoryLine


@admin.register(InventoryLine)
class InventoryLineAdmin(admin.ModelAdmin):
    list_display = [
        "id", "company", "product", "box_type", "inventory_type", "boxes_on_hand", "boxes_held",
        "boxes_sold", "price", "reserved_for", "updated_on",
    ]
    list_filter = ["company", "inventory_type", "location"]
    list_select_related = ["company", "product", "box_type", "reserved_for"]
    raw_id_fields = ["product", "vendor", "reserved_for"]


@admin.register(FutureLine)
class FutureLineAdmin(admin.ModelAdmin):
    list_display = [
        "id", "company", "product", "box_type", "boxes", "boxes_held", "boxes_sold", "price",
        "available_from", "available_to",
    ]
    list_filter = ["company", "location"]
    list_select_related = ["company", "product", "box_type"]
    raw_id_fields = ["product", "vendor", "reserved_for"]
