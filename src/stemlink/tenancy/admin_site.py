"""The Django admin is the platform operator's, never a wholesaler's.

It shows every company's rows, so it admits only active superusers (made by the operator with
`stemlink createsuperuser`; no company user and no demo user is one), and it is off (every page
"not found") unless STEMLINK_ADMIN_ENABLED is set. Wholesalers work in the back office, where
every row is filtered by their company.
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import Http404, HttpRequest, HttpResponse


def _check_enabled() -> None:
    if not settings.ADMIN_ENABLED:
        raise Http404("The admin is off: the operator turns it on with STEMLINK_ADMIN_ENABLED.")


class OperatorAdminSite(admin.AdminSite):
    site_header = "Stemlink platform administration"
    site_title = "Stemlink platform"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(settings.ADMIN_ENABLED and user.is_active and user.is_superuser)

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        @functools.wraps(inner)
        def gated(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            _check_enabled()
            return inner(request, *args, **kwargs)

        return gated

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        _check_enabled()
        return super().login(request, extra_context)


class OperatorAdminConfig(AdminConfig):
    default_site = "stemlink.tenancy.admin_site.OperatorAdminSite"
