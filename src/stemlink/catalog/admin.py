from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from stemlink.catalog import services
from stemlink.catalog.models import BoxType, Carrier, Category, Product, Vendor


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["id", "company", "name", "active"]
    list_filter = ["company"]

    def save_model(self, request: HttpRequest, obj: Category, form: Any, change: bool) -> None:
        # Renaming or (de)activating a category changes what buyers see of all its products:
        # the service moves their change stamps so every marketplace's next delta carries it.
        services.save_category(obj)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["id", "company", "code", "description", "category", "color", "grade", "active"]
    list_filter = ["company", "category", "active"]
    search_fields = ["code", "description"]


@admin.register(BoxType)
class BoxTypeAdmin(admin.ModelAdmin):
    list_display = ["id", "company", "code", "description", "fbe"]
    list_filter = ["company"]


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    list_display = ["id", "company", "code", "name", "active"]
    list_filter = ["company"]


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    list_display = ["id", "company", "code", "name", "port_origin", "active"]
    list_filter = ["company"]
