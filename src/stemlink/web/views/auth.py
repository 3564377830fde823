"""Sign in and out."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from stemlink.errors import NotFound
from stemlink.tenancy.firstrun import first_run_done
from stemlink.tenancy.services import current_membership
from stemlink.web.access import SESSION_COMPANY_KEY, signed_in
from stemlink.web.forms import SignInForm
from stemlink.web.parsing import parse_id


class SignInView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # An install with no company has nobody to sign in: its first page is the first run.
        if not first_run_done():
            return redirect("web:first_run")
        return super().dispatch(request, *args, **kwargs)


class SignOutView(auth_views.LogoutView):
    pass


@require_POST
@signed_in
def switch_company(request: HttpRequest) -> HttpResponse:
    """Work in another company the user is a member of (only those: others are not found)."""
    raw = request.POST.get("company", "")
    try:
        membership = current_membership(request.user, parse_id(raw) or -1)
    except NotFound:
        raise Http404("You are not a member of that company.") from None
    request.session[SESSION_COMPANY_KEY] = membership.company_id
    messages.success(request, f"Now working in {membership.company.name}.")
    return redirect("web:home")
