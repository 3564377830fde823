"""Pages that show a secret (a new or regenerated token, an endpoint's signing secret) are never cached."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from stemlink.api.services import create_token
from stemlink.integrations.models import PartnerEndpoint
from tests.factories import World

pytestmark = pytest.mark.django_db


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_generating_a_token_is_never_cached(admin_client: Client) -> None:
    new = reverse("web:token_new")
    response = admin_client.post(new, {"action": "generate", "token_type": "company", "description": "x"})
    assert response.status_code == 200
    assert _no_store(response)
    assert _no_store(admin_client.get(new))


def test_a_regenerated_token_and_the_token_page_are_never_cached(world: World, admin_client: Client) -> None:
    token, _ = create_token(
        world.company, token_type="company", description="cached?", methods=["carrier.list"]
    )
    response = admin_client.post(reverse("web:token_regenerate", args=[token.pk]))
    assert response.status_code == 200 and _no_store(response)
    assert _no_store(admin_client.get(reverse("web:token", args=[token.pk])))


def test_an_endpoints_new_secret_is_never_cached(world: World, admin_client: Client) -> None:
    response = admin_client.post(reverse("web:endpoints"), {"url": "https://bloomnet.example/hooks"})
    assert "whsec_" in response.content.decode() and _no_store(response)
    endpoint = PartnerEndpoint.objects.get()
    response = admin_client.post(reverse("web:endpoint", args=[endpoint.pk]), {"action": "secret"})
    assert "whsec_" in response.content.decode() and _no_store(response)
