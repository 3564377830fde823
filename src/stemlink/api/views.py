"""The API's own pages: the OpenAPI document and the human-readable docs generated from it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from stemlink.api import envelope, openapi


@require_GET
def openapi_json(request: HttpRequest) -> HttpResponse:
    """Serve the OpenAPI 3.1 description of every registered method."""
    return HttpResponse(envelope.dumps(openapi.document()), content_type="application/json")


@require_GET
def docs(request: HttpRequest) -> HttpResponse:
    """Serve a page a person reads: every method with its tokens, parameters and answer."""
    return render(request, "api/docs.html", {"areas": openapi.methods_by_area()})
