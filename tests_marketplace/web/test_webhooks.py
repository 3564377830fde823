import time

import pytest

from marketplace.suppliers import rules
from marketplace.suppliers.models import Supplier
from marketplace.sync.services import run_due_syncs

pytestmark = pytest.mark.django_db


def _post(client, supplier_id, body, secret, *, timestamp=None):
    timestamp = timestamp or int(time.time())
    signature = rules.webhook_signature(secret, timestamp, body)
    return client.post(
        f"/webhooks/{supplier_id}/",
        data=body,
        content_type="application/json",
        HTTP_X_STEMLINK_SIGNATURE=f"t={timestamp},v1={signature}",
    )


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
