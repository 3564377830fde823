"""The first run: the back office's first page on an install with no company.

Public by necessity (nobody can sign in yet), CSRF-protected like every form, and gone (404) as
soon as a company exists, so it can never make a second company or a second administrator.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from stemlink.catalog.services import add_standard_box_types
from stemlink.errors import StemlinkError
from stemlink.tenancy.firstrun import AlreadySetUp, first_run_done, start_company
from stemlink.tenancy.rules import CURRENCY_CODES, time_zone_names
from stemlink.web.access import SESSION_COMPANY_KEY
from stemlink.web.errors import add_error_to_form, error_page
from stemlink.web.firstrun_forms import FirstRunForm


def _gone(request: HttpRequest) -> HttpResponse:
    return error_page(request, AlreadySetUp(), status=404, title="Already set up")


@never_cache
@csrf_protect
def first_run(request: HttpRequest) -> HttpResponse:
    if first_run_done():
        return _gone(request)
    form = FirstRunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "admin_password_again"}
        try:
            with transaction.atomic():
                result = start_company(**values)
                add_standard_box_types(result.company)
        except AlreadySetUp:
            # Another first run won the race a moment ago: this one made nothing.
            return _gone(request)
        except StemlinkError as exc:
            add_error_to_form(form, exc)
        else:
            login(request, result.admin, backend="django.contrib.auth.backends.ModelBackend")
            request.session[SESSION_COMPANY_KEY] = result.company.pk
            messages.success(
                request,
                f"Welcome to Stemlink, {result.company.name}. You are its administrator; "
                "next, add your products (Setup » Products, or import a spreadsheet), put boxes on hand "
                "in Inventory and add your customers (Setup » Customers); Setup » Settings has your "
                "Company ID and tokens for a marketplace.",
            )
            return redirect("web:home")
    return render(
        request,
        "web/first_run.html",
        {"form": form, "time_zones": time_zone_names(), "currencies": sorted(CURRENCY_CODES)},
    )
