"""Reservations racing with buyers for the same boxes: every box ends up in exactly one place."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from stemlink.errors import NotAvailable
from stemlink.inventory import services, stock
from stemlink.inventory.models import InventoryLine
from tests.factories import make_customer, make_line


def race(jobs) -> tuple[list[object], list[BaseException]]:
    barrier = threading.Barrier(len(jobs))
    won: list[object] = []
    lost: list[BaseException] = []

    def run(job) -> None:
        try:
            barrier.wait()
            won.append(job())
        except BaseException as error:  # collected: a thread's failure must fail the test
            lost.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return won, lost


@pytest.mark.django_db(transaction=True)
def test_reservations_and_holds_racing_for_six_boxes_never_take_more_than_there_are(world):
    line = make_line(world, boxes_on_hand=6)
    customers = [make_customer(world.company) for _ in range(3)]
    jobs = [lambda c=c: services.reserve_boxes(world.company, line.pk, c.pk, 2) for c in customers]
    jobs += [lambda: stock.hold_boxes(1, line.pk, 2) for _ in range(3)]
    won, lost = race(jobs)
    assert all(isinstance(error, NotAvailable) for error in lost), lost
    assert len(won) == 3 and len(lost) == 3
    line.refresh_from_db()
    reserved = InventoryLine.objects.filter(company=world.company, reserved_for__isnull=False)
    assert line.boxes_on_hand + sum(r.boxes_on_hand for r in reserved) == 6
    assert line.boxes_held + line.boxes_sold <= line.boxes_on_hand
    assert sum(r.boxes_on_hand for r in reserved) + line.boxes_held == 6
