"""Partner endpoints (webhooks) and their delivery log with a manual retry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from stemlink.integrations.models import Delivery, PartnerEndpoint
from stemlink.integrations.services import add_endpoint, record_event
from tests.factories import World

pytestmark = pytest.mark.django_db

LIST = reverse("web:endpoints")


def test_adds_an_endpoint_and_shows_its_secret_once(world: World, admin_client: Client) -> None:
    response = admin_client.post(
        LIST,
        {"url": "https://bloomnet.example/hooks", "customer": world.customer.pk, "description": "BloomNet"},
    )
    page = response.content.decode()
    endpoint = PartnerEndpoint.objects.get()
    assert endpoint.customer_id == world.customer.pk
    assert 'id="endpoint-secret"' in page and "whsec_" in page
    assert "whsec_" not in admin_client.get(LIST).content.decode()


def test_refuses_a_url_that_is_not_http_next_to_the_field(world: World, admin_client: Client) -> None:
    response = admin_client.post(LIST, {"url": "ftp://nope", "description": "x"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="url-error"' in page and 'value="ftp://nope"' in page
    assert not PartnerEndpoint.objects.exists()


def test_cannot_bind_another_companys_customer(
    world: World, other_world: World, admin_client: Client
) -> None:
    admin_client.post(LIST, {"url": "https://x.example/h", "customer": other_world.customer.pk})
    assert not PartnerEndpoint.objects.exists()


def _delivery(world: World) -> Delivery:
    endpoint, _ = add_endpoint(world.company, url="https://partner.example/hook")
    with transaction.atomic():
        record_event(world.company.pk, "inventory.changed", {"inventoryIds": "1", "inventoryOrigin": 1})
    delivery = Delivery.objects.get(endpoint=endpoint)
    Delivery.objects.filter(pk=delivery.pk).update(
        status="failing", next_attempt_at=timezone.now() + dt.timedelta(hours=1), last_error="timed out"
    )
    return delivery


def test_delivery_log_shows_attempts_and_retry_queues_it_now(world: World, admin_client: Client) -> None:
    delivery = _delivery(world)
    page = admin_client.get(reverse("web:endpoint", args=[delivery.endpoint_id])).content.decode()
    assert "inventory.changed" in page and "timed out" in page
    response = admin_client.post(reverse("web:delivery_retry", args=[delivery.pk]), follow=True)
    assert "queued" in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.next_attempt_at <= timezone.now()


def test_retry_on_a_disabled_endpoint_says_to_enable_it(world: World, admin_client: Client) -> None:
    delivery = _delivery(world)
    admin_client.post(reverse("web:endpoint", args=[delivery.endpoint_id]), {"action": "disable"})
    response = admin_client.post(reverse("web:delivery_retry", args=[delivery.pk]), follow=True)
    assert "enable it before retrying" in response.content.decode()


def test_edit_and_new_secret(world: World, admin_client: Client) -> None:
    endpoint, secret = add_endpoint(world.company, url="https://partner.example/hook")
    url = reverse("web:endpoint", args=[endpoint.pk])
    admin_client.post(url, {"url": "https://partner.example/v2", "description": "v2"})
    endpoint.refresh_from_db()
    assert endpoint.url == "https://partner.example/v2"
    page = admin_client.post(url, {"action": "secret"}).content.decode()
    assert "whsec_" in page and secret not in page


def test_another_companys_delivery_cannot_be_retried(
    world: World, other_world: World, admin_client: Client
) -> None:
    theirs = _delivery(other_world)
    assert admin_client.post(reverse("web:delivery_retry", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.next_attempt_at > timezone.now()


def test_home_warns_about_failing_deliveries(world: World, admin_client: Client) -> None:
    assert 'id="failing-deliveries"' not in admin_client.get(reverse("web:home")).content.decode()
    _delivery(world)
    page = admin_client.get(reverse("web:home")).content.decode()
    assert "1 webhook delivery is failing" in page
