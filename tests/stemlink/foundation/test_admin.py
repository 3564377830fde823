"""The Django admin shows the whole model, loaded with the demo data, to the platform operator only.

It is off unless STEMLINK_ADMIN_ENABLED is set, and then admits only superusers the operator
made: no demo user and no company user (whatever their role) gets in, so none sees another
company's rows there.
"""

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


def test_every_admin_list_and_first_record_opens_with_the_demo_data(client, django_user_model, admin_enabled):
    call_command("demo-data")
    user = django_user_model.objects.create_superuser("operator", "op@example.com", "operator-2026-pw")
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


def test_a_sales_rep_without_staff_rights_cannot_open_the_admin(client, world, admin_enabled):
    rep = make_user(world.company, role="sales_rep")
    client.force_login(rep)
    answer = client.get(reverse("admin:inventory_inventoryline_changelist"))
    assert answer.status_code == 302


def test_no_demo_user_is_a_superuser_or_staff(django_user_model):
    call_command("demo-data")
    users = django_user_model.objects.all()
    assert {u.username for u in users} >= {"admin", "rep", "warehouse", "accounting"}
    assert not any(u.is_superuser or u.is_staff for u in users)


def test_a_demo_database_made_before_keeps_no_superuser(django_user_model):
    django_user_model.objects.create_superuser("admin", "admin@example.com", "an-older-demo-password")
    call_command("demo-data")
    admin = django_user_model.objects.get(username="admin")
    assert not admin.is_superuser and not admin.is_staff


@pytest.mark.parametrize("role", ["admin", "sales_rep", "warehouse", "accounting"])
def test_no_company_user_sees_another_companys_rows_in_the_admin(
    client, world, other_world, role, admin_enabled
):
    from tests.stemlink.web.orders_world import web_order_invoice

    theirs = web_order_invoice(other_world)
    client.force_login(make_user(world.company, role=role))
    for url in (
        reverse("admin:orders_invoice_changelist"),
        reverse("admin:orders_invoice_change", args=[theirs.pk]),
        reverse("admin:index"),
    ):
        answer = client.get(url)
        assert answer.status_code == 302 and "/admin/login/" in answer["Location"], (role, url)
    # Even marked staff by mistake, a company user is not the operator.
    staff = make_user(world.company, role=role, username=f"flagged-{role}")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.get(reverse("admin:orders_invoice_changelist")).status_code == 302


def test_the_admin_is_off_unless_the_operator_turns_it_on(client, django_user_model, settings):
    operator = django_user_model.objects.create_superuser("operator", "op@example.com", "operator-2026-pw")
    client.force_login(operator)
    settings.ADMIN_ENABLED = False
    assert client.get(reverse("admin:index")).status_code == 404
    assert client.get(reverse("admin:orders_invoice_changelist")).status_code == 404
    assert client.get(reverse("admin:login")).status_code == 404
    settings.ADMIN_ENABLED = True
    assert client.get(reverse("admin:index")).status_code == 200
