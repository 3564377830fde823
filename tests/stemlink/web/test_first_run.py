"""The back office's first page on an empty install: it makes the company, signs in, then is gone."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from stemlink.catalog.models import BoxType
from stemlink.tenancy.models import Company, Membership, Role

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Acme Flowers",
    "address": "1 Main Street\nMiami, FL",
    "time_zone": "America/New_York",
    "currency": "USD",
    "location_name": "Miami warehouse",
    "location_code": "MIA",
    "transaction_fee_percent": "1.50",
    "admin_username": "boss",
    "admin_email": "boss@acme.test",
    "admin_password": "roses-are-red-2026",
    "admin_password_again": "roses-are-red-2026",
}


def test_an_empty_install_sends_sign_in_to_the_first_run(client: Client) -> None:
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("web:first_run")
    assert "Welcome to Stemlink" in response.content.decode()


def test_the_first_run_makes_the_company_and_signs_its_administrator_in(client: Client) -> None:
    response = client.post(reverse("web:first_run"), FORM, follow=True)
    assert response.redirect_chain[-1][0] == reverse("web:home")
    company = Company.objects.get()
    assert (company.name, company.time_zone, company.currency) == ("Acme Flowers", "America/New_York", "USD")
    assert Membership.objects.get(company=company).role == Role.ADMIN
    assert sorted(BoxType.objects.filter(company=company).values_list("code", flat=True)) == [
        "FB",
        "HB",
        "QB",
    ]
    page = response.content.decode()
    assert "Welcome to Stemlink, Acme Flowers" in page and 'data-testid="company-id"' in page


def test_bad_values_stay_on_the_page_with_messages_and_make_nothing(client: Client) -> None:
    bad = {**FORM, "time_zone": "Miami", "currency": "ZZZ", "admin_password_again": "other-password-1"}
    response = client.post(reverse("web:first_run"), bad)
    page = response.content.decode()
    assert response.status_code == 200
    assert "is not an IANA time zone name" in page and "is not an ISO 4217 currency code" in page
    assert "The two passwords differ" in page
    assert 'value="Acme Flowers"' in page  # what was typed is kept
    assert not Company.objects.exists() and not get_user_model().objects.exists()


def test_the_page_is_gone_once_a_company_exists(client: Client) -> None:
    client.post(reverse("web:first_run"), FORM)
    other = Client()
    assert other.get(reverse("web:first_run")).status_code == 404
    again = other.post(reverse("web:first_run"), {**FORM, "name": "Second", "admin_username": "intruder"})
    assert again.status_code == 404
    assert "already has a company" in again.content.decode()
    assert Company.objects.count() == 1
    assert not get_user_model().objects.filter(username="intruder").exists()
    # and sign-in is the door again
    assert other.get(reverse("web:login")).status_code == 200


def test_the_page_is_gone_on_an_install_with_the_demo_or_any_company(world: Any, client: Client) -> None:
    assert client.get(reverse("web:first_run")).status_code == 404
    assert client.get(reverse("web:login")).status_code == 200


def test_the_page_refuses_a_post_without_the_csrf_token() -> None:
    browserless = Client(enforce_csrf_checks=True)
    response = browserless.post(reverse("web:first_run"), FORM)
    assert response.status_code == 403
    assert not Company.objects.exists()
