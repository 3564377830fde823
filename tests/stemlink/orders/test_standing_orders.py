"""Standing orders: refused on a reserved-inventory customer; prebooks made once per truck date."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection

from stemlink.errors import ValidationFailed
from stemlink.orders.models import Prebook, PrebookItem, StandingOrder
from stemlink.orders.standing import (
    StandingLineRequest,
    create_standing_order,
    generate_standing_order_prebooks,
    standing_orders_in,
)
from tests.factories import make_customer, make_future_line, make_line

MONDAY = dt.date(2026, 6, 1)


def line(world, boxes=3, **kwargs):
    kwargs.setdefault("bunches", 10)
    kwargs.setdefault("stems_bunch", 25)
    return StandingLineRequest(
        product_code=world.product.code, box_type_code="HB", boxes=boxes, price=Decimal("0.80"), **kwargs
    )


def standing(world, customer=None, days="Monday,Thursday", start=MONDAY, end=None, items=None):
    return create_standing_order(
        world.company,
        customer=customer or make_customer(world.company, name="Petals Inc"),
        carrier=world.carrier,
        days=days,
        start_date=start,
        end_date=end,
        items=items if items is not None else [line(world)],
    )


@pytest.mark.django_db
def test_creates_a_weekly_standing_order_with_its_lines(world):
    order = standing(world, days="thu, mon")
    assert order.days == "Monday,Thursday"
    [item] = order.items.all()
    assert item.units_per_box == 250 and item.boxes == 3 and item.unit_price == Decimal("0.80")


@pytest.mark.django_db
def test_refuses_a_customer_with_reserved_inventory_and_says_why(world):
    make_line(world, reserved_for=world.customer)
    with pytest.raises(ValidationFailed) as refused:
        standing(world, customer=world.customer)
    [error] = refused.value.errors
    assert error.field == "customerId"
    assert "reserved" in error.message and "separate customer" in error.message
    assert not StandingOrder.objects.exists()


@pytest.mark.django_db
def test_refuses_future_reserved_inventory_too(world):
    make_future_line(world, reserved_for=world.customer)
    with pytest.raises(ValidationFailed, match="reserved"):
        standing(world, customer=world.customer)


@pytest.mark.django_db
def test_refuses_unknown_days_and_an_end_before_the_start(world):
    with pytest.raises(ValidationFailed) as refused:
        standing(world, days="Funday", end=MONDAY - dt.timedelta(days=1))
    assert {e.field for e in refused.value.errors} == {"days", "endDate"}


@pytest.mark.django_db
def test_takes_the_pack_from_the_products_last_line_when_none_is_given(world):
    make_line(world, bunches=8, stems_bunch=20, units_per_box=160)
    order = standing(world, items=[StandingLineRequest(world.product.code, "HB", 2, Decimal("1"))])
    assert order.items.get().units_per_box == 160
    with pytest.raises(ValidationFailed, match="bunches"):
        standing(world, items=[StandingLineRequest(world.product.code, "FB", 2, Decimal("1"))])


@pytest.mark.django_db
def test_generates_prebooks_for_the_truck_dates_within_the_lead_days(world):
    order = standing(world)  # Mondays and Thursdays from 2026-06-01; lead 7 days
    made = generate_standing_order_prebooks(today=MONDAY)
    prebooks = list(Prebook.objects.filter(standing_order=order).order_by("truck_date"))
    assert made == 3
    assert [p.truck_date for p in prebooks] == [
        MONDAY,
        MONDAY + dt.timedelta(days=3),
        MONDAY + dt.timedelta(days=7),
    ]
    assert all(p.type == "S" and p.customer_id == order.customer_id for p in prebooks)
    assert prebooks[0].total == Decimal("600.00")  # 3 HB x 250 stems x 0.80
    assert PrebookItem.objects.filter(prebook__standing_order=order).count() == 3


@pytest.mark.django_db
def test_running_again_makes_only_the_new_truck_dates(world):
    order = standing(world)
    assert generate_standing_order_prebooks(today=MONDAY) == 3
    assert generate_standing_order_prebooks(today=MONDAY) == 0
    assert generate_standing_order_prebooks(today=MONDAY + dt.timedelta(days=1)) == 0
    assert generate_standing_order_prebooks(today=MONDAY + dt.timedelta(days=4)) == 1  # next Thursday
    assert Prebook.objects.filter(standing_order=order).count() == 4


@pytest.mark.django_db
def test_honours_the_company_lead_days_and_the_end_date(world):
    world.company.standing_order_lead_days = 2
    world.company.save()
    standing(world, end=MONDAY + dt.timedelta(days=9))  # ends Wednesday the 10th
    assert generate_standing_order_prebooks(today=MONDAY) == 1
    assert (
        generate_standing_order_prebooks(today=MONDAY + dt.timedelta(days=9)) == 0
    )  # Thu 11th is past the end


@pytest.mark.django_db
def test_skips_a_customer_that_got_reserved_inventory_later(world):
    order = standing(world)
    make_line(world, reserved_for=order.customer)
    assert generate_standing_order_prebooks(today=MONDAY) == 0


@pytest.mark.django_db
def test_lists_the_standing_orders_running_in_a_period(world):
    running = standing(world, start=MONDAY, end=MONDAY + dt.timedelta(days=30))
    standing(world, start=MONDAY + dt.timedelta(days=60))
    found = list(standing_orders_in(world.company, MONDAY, MONDAY + dt.timedelta(days=10)))
    assert found == [running]


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_make_each_truck_date_exactly_once(world):
    orders = [standing(world) for _ in range(3)]
    barrier = threading.Barrier(2)
    counts: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            counts.append(generate_standing_order_prebooks(today=MONDAY))
        except BaseException as error:  # surfaced below: a thread's failure must fail the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sum(counts) == 9  # 3 standing orders x 3 truck dates, whoever made them
    for order in orders:
        dates = list(Prebook.objects.filter(standing_order=order).values_list("truck_date", flat=True))
        assert sorted(dates) == [MONDAY, MONDAY + dt.timedelta(days=3), MONDAY + dt.timedelta(days=7)]
    numbers = list(Prebook.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 9


@pytest.mark.django_db
def test_a_worker_that_loses_the_race_skips_the_date_and_keeps_the_first_prebook(world):
    from stemlink.orders.standing import _make_prebook

    order = standing(world)
    assert _make_prebook(order, MONDAY) is True
    first = Prebook.objects.get(standing_order=order, truck_date=MONDAY)
    # The second worker looked before the first one's insert, so it tries the same date again.
    assert _make_prebook(order, MONDAY) is False
    assert list(Prebook.objects.filter(standing_order=order)) == [first]
    assert PrebookItem.objects.filter(prebook__standing_order=order).count() == 1


@pytest.mark.django_db
def test_a_generated_prebook_keeps_its_truck_date_and_stays_deleted(world):
    from stemlink.orders import prebooks

    order = standing(world)
    generate_standing_order_prebooks(today=MONDAY)
    prebook = Prebook.objects.get(standing_order=order, truck_date=MONDAY)
    with pytest.raises(ValidationFailed, match="standing order"):
        prebooks.update_prebook(world.company, prebook.pk, truck_date=MONDAY + dt.timedelta(days=3))
    prebooks.update_prebook(world.company, prebook.pk, comments="ring the bell")
    prebooks.delete_prebook(world.company, prebook.pk)
    # A deleted truck date is not made again by the next run.
    assert generate_standing_order_prebooks(today=MONDAY) == 0
