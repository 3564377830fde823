"""record_event: the outbox is written in the caller's transaction and fans out to the right endpoints."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from stemlink.integrations.models import Delivery, OutboxEvent
from stemlink.integrations.services import add_endpoint, record_event, set_endpoint_active
from tests.factories import make_customer


def test_records_an_event_with_a_unique_id_and_its_payload(world):
    record_event(world.company.pk, "inventory.changed", {"lineId": 7, "price": Decimal("0.80")})
    record_event(world.company.pk, "inventory.changed", {"lineId": 8})

    events = list(OutboxEvent.objects.filter(company=world.company))
    assert len(events) == 2
    assert events[0].event_id != events[1].event_id
    assert events[0].payload == {"lineId": 7, "price": "0.80"}
    assert events[0].customer_id is None


def test_event_rolls_back_with_the_change_it_describes(world):
    add_endpoint(world.company, url="https://partner.example.com/hook")

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        record_event(world.company.pk, "inventory.changed", {"lineId": 1})
        assert OutboxEvent.objects.count() == 1
        raise Boom

    assert OutboxEvent.objects.count() == 0
    assert Delivery.objects.count() == 0


def test_event_commits_with_the_change_it_describes(world):
    add_endpoint(world.company, url="https://partner.example.com/hook")
    with transaction.atomic():
        record_event(world.company.pk, "inventory.changed", {"lineId": 1})
    assert OutboxEvent.objects.count() == 1
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.company_id) == ("pending", 0, world.company.pk)


def test_refuses_an_unknown_event_type(world):
    with pytest.raises(ValueError, match="unknown event type"):
        record_event(world.company.pk, "inventory.teleported", {})
    assert OutboxEvent.objects.count() == 0


def test_customer_events_go_to_that_customers_endpoints_and_unbound_ones_only(world):
    florist = make_customer(world.company)
    bloomnet_ep, _ = add_endpoint(
        world.company, url="https://bloomnet.example/hook", customer_id=world.customer.pk
    )
    florist_ep, _ = add_endpoint(world.company, url="https://florist.example/hook", customer_id=florist.pk)
    all_ep, _ = add_endpoint(world.company, url="https://erp.example/hook")

    record_event(world.company.pk, "web_order.checked_out", {"webOrderId": 3}, customer_id=world.customer.pk)

    assert set(Delivery.objects.values_list("endpoint_id", flat=True)) == {bloomnet_ep.pk, all_ep.pk}
    assert florist_ep.pk not in set(Delivery.objects.values_list("endpoint_id", flat=True))


def test_events_about_nobody_in_particular_go_to_every_endpoint(world):
    bound, _ = add_endpoint(world.company, url="https://bloomnet.example/hook", customer_id=world.customer.pk)
    unbound, _ = add_endpoint(world.company, url="https://erp.example/hook")
    record_event(world.company.pk, "invoice.voided", {"invoiceId": 9})
    assert set(Delivery.objects.values_list("endpoint_id", flat=True)) == {bound.pk, unbound.pk}


def test_open_market_stock_changes_go_to_every_endpoint_and_reserved_ones_to_that_customer_only(world):
    florist = make_customer(world.company)
    bound, _ = add_endpoint(world.company, url="https://bloomnet.example/hook", customer_id=world.customer.pk)
    other, _ = add_endpoint(world.company, url="https://florist.example/hook", customer_id=florist.pk)
    unbound, _ = add_endpoint(world.company, url="https://erp.example/hook")

    record_event(world.company.pk, "inventory.changed", {"inventoryId": 1})
    open_market = OutboxEvent.objects.latest("id")
    record_event(world.company.pk, "inventory.changed", {"inventoryId": 2}, customer_id=florist.pk)
    reserved = OutboxEvent.objects.latest("id")

    assert set(Delivery.objects.filter(event=open_market).values_list("endpoint_id", flat=True)) == {
        bound.pk,
        other.pk,
        unbound.pk,
    }
    # A line reserved for one florist is not another marketplace's business.
    assert set(Delivery.objects.filter(event=reserved).values_list("endpoint_id", flat=True)) == {
        other.pk,
        unbound.pk,
    }


def test_disabled_endpoints_and_other_companies_get_nothing(world, other_world):
    off, _ = add_endpoint(world.company, url="https://off.example/hook")
    set_endpoint_active(world.company, off.pk, False)
    add_endpoint(other_world.company, url="https://other.example/hook")

    record_event(world.company.pk, "inventory.changed", {"lineId": 1})

    assert OutboxEvent.objects.filter(company=world.company).count() == 1
    assert Delivery.objects.count() == 0


def test_recording_costs_three_queries_whatever_the_number_of_endpoints(world):
    for n in range(5):
        add_endpoint(world.company, url=f"https://partner{n}.example/hook")
    with CaptureQueriesContext(connection) as ctx:
        record_event(world.company.pk, "inventory.changed", {"lineId": 1})
    assert len(ctx.captured_queries) <= 3
    assert Delivery.objects.count() == 5


def test_pruning_keeps_recent_events_and_anything_not_yet_delivered(world):
    import datetime as dt

    from django.utils import timezone

    from stemlink.integrations.services import prune_outbox

    endpoint, _ = add_endpoint(world.company, url="https://partner.example/hook")
    old = timezone.now() - dt.timedelta(days=40)
    for n in range(4):
        record_event(world.company.pk, "inventory.changed", {"lineId": n})
    events = list(OutboxEvent.objects.order_by("id"))
    OutboxEvent.objects.filter(pk__in=[e.pk for e in events[:3]]).update(created_on=old)
    Delivery.objects.filter(event__in=events[:2]).update(status="delivered")
    Delivery.objects.filter(event=events[2]).update(status="failing")
    set_endpoint_active(world.company, endpoint.pk, False)
    record_event(world.company.pk, "inventory.changed", {"lineId": 99})  # no endpoint: no delivery
    OutboxEvent.objects.filter(payload__lineId=99).update(created_on=old)

    assert prune_outbox(older_than_days=30) == 3
    left = set(OutboxEvent.objects.values_list("pk", flat=True))
    # The old failing one stays however old it is; the recent one stays too.
    assert left == {events[2].pk, events[3].pk}
    assert Delivery.objects.filter(event=events[2]).exists()


def test_several_events_go_in_one_insert_in_order_and_fan_out_each(world):
    from stemlink.integrations.services import record_events

    buyer = make_customer(world.company)
    everyone, _ = add_endpoint(world.company, url="https://all.example.com/hook")
    bound, _ = add_endpoint(world.company, url="https://one.example.com/hook", customer_id=buyer.pk)
    with CaptureQueriesContext(connection) as queries:
        record_events(
            world.company.pk,
            [
                ("inventory.changed", {"n": 1}, None),
                ("inventory.changed", {"n": 2}, make_customer(world.company).pk),
                ("web_order.checked_out", {"n": 3}, buyer.pk),
            ],
        )
    inserts = [q for q in queries.captured_queries if "INSERT" in q["sql"] and "outboxevent" in q["sql"]]
    assert len(inserts) == 1
    events = list(OutboxEvent.objects.order_by("id"))
    assert [e.payload["n"] for e in events] == [1, 2, 3]
    assert events[2].event_type == "web_order.checked_out" and events[2].customer_id == buyer.pk
    got = {(d.event.payload["n"], d.endpoint_id) for d in Delivery.objects.select_related("event")}
    assert got == {(1, everyone.pk), (1, bound.pk), (2, everyone.pk), (3, everyone.pk), (3, bound.pk)}
