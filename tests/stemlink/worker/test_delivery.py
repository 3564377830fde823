"""The worker sends signed deliveries to a real HTTP server, retries with backoff, never loses one."""

from __future__ import annotations

import datetime as dt
import logging
import time

import orjson
import pytest
from django.utils import timezone

from stemlink.errors import ValidationFailed
from stemlink.integrations import rules
from stemlink.integrations.models import Delivery, DeliveryAttempt, OutboxEvent, PartnerEndpoint
from stemlink.integrations.services import (
    add_endpoint,
    claim_due_deliveries,
    record_event,
    retry_delivery,
    set_endpoint_active,
)
from stemlink.worker import loop as loop_module
from stemlink.worker.loop import Worker
from tests.stemlink.worker.receiver import Receiver, closed_port_url


def _worker(**kw) -> Worker:
    return Worker(name="test-worker", timeout_seconds=3.0, jobs=[], **kw)


def _make_due(delivery: Delivery) -> None:
    """Let the backoff pass: the delivery's own wait and its endpoint's pause."""
    past = timezone.now() - dt.timedelta(seconds=1)
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=past)
    PartnerEndpoint.objects.filter(pk=delivery.endpoint_id).update(paused_until=past)


def test_delivers_a_signed_event_the_partner_can_verify(world, receiver: Receiver):
    _, secret = add_endpoint(world.company, url=receiver.url, customer_id=world.customer.pk)
    record_event(world.company.pk, "inventory.changed", {"lineId": 42, "boxesAvailable": 3})
    event = OutboxEvent.objects.get()

    report = _worker().run_once()

    assert report.delivered == 1
    assert len(receiver.received) == 1
    got = receiver.received[0]
    assert got.path == "/hooks/stemlink"
    assert got.headers["X-Stemlink-Event-Id"] == str(event.event_id)
    assert got.headers["X-Stemlink-Event-Type"] == "inventory.changed"
    assert got.headers["Content-Type"] == "application/json"
    check = rules.verify_signature(
        secret, got.headers["X-Stemlink-Signature"], got.body, now=int(time.time())
    )
    assert check.ok, check.reason
    assert not rules.verify_signature(
        "whsec_a-different-secret-123", got.headers["X-Stemlink-Signature"], got.body, now=int(time.time())
    ).ok
    body = orjson.loads(got.body)
    assert body["id"] == str(event.event_id)
    assert body["type"] == "inventory.changed"
    assert body["companyId"] == world.company.pk
    assert body["data"] == {"lineId": 42, "boxesAvailable": 3}
    assert body["created"].endswith("Z")

    delivery = Delivery.objects.get()
    assert delivery.status == "delivered"
    assert delivery.attempts == 1
    assert delivery.last_status_code == 200
    assert delivery.delivered_at is not None
    assert delivery.claim_token is None
    attempt = DeliveryAttempt.objects.get()
    assert (attempt.status_code, attempt.error) == (200, "")


def test_a_failed_delivery_is_retried_with_backoff_until_the_partner_takes_it(world, receiver: Receiver):
    add_endpoint(world.company, url=receiver.url)
    receiver.statuses.extend([500, 503])
    record_event(world.company.pk, "invoice.confirmed", {"invoiceId": 5})
    worker = _worker()

    before = timezone.now()
    first = worker.run_once()
    after_first = timezone.now()
    assert (first.delivered, first.failed) == (0, 1)
    delivery = Delivery.objects.get()
    assert delivery.status == "pending"
    assert (delivery.attempts, delivery.consecutive_failures, delivery.last_status_code) == (1, 1, 500)
    # First retry after about 5 s (±20 % jitter) from the failure, not at once; the failure lies
    # between the instants taken around the run, so a slow machine cannot push it out of range.
    assert (
        before + dt.timedelta(seconds=4) <= delivery.next_attempt_at <= after_first + dt.timedelta(seconds=6)
    )
    assert "HTTP 500" in delivery.last_error

    # Not due yet: a pass now sends nothing.
    assert worker.run_once().attempted == 0
    assert len(receiver.received) == 1

    _make_due(delivery)
    before_second = timezone.now()
    assert worker.run_once().failed == 1
    after_second = timezone.now()
    delivery.refresh_from_db()
    assert delivery.consecutive_failures == 2
    assert (
        before_second + dt.timedelta(seconds=8)
        <= delivery.next_attempt_at
        <= after_second + dt.timedelta(seconds=12)
    )

    _make_due(delivery)
    assert worker.run_once().delivered == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.consecutive_failures) == ("delivered", 3, 0)
    assert [r.answered for r in receiver.received] == [500, 503, 200]
    # Every retry carries the same event id, so the partner can drop duplicates.
    assert len({r.headers["X-Stemlink-Event-Id"] for r in receiver.received}) == 1
    assert DeliveryAttempt.objects.filter(delivery=delivery).count() == 3


def test_an_unreachable_partner_is_recorded_and_kept_for_later(world):
    add_endpoint(world.company, url=closed_port_url())
    record_event(world.company.pk, "inventory.changed", {"lineId": 1})

    report = _worker().run_once()

    assert report.failed == 1
    delivery = Delivery.objects.get()
    assert delivery.status == "pending"
    assert delivery.last_status_code is None
    assert "ConnectError" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now()


def test_after_many_failures_a_delivery_is_failing_but_still_retried_at_the_cap(world, receiver: Receiver):
    add_endpoint(world.company, url=receiver.url)
    receiver.default_status = 500
    record_event(world.company.pk, "inventory.changed", {"lineId": 1})
    worker = _worker()
    delivery = Delivery.objects.get()
    for _ in range(rules.FAILING_AFTER_FAILURES + 3):
        _make_due(delivery)
        worker.run_once()
    delivery.refresh_from_db()
    assert delivery.status == "failing"
    assert delivery.consecutive_failures == rules.FAILING_AFTER_FAILURES + 3
    wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
    assert 0.79 * rules.BACKOFF_CAP_SECONDS <= wait <= rules.BACKOFF_CAP_SECONDS

    receiver.default_status = 204
    _make_due(delivery)
    worker.run_once()
    delivery.refresh_from_db()
    assert delivery.status == "delivered"


def test_a_redirect_is_not_taken_as_delivered(world, receiver: Receiver):
    add_endpoint(world.company, url=receiver.url)
    receiver.statuses.append(302)
    record_event(world.company.pk, "inventory.changed", {"lineId": 1})
    assert _worker().run_once().failed == 1
    assert Delivery.objects.get().status == "pending"


def test_manual_retry_sends_a_waiting_delivery_now(world, receiver: Receiver):
    add_endpoint(world.company, url=receiver.url)
    receiver.statuses.append(500)
    record_event(world.company.pk, "invoice.voided", {"invoiceId": 1})
    worker = _worker()
    worker.run_once()
    delivery = Delivery.objects.get()
    assert delivery.next_attempt_at > timezone.now()

    retry_delivery(world.company, delivery.pk)
    assert worker.run_once().delivered == 1
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert len(receiver.received) == 2


def test_manual_retry_sends_a_delivered_event_again(world, receiver: Receiver):
    add_endpoint(world.company, url=receiver.url)
    record_event(world.company.pk, "invoice.voided", {"invoiceId": 1})
    worker = _worker()
    worker.run_once()
    delivery = Delivery.objects.get()

    retried = retry_delivery(world.company, delivery.pk)
    assert (retried.status, retried.delivered_at) == ("pending", None)
    worker.run_once()
    assert len(receiver.received) == 2
    assert receiver.received[0].body == receiver.received[1].body


def test_deliveries_of_a_disabled_endpoint_wait_until_it_is_enabled(world, receiver: Receiver):
    endpoint, _ = add_endpoint(world.company, url=receiver.url)
    record_event(world.company.pk, "inventory.changed", {"lineId": 1})
    set_endpoint_active(world.company, endpoint.pk, False)
    worker = _worker()
    assert worker.run_once().attempted == 0
    assert Delivery.objects.get().status == "pending"

    set_endpoint_active(world.company, endpoint.pk, True)
    assert worker.run_once().delivered == 1


def test_a_claimed_delivery_is_not_claimed_again_until_its_lease_runs_out(world):
    add_endpoint(world.company, url="https://partner.example/hook")
    record_event(world.company.pk, "inventory.changed", {"lineId": 1})
    now = timezone.now()

    first = claim_due_deliveries(limit=10, lease_seconds=60, now=now)
    second = claim_due_deliveries(limit=10, lease_seconds=60, now=now + dt.timedelta(seconds=30))
    after_lease = claim_due_deliveries(limit=10, lease_seconds=60, now=now + dt.timedelta(seconds=61))

    assert len(first) == 1
    assert second == []
    # A worker that died mid-send gives its deliveries back when the lease runs out.
    assert [r.delivery_id for r in after_lease] == [first[0].delivery_id]


def test_a_stopping_worker_gives_back_what_it_claimed(world, receiver: Receiver):
    add_endpoint(world.company, url=receiver.url)
    for n in range(3):
        record_event(world.company.pk, "inventory.changed", {"lineId": n})
    worker = _worker()
    worker.stop()
    assert worker.run_once().attempted == 0
    assert not Delivery.objects.filter(claim_token__isnull=False).exists()
    assert receiver.received == []


def test_logs_never_show_the_secret_or_the_signature(world, receiver: Receiver, caplog):
    _, secret = add_endpoint(world.company, url=receiver.url)
    receiver.statuses.append(500)
    record_event(world.company.pk, "inventory.changed", {"lineId": 1})
    with caplog.at_level(logging.DEBUG):
        worker = _worker()
        worker.run_once()
        _make_due(Delivery.objects.get())
        worker.run_once()
    assert len(receiver.received) == 2
    signature = receiver.received[0].headers["X-Stemlink-Signature"].split("v1=")[1]
    text = caplog.text
    assert "delivered" in text and "failed" in text
    assert secret not in text
    assert signature not in text


@pytest.mark.parametrize("bad", ["", "not-a-secret"])
def test_an_unreadable_secret_is_recorded_as_a_failed_attempt_not_a_crash(world, receiver: Receiver, bad):
    endpoint, _ = add_endpoint(world.company, url=receiver.url)
    type(endpoint).objects.filter(pk=endpoint.pk).update(secret_encrypted=bad)
    record_event(world.company.pk, "inventory.changed", {"lineId": 1})
    report = _worker().run_once()
    assert report.attempted == 0
    delivery = Delivery.objects.get()
    assert delivery.status == "pending"
    assert "cannot be decrypted" in delivery.last_error
    assert receiver.received == []


def test_never_starts_a_send_that_could_outlive_the_lease(world, receiver: Receiver, monkeypatch):
    add_endpoint(world.company, url=receiver.url)
    for n in range(3):
        record_event(world.company.pk, "inventory.changed", {"lineId": n})
    receiver.delay_seconds = 0.6
    claims: list[int] = []
    real_claim = loop_module.integrations.claim_due_deliveries

    def counting_claim(**kw):
        batch = real_claim(**kw)
        claims.append(len(batch))
        return batch

    monkeypatch.setattr(loop_module.integrations, "claim_due_deliveries", counting_claim)
    # Room for one send per lease: timeout 1 s + 5 s margin fits once in 6.5 s, not twice.
    worker = Worker(name="t", timeout_seconds=1.0, jobs=[], batch_size=3, lease_seconds=6.5)
    report = worker.run_once()

    assert report.delivered == 3
    assert claims == [3, 2, 1, 0]
    assert len(receiver.received) == 3
    assert not Delivery.objects.filter(claim_token__isnull=False).exists()


def test_a_server_without_private_networks_refuses_them_when_saving_and_when_sending(
    world, receiver: Receiver, settings
):
    add_endpoint(world.company, url=receiver.url)
    record_event(world.company.pk, "inventory.changed", {"lineId": 1})
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False

    with pytest.raises(ValidationFailed, match="private or loopback"):
        add_endpoint(world.company, url="http://10.1.2.3/hook")
    # Saved while allowed (or a name re-pointed since): the worker checks again before sending.
    report = _worker().run_once()

    assert report.failed == 1
    assert receiver.received == []
    delivery = Delivery.objects.get()
    assert "not sent" in delivery.last_error and "private or loopback" in delivery.last_error
    assert delivery.status == "pending"


def test_a_host_name_resolving_to_loopback_is_checked_at_send_time(world, receiver: Receiver, settings):
    add_endpoint(world.company, url=receiver.url.replace("127.0.0.1", "localhost"))
    record_event(world.company.pk, "inventory.changed", {"lineId": 1})
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    assert _worker().run_once().failed == 1
    assert receiver.received == []
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    _make_due(Delivery.objects.get())
    assert _worker().run_once().delivered == 1


def test_logs_leave_out_a_key_in_the_partners_url(world, receiver: Receiver, caplog):
    add_endpoint(world.company, url=receiver.url + "?key=partner-private-key-123")
    record_event(world.company.pk, "inventory.changed", {"lineId": 1})
    with caplog.at_level(logging.DEBUG):
        assert _worker().run_once().delivered == 1
    assert receiver.received[0].path.endswith("?key=partner-private-key-123")
    assert "/hooks/stemlink?…" in caplog.text
    assert "partner-private-key-123" not in caplog.text


def test_a_dead_partner_costs_one_attempt_per_pause_and_does_not_hold_up_the_others(
    world, receiver: Receiver
):
    dead, _ = add_endpoint(world.company, url=closed_port_url())
    live, _ = add_endpoint(world.company, url=receiver.url)
    for n in range(5):
        record_event(world.company.pk, "inventory.changed", {"lineId": n})

    before = timezone.now()
    report = _worker().run_once()
    after = timezone.now()

    assert (report.delivered, report.failed, report.deferred) == (5, 1, 4)
    assert DeliveryAttempt.objects.filter(delivery__endpoint=dead).count() == 1
    assert Delivery.objects.filter(endpoint=live, status="delivered").count() == 5
    dead.refresh_from_db()
    assert dead.consecutive_failures == 1
    assert "ConnectError" in dead.last_error
    # 5 s ± 20 % from the failure, which happened somewhere inside the run: bounded by the instants
    # around it, not by "now", so a slow machine cannot push it out of range.
    assert dead.paused_until is not None
    assert before + dt.timedelta(seconds=4) <= dead.paused_until <= after + dt.timedelta(seconds=6)
    # The deferred ones were given back untouched: no attempt counted, no claim left.
    untried = Delivery.objects.filter(endpoint=dead, attempts=0)
    assert untried.count() == 4
    assert not untried.filter(claim_token__isnull=False).exists()
    # While paused, nothing goes to it.
    assert _worker().run_once().attempted == 0


def test_the_first_success_after_a_pause_reopens_the_partner_for_everything(world, receiver: Receiver):
    endpoint, _ = add_endpoint(world.company, url=receiver.url)
    receiver.statuses.append(503)
    for n in range(3):
        record_event(world.company.pk, "inventory.changed", {"lineId": n})
    worker = _worker()
    assert worker.run_once().failed == 1
    endpoint.refresh_from_db()
    assert endpoint.paused_until is not None

    PartnerEndpoint.objects.filter(pk=endpoint.pk).update(paused_until=timezone.now())
    report = worker.run_once()

    # The two never tried go now; the one that failed waits out its own backoff.
    assert report.delivered == 2
    endpoint.refresh_from_db()
    assert (endpoint.consecutive_failures, endpoint.paused_until, endpoint.last_error) == (0, None, "")


def test_manual_retry_and_enabling_lift_the_partners_pause(world, receiver: Receiver):
    endpoint, _ = add_endpoint(world.company, url=receiver.url)
    receiver.statuses.append(500)
    record_event(world.company.pk, "invoice.voided", {"invoiceId": 1})
    worker = _worker()
    worker.run_once()
    endpoint.refresh_from_db()
    assert endpoint.paused_until is not None

    retry_delivery(world.company, Delivery.objects.get().pk)
    endpoint.refresh_from_db()
    assert endpoint.paused_until is None

    PartnerEndpoint.objects.filter(pk=endpoint.pk).update(paused_until=timezone.now() + dt.timedelta(hours=1))
    set_endpoint_active(world.company, endpoint.pk, False)
    set_endpoint_active(world.company, endpoint.pk, True)
    endpoint.refresh_from_db()
    assert (endpoint.paused_until, endpoint.consecutive_failures) == (None, 0)
    assert worker.run_once().delivered == 1
