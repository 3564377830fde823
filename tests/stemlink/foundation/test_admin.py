"""The Django admin shows the whole model, loaded with the demo data."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from tests.factories import make_user

pytestmark = pytest.mark.django_db

STEMLINK_APPS = ("tenancy", "catalog", "customers", "inventory", "orders", "api", "integrations")


def _models():
    return [model for label in STEMLINK_APPS for model in apps.get_app_config(label).get_models()]


def _shown_models():
    """Models with an admin page of their own, and lines shown inside their document's page."""
    shown = set(admin.site._registry)
    for model_admin in admin.site._registry.values():
        shown.update(inline.model for inline in model_admin.inlines)
    return shown


def test_every_stemlink_model_is_in_the_admin():
    shown = _shown_models()
    missing = [model.__name__ for model in _models() if model not in shown]
    assert missing == []


def test_every_admin_list_and_first_record_opens_with_the_demo_data(client, django_user_model):
    call_command("demo-data")
    user = django_user_model.objects.get(username="admin")
    client.force_login(user)
    empty_models = []
    for model in _models():
        if model not in admin.site._registry:
            continue  # shown as an inline of its document, which this loop opens
        opts = model._meta
        listing = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert listing.status_code == 200, f"{opts.label} list answered {listing.status_code}"
        first = model.objects.order_by("pk").first()
        if first is None:
            empty_models.append(opts.label)
            continue
        page = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk]))
        assert page.status_code == 200, f"{opts.label} #{first.pk} answered {page.status_code}"
    # The demo fills the catalogue, customers and stock; documents and calls come from using it.
    for label in ("tenancy.Company", "catalog.Product", "customers.Customer", "inventory.InventoryLine"):
        assert label not in empty_models


def test_a_sales_rep_without_staff_rights_cannot_open_the_admin(client, world):
    rep = make_user(world.company, role="sales_rep")
    client.force_login(rep)
    answer = client.get(reverse("admin:inventory_inventoryline_changelist"))
    assert answer.status_code == 302
