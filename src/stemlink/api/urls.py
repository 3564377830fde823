"""API routes: the OpenAPI document and docs page, then every method under /api/ and /api/v2/."""

from django.urls import path

from stemlink.api import dispatch, views

urlpatterns = [
    path("openapi.json", views.openapi_json, name="api-openapi"),
    path("docs", views.docs, name="api-docs"),
    path("docs/", views.docs),
    # Method names contain '/' (ecommerce/inventory.list), so the whole rest of the path is the name.
    path("v2/<path:method>", dispatch.call_method, name="api-method-v2"),
    path("<path:method>", dispatch.call_method, name="api-method"),
]
