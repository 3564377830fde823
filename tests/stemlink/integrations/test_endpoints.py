"""Partner endpoints: validation with messages a person can act on, secrets kept sealed, tenants apart."""

from __future__ import annotations

import pytest

from stemlink.errors import InvalidState, NotFound, ValidationFailed
from stemlink.integrations import queries
from stemlink.integrations.models import Delivery, PartnerEndpoint
from stemlink.integrations.secret_box import SecretUnreadable, open_secret, reseal, seal_secret
from stemlink.integrations.services import (
    add_endpoint,
    claim_due_deliveries,
    record_event,
    retry_delivery,
    set_endpoint_active,
    set_endpoint_secret,
    update_endpoint,
)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "The endpoint URL is required"),
        ("ftp://partner.example/hook", "must start with http:// or https:// (scheme 'ftp'"),
        ("partner.example/hook", "must start with http:// or https://"),
        ("javascript:alert(1)", "must start with http:// or https://"),
        ("https:///hook", "has no host name"),
        ("https://user:pw@partner.example/hook", "must not carry a user name or password"),
        ("https://partner.example/ho ok", "must not contain spaces"),
        ("https://partner.example:99999/hook", "not a valid URL"),
        ("https://partner.example/" + "x" * 600, "too long"),
    ],
)
def test_refuses_an_unusable_url_saying_what_to_fix(world, url, message):
    with pytest.raises(ValidationFailed) as exc:
        add_endpoint(world.company, url=url)
    assert exc.value.errors[0].field == "url"
    assert message in exc.value.message
    assert PartnerEndpoint.objects.count() == 0


def test_reports_every_bad_field_at_once(world, other_world):
    with pytest.raises(ValidationFailed) as exc:
        add_endpoint(
            world.company,
            url="ftp://x",
            customer_id=other_world.customer.pk,
            secret="short",
            description="d" * 300,
        )
    assert {e.field for e in exc.value.errors} == {"url", "customerId", "secret", "description"}
    assert "does not exist in Sunrise Flowers" in exc.value.message
    assert PartnerEndpoint.objects.count() == 0


def test_accepts_http_and_https_and_trims_spaces(world, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True  # the loopback URL below needs the opt-in
    a, _ = add_endpoint(world.company, url="  https://partner.example/hook?source=stemlink ")
    b, _ = add_endpoint(world.company, url="http://127.0.0.1:8001/webhooks")
    assert a.url == "https://partner.example/hook?source=stemlink"
    assert b.url == "http://127.0.0.1:8001/webhooks"


def test_generates_a_strong_secret_shown_once_and_stores_it_sealed(world):
    endpoint, secret = add_endpoint(world.company, url="https://partner.example/hook")
    assert secret.startswith("whsec_") and len(secret) >= 40
    endpoint.refresh_from_db()
    assert secret not in endpoint.secret_encrypted
    assert open_secret(endpoint.secret_encrypted) == secret
    _, other = add_endpoint(world.company, url="https://partner.example/hook2")
    assert other != secret


def test_keeps_a_partner_chosen_secret(world):
    endpoint, secret = add_endpoint(
        world.company, url="https://p.example/h", secret="partner-chosen-secret-1"
    )
    assert secret == "partner-chosen-secret-1"
    assert open_secret(PartnerEndpoint.objects.get(pk=endpoint.pk).secret_encrypted) == secret


def test_a_secret_sealed_under_another_server_key_is_reported_clearly(settings):
    sealed = seal_secret("whsec_something-long-enough")
    settings.WEBHOOK_SECRET_KEYS = ["a-different-server-key-0123456789-abcdefghij-klmnopqrstuv"]
    with pytest.raises(SecretUnreadable, match="was STEMLINK_SECRET_KEY or STEMLINK_WEBHOOK_SECRET_KEYS"):
        open_secret(sealed)


def test_a_rotated_key_list_still_opens_secrets_sealed_under_the_old_key(settings):
    old_key = "the-old-webhook-key-0123456789-abcdefghijklmnopqrstuvwxyz"
    new_key = "the-new-webhook-key-9876543210-zyxwvutsrqponmlkjihgfedcba"
    settings.WEBHOOK_SECRET_KEYS = [old_key]
    sealed_before = seal_secret("whsec_sealed-before-the-rotation")
    settings.WEBHOOK_SECRET_KEYS = [new_key, old_key]
    assert open_secret(sealed_before) == "whsec_sealed-before-the-rotation"
    sealed_after = seal_secret("whsec_sealed-after-the-rotation")
    resealed = reseal(sealed_before)
    settings.WEBHOOK_SECRET_KEYS = [new_key]  # the old key retired: what was sealed or resealed since opens
    assert open_secret(sealed_after) == "whsec_sealed-after-the-rotation"
    assert open_secret(resealed) == "whsec_sealed-before-the-rotation"
    with pytest.raises(SecretUnreadable):
        open_secret(sealed_before)


def test_rotating_the_secret_signs_waiting_deliveries_with_the_new_one(world):
    endpoint, old = add_endpoint(world.company, url="https://partner.example/hook")
    record_event(world.company.pk, "inventory.changed", {"lineId": 1})
    new = set_endpoint_secret(world.company, endpoint.pk)
    assert new != old
    [request] = claim_due_deliveries(limit=5, lease_seconds=30)
    from stemlink.integrations.rules import verify_signature

    header = request.headers["X-Stemlink-Signature"]
    t = int(header.split(",")[0][2:])
    assert verify_signature(new, header, request.body, now=t).ok
    assert not verify_signature(old, header, request.body, now=t).ok


def test_update_changes_url_description_and_binding(world):
    endpoint, _ = add_endpoint(
        world.company, url="https://partner.example/hook", customer_id=world.customer.pk
    )
    updated = update_endpoint(
        world.company,
        endpoint.pk,
        url="https://partner.example/v2",
        description="BloomNet prod",
        customer_id=None,
    )
    assert (updated.url, updated.description, updated.customer_id) == (
        "https://partner.example/v2",
        "BloomNet prod",
        None,
    )
    with pytest.raises(ValidationFailed, match="must start with http"):
        update_endpoint(world.company, endpoint.pk, url="mailto:x@example.com")
    endpoint.refresh_from_db()
    assert endpoint.url == "https://partner.example/v2"


def test_another_companys_endpoint_and_delivery_are_not_found(world, other_world):
    theirs, _ = add_endpoint(other_world.company, url="https://other.example/hook")
    record_event(other_world.company.pk, "inventory.changed", {"lineId": 1})
    delivery = Delivery.objects.get()
    with pytest.raises(NotFound):
        set_endpoint_active(world.company, theirs.pk, False)
    with pytest.raises(NotFound):
        update_endpoint(world.company, theirs.pk, description="mine now")
    with pytest.raises(NotFound):
        set_endpoint_secret(world.company, theirs.pk)
    with pytest.raises(NotFound):
        retry_delivery(world.company, delivery.pk)
    with pytest.raises(NotFound):
        list(queries.deliveries_of(world.company, endpoint_id=theirs.pk))
    with pytest.raises(NotFound):
        queries.attempts_of(world.company, delivery.pk)
    assert queries.endpoints_of(world.company) == []
    assert list(queries.deliveries_of(world.company)) == []
    assert PartnerEndpoint.objects.get(pk=theirs.pk).active


def test_retry_refuses_a_disabled_endpoint_and_a_delivery_in_flight(world):
    endpoint, _ = add_endpoint(world.company, url="https://partner.example/hook")
    record_event(world.company.pk, "inventory.changed", {"lineId": 1})
    delivery = Delivery.objects.get()
    claim_due_deliveries(limit=1, lease_seconds=60)
    with pytest.raises(InvalidState, match="being sent right now"):
        retry_delivery(world.company, delivery.pk)
    set_endpoint_active(world.company, endpoint.pk, False)
    with pytest.raises(InvalidState, match="is disabled; enable it"):
        retry_delivery(world.company, delivery.pk)


def test_lists_endpoints_with_counts_and_deliveries_by_status(world):
    a, _ = add_endpoint(world.company, url="https://a.example/hook", description="A")
    b, _ = add_endpoint(world.company, url="https://b.example/hook", customer_id=world.customer.pk)
    record_event(world.company.pk, "inventory.changed", {"lineId": 1})
    record_event(world.company.pk, "inventory.changed", {"lineId": 2})
    Delivery.objects.filter(endpoint=a).update(status="delivered")

    summaries = {s.id: s for s in queries.endpoints_of(world.company)}
    assert (summaries[a.pk].delivered, summaries[a.pk].pending) == (2, 0)
    assert (summaries[b.pk].pending, summaries[b.pk].customer_name) == (2, "BloomNet")
    assert all(not hasattr(s, "secret") for s in summaries.values())

    assert {d.endpoint_id for d in queries.deliveries_of(world.company, status="pending")} == {b.pk}
    assert len(list(queries.deliveries_of(world.company, endpoint_id=a.pk))) == 2
    with pytest.raises(ValidationFailed, match="Unknown delivery status 'lost'"):
        queries.deliveries_of(world.company, status="lost")
