"""Faults 2 and 3: a worker killed in the middle of deliveries, and a partner down for ten minutes.

Real `stemlink worker` processes deliver to a loopback partner that drops duplicates by event id
(as a marketplace must). Proven: nothing is lost (every event arrives, with its original id),
nothing is applied twice, and `stemlink check-integrity` passes afterwards.
"""

from __future__ import annotations

import os
import signal
from datetime import date
from decimal import Decimal
from typing import Any

from tests_faults.conftest import STEMLINK, Processes, integrity_ok, process_env, wait_until
from tests_faults.receiver import DedupReceiver

LEASE_SECONDS = 15
# The partner's ten minutes, on a clock sped up by BACKOFF_SCALE (every retry wait and pause x it).
BACKOFF_SCALE = float(os.environ.get("FAULTS_BACKOFF_SCALE", "0.02"))
PARTNER_DOWN_SECONDS = 600 * BACKOFF_SCALE


def _worker_env(fault_db: str, **extra: str) -> dict[str, str]:
    return process_env(
        fault_db,
        STEMLINK_WORKER_LEASE_SECONDS=str(LEASE_SECONDS),
        STEMLINK_WEBHOOK_TIMEOUT_SECONDS="3",
        **extra,
    )


def _all_delivered(company_id: int) -> bool:
    from stemlink.integrations.models import Delivery

    deliveries = Delivery.objects.filter(company_id=company_id)
    return deliveries.exists() and not deliveries.exclude(status="delivered").exists()


def test_a_worker_killed_mid_delivery_loses_nothing(fault_db: str, processes: Processes) -> None:
    from tests.factories import make_world

    from stemlink.integrations.models import Delivery, OutboxEvent
    from stemlink.integrations.services import add_endpoint, record_event

    world = make_world("Killed Worker Roses")
    receiver = DedupReceiver()
    add_endpoint(world.company, url=receiver.url)
    for n in range(30):
        record_event(
            world.company.pk, "inventory.changed", {"inventoryOrigin": 2, "inventoryId": n, "quantity": n}
        )
    events = {
        str(e) for e in OutboxEvent.objects.filter(company=world.company).values_list("event_id", flat=True)
    }
    receiver.hold_after = 5  # the 5th delivery is in flight when the worker dies

    first = processes.start("worker-1", [STEMLINK, "worker", "--poll", "0.2"], _worker_env(fault_db))
    assert receiver.holding.wait(timeout=120), processes.log("worker-1")
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    receiver.release.set()
    in_flight = Delivery.objects.filter(company=world.company, claim_token__isnull=False).count()
    assert in_flight >= 1  # the dead worker's claims are still out

    processes.start("worker-2", [STEMLINK, "worker", "--poll", "0.2"], _worker_env(fault_db))
    wait_until(
        lambda: _all_delivered(world.company.pk), "every delivery after the lease ran out", timeout=180
    )
    assert receiver.event_ids() == events  # every event, under its original id
    assert receiver.duplicates() >= 1  # the one in flight came twice ...
    assert sorted(receiver.applied) == sorted(events)  # ... and was applied once
    receiver.close()
    print(f"\nworker killed: {len(events)} events, {receiver.duplicates()} duplicate(s) dropped by id")
    integrity_ok(fault_db)


def test_a_partner_down_for_ten_minutes_gets_everything_and_ends_equal_to_a_full_sync(
    fault_db: str, processes: Processes
) -> None:
    import time

    from django.utils import timezone
    from tests.factories import make_customer, make_line, make_world

    from stemlink.integrations.models import OutboxEvent
    from stemlink.integrations.services import add_endpoint
    from stemlink.inventory.models import InventoryLine
    from stemlink.orders import weborders
    from stemlink.orders.weborders import ItemRequest

    world = make_world("Partner Down Roses")
    lines = [make_line(world, boxes_on_hand=20) for _ in range(5)]
    receiver = DedupReceiver()
    add_endpoint(world.company, url=receiver.url)
    receiver.down()
    env = _worker_env(fault_db, STEMLINK_WEBHOOK_BACKOFF_SCALE=str(BACKOFF_SCALE))
    processes.start("worker", [STEMLINK, "worker", "--poll", "0.2"], env)

    buyers = [world.customer, make_customer(world.company, customer_type="marketplace")]
    today: date = timezone.now().date()
    started = time.monotonic()
    n = 0
    while time.monotonic() - started < PARTNER_DOWN_SECONDS:
        line, buyer = lines[n % len(lines)], buyers[n % 2]
        added = weborders.add_web_order_item(
            world.company,
            buyer,
            ItemRequest(
                origin=1,
                line_ids=[line.id],
                boxes=1,
                price=Decimal("0.80"),
                carrier_id=world.carrier.id,
                date=today,
            ),
        )
        if n % 3 == 0:
            weborders.delete_web_order(world.company, buyer, added.web_order.id)
        elif n % 3 == 1:
            weborders.checkout_web_order(world.company, buyer, added.web_order.id)
        # n % 3 == 2: the cart stays open, its boxes held
        n += 1
        time.sleep(0.1)
    from stemlink.integrations.models import Delivery

    assert Delivery.objects.filter(company=world.company, attempts__gt=0).exists()  # it really was tried
    receiver.start()  # back on the same port
    wait_until(
        lambda: _all_delivered(world.company.pk), "every delivery after the partner came back", timeout=240
    )
    events = {
        str(e) for e in OutboxEvent.objects.filter(company=world.company).values_list("event_id", flat=True)
    }
    assert receiver.event_ids() == events
    # A fresh full sync: what each line has free now, read from Stemlink itself.
    full_sync = {
        line.id: line.boxes_on_hand - line.boxes_held - line.boxes_sold
        for line in InventoryLine.objects.filter(company=world.company)
    }
    offers: dict[int, Any] = {line_id: quantity for line_id, (_, quantity) in receiver.offers.items()}
    assert offers == full_sync
    receiver.close()
    down = f"{PARTNER_DOWN_SECONDS:.0f} s (= 10 min at backoff x{BACKOFF_SCALE})"
    print(f"\npartner down {down}: {n} changes, {len(events)} events")
    integrity_ok(fault_db)
