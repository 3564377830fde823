"""Faults 2 and 3: a worker killed in the middle of deliveries, and a partner down for ten minutes.

The partner is the reference marketplace itself, as real processes (`tests_faults.marketplace`):
Stemlink's `stemlink worker` delivers signed webhooks to its receiver, which drops a redelivered
event by its id and, for every new one, fetches the wholesaler's changes with a delta call.
Proven: nothing is lost (every event reaches the marketplace under its original id), nothing is
acted on twice (the marketplace answers the redelivery `duplicate`), the marketplace's offers end
equal to a fresh full sync, and `stemlink check-integrity` passes afterwards.
"""

from __future__ import annotations

import os
import signal
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from tests_faults.conftest import STEMLINK, Processes, integrity_ok, process_env, wait_until
from tests_faults.marketplace import RealMarketplace, WebhookTap

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


def _delivered_event_ids(company_id: int) -> list[str]:
    from stemlink.integrations.models import Delivery

    ids = Delivery.objects.filter(company_id=company_id).values_list("event__event_id", flat=True)
    return sorted(str(event_id) for event_id in ids)


def test_a_worker_killed_mid_delivery_loses_nothing(
    fault_db: str, processes: Processes, tmp_path: Path
) -> None:
    from tests.factories import make_line, make_world

    from stemlink.integrations.models import Delivery
    from stemlink.integrations.services import add_endpoint, record_event

    world = make_world("Killed Worker Roses")
    lines = [make_line(world, boxes_on_hand=10) for _ in range(3)]
    market = RealMarketplace(fault_db, processes, tmp_path, world)
    market.start()
    tap = WebhookTap(market.webhook_url)
    add_endpoint(world.company, url=tap.url, customer_id=world.customer.id, secret=market.webhook_secret)
    for n in range(30):
        line = lines[n % len(lines)]
        record_event(
            world.company.pk,
            "inventory.changed",
            {"inventoryOrigin": 1, "inventoryId": line.id, "quantity": 10},
        )
    events = _delivered_event_ids(world.company.pk)
    assert len(events) == 30
    tap.hold_after = 5  # the 5th delivery reaches the marketplace; its answer never gets back

    first = processes.start("worker-1", [STEMLINK, "worker", "--poll", "0.2"], _worker_env(fault_db))
    assert tap.holding.wait(timeout=120), processes.log("worker-1")
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    tap.release.set()
    in_flight = Delivery.objects.filter(company=world.company, claim_token__isnull=False).count()
    assert in_flight >= 1  # the dead worker's claims are still out

    processes.start("worker-2", [STEMLINK, "worker", "--poll", "0.2"], _worker_env(fault_db))
    wait_until(
        lambda: _all_delivered(world.company.pk), "every delivery after the lease ran out", timeout=180
    )
    # Every event reached the marketplace under its original id, and it acted on each once.
    assert sorted(tap.sent) == events
    assert sorted(market.received_event_ids()) == events
    repeated = sorted(event_id for event_id, times in tap.sent.items() if times > 1)
    assert repeated, "the delivery in flight when the worker died was not sent again"
    assert sorted(tap.duplicates_dropped()) == repeated  # the marketplace dropped each repeat by its id
    # The marketplace still offers exactly what the wholesaler has.
    wait_until(lambda: market.offers() == market.full_list(), "the marketplace's offers to settle")
    tap.close()
    print(f"\nworker killed: {len(events)} events, {len(repeated)} redelivered and dropped by id")
    integrity_ok(fault_db)


def test_a_partner_down_for_ten_minutes_gets_everything_and_ends_equal_to_a_full_sync(
    fault_db: str, processes: Processes, tmp_path: Path
) -> None:
    from django.utils import timezone
    from tests.factories import make_customer, make_line, make_world

    from stemlink.integrations.models import Delivery
    from stemlink.integrations.services import add_endpoint
    from stemlink.orders import weborders
    from stemlink.orders.weborders import ItemRequest

    world = make_world("Partner Down Roses")
    lines = [make_line(world, boxes_on_hand=20) for _ in range(5)]
    market = RealMarketplace(fault_db, processes, tmp_path, world)
    market.start()
    assert market.offers() == market.full_list() != {}
    add_endpoint(
        world.company, url=market.webhook_url, customer_id=world.customer.id, secret=market.webhook_secret
    )
    env = _worker_env(fault_db, STEMLINK_WEBHOOK_BACKOFF_SCALE=str(BACKOFF_SCALE))
    processes.start("worker", [STEMLINK, "worker", "--poll", "0.2"], env)
    market.stop_marketplace()

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
    assert Delivery.objects.filter(company=world.company, attempts__gt=0).exists()  # it really was tried
    assert market.offers() != market.full_list()  # the marketplace missed every change meanwhile

    market.start_marketplace()  # back, on the same port
    wait_until(
        lambda: _all_delivered(world.company.pk), "every delivery after the partner came back", timeout=240
    )
    events = _delivered_event_ids(world.company.pk)
    assert sorted(set(market.received_event_ids())) == sorted(set(events))
    # Only the webhooks made it look (its own delta poll is an hour away): it ends as a full sync would.
    wait_until(lambda: market.offers() == market.full_list(), "the marketplace's offers to equal a full sync")
    down = f"{PARTNER_DOWN_SECONDS:.0f} s (= 10 min at backoff x{BACKOFF_SCALE})"
    print(f"\npartner down {down}: {n} changes, {len(events)} events, offers equal a full sync")
    integrity_ok(fault_db)
