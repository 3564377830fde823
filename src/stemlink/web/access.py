"""Who may see a page: a signed-in user, inside the company of their Membership, whose role has the
permission the page declares.

Every back-office view is wrapped in `company_page(<permission>)` (or marked `public` for sign-in,
sign-out and the first-run page; `signed_in` for pages outside any company): it resolves the user's
company once, puts it on the request, checks the role against the one permission map
(`stemlink.tenancy.rules`), and turns the errors services raise into pages (a record of another
company is "not found", never "forbidden", so ids of other tenants cannot even be probed).
`tests/stemlink/web/test_permission_matrix.py` walks the URLconf: a view without a declaration
fails it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone

from stemlink.errors import NotFound, RoleRefused, StemlinkError
from stemlink.tenancy import calendar
from stemlink.tenancy.models import Company, Membership
from stemlink.tenancy.rules import Perm, allows, permissions_of, refusal_message
from stemlink.tenancy.services import current_membership, memberships_of
from stemlink.web.errors import error_page

# A page answers an HttpResponse, or a StreamingHttpResponse (the exports).
V = TypeVar("V", bound=Callable[..., HttpResponseBase])

# The attribute every routed view carries: ("company", read permission, change permission),
# ("public",) or ("signed_in",).
ACCESS_ATTRIBUTE = "stemlink_access"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CompanyRequest(HttpRequest):
    """A request of a signed-in user, with the company they work in and what their role may do."""

    company: Company
    membership: Membership
    memberships: list[Membership]
    can: dict[str, bool]


SESSION_COMPANY_KEY = "stemlink_company_id"


def require(request: CompanyRequest, perm: Perm) -> None:
    """Raise RoleRefused unless the user's role has `perm` (for a part of a page, e.g. one action)."""
    if not allows(request.membership.role, perm):
        raise RoleRefused(refusal_message(perm))


def _refused(request: HttpRequest, exc: StemlinkError) -> HttpResponse:
    title = "Administrators only" if exc.message.startswith("Only an administrator") else "Not allowed"
    return error_page(request, exc, status=403, title=title)


def company_page(perm: Perm, *, change: Perm | None = None) -> Callable[[V], V]:
    """Require sign-in, a membership, and the role's `perm` (to read; `change`, if given, to POST)."""
    if not isinstance(perm, Perm) or (change is not None and not isinstance(change, Perm)):
        raise TypeError("company_page needs the Perm a page requires, e.g. @company_page(Perm.ORDERS_VIEW)")
    to_change = change or perm

    def decorate(func: V) -> V:
        @functools.wraps(func)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
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
            req.can = permissions_of(membership.role)
            needed = perm if request.method in SAFE_METHODS else to_change
            if not allows(membership.role, needed):
                return _refused(request, RoleRefused(refusal_message(needed)))
            try:
                # Pages show times in the company's zone (templates' `date` filter, exports).
                with timezone.override(calendar.zone(req.company)):
                    return func(req, *args, **kwargs)
            except NotFound as exc:
                raise Http404(exc.message) from exc
            except RoleRefused as exc:
                return _refused(request, exc)
            except StemlinkError as exc:
                return error_page(request, exc)

        guarded = cast(V, login_required(wrapped))
        setattr(guarded, ACCESS_ATTRIBUTE, ("company", perm, to_change))
        return guarded

    return decorate


P = TypeVar("P", bound=Callable[..., Any])


def public(view: P) -> P:
    """Mark a view anyone may open (sign-in, sign-out, the first-run page): the URLconf test accepts it."""
    setattr(view, ACCESS_ATTRIBUTE, ("public",))
    return view


def signed_in(view: V) -> V:
    """Require sign-in only (switching company: the view itself checks the membership)."""
    guarded = cast(V, login_required(view))
    setattr(guarded, ACCESS_ATTRIBUTE, ("signed_in",))
    return guarded
