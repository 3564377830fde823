"""Setup » Payment methods: the ways customers pay (what payment.method.list answers and the
names a customer's payment method takes)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from stemlink.errors import StemlinkError, ValidationFailed
from stemlink.purchasing import services
from stemlink.purchasing.models import PaymentMethod
from stemlink.tenancy.rules import Perm
from stemlink.web.access import CompanyRequest, company_page


@company_page(Perm.CUSTOMERS_VIEW, change=Perm.SETUP)
def payment_methods(request: CompanyRequest) -> HttpResponse:
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "add":
                method = services.add_payment_method(request.company, request.POST.get("name", ""))
                messages.success(request, f"{method.name} added: customers may pay by it.")
            elif action in ("activate", "deactivate"):
                method_id = request.POST.get("method", "")
                if not method_id.isdigit():
                    raise ValidationFailed([])
                method = services.set_payment_method_active(
                    request.company, int(method_id), action == "activate"
                )
                messages.success(
                    request, f"{method.name} is {'offered again' if method.active else 'no longer offered'}."
                )
        except ValidationFailed as exc:
            for item in exc.errors or []:
                messages.error(request, item.message)
            if not exc.errors:
                messages.error(request, "There is no such payment method.")
        except StemlinkError as exc:
            messages.error(request, exc.message)
        return redirect("web:payment_methods")
    return render(
        request,
        "web/payment_methods.html",
        {
            "methods": PaymentMethod.objects.filter(company=request.company).order_by("name"),
            "section": "setup",
        },
    )
