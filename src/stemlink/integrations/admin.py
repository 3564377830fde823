"""Admin views of the outbox: read-only, since deliveries change only through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from stemlink.integrations.models import Delivery, DeliveryAttempt, OutboxEvent, PartnerEndpoint


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PartnerEndpoint)
class PartnerEndpointAdmin(_ReadOnly):
    # The encrypted secret is left out on purpose: it is shown once, when created.
    list_display = ("id", "company", "customer", "url", "active", "created_on")
    list_filter = ("active",)
    fields = ("company", "customer", "url", "description", "active", "created_on", "updated_on")
    readonly_fields = fields


@admin.register(OutboxEvent)
class OutboxEventAdmin(_ReadOnly):
    list_display = ("id", "event_id", "company", "event_type", "customer_id", "created_on")
    list_filter = ("event_type",)
    search_fields = ("event_id",)


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("attempted_at", "status_code", "error", "duration_ms")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(_ReadOnly):
    list_display = ("id", "company", "endpoint", "status", "attempts", "last_status_code", "next_attempt_at")
    list_filter = ("status",)
    inlines = [DeliveryAttemptInline]
