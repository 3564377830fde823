"""Sign-in, the top bar, and tenants never mixing: another company's ids answer 404."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from stemlink.api.services import create_token
from stemlink.integrations.services import add_endpoint
from tests.factories import World, make_future_line, make_line, make_user

pytestmark = pytest.mark.django_db

PAGES = [
    "web:home",
    "web:orders",
    "web:invoices",
    "web:prebooks",
    "web:inventory",
    "web:fees",
    "web:customers",
    "web:settings",
    "web:tokens",
    "web:token_new",
    "web:endpoints",
]


@pytest.mark.parametrize("name", PAGES)
def test_every_page_asks_for_sign_in_first(client: Client, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("name", PAGES)
def test_every_page_opens_for_an_administrator(admin_client: Client, name: str) -> None:
    response = admin_client.get(reverse(name))
    assert response.status_code == 200, response.content[:500]


def test_signs_in_with_username_and_password_and_shows_the_company(world: World, client: Client) -> None:
    make_user(world.company, username="maria", password="flowers-2026")
    response = client.post(
        reverse("web:login"), {"username": "maria", "password": "flowers-2026"}, follow=True
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sunrise Flowers" in page
    assert re.search(rf'id="company-id"[^>]*>{world.company.pk}<', page)


def test_refuses_a_wrong_password_with_a_message_and_keeps_the_username(world: World, client: Client) -> None:
    make_user(world.company, username="maria", password="flowers-2026")
    response = client.post(reverse("web:login"), {"username": "maria", "password": "nope"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please enter a correct username and password" in page
    assert 'value="maria"' in page


def test_sign_out_needs_a_post_and_ends_the_session(admin_client: Client) -> None:
    response = admin_client.post(reverse("web:logout"))
    assert response.status_code == 302
    assert admin_client.get(reverse("web:home")).status_code == 302


def test_forms_carry_a_csrf_token_and_posts_without_one_are_refused(
    admin_user: Any, admin_client: Client
) -> None:
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(admin_user)
    response = csrf_client.post(reverse("web:settings"), {"checkout_timer_minutes": 5})
    assert response.status_code == 403
    page = admin_client.get(reverse("web:settings")).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page


def test_a_user_without_a_company_gets_a_clear_page(db: Any, client: Client) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username="loner", password="flowers-2026")
    client.force_login(user)
    response = client.get(reverse("web:home"))
    assert response.status_code == 403
    assert "not a member of any active company" in response.content.decode()


def test_a_sales_rep_cannot_open_setup_settings_or_tokens(rep_client: Client) -> None:
    for name in ("web:settings", "web:tokens", "web:token_new", "web:endpoints"):
        response = rep_client.get(reverse(name))
        assert response.status_code == 403
        assert "Only an administrator" in response.content.decode()
    assert rep_client.get(reverse("web:customers")).status_code == 200


def test_another_companys_records_are_not_found(
    world: World, other_world: World, admin_client: Client
) -> None:
    theirs_token, _ = create_token(other_world.company, token_type="company", description="x", methods="all")
    theirs_endpoint, _ = add_endpoint(other_world.company, url="https://partner.example/hook")
    line = make_line(other_world)
    future = make_future_line(other_world)
    gets = [
        reverse("web:customer", args=[other_world.customer.pk]),
        reverse("web:token", args=[theirs_token.pk]),
        reverse("web:endpoint", args=[theirs_endpoint.pk]),
        reverse("web:inventory_line", args=["onhand", line.pk]),
        reverse("web:inventory_line", args=["future", future.pk]),
    ]
    for url in gets:
        assert admin_client.get(url).status_code == 404, url
    posts = [
        reverse("web:customer", args=[other_world.customer.pk]),
        reverse("web:token_regenerate", args=[theirs_token.pk]),
        reverse("web:token_revoke", args=[theirs_token.pk]),
        reverse("web:token_enable", args=[theirs_token.pk]),
        reverse("web:endpoint", args=[theirs_endpoint.pk]),
        reverse("web:inventory_line", args=["onhand", line.pk]),
    ]
    for url in posts:
        assert admin_client.post(url, {"action": "edit", "enabled": "0"}).status_code == 404, url
    theirs_token.refresh_from_db()
    assert theirs_token.enabled and theirs_token.revoked_on is None


def test_lists_show_only_the_users_company(world: World, other_world: World, admin_client: Client) -> None:
    make_line(other_world, awb="OTHER-AWB-1")
    create_token(other_world.company, token_type="company", description="their secret token", methods="all")
    assert "OTHER-AWB-1" not in admin_client.get(reverse("web:inventory")).content.decode()
    assert "their secret token" not in admin_client.get(reverse("web:tokens")).content.decode()
    customers = admin_client.get(reverse("web:customers")).content.decode()
    assert f'customer-id">{world.customer.pk}<' in customers
    assert f'customer-id">{other_world.customer.pk}<' not in customers


def test_serves_its_own_css_and_htmx_without_a_web_server_in_front(client: Client) -> None:
    css = client.get("/static/web/stemlink.css")
    assert css.status_code == 200 and css["Content-Type"].startswith("text/css")
    assert css["Cache-Control"] == "max-age=60, public" and css["X-Content-Type-Options"] == "nosniff"
    htmx = client.get("/static/web/htmx.min.js")
    assert htmx.status_code == 200 and b"htmx" in b"".join(htmx.streaming_content)
    assert client.get("/static/web/nothing-here.js").status_code == 404
    assert client.get("/static/../settings.py").status_code in {400, 404}


def test_a_member_of_two_companies_switches_between_them_and_only_them(
    world: World, other_world: World, client: Client
) -> None:
    from stemlink.tenancy.models import Membership
    from tests.factories import make_world

    user = make_user(world.company, username="both")
    Membership.objects.create(user=user, company=other_world.company, role="admin")
    stranger = make_world("Stranger Flowers")
    client.force_login(user)
    assert "Sunrise Flowers" in client.get(reverse("web:home")).content.decode()
    client.post(reverse("web:switch_company"), {"company": other_world.company.pk})
    page = client.get(reverse("web:customers")).content.decode()
    assert f'customer-id">{other_world.customer.pk}<' in page
    assert f'customer-id">{world.customer.pk}<' not in page
    assert client.post(reverse("web:switch_company"), {"company": stranger.company.pk}).status_code == 404
    Membership.objects.filter(user=user, company=other_world.company).update(active=False)
    assert f'customer-id">{world.customer.pk}<' in client.get(reverse("web:customers")).content.decode()
