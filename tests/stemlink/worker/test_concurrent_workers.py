"""Several workers share the outbox: every delivery is sent, and none is sent twice."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from stemlink.integrations.models import Delivery
from stemlink.integrations.services import add_endpoint, record_event
from stemlink.worker.loop import Worker
from tests.factories import make_world
from tests.stemlink.worker.receiver import Receiver


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("batch_size", [1, 4])
def test_two_workers_never_deliver_the_same_delivery_twice(receiver: Receiver, batch_size: int):
    world = make_world("Race Flowers")
    add_endpoint(world.company, url=receiver.url)
    add_endpoint(world.company, url=receiver.url + "/second")
    for n in range(20):
        record_event(world.company.pk, "inventory.changed", {"lineId": n})
    receiver.delay_seconds = 0.02
    start = threading.Barrier(3)
    reports: dict[str, int] = {}
    errors: list[BaseException] = []

    def work(name: str) -> None:
        worker = Worker(name=name, timeout_seconds=5.0, jobs=[], batch_size=batch_size)
        try:
            start.wait()
            total = 0
            while True:
                report = worker.run_once(force_jobs=False)
                total += report.attempted
                if report.attempted == 0:
                    break
            reports[name] = total
        except BaseException as exc:
            errors.append(exc)
        finally:
            worker.close()
            connection.close()

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in (1, 2)]
    for t in threads:
        t.start()
    start.wait()
    for t in threads:
        t.join(timeout=60)

    assert errors == []
    sent = Counter((r.path, r.headers["X-Stemlink-Event-Id"]) for r in receiver.received)
    assert len(sent) == 40
    assert max(sent.values()) == 1
    assert Delivery.objects.filter(status="delivered", attempts=1).count() == 40
    assert sum(reports.values()) == 40
    # Both took part: the point is sharing, not one worker doing everything while the other waits.
    assert all(count > 0 for count in reports.values()), reports
