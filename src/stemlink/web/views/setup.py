"""Setup » Settings: the company's sales settings."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from stemlink.catalog.models import Carrier
from stemlink.customers.accounts import apply_company_settings
from stemlink.errors import StemlinkError
from stemlink.tenancy.models import Location
from stemlink.tenancy.rules import Perm, time_zone_names
from stemlink.web.access import CompanyRequest, company_page
from stemlink.web.errors import add_error_to_form
from stemlink.web.forms import CompanySettingsForm


@company_page(Perm.SETUP)
def settings_page(request: CompanyRequest) -> HttpResponse:
    company = request.company
    if request.method == "POST":
        form = CompanySettingsForm(request.POST)
        if form.is_valid():
            try:
                changed = apply_company_settings(company, **form.cleaned_data)
            except StemlinkError as exc:
                add_error_to_form(form, exc)
            else:
                messages.success(
                    request, "Settings saved." if changed else "Nothing to save: the settings were unchanged."
                )
                return redirect("web:settings")
    else:
        form = CompanySettingsForm.for_company(company)
    return render(
        request,
        "web/settings.html",
        {
            "form": form,
            "locations": Location.objects.filter(company=company).order_by("id"),
            "carriers": Carrier.objects.filter(company=company, active=True).order_by("name"),
            "section": "setup",
            "time_zones": time_zone_names(),
        },
    )
