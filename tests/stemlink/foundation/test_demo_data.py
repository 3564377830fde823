"""The demo companies load, are realistic, and loading them twice changes nothing.

The demo wholesaler is in Miami (America/New_York), the second demo company in Bogotá
(America/Bogota): each has its own master data, users and inventory, dated by its own today.
Every demo user's password is generated on every run, never a literal in the source.
"""

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Max, Min
from django.test import Client
from django.urls import reverse

from stemlink.api.models import ApiToken
from stemlink.api.services import authenticate_token
from stemlink.catalog.models import BoxType, Carrier, Category, Product
from stemlink.customers.models import Customer
from stemlink.demo.build import COMPANY_NAME, MIAMI, SECOND_COMPANY_NAME, SECOND_USERNAMES
from stemlink.integrations.models import PartnerEndpoint
from stemlink.inventory.models import FutureLine, InventoryLine
from stemlink.tenancy import calendar
from stemlink.tenancy.models import Company, Membership
from tests.clock import at, freeze
from tests.factories import make_user

pytestmark = pytest.mark.django_db

# 04:30 UTC on 15 July 2026: 00:30 on Wednesday the 15th in Miami (EDT, UTC−4), still 23:30 on
# Tuesday the 14th in Bogotá (UTC−5 all year). In winter the two zones show the same time.
SUMMER_NIGHT = at("2026-07-15T04:30")


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Company, Product, Category, BoxType, Customer, InventoryLine, FutureLine, Membership)
    }


MIAMI_USERNAMES = tuple(username for username, *_ in MIAMI.users)
PRINTED = re.compile(r"Every demo user's password: (\S+) \(new on every run; shown only now\)")


def test_demo_data_is_a_realistic_wholesaler(capsys, monkeypatch):
    monkeypatch.delenv("STEMLINK_DEMO_PASSWORD", raising=False)
    call_command("demo-data")
    company = Company.objects.get(name=COMPANY_NAME)
    assert company.time_zone == "America/New_York"  # Miami's zone: the tz database has no America/Miami
    assert set(BoxType.objects.filter(company=company).values_list("code", flat=True)) == {"FB", "HB", "QB"}
    categories = set(Category.objects.filter(company=company).values_list("name", flat=True))
    assert {"Roses", "Spray Roses", "Carnations", "Hydrangeas", "Alstroemeria", "Greens"} <= categories
    assert InventoryLine.objects.filter(company=company).count() >= 200
    assert (
        FutureLine.objects.filter(company=company, available_from__gt=company.created_on.date()).count() >= 50
    )
    assert Customer.objects.filter(company=company, name="BloomNet").exists()
    roles = set(Membership.objects.filter(company=company).values_list("role", flat=True))
    assert roles == {"admin", "sales_rep", "warehouse", "accounting"}
    out = capsys.readouterr().out
    user = get_user_model().objects.get(username="admin")
    assert user.check_password(PRINTED.search(out).group(1))  # type: ignore[union-attr]
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


def _demo_data(monkeypatch=None, password: str = "") -> str:
    if monkeypatch is not None:
        if password:
            monkeypatch.setenv("STEMLINK_DEMO_PASSWORD", password)
        else:
            monkeypatch.delenv("STEMLINK_DEMO_PASSWORD", raising=False)
    out = io.StringIO()
    call_command("demo-data", stdout=out)
    return out.getvalue()


def test_the_second_demo_company_is_in_bogota_with_its_own_master_data(monkeypatch):
    output = _demo_data(monkeypatch)
    miami = Company.objects.get(name=COMPANY_NAME)
    bogota = Company.objects.get(name=SECOND_COMPANY_NAME)
    assert bogota.time_zone == "America/Bogota"
    assert bogota.locations.get().code == "BOG"
    # Its own catalogue, customers and stock: nothing shared with Miami.
    for model in (BoxType, Carrier, Category, Product, Customer, InventoryLine, FutureLine):
        assert model.objects.filter(company=bogota).exists(), model.__name__
    assert set(Carrier.objects.filter(company=bogota).values_list("country", flat=True)) == {"CO"}
    assert "Greens" not in set(Category.objects.filter(company=bogota).values_list("name", flat=True))
    assert InventoryLine.objects.filter(company=bogota, product__company=miami).count() == 0
    bloomnet = Customer.objects.get(company=bogota, code="BLOOMNET")
    assert bloomnet.default_carrier.company == bogota
    roles = dict(Membership.objects.filter(company=bogota).values_list("user__username", "role"))
    assert roles == dict(
        zip(SECOND_USERNAMES, ("admin", "sales_rep", "warehouse", "accounting"), strict=True)
    )
    assert not Membership.objects.filter(company=miami, user__username__in=SECOND_USERNAMES).exists()
    # The first line still names Miami's Company ID and BloomNet (the end-to-end test reads them).
    assert re.search(r"Company ID (\d+)", output).group(1) == str(miami.pk)  # type: ignore[union-attr]
    assert f"{bogota.name}, Company ID {bogota.pk} (America/Bogota)" in output


def test_the_demo_password_is_generated_printed_once_and_new_on_every_run(monkeypatch):
    """One password for every demo user of both companies: generated, shown once, replaced by a re-run."""
    users = get_user_model().objects.filter(username__in=MIAMI_USERNAMES + SECOND_USERNAMES)
    first = _demo_data(monkeypatch)
    password = PRINTED.search(first).group(1)  # type: ignore[union-attr]
    assert len(password) >= 16 and password not in Path(__file__).read_text()
    assert first.count(password) == 1
    assert users.count() == 8 and all(user.check_password(password) for user in users)
    second = _demo_data(monkeypatch)
    again = PRINTED.search(second).group(1)  # type: ignore[union-attr]
    assert again != password
    assert all(user.check_password(again) and not user.check_password(password) for user in users.all())


def test_the_launcher_hands_the_demo_password_in_the_environment_and_it_is_not_printed(monkeypatch):
    output = _demo_data(monkeypatch, password="handed-over-by-the-launcher")
    assert "handed-over-by-the-launcher" not in output
    assert "the one in STEMLINK_DEMO_PASSWORD" in output
    for username in ("admin", "rep", "bogota-admin", "bogota-accounting"):
        assert get_user_model().objects.get(username=username).check_password("handed-over-by-the-launcher")


def test_a_real_user_with_a_demo_username_keeps_their_password(monkeypatch, world):
    real = make_user(world.company, username="rep", role="sales_rep", password="real-reps-own-2026")
    _demo_data(monkeypatch, password="handed-over-by-the-launcher")
    real.refresh_from_db()
    assert real.check_password("real-reps-own-2026")
    assert get_user_model().objects.get(username="warehouse").check_password("handed-over-by-the-launcher")


def test_each_demo_company_is_dated_by_its_own_today(monkeypatch):
    freeze(monkeypatch, SUMMER_NIGHT)
    _demo_data(monkeypatch)
    miami = Company.objects.get(name=COMPANY_NAME)
    bogota = Company.objects.get(name=SECOND_COMPANY_NAME)
    assert calendar.today(miami) == dt.date(2026, 7, 15)
    assert calendar.today(bogota) == dt.date(2026, 7, 14)
    for company, today in ((miami, dt.date(2026, 7, 15)), (bogota, dt.date(2026, 7, 14))):
        lines = InventoryLine.objects.filter(company=company).aggregate(last=Max("arrival_date"))
        assert lines["last"] == today, company.name  # boxes arrive up to the company's today, not later
        future = FutureLine.objects.filter(company=company).aggregate(first=Min("available_from"))
        assert future["first"] > today


def test_a_bogota_rep_sees_bogotas_today_on_home(monkeypatch):
    freeze(monkeypatch, SUMMER_NIGHT)
    _demo_data(monkeypatch, password="bogota-rep-password-1")
    client = Client()
    signed_in = client.post(
        reverse("web:login"), {"username": "bogota-rep", "password": "bogota-rep-password-1"}
    )
    assert signed_in.status_code == 302, signed_in.content[:500]
    page = client.get(reverse("web:home"))
    assert page.status_code == 200
    assert page.context["today"] == dt.date(2026, 7, 14)
    assert "(America/Bogota)" in page.content.decode()


def _handover(*args: str) -> dict:
    out = io.StringIO()
    call_command("demo-handover", *args, stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1])


def test_the_handover_gives_each_demo_company_its_own_bloomnet_tokens(monkeypatch):
    _demo_data(monkeypatch)
    miami = _handover()
    bogota = _handover("--company", SECOND_COMPANY_NAME)
    assert miami["companyName"] == COMPANY_NAME and miami["timeZone"] == "America/New_York"
    assert bogota["companyName"] == SECOND_COMPANY_NAME and bogota["timeZone"] == "America/Bogota"
    company = Company.objects.get(name=SECOND_COMPANY_NAME)
    assert bogota["companyId"] == company.pk
    assert bogota["customerId"] == Customer.objects.get(company=company, code="BLOOMNET").pk
    assert Carrier.objects.get(pk=bogota["carrierId"]).company == company
    assert authenticate_token(bogota["customerToken"]).company == company
    assert authenticate_token(miami["companyToken"]).company.name == COMPANY_NAME
    assert ApiToken.objects.filter(company=company, revoked_on__isnull=True).count() == 2
    monkeypatch.setenv("DEMO_WEBHOOK_SECRET", "whsec-demo-bogota-0123456789abcdef")
    _handover(
        "--company", SECOND_COMPANY_NAME, "--skip-tokens", "--webhook-url", "https://shop.example/webhooks/2/"
    )
    endpoint = PartnerEndpoint.objects.get(company=company)
    assert endpoint.customer_id == bogota["customerId"]


def test_the_handover_touches_only_the_demo_companies(monkeypatch, world):
    _demo_data(monkeypatch)
    with pytest.raises(CommandError, match="is not a demo company"):
        _handover("--company", world.company.name)
    assert not ApiToken.objects.filter(company=world.company).exists()
