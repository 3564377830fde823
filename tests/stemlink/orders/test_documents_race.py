"""Integrators racing for the last boxes: each box is sold once, losers change nothing."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from stemlink.errors import NotAvailable
from stemlink.orders import invoices, prebooks, weborders
from stemlink.orders.invoices import InvoiceLineRequest
from stemlink.orders.models import FeeEntry, Invoice, InvoiceItem, Prebook
from tests.factories import make_future_line, make_line


def race(workers: int, job) -> tuple[list[object], list[BaseException]]:
    barrier = threading.Barrier(workers)
    won: list[object] = []
    lost: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            won.append(job())
        except BaseException as error:  # collected: a thread's failure must fail the test
            lost.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return won, lost


@pytest.mark.django_db(transaction=True)
def test_six_invoices_racing_for_five_boxes_sell_each_box_once(world):
    line = make_line(world, boxes_on_hand=5)

    def buy_two() -> object:
        return invoices.create_invoice(
            world.company,
            customer=world.customer,
            carrier=world.carrier,
            ship_date=dt.date(2026, 12, 1),
            items=[InvoiceLineRequest(boxes=2, price=Decimal("1"), order_item_id=line.pk)],
        )

    won, lost = race(6, buy_two)
    assert all(isinstance(error, NotAvailable) for error in lost), lost
    assert len(won) == 2 and len(lost) == 4
    line.refresh_from_db()
    assert line.boxes_sold == 4 and line.boxes_held == 0
    assert Invoice.objects.count() == 2 and InvoiceItem.objects.count() == 2
    assert FeeEntry.objects.count() == 2
    assert sorted(Invoice.objects.values_list("number", flat=True)) == [1, 2]


@pytest.mark.django_db(transaction=True)
def test_prebooks_racing_for_the_last_future_boxes_sell_each_box_once(world):
    future = make_future_line(world, boxes=3)
    made = [
        prebooks.create_prebook(
            world.company, customer=world.customer, carrier=world.carrier, truck_date=future.available_from
        ).prebook
        for _ in range(4)
    ]
    turn = iter(made)
    lock = threading.Lock()

    def add_two() -> object:
        with lock:
            prebook = next(turn)
        return prebooks.add_future_item(
            world.company, prebook.pk, future_line_id=future.pk, boxes=2, price=Decimal("1")
        )

    won, lost = race(4, add_two)
    assert all(isinstance(error, NotAvailable) for error in lost), lost
    assert len(won) == 1
    future.refresh_from_db()
    assert future.boxes_sold == 2
    assert sum(p.total for p in Prebook.objects.all()) == Decimal("240.00")  # 2 x 120 stems x 1.00


@pytest.mark.django_db(transaction=True)
def test_typed_in_invoices_and_marketplace_checkouts_racing_on_one_line_never_deadlock(world):
    from stemlink.orders import invoices

    line = make_line(world, boxes_on_hand=40)
    carts = []
    for n in range(6):
        # A different ship date each, so every hold opens its own web order.
        added = weborders.add_web_order_item(
            world.company,
            world.customer,
            weborders.ItemRequest(
                origin=1,
                line_ids=[line.pk],
                boxes=1,
                price=Decimal("0.80"),
                carrier_id=world.carrier.pk,
                date=timezone.now().date() + dt.timedelta(days=1 + n),
            ),
        )
        carts.append(added.web_order.pk)
    jobs = [
        lambda cart=cart: weborders.checkout_web_order(world.company, world.customer, cart) for cart in carts
    ]
    jobs += [
        lambda: invoices.create_invoice(
            world.company,
            customer=world.customer,
            carrier=world.carrier,
            ship_date=dt.date(2026, 12, 1),
            items=[InvoiceLineRequest(boxes=1, price=Decimal("1"), order_item_id=line.pk)],
        )
        for _ in range(6)
    ]
    queue = iter(jobs)
    lock = threading.Lock()

    def next_job() -> object:
        with lock:
            job = next(queue)
        return job()

    won, lost = race(len(jobs), next_job)
    assert not lost, lost
    assert len(won) == len(jobs)
    line.refresh_from_db()
    assert line.boxes_sold == 12 and line.boxes_held == 0
    numbers = list(Invoice.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 12
