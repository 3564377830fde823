"""`stemlink init`: the first run for scripts; the password never on the command line."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from stemlink.tenancy.models import Company, Membership, Role

pytestmark = pytest.mark.django_db

OPTIONS = {
    "name": "Acme Flowers",
    "address": "1 Main Street, Miami",
    "time_zone": "America/New_York",
    "location_name": "Miami warehouse",
    "admin_username": "boss",
}


class NotATerminal(io.StringIO):
    def isatty(self) -> bool:
        return False


def test_values_from_options_and_the_password_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEMLINK_INIT_ADMIN_PASSWORD", "roses-are-red-2026")
    monkeypatch.setattr("sys.stdin", NotATerminal(""))
    out = io.StringIO()
    call_command("init", stdout=out, **OPTIONS)
    company = Company.objects.get()
    assert (company.currency, company.transaction_fee_percent) == ("USD", 1.5)  # the defaults
    assert f"Company ID {company.pk}" in out.getvalue()
    admin = Membership.objects.get(company=company, role=Role.ADMIN).user
    assert admin.username == "boss" and admin.check_password("roses-are-red-2026")


def test_values_from_the_environment_and_the_password_from_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    for field, value in {**OPTIONS, "currency": "COP", "time_zone": "America/Bogota"}.items():
        monkeypatch.setenv(f"STEMLINK_INIT_{field.upper()}", value)
    monkeypatch.delenv("STEMLINK_INIT_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", NotATerminal("tulips-are-yellow-9\n"))
    call_command("init", stdout=io.StringIO())
    company = Company.objects.get()
    assert (company.currency, company.time_zone) == ("COP", "America/Bogota")
    assert get_user_model().objects.get(username="boss").check_password("tulips-are-yellow-9")


def test_there_is_no_password_option() -> None:
    with pytest.raises(TypeError):
        call_command("init", admin_password="on-the-command-line", **OPTIONS)
    assert not Company.objects.exists()


def test_missing_values_are_named_with_their_option_and_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", NotATerminal(""))
    with pytest.raises(CommandError, match=r"--time-zone \(or STEMLINK_INIT_TIME_ZONE\)"):
        call_command("init", name="Acme")
    assert not Company.objects.exists()


def test_bad_values_are_named_by_option_and_nothing_is_made(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", NotATerminal("short\n"))
    with pytest.raises(CommandError) as caught:
        call_command("init", **{**OPTIONS, "time_zone": "Mars/Base", "currency": "XYZ"})
    message = str(caught.value)
    assert "--time-zone:" in message and "--currency:" in message and "password:" in message
    assert not Company.objects.exists()


def test_refuses_once_a_company_exists(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEMLINK_INIT_ADMIN_PASSWORD", "roses-are-red-2026")
    with pytest.raises(CommandError, match="already has a company"):
        call_command("init", **OPTIONS)
    assert Company.objects.count() == 1
