from django.contrib import admin

from stemlink.tenancy.models import Company, Location, Membership


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
