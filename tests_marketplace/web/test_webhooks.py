import datetime as dt
import json
import threading
import time

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone

from marketplace.suppliers import rules, services
from marketplace.suppliers.models import Supplier
from marketplace.sync.models import ReceivedWebhook
from marketplace.sync.services import run_due_syncs
from marketplace.web import webhook_views
from tests_marketplace.conftest import connection

pytestmark = pytest.mark.django_db


def _post(client, supplier_id, body, secret, *, timestamp=None, event_id=None):
    timestamp = timestamp or int(time.time())
    signature = rules.webhook_signature(secret, timestamp, body)
    headers = {"HTTP_X_STEMLINK_EVENT_ID": event_id} if event_id is not None else {}
    return client.post(
        f"/webhooks/{supplier_id}/",
        data=body,
        content_type="application/json",
        HTTP_X_STEMLINK_SIGNATURE=f"t={timestamp},v1={signature}",
        **headers,
    )


@pytest.fixture
def sync_requests(monkeypatch):
    """Count the syncs webhooks ask for (each still asked for for real)."""
    asked = []

    def counting(supplier, *, full=True):
        asked.append(supplier.pk)
        services.request_sync(supplier, full=full)

    monkeypatch.setattr(webhook_views, "request_sync", counting)
    return asked


def _event(event_id):
    return json.dumps({"id": event_id, "type": "inventory.changed", "data": {}}).encode()


def test_a_signed_webhook_triggers_a_delta_sync_of_that_supplier(client, supplier, wholesaler):
    run_due_syncs()
    response = _post(client, supplier.pk, b'{"type":"inventory.changed","id":"e1"}', supplier.webhook_secret)
    assert response.status_code == 200 and response.json() == {"received": True}
    assert Supplier.objects.get(pk=supplier.pk).delta_requested
    runs = run_due_syncs()
    assert [r.kind for r in runs] == ["delta"]
    assert not Supplier.objects.get(pk=supplier.pk).delta_requested


def test_a_wrongly_signed_webhook_is_refused_and_changes_nothing(client, supplier, wholesaler):
    response = _post(client, supplier.pk, b"{}", "not-the-secret")
    assert response.status_code == 401
    assert response.json()["message"] == "signature does not match"
    assert not Supplier.objects.get(pk=supplier.pk).delta_requested


def test_an_old_signature_is_refused_as_a_replay(client, supplier, wholesaler):
    response = _post(client, supplier.pk, b"{}", supplier.webhook_secret, timestamp=int(time.time()) - 3600)
    assert response.status_code == 401
    assert "too old" in response.json()["message"]


def test_a_webhook_for_an_unknown_supplier_is_not_found(client, db):
    assert _post(client, 999, b"{}", "x").status_code == 404


def test_only_post_is_accepted(client, supplier):
    assert client.get(f"/webhooks/{supplier.pk}/").status_code == 405


def test_an_invoice_event_makes_the_order_history_ask_again_without_a_sync(client, supplier, wholesaler):
    from django.utils import timezone

    from marketplace.shop import services
    from marketplace.shop.models import SupplierOrder

    run_due_syncs()
    florist = services.sign_up_florist(
        shop_name="D",
        address="a",
        city="c",
        state="s",
        zipcode="1",
        email="d@example.com",
        password="pass-word-123",
    )
    from marketplace.sync.models import Offer

    services.add_to_cart(florist, Offer.objects.get(inventory_ids="101"), 1, timezone.localdate())
    services.checkout(florist)
    SupplierOrder.objects.update(status_checked_at=timezone.now())
    response = _post(client, supplier.pk, b'{"type":"invoice.confirmed","id":"e2"}', supplier.webhook_secret)
    assert response.status_code == 200
    assert SupplierOrder.objects.get().status_checked_at is None
    assert not Supplier.objects.get(pk=supplier.pk).delta_requested


def test_health_answers_with_the_active_supplier_count(client, supplier):
    assert client.get("/health/").json() == {"ok": True, "suppliers": 1}


def test_a_redelivered_event_id_is_answered_2xx_and_not_acted_on_again(client, supplier, sync_requests):
    first = _post(client, supplier.pk, _event("e-1"), supplier.webhook_secret, event_id="e-1")
    again = _post(client, supplier.pk, _event("e-1"), supplier.webhook_secret, event_id="e-1")
    assert first.status_code == 200 and first.json() == {"received": True}
    assert again.status_code == 200 and again.json() == {"received": True, "duplicate": True}
    assert sync_requests == [supplier.pk]
    assert ReceivedWebhook.objects.filter(supplier=supplier, event_id="e-1").count() == 1


def test_two_different_event_ids_are_both_acted_on(client, supplier, sync_requests):
    for event_id in ("e-1", "e-2"):
        response = _post(client, supplier.pk, _event(event_id), supplier.webhook_secret, event_id=event_id)
        assert response.json() == {"received": True}
    assert sync_requests == [supplier.pk, supplier.pk]


def test_the_same_event_id_from_another_supplier_is_its_own_event(client, supplier, sync_requests):
    other = services.save_supplier(connection(name="Other Farm", company_id=77))
    _post(client, supplier.pk, _event("e-1"), supplier.webhook_secret, event_id="e-1")
    _post(client, other.pk, _event("e-1"), other.webhook_secret, event_id="e-1")
    assert sync_requests == [supplier.pk, other.pk]


def test_without_the_header_the_body_id_is_used(client, supplier, sync_requests):
    for _ in range(2):
        assert _post(client, supplier.pk, _event("e-9"), supplier.webhook_secret).status_code == 200
    assert sync_requests == [supplier.pk]


def test_a_badly_signed_redelivery_does_not_remember_the_id(client, supplier, sync_requests):
    assert _post(client, supplier.pk, _event("e-1"), "wrong", event_id="e-1").status_code == 401
    assert _post(client, supplier.pk, _event("e-1"), supplier.webhook_secret, event_id="e-1").json() == {
        "received": True
    }
    assert sync_requests == [supplier.pk]


def test_an_overlong_event_id_is_refused_with_a_message(client, supplier, sync_requests):
    response = _post(client, supplier.pk, _event("x" * 101), supplier.webhook_secret, event_id="x" * 101)
    assert response.status_code == 400
    assert "longer than 100" in response.json()["message"]
    assert sync_requests == [] and not ReceivedWebhook.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_of_one_event_act_once(supplier, sync_requests):
    deliveries = 6
    barrier = threading.Barrier(deliveries)
    codes = []
    body = _event("e-race")

    def deliver():
        try:
            barrier.wait(timeout=60)
            codes.append(
                _post(Client(), supplier.pk, body, supplier.webhook_secret, event_id="e-race").status_code
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(deliveries)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert codes == [200] * deliveries
    assert sync_requests == [supplier.pk]
    assert ReceivedWebhook.objects.filter(supplier=supplier).count() == 1


def test_event_ids_older_than_the_retention_are_swept_by_the_worker(supplier, wholesaler, settings):
    settings.WEBHOOK_EVENT_RETENTION_DAYS = 7
    now = timezone.now()
    old = ReceivedWebhook.objects.create(
        supplier=supplier, event_id="old", received_at=now - dt.timedelta(days=8)
    )
    recent = ReceivedWebhook.objects.create(
        supplier=supplier, event_id="recent", received_at=now - dt.timedelta(days=6)
    )
    run_due_syncs()
    assert list(ReceivedWebhook.objects.values_list("pk", flat=True)) == [recent.pk]
    assert old.pk != recent.pk
