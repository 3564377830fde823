"""The operator's pages: connect, check, edit, disable and sync wholesalers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import user_passes_test
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from marketplace.suppliers import services
from marketplace.suppliers.models import Supplier
from marketplace.suppliers.operators import first_run_done
from marketplace.suppliers.vault import SecretUnreadable
from marketplace.sync.models import CatalogItem, SyncRun
from marketplace.web.forms import SupplierForm, WebhookSecretForm

_staff_only = user_passes_test(lambda u: u.is_active and u.is_staff, login_url="signin")


def staff_required(view: Any) -> Any:
    """Staff only, and never cached: these pages show supplier settings and, once, new secrets."""
    return never_cache(_staff_only(view))


def supplier_list(request: HttpRequest) -> HttpResponse:
    # A marketplace with no operator has nobody to sign in here: its first page is the first run.
    if not first_run_done():
        return redirect("operator_first_run")
    return _supplier_list(request)


@staff_required
def _supplier_list(request: HttpRequest) -> HttpResponse:
    suppliers = Supplier.objects.annotate(offer_count=Count("offers"))
    return render(request, "marketplace/operator/suppliers.html", {"suppliers": suppliers})


def _details(form: SupplierForm, supplier: Supplier | None) -> services.ConnectionDetails:
    data = form.cleaned_data
    keep = supplier if supplier is not None and supplier.tokens_fit_url(data["base_url"]) else None
    return services.ConnectionDetails(
        name=data["name"],
        base_url=data["base_url"],
        company_id=data["company_id"],
        customer_id=data["customer_id"],
        # Blank on edit keeps the stored token (the form demands both again when the base URL
        # changed); it is checked like a typed one.
        company_token=data["company_token"] or (keep.company_token if keep else ""),
        customer_token=data["customer_token"] or (keep.customer_token if keep else ""),
        carrier_id=data["carrier_id"],
        location_id=data["location_id"],
    )


def _supplier_form(request: HttpRequest, supplier: Supplier | None) -> HttpResponse:
    initial: dict[str, Any] = {}
    if supplier is not None:
        initial = {
            name: getattr(supplier, name)
            for name in (
                "name",
                "base_url",
                "company_id",
                "customer_id",
                "carrier_id",
                "location_id",
                "sync_interval_minutes",
                "stale_after_minutes",
            )
        }
    form = SupplierForm(request.POST or None, initial=initial, supplier=supplier)
    if request.method == "POST" and form.is_valid():
        try:
            details = _details(form, supplier)
        except SecretUnreadable:
            form.add_error("company_token", "The stored tokens cannot be read any more: enter both again.")
        else:
            result = services.check_connection(details)
            for field_name, message in result.problems.items():
                form.add_error(field_name if field_name in form.fields else None, message)
            saved = None
            if result.ok:
                try:
                    saved = services.save_supplier(
                        details,
                        supplier=supplier,
                        sync_interval_minutes=form.cleaned_data["sync_interval_minutes"],
                        stale_after_minutes=form.cleaned_data["stale_after_minutes"],
                    )
                except services.TokensRequired as exc:
                    form.add_error("company_token", str(exc))
            if saved is not None:
                messages.success(
                    request,
                    f"{saved.name} connected: the tokens work "
                    f"(customer {result.customer_name or saved.customer_id}, "
                    f"carrier {result.carrier_name or saved.carrier_id}). "
                    "The first sync starts within seconds.",
                )
                return redirect("operator_supplier", supplier_id=saved.pk)
    return render(request, "marketplace/operator/supplier_form.html", {"form": form, "supplier": supplier})


@staff_required
def supplier_new(request: HttpRequest) -> HttpResponse:
    return _supplier_form(request, None)


@staff_required
def supplier_edit(request: HttpRequest, supplier_id: int) -> HttpResponse:
    return _supplier_form(request, get_object_or_404(Supplier, pk=supplier_id))


@staff_required
def supplier_detail(request: HttpRequest, supplier_id: int) -> HttpResponse:
    supplier = get_object_or_404(Supplier, pk=supplier_id)
    return render(
        request,
        "marketplace/operator/supplier_detail.html",
        {
            "supplier": supplier,
            "runs": SyncRun.objects.filter(supplier=supplier)[:20],
            "offer_count": supplier.offers.count(),
            "catalog_counts": {
                kind.label: CatalogItem.objects.filter(supplier=supplier, kind=kind).count()
                for kind in CatalogItem.Kind
            },
            "webhook_url": request.build_absolute_uri(reverse("webhook", args=[supplier.pk])),
            "webhook_form": WebhookSecretForm(),
        },
    )


@staff_required
@require_POST
def supplier_check(request: HttpRequest, supplier_id: int) -> HttpResponse:
    supplier = get_object_or_404(Supplier, pk=supplier_id)
    try:
        result = services.check_connection(services.details_of(supplier))
    except SecretUnreadable:
        messages.error(
            request, "The stored tokens cannot be read any more: edit the supplier and enter them again."
        )
        return redirect("operator_supplier", supplier_id=supplier.pk)
    if result.ok:
        messages.success(request, f"All credentials of {supplier.name} work.")
    for field_name, message in result.problems.items():
        label = (
            SupplierForm.base_fields[field_name].label
            if field_name in SupplierForm.base_fields
            else field_name
        )
        messages.error(request, f"{label}: {message}")
    return redirect("operator_supplier", supplier_id=supplier.pk)


@staff_required
@require_POST
def supplier_toggle(request: HttpRequest, supplier_id: int) -> HttpResponse:
    supplier = get_object_or_404(Supplier, pk=supplier_id)
    services.set_supplier_active(supplier, not supplier.active)
    messages.success(request, f"{supplier.name} {'enabled' if supplier.active else 'disabled'}.")
    return redirect("operator_supplier", supplier_id=supplier.pk)


@staff_required
@require_POST
def supplier_sync_now(request: HttpRequest, supplier_id: int) -> HttpResponse:
    supplier = get_object_or_404(Supplier, pk=supplier_id)
    services.request_sync(supplier, full=True)
    messages.success(
        request, f"A full sync of {supplier.name} is queued: the worker starts it within seconds."
    )
    return redirect("operator_supplier", supplier_id=supplier.pk)


@staff_required
@require_POST
def supplier_webhook_secret(request: HttpRequest, supplier_id: int) -> HttpResponse:
    """Set the secret the wholesaler signs webhooks with (pasted from it), or make a new one shown once."""
    supplier = get_object_or_404(Supplier, pk=supplier_id)
    form = WebhookSecretForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"Webhook secret: {error}")
        return redirect("operator_supplier", supplier_id=supplier.pk)
    secret = form.cleaned_data["secret"] or services.new_webhook_secret()
    services.set_webhook_secret(supplier, secret)
    if form.cleaned_data["secret"]:
        messages.success(request, "Webhook secret saved: signed events from the wholesaler are now accepted.")
    else:
        # Shown once, like the wholesaler's tokens: the marketplace keeps it only encrypted.
        messages.success(request, f"New webhook secret (shown only now, give it to the wholesaler): {secret}")
    return redirect("operator_supplier", supplier_id=supplier.pk)
