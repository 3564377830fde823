"""`stemlink check-integrity`: sound data passes; each kind of corruption, made on purpose, is reported.

The database's constraints refuse most of these states, so the tests that need one take the
constraint off for the test (schema editor, on SQLite and PostgreSQL alike) and put it back.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from stemlink.integrations import services as integrations
from stemlink.integrations.models import Delivery, OutboxEvent
from stemlink.inventory.models import FutureLine, InventoryLine
from stemlink.orders import weborders
from stemlink.orders.integrity import check_integrity
from stemlink.orders.models import DocumentCounter, FeeEntry, Invoice, Prebook, WebOrderItem
from stemlink.orders.weborders import ItemRequest
from tests.factories import World, make_future_line, make_line, make_world

D = Decimal


@pytest.fixture(autouse=True)
def _loopback_endpoints(settings: Any) -> None:
    # The partner endpoint below is only data (nothing is delivered), on loopback: opt in.
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True


def run(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("check-integrity", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def sell(world: World) -> dict[str, Any]:
    """A sound company: an on-hand and a future checkout, one open cart, a partner endpoint."""
    integrations.add_endpoint(world.company, url="http://127.0.0.1:9/hook")
    line = make_line(world, boxes_on_hand=10)
    future = make_future_line(world, boxes=10)
    today = timezone.now().date()
    added = weborders.add_web_order_item(
        world.company,
        world.customer,
        ItemRequest(
            origin=1, line_ids=[line.id], boxes=3, price=D("0.80"), carrier_id=world.carrier.id, date=today
        ),
    )
    weborders.checkout_web_order(world.company, world.customer, added.web_order.id)
    added = weborders.add_web_order_item(
        world.company,
        world.customer,
        ItemRequest(
            origin=2,
            line_ids=[future.id],
            boxes=2,
            price=D("0.70"),
            carrier_id=world.carrier.id,
            date=future.available_from,
        ),
    )
    weborders.checkout_web_order(world.company, world.customer, added.web_order.id)
    cart = weborders.add_web_order_item(
        world.company,
        world.customer,
        ItemRequest(
            origin=1, line_ids=[line.id], boxes=2, price=D("0.80"), carrier_id=world.carrier.id, date=today
        ),
    )
    return {"line": line, "future": future, "cart": cart.web_order}


@contextlib.contextmanager
def constraint_off(model: Any, name: str) -> Iterator[None]:
    """Take a constraint off the table for the block, then put it back (the block must undo its harm)."""
    declared = model._meta.constraints
    constraint = next(c for c in declared if c.name == name)
    # SQLite rebuilds the table from the model's declared constraints: leave this one out meanwhile.
    model._meta.constraints = [c for c in declared if c.name != name]
    try:
        with connection.schema_editor() as editor:
            editor.remove_constraint(model, constraint)
        yield
    finally:
        model._meta.constraints = declared
        with connection.schema_editor() as editor:
            editor.add_constraint(model, constraint)


def test_sound_data_passes(world):
    sell(world)
    code, output = run()
    assert code == 0, output
    assert "integrity OK" in output
    assert check_integrity(world.company.pk).ok


def test_held_boxes_no_cart_holds_are_reported_for_both_line_kinds(world):
    made = sell(world)
    InventoryLine.objects.filter(pk=made["line"].pk).update(boxes_held=5)
    FutureLine.objects.filter(pk=made["future"].pk).update(boxes_held=1)
    code, output = run()
    assert code == 1
    assert f"on-hand line {made['line'].pk}: 5 boxes held, but the open carts hold 2" in output
    assert f"future line {made['future'].pk}: 1 boxes held, but the open carts hold 0" in output


def test_a_cart_item_holding_boxes_the_line_does_not_count_is_reported(world):
    made = sell(world)
    WebOrderItem.objects.filter(web_order=made["cart"]).update(boxes=4)
    code, output = run("--company", str(world.company.pk))
    assert code == 1 and "2 boxes held, but the open carts hold 4" in output


@pytest.mark.django_db(transaction=True)
def test_held_plus_sold_above_on_hand_is_reported_for_both_line_kinds():
    world = make_world("Oversold")
    made = sell(world)
    with constraint_off(InventoryLine, "invline_held_plus_sold_within_on_hand"):
        with constraint_off(FutureLine, "futline_held_plus_sold_within_boxes"):
            InventoryLine.objects.filter(pk=made["line"].pk).update(boxes_on_hand=4)  # 2 held + 3 sold
            FutureLine.objects.filter(pk=made["future"].pk).update(boxes=1)  # 2 sold
            code, output = run()
            FutureLine.objects.filter(pk=made["future"].pk).update(boxes=10)
        InventoryLine.objects.filter(pk=made["line"].pk).update(boxes_on_hand=10)
    assert code == 1
    assert f"on-hand line {made['line'].pk}: 2 held + 3 sold = 5 boxes, more than the 4 it has" in output
    assert f"future line {made['future'].pk}: 0 held + 2 sold = 2 boxes, more than the 1 it has" in output
    assert run()[0] == 0


def test_fee_entries_that_do_not_sum_to_the_fee_are_reported(world):
    sell(world)
    invoice = Invoice.objects.get(company=world.company)
    prebook = Prebook.objects.get(company=world.company)
    FeeEntry.objects.filter(invoice=invoice).update(amount=D("99.99"))
    code, output = run()
    assert code == 1
    assert f"invoice {invoice.pk} (number {invoice.number}): its fee entries sum to 99.99" in output
    assert f"prebook {prebook.pk}" not in output


def test_a_voided_document_whose_fee_was_not_reversed_is_reported(world):
    sell(world)
    prebook = Prebook.objects.get(company=world.company)
    Prebook.objects.filter(pk=prebook.pk).update(status=2)  # cancelled behind the ledger's back
    code, output = run()
    assert code == 1 and f"prebook {prebook.pk}" in output and "its fee is 0.00" in output


def test_a_counter_behind_the_numbers_it_handed_out_is_reported(world):
    sell(world)
    DocumentCounter.objects.filter(company=world.company, sequence="invoice").update(last_number=0)
    code, output = run()
    assert code == 1
    assert "the invoice counter of location" in output
    assert "the next invoice would take a used number" in output


@pytest.mark.django_db(transaction=True)
def test_a_number_used_twice_in_a_location_is_reported():
    world = make_world("Twice")
    sell(world)
    invoice = Invoice.objects.get(company=world.company)
    with constraint_off(Invoice, "invoice_number_unique_per_location"):
        copy = Invoice.objects.create(
            company=world.company,
            location=world.location,
            number=invoice.number,
            customer=world.customer,
            ship_date=invoice.ship_date,
        )
        code, output = run()
        copy.delete()
    assert code == 1
    assert f"invoice number {invoice.number} is used 2 times in location {world.location.pk}" in output
    assert run()[0] == 0


def test_lost_and_stuck_outbox_events_are_reported(world):
    sell(world)
    delivery = Delivery.objects.filter(company=world.company).order_by("id").first()
    event_id = delivery.event.event_id
    delivery.delete()  # the event's delivery vanished: lost
    other = Delivery.objects.filter(company=world.company).order_by("id").last()
    Delivery.objects.filter(pk=other.pk).update(status="stuck")
    code, output = run()
    assert code == 1
    assert f"event {event_id}" in output and "it was lost" in output
    assert f"delivery {other.pk} has the unknown status 'stuck'" in output


def test_events_made_while_an_endpoint_was_off_are_not_called_lost(world):
    endpoint, _ = integrations.add_endpoint(world.company, url="http://127.0.0.1:9/hook")
    integrations.set_endpoint_active(world.company, endpoint.pk, False)
    make_line(world)
    weborders.expire_overdue_web_orders()
    integrations.record_event(world.company.pk, "inventory.changed", {"x": 1})
    assert OutboxEvent.objects.filter(company=world.company).exists()
    integrations.set_endpoint_active(world.company, endpoint.pk, True)
    assert run()[0] == 0


def test_an_unknown_company_is_a_clear_error(db):
    code, output = run("--company", "999999")
    assert code == 2 and "There is no company 999999" in output
