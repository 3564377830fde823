"""The demo wholesaler loads, is realistic, and loading it twice changes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from stemlink.catalog.models import BoxType, Category, Product
from stemlink.customers.models import Customer
from stemlink.inventory.models import FutureLine, InventoryLine
from stemlink.tenancy.models import Company, Membership

pytestmark = pytest.mark.django_db


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Company, Product, Category, BoxType, Customer, InventoryLine, FutureLine, Membership)
    }


def test_demo_data_is_a_realistic_wholesaler(capsys):
    call_command("demo-data")
    company = Company.objects.get()
    assert set(BoxType.objects.values_list("code", flat=True)) == {"FB", "HB", "QB"}
    categories = set(Category.objects.values_list("name", flat=True))
    assert {"Roses", "Spray Roses", "Carnations", "Hydrangeas", "Alstroemeria", "Greens"} <= categories
    assert InventoryLine.objects.filter(company=company).count() >= 200
    assert (
        FutureLine.objects.filter(company=company, available_from__gt=company.created_on.date()).count() >= 50
    )
    assert Customer.objects.filter(company=company, name="BloomNet").exists()
    roles = set(Membership.objects.filter(company=company).values_list("role", flat=True))
    assert roles == {"admin", "sales_rep", "warehouse", "accounting"}
    user = get_user_model().objects.get(username="admin")
    assert user.check_password("flowers-demo")
    out = capsys.readouterr().out
    assert "On-hand lines" in out and f"Company ID {company.pk}" in out


def test_loading_the_demo_twice_changes_nothing():
    call_command("demo-data")
    first = _counts()
    lines = list(InventoryLine.objects.order_by("id").values("id", "boxes_on_hand", "price", "lot_number"))
    call_command("demo-data")
    assert _counts() == first
    assert (
        list(InventoryLine.objects.order_by("id").values("id", "boxes_on_hand", "price", "lot_number"))
        == lines
    )


def test_every_demo_line_has_a_consistent_pack():
    call_command("demo-data")
    for line in InventoryLine.objects.all()[:300]:
        expected = line.bunches * line.stems_bunch if line.unit_type == "Stem" else line.bunches
        assert line.units_per_box == expected
