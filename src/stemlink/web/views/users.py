"""Setup » Users: the company's people and their roles; add a user, change a role, deactivate,
give a new password.

A new user's first password is random (`tenancy.services.new_password`), stored only as Django's
hash, and shown once on the page that answers the form (never in a redirect, a message stored in
the session, or a log); the page is sent `Cache-Control: no-store`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers

from stemlink.errors import StemlinkError
from stemlink.tenancy.models import Membership
from stemlink.tenancy.rules import Perm
from stemlink.tenancy.services import add_member, change_member, member_of, reset_member_password
from stemlink.web.access import CompanyRequest, company_page
from stemlink.web.errors import add_error_to_form
from stemlink.web.forms import ACTIVE_CHOICES
from stemlink.web.masterdata_forms import MemberForm, NewUserForm


def _password_page(
    request: CompanyRequest, membership: Membership, password: str, *, new: bool
) -> HttpResponse:
    response = render(
        request,
        "web/users/password.html",
        {"member": membership, "password": password, "new": new, "section": "setup"},
    )
    add_never_cache_headers(response)
    return response


@company_page(Perm.USERS_MANAGE)
def user_list(request: CompanyRequest) -> HttpResponse:
    rows = (
        Membership.objects.filter(company=request.company).select_related("user").order_by("user__username")
    )
    q = request.GET.get("q", "").strip()[:100]
    if q:
        rows = rows.filter(
            Q(user__username__icontains=q)
            | Q(user__first_name__icontains=q)
            | Q(user__last_name__icontains=q)
        )
    role = request.GET.get("role", "")
    if role:
        rows = rows.filter(role=role)
    active = request.GET.get("active", "")
    if active in {"yes", "no"}:
        rows = rows.filter(active=active == "yes")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/users/list.html",
        {
            "page": page,
            "q": q,
            "role": role,
            "active": active,
            "roles": MemberForm.base_fields["role"].choices,  # type: ignore[attr-defined]
            "active_choices": ACTIVE_CHOICES,
            "query": query.urlencode(),
            "section": "setup",
        },
    )


@company_page(Perm.USERS_MANAGE)
def user_new(request: CompanyRequest) -> HttpResponse:
    if request.method == "POST":
        form = NewUserForm(request.POST)
        if form.is_valid():
            try:
                membership, password = add_member(request.company, **form.cleaned_data)
            except StemlinkError as exc:
                add_error_to_form(form, exc)
            else:
                return _password_page(request, membership, password, new=True)
    else:
        form = NewUserForm()
    return render(request, "web/users/new.html", {"form": form, "section": "setup"})


@company_page(Perm.USERS_MANAGE)
def user_detail(request: CompanyRequest, member_id: int) -> HttpResponse:
    membership = member_of(request.company, member_id)
    if request.method == "POST" and request.POST.get("action") == "password":
        membership, password = reset_member_password(request.company, membership.pk)
        return _password_page(request, membership, password, new=False)
    if request.method == "POST":
        form = MemberForm(request.POST)
        if form.is_valid():
            try:
                change_member(
                    request.company,
                    membership.pk,
                    role=form.cleaned_data["role"],
                    active=form.cleaned_data["active"],
                )
            except StemlinkError as exc:
                add_error_to_form(form, exc)
            else:
                messages.success(request, f"{membership.user.get_username()} saved.")
                return redirect("web:users")
    else:
        form = MemberForm(initial={"role": membership.role, "active": membership.active})
    return render(request, "web/users/detail.html", {"form": form, "member": membership, "section": "setup"})
