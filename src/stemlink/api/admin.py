"""The gateway's tables in the Django admin, read-only.

Tokens are made, edited and revoked in the back office or with `stemlink tokens`, where the secret
is shown once; the admin shows only what identifies a token (its prefix), never its digest.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from stemlink.api.models import ApiCall, ApiToken, DailyUsage, IdempotencyKey, RateWindow


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "company",
        "token_type",
        "description",
        "prefix",
        "customer",
        "vendor",
        "enabled",
        "revoked_on",
        "last_used_on",
    ]
    list_filter = ["company", "token_type", "enabled"]
    list_select_related = ["company", "customer", "vendor"]
    search_fields = ["description", "prefix"]
    exclude = ["digest"]


@admin.register(ApiCall)
class ApiCallAdmin(ReadOnlyAdmin):
    list_display = [
        "created_on",
        "company",
        "token_prefix",
        "method",
        "status",
        "error_code",
        "http_status",
        "duration_ms",
    ]
    list_filter = ["company", "status", "method"]
    list_select_related = ["company"]
    date_hierarchy = "created_on"


@admin.register(DailyUsage)
class DailyUsageAdmin(ReadOnlyAdmin):
    list_display = ["company", "day", "calls"]
    list_filter = ["company"]


@admin.register(RateWindow)
class RateWindowAdmin(ReadOnlyAdmin):
    list_display = ["key", "window", "calls"]


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(ReadOnlyAdmin):
    list_display = ["created_on", "token", "method", "key", "http_status"]
    list_select_related = ["token"]
    # The stored answer can carry customer data; the admin has no reason to show it.
    exclude = ["body"]
