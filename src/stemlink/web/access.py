"""Who may see a page: a signed-in user, inside the company of their Membership.

Every back-office view is wrapped in `company_page`: it resolves the user's company once, puts it
on the request, and turns the errors services raise into pages (a record of another company is
"not found", never "forbidden", so ids of other tenants cannot even be probed).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from stemlink.errors import NotFound, StemlinkError
from stemlink.tenancy.models import Company, Membership, Role
from stemlink.tenancy.services import current_membership, memberships_of
from stemlink.web.errors import error_page

V = TypeVar("V", bound=Callable[..., HttpResponse])


class CompanyRequest(HttpRequest):
    """A request of a signed-in user, with the company they work in."""

    company: Company
    membership: Membership
    memberships: list[Membership]


SESSION_COMPANY_KEY = "stemlink_company_id"


def company_page(view: V | None = None, *, admin_only: bool = False) -> Any:
    """Require sign-in and a membership; optionally the administrator role (Setup pages)."""

    def decorate(func: V) -> V:
        @functools.wraps(func)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                membership = current_membership(request.user, request.session.get(SESSION_COMPANY_KEY))
            except NotFound as exc:
                if request.session.pop(SESSION_COMPANY_KEY, None) is not None:
                    # The company chosen earlier is gone or left: fall back to another one.
                    return wrapped(request, *args, **kwargs)
                return error_page(request, exc, status=403, title="No company")
            req = cast(CompanyRequest, request)
            req.membership = membership
            req.company = membership.company
            req.memberships = memberships_of(request.user)
            if admin_only and membership.role != Role.ADMIN:
                return error_page(
                    request,
                    StemlinkError("Only an administrator of the company can open this page."),
                    status=403,
                    title="Administrators only",
                )
            try:
                return func(req, *args, **kwargs)
            except NotFound as exc:
                raise Http404(exc.message) from exc
            except StemlinkError as exc:
                return error_page(request, exc)

        return cast(V, login_required(wrapped))

    if view is not None:
        return decorate(view)
    return decorate
