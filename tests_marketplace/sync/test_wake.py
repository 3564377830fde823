"""The sync worker is woken by a webhook's commit, coalesces bursts, and still converges without webhooks.

The worker loop runs in a thread against the fake wholesaler. Every wait has a generous deadline
and returns as soon as its condition holds; no test asserts how fast anything is.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection, transaction

from marketplace.suppliers import rules
from marketplace.suppliers.models import Supplier
from marketplace.suppliers.services import request_sync
from marketplace.sync import wake
from marketplace.sync.loop import run_worker
from marketplace.sync.models import Offer, SyncRun
from marketplace.sync.services import run_due_syncs
from tests_marketplace import fake_wholesaler as fw

pytestmark = pytest.mark.django_db(transaction=True)

DEADLINE = 60.0
# Long enough that no poll can explain a sync within a test's run: only a wake-up can.
NEVER = 3600.0


class _RolledBack(Exception):
    pass


def _wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def _post_webhook(client: Any, supplier: Supplier, n: int) -> None:
    body = f'{{"type":"inventory.changed","id":"burst-{n}"}}'.encode()
    timestamp = int(time.time())
    signature = rules.webhook_signature(supplier.webhook_secret, timestamp, body)
    answer = client.post(
        f"/webhooks/{supplier.pk}/",
        data=body,
        content_type="application/json",
        HTTP_X_STEMLINK_SIGNATURE=f"t={timestamp},v1={signature}",
    )
    assert answer.status_code == 200, answer.content


@contextmanager
def _worker(poll_seconds: float) -> Iterator[None]:
    stop = threading.Event()
    failures: list[BaseException] = []

    def run() -> None:
        try:
            run_worker(poll_seconds=poll_seconds, stopping=stop.is_set)
        except BaseException as exc:  # surfaced in the test, not lost in the thread
            failures.append(exc)
        finally:
            connection.close()  # this thread's own connection, or the test database cannot be dropped

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=DEADLINE)
    assert not thread.is_alive(), "the worker did not stop"
    assert not failures, failures


def _delta_calls(wholesaler: fw.FakeWholesaler) -> int:
    return sum(1 for m, p, _ in wholesaler.calls if m == "ecommerce/inventory.list" and p.get("updatedAsOf"))


def test_a_sync_request_wakes_the_worker_on_commit_and_not_on_rollback(supplier: Supplier):
    listener = wake.Listener()
    assert listener.start() and listener.listening
    try:
        listener.drain()
        try:
            with transaction.atomic():
                request_sync(supplier, full=False)
                raise _RolledBack
        except _RolledBack:
            pass
        # Nothing can arrive later for a rolled-back transaction, so a short look proves it.
        assert listener.wait(0.5) is False, "a rolled-back request woke the worker"
        request_sync(supplier, full=False)
        assert listener.wait(DEADLINE) is True, "a committed request did not wake the worker"
    finally:
        listener.close()


def test_a_webhook_wakes_a_worker_that_polls_once_an_hour(client: Any, supplier: Supplier, wholesaler):
    run_due_syncs()  # the first full sync; the next delta poll is a minute away
    wholesaler.touch(1, "101", quantity=2)
    with _worker(NEVER):
        _post_webhook(client, supplier, 0)
        _wait_until(lambda: Offer.objects.get(inventory_ids="101").boxes_available == 2, "the delta")


def test_a_burst_of_webhooks_costs_one_delta_and_one_more_for_those_during_it(
    client: Any, supplier: Supplier, wholesaler: fw.FakeWholesaler
):
    run_due_syncs()
    gate, entered = threading.Event(), threading.Event()
    plain = wholesaler.m_ecommerce_inventory_list

    def gated(params: dict[str, Any]) -> dict[str, Any]:
        if params.get("updatedAsOf"):
            entered.set()
            assert gate.wait(DEADLINE), "the test never opened the gate"
        return plain(params)

    wholesaler.m_ecommerce_inventory_list = gated  # type: ignore[method-assign]
    # A flash sale: the changes are made (the fake holds its lock while a call is in hand), then
    # their webhooks arrive, all but the first while the delta they woke is running.
    wholesaler.touch(1, "101", quantity=4)
    wholesaler.touch(1, "102", quantity=1)
    with _worker(NEVER):
        _post_webhook(client, supplier, 0)
        _wait_until(entered.is_set, "the first delta to call the wholesaler")
        for n in range(1, 41):
            _post_webhook(client, supplier, n)
        gate.set()
        _wait_until(lambda: _delta_calls(wholesaler) >= 2, "the second delta")
        _wait_until(lambda: not Supplier.objects.get(pk=supplier.pk).delta_requested, "the flag to clear")
        _wait_until(
            lambda: not SyncRun.objects.filter(finished_at__isnull=True).exists(), "the running delta"
        )
    assert _delta_calls(wholesaler) == 2
    assert SyncRun.objects.filter(kind=SyncRun.Kind.DELTA).count() == 2
    assert Offer.objects.get(inventory_ids="101").boxes_available == 4
    assert Offer.objects.get(inventory_ids="102").boxes_available == 1


def test_without_webhooks_the_worker_converges_by_delta_polls(
    supplier: Supplier, wholesaler: fw.FakeWholesaler, settings: Any
):
    settings.SYNC_DELTA_SECONDS = 0.2
    run_due_syncs()
    wholesaler.touch(1, "101", quantity=3)
    wholesaler.touch(1, "102", quantity=0)
    with _worker(0.05):
        _wait_until(
            lambda: (
                Offer.objects.get(inventory_ids="101").boxes_available == 3
                and not Offer.objects.filter(inventory_ids="102").exists()
            ),
            "the delta polls to bring both changes",
        )
    assert not Supplier.objects.get(pk=supplier.pk).delta_requested  # no webhook asked for any of it
    assert SyncRun.objects.filter(kind=SyncRun.Kind.DELTA, ok=True).exists()


def test_a_webhooks_delta_waits_out_the_gap_after_the_last_sync(
    client: Any, supplier: Supplier, wholesaler: fw.FakeWholesaler, settings: Any
):
    settings.SYNC_WAKE_MIN_GAP_SECONDS = 0.5
    run_due_syncs()
    ended = Supplier.objects.get(pk=supplier.pk).last_sync_at
    assert ended is not None
    _post_webhook(client, supplier, 0)
    # Within the gap the request is kept, not dropped, and no delta is made.
    assert run_due_syncs(now=ended + dt.timedelta(seconds=0.2)) == []
    assert Supplier.objects.get(pk=supplier.pk).delta_requested
    runs = run_due_syncs(now=ended + dt.timedelta(seconds=0.6))
    assert [run.kind for run in runs] == [SyncRun.Kind.DELTA]
    assert not Supplier.objects.get(pk=supplier.pk).delta_requested
