from typing import Any

from django.contrib import admin

from stemlink.tenancy.models import Company, FirstRun, Location, Membership


class LocationInline(admin.TabularInline):
    model = Location
    extra = 0


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "name",
        "active",
        "time_zone",
        "currency",
        "transaction_fee_percent",
        "checkout_timer_minutes",
        "paid_users",
    ]
    search_fields = ["name"]
    inlines = [LocationInline]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["id", "company", "code", "name", "active"]
    list_filter = ["company"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "company", "role", "active"]
    list_filter = ["company", "role"]


@admin.register(FirstRun)
class FirstRunAdmin(admin.ModelAdmin):
    """When the install's first run happened: made by it, never by hand."""

    list_display = ["id", "company", "done_on"]
    readonly_fields = ["id", "company", "done_on"]

    def has_add_permission(self, request: Any) -> bool:
        return False
