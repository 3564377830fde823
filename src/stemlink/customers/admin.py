from django.contrib import admin

from stemlink.customers.models import Customer, ShipTo


class ShipToInline(admin.TabularInline):
    model = ShipTo
    extra = 0
    fields = ["name", "city", "state", "carrier", "carrier_account", "active"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["id", "company", "code", "name", "customer_type", "default_price", "active"]
    list_filter = ["company", "customer_type", "active"]
    search_fields = ["code", "name"]
    inlines = [ShipToInline]


@admin.register(ShipTo)
class ShipToAdmin(admin.ModelAdmin):
    list_display = ["id", "customer", "name", "city", "state", "carrier"]
    list_filter = ["company"]
