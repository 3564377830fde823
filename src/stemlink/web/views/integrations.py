"""Setup » Settings » Integrations » Partner endpoints: webhooks and their delivery log, with retry."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from stemlink.errors import NotFound, StemlinkError
from stemlink.integrations.models import Delivery, PartnerEndpoint
from stemlink.integrations.services import (
    add_endpoint,
    retry_delivery,
    set_endpoint_active,
    set_endpoint_secret,
    update_endpoint,
)
from stemlink.tenancy.rules import Perm
from stemlink.web.access import CompanyRequest, company_page
from stemlink.web.errors import add_error_to_form
from stemlink.web.forms import EndpointForm

FIELD_NAMES = {"customerId": "customer"}


def _endpoint(request: CompanyRequest, endpoint_id: int) -> PartnerEndpoint:
    endpoint = (
        PartnerEndpoint.objects.filter(company=request.company, pk=endpoint_id)
        .select_related("customer")
        .first()
    )
    if endpoint is None:
        raise NotFound(f"There is no partner endpoint {endpoint_id}.")
    return endpoint


@company_page(Perm.SETUP)
@never_cache  # the page shows a secret (once): no browser or proxy may keep a copy
def endpoint_list(request: CompanyRequest) -> HttpResponse:
    new_secret = None
    if request.method == "POST":
        form = EndpointForm(request.company, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                endpoint, new_secret = add_endpoint(
                    request.company,
                    url=data["url"],
                    customer_id=data["customer"].pk if data["customer"] else None,
                    description=data["description"],
                )
            except StemlinkError as exc:
                add_error_to_form(form, exc, FIELD_NAMES)
            else:
                messages.success(request, f"Endpoint #{endpoint.pk} added. Copy its signing secret now.")
                form = EndpointForm(request.company)
    else:
        form = EndpointForm(request.company)
    endpoints = (
        PartnerEndpoint.objects.filter(company=request.company).select_related("customer").order_by("id")
    )
    deliveries = (
        Delivery.objects.filter(company=request.company)
        .select_related("event", "endpoint")
        .order_by("-created_on", "-id")[:50]
    )
    return render(
        request,
        "web/integrations/endpoints.html",
        {
            "form": form,
            "endpoints": endpoints,
            "deliveries": deliveries,
            "new_secret": new_secret,
            "section": "setup",
        },
    )


@company_page(Perm.SETUP)
@never_cache  # the page shows a secret (once): no browser or proxy may keep a copy
def endpoint_detail(request: CompanyRequest, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    new_secret = None
    if request.method == "POST" and request.POST.get("action") == "secret":
        new_secret = set_endpoint_secret(request.company, endpoint.pk)
        messages.warning(
            request, "New signing secret made: the partner must use it from now on. Copy it now."
        )
        form = EndpointForm(request.company, initial=_initial(endpoint))
    elif request.method == "POST" and request.POST.get("action") in {"enable", "disable"}:
        set_endpoint_active(request.company, endpoint.pk, request.POST["action"] == "enable")
        messages.success(
            request, "Endpoint enabled." if request.POST["action"] == "enable" else "Endpoint disabled."
        )
        return redirect("web:endpoint", endpoint_id=endpoint.pk)
    elif request.method == "POST":
        form = EndpointForm(request.company, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                update_endpoint(
                    request.company,
                    endpoint.pk,
                    url=data["url"],
                    description=data["description"],
                    customer_id=data["customer"].pk if data["customer"] else None,
                )
            except StemlinkError as exc:
                add_error_to_form(form, exc, FIELD_NAMES)
            else:
                messages.success(request, "Endpoint saved.")
                return redirect("web:endpoint", endpoint_id=endpoint.pk)
    else:
        form = EndpointForm(request.company, initial=_initial(endpoint))
    deliveries = Paginator(
        endpoint.deliveries.select_related("event").order_by("-created_on", "-id"), 50
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "web/integrations/endpoint.html",
        {
            "endpoint": endpoint,
            "form": form,
            "page": deliveries,
            "query": "",
            "new_secret": new_secret,
            "section": "setup",
        },
    )


def _initial(endpoint: PartnerEndpoint) -> dict[str, object]:
    return {"url": endpoint.url, "customer": endpoint.customer, "description": endpoint.description}


@require_POST
@company_page(Perm.SETUP)
def delivery_retry(request: CompanyRequest, delivery_id: int) -> HttpResponse:
    try:
        delivery = retry_delivery(request.company, delivery_id)
    except NotFound:
        raise
    except StemlinkError as exc:
        messages.error(request, exc.message)
        back = (
            Delivery.objects.filter(company=request.company, pk=delivery_id)
            .values_list("endpoint_id", flat=True)
            .first()
        )
        return redirect("web:endpoint", endpoint_id=back) if back else redirect("web:endpoints")
    messages.success(request, f"Delivery #{delivery.pk} queued: the worker sends it again within seconds.")
    if request.POST.get("next") == "list":
        return redirect("web:endpoints")
    return redirect("web:endpoint", endpoint_id=delivery.endpoint_id)
