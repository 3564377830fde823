"""Order entry: a sales rep's order holds boxes while it is typed, becomes an invoice or a prebook
with no marketplace fee, gives its boxes back when left, and stays out of the API's sight."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from stemlink.customers.services import unit_price_for
from stemlink.errors import InvalidState, NotAvailable, NotFound, ValidationFailed
from stemlink.inventory.models import InventoryLine, InventoryType
from stemlink.orders import entry
from stemlink.orders.integrity import check_integrity
from stemlink.orders.invoices import (
    InvoiceLineRequest,
    add_invoice_item,
    checkout_invoice,
    delete_invoice_item,
    update_invoice_item,
    void_invoice,
)
from stemlink.orders.models import (
    CheckoutStatus,
    FeeEntry,
    InvoicePrefix,
    InvoiceStatus,
    Origin,
    WebOrder,
    WebOrderStatus,
)
from stemlink.orders.queries import web_orders_for
from stemlink.orders.weborders import (
    ItemRequest,
    add_web_order_item,
    checkout_web_order,
    expire_overdue_web_orders,
)
from tests.factories import make_customer, make_future_line, make_line, make_ship_to, make_user, make_world

pytestmark = pytest.mark.django_db


def _start(world, **overrides):
    values = {
        "customer_id": world.customer.pk,
        "carrier_id": world.carrier.pk,
        "ship_date": timezone.now().date(),
    }
    values.update(overrides)
    return entry.start_entry(world.company, **values)


def _stock(line):
    line.refresh_from_db()
    return line.boxes_held, line.boxes_sold


def test_a_phone_order_holds_its_boxes_then_is_confirmed_without_a_fee(world):
    world.company.transaction_fee_percent = Decimal("2.00")
    world.company.save()
    world.customer.default_price = "B"
    world.customer.price_b_markup = Decimal("10")
    world.customer.save()
    rep = make_user(world.company, role="sales_rep")
    line = make_line(world, boxes_on_hand=10)
    ship_to = make_ship_to(world.customer, name="Rosa's")
    started = _start(world, ship_to_id=ship_to.pk, user=rep)
    assert started.rep_entered and started.status == WebOrderStatus.PENDING

    item = entry.add_entry_line(world.company, started.pk, line_id=line.pk, boxes=3)
    assert _stock(line) == (3, 0)
    # The customer's own price (Price B here), by the one pricing rule, not the e-commerce one.
    expected = unit_price_for(
        world.customer,
        line_price=line.price,
        unit_cost=line.unit_cost,
        gross_margin_percent=world.company.gross_margin_percent,
        ecommerce=False,
    )
    assert item.unit_price == expected == Decimal("0.88")
    again = entry.add_entry_line(world.company, started.pk, line_id=line.pk, boxes=2)
    assert again.pk == item.pk and again.boxes == 5 and _stock(line) == (5, 0)

    result = entry.finish_entry(world.company, started.pk, "confirm", po_number="PO-7", user=rep)
    [invoice] = result.invoices
    assert invoice.status == InvoiceStatus.CONFIRMED and invoice.confirmed_by == rep
    assert invoice.prefix == InvoicePrefix.NONE and not invoice.is_ecommerce and invoice.rep_entered
    assert invoice.ship_to == ship_to and invoice.po_number == "PO-7" and invoice.created_by == rep
    assert invoice.total == Decimal("1100.00")  # 5 boxes x 250 stems x 0.88
    assert _stock(line) == (0, 5)
    assert not FeeEntry.objects.filter(invoice=invoice).exists()
    assert FeeEntry.objects.count() == 0
    assert check_integrity(world.company.pk).ok


def test_a_draft_is_edited_checked_out_and_voided_without_ever_a_fee(world):
    world.company.transaction_fee_percent = Decimal("2.00")
    world.company.save()
    line = make_line(world, boxes_on_hand=10)
    other = make_line(world, boxes_on_hand=4)
    started = _start(world)
    entry.add_entry_line(world.company, started.pk, line_id=line.pk, boxes=2)
    [invoice] = entry.finish_entry(world.company, started.pk, "draft").invoices
    assert invoice.status == InvoiceStatus.DRAFT and _stock(line) == (0, 2)

    # Lines change through the API's own services; the fee ledger stays empty.
    added = add_invoice_item(
        world.company, invoice.pk, InvoiceLineRequest(boxes=1, price=Decimal("0.80"), order_item_id=other.pk)
    )
    [(new_item, _)] = added.items
    [first_item] = [i for i in invoice.items.all() if i.pk != new_item.pk]
    update_invoice_item(world.company, invoice.pk, first_item.pk, price=Decimal("0.90"), boxes=4)
    delete_invoice_item(world.company, invoice.pk, new_item.pk)
    assert _stock(line) == (0, 4) and _stock(other) == (0, 0)
    checkout_invoice(world.company, invoice.number)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PENDING and invoice.total == Decimal("900.00")
    void_invoice(world.company, invoice.number, "Customer called back")
    assert _stock(line) == (0, 0)
    assert FeeEntry.objects.count() == 0
    assert check_integrity(world.company.pk).ok


def test_an_abandoned_entry_gives_its_boxes_back_when_the_worker_expires_it(world):
    line = make_line(world, boxes_on_hand=5)
    now = timezone.now()
    started = _start(world, now=now)
    entry.add_entry_line(world.company, started.pk, line_id=line.pk, boxes=5, now=now)
    assert _stock(line) == (5, 0)
    # Not yet: the timer runs from the latest change.
    assert expire_overdue_web_orders(now + dt.timedelta(minutes=1)) == 0
    later = now + dt.timedelta(minutes=world.company.checkout_timer_minutes + 1)
    assert expire_overdue_web_orders(later) == 1
    assert _stock(line) == (0, 0)
    started.refresh_from_db()
    assert started.status == WebOrderStatus.EXPIRED
    with pytest.raises(InvalidState, match="expired"):
        entry.add_entry_line(world.company, started.pk, line_id=line.pk, boxes=1, now=later)
    with pytest.raises(InvalidState, match="expired"):
        entry.finish_entry(world.company, started.pk, "checkout", now=later)
    assert check_integrity(world.company.pk).ok


def test_a_buyer_short_of_boxes_takes_back_what_an_overdue_entry_held(world):
    line = make_line(world, boxes_on_hand=4)
    now = timezone.now()
    started = _start(world, now=now)
    entry.add_entry_line(world.company, started.pk, line_id=line.pk, boxes=4, now=now)
    later = now + dt.timedelta(minutes=world.company.checkout_timer_minutes + 1)
    buyer = make_customer(world.company, name="Web florist")
    price = unit_price_for(
        buyer,
        line_price=line.price,
        unit_cost=line.unit_cost,
        gross_margin_percent=world.company.gross_margin_percent,
    )
    add_web_order_item(
        world.company,
        buyer,
        ItemRequest(Origin.ON_HAND, [line.pk], 3, price, world.carrier.pk, later.date()),
        now=later,
    )
    started.refresh_from_db()
    assert started.status == WebOrderStatus.EXPIRED and _stock(line) == (3, 0)


def test_discarding_releases_at_once_and_removing_a_line_releases_it(world):
    line = make_line(world, boxes_on_hand=6)
    started = _start(world)
    item = entry.add_entry_line(world.company, started.pk, line_id=line.pk, boxes=4)
    entry.remove_entry_line(world.company, started.pk, item.pk)
    assert _stock(line) == (0, 0)
    entry.add_entry_line(world.company, started.pk, line_id=line.pk, boxes=2)
    entry.discard_entry(world.company, started.pk)
    assert _stock(line) == (0, 0)
    with pytest.raises(InvalidState, match="discarded"):
        entry.finish_entry(world.company, started.pk, "draft")


def test_a_prebook_is_taken_from_future_lines_the_same_way(world):
    world.company.transaction_fee_percent = Decimal("2.00")
    world.company.save()
    future = make_future_line(world, boxes=20)
    truck = future.available_from + dt.timedelta(days=1)
    started = _start(world, ship_date=truck, origin=Origin.FUTURE)
    make_line(world)  # on hand: not for a prebook
    late = make_future_line(
        world, available_from=truck + dt.timedelta(days=10), available_to=truck + dt.timedelta(days=20)
    )
    found = entry.entry_offers(world.company, started)
    assert [o.line.pk for o in found] == [future.pk]  # only future lines whose dates cover the truck
    with pytest.raises(NotFound):
        entry.add_entry_line(world.company, started.pk, line_id=late.pk, boxes=1)
    entry.add_entry_line(world.company, started.pk, line_id=future.pk, boxes=6)
    [prebook] = entry.finish_entry(world.company, started.pk, "checkout").prebooks
    assert prebook.truck_date == truck and prebook.checkout_status == CheckoutStatus.CHECKED_OUT
    assert prebook.rep_entered and not prebook.is_ecommerce
    future.refresh_from_db()
    assert (future.boxes_held, future.boxes_sold) == (0, 6)
    assert FeeEntry.objects.count() == 0


def test_the_api_never_sees_nor_uses_an_entry(world):
    line = make_line(world, boxes_on_hand=10)
    today = timezone.now().date()
    started = _start(world)
    entry.add_entry_line(world.company, started.pk, line_id=line.pk, boxes=1)
    assert web_orders_for(world.company, world.customer) == []
    with pytest.raises(NotFound):
        checkout_web_order(world.company, world.customer, started.pk)
    price = unit_price_for(
        world.customer,
        line_price=line.price,
        unit_cost=line.unit_cost,
        gross_margin_percent=world.company.gross_margin_percent,
    )
    # The marketplace's cart for the same customer, carrier and date is a cart of its own.
    added = add_web_order_item(
        world.company,
        world.customer,
        ItemRequest(Origin.ON_HAND, [line.pk], 2, price, world.carrier.pk, today),
    )
    assert added.web_order.pk != started.pk and not added.web_order.rep_entered
    with pytest.raises(NotFound):
        entry.entry_for(world.company, added.web_order.pk)
    assert WebOrder.objects.filter(rep_entered=True).count() == 1


def test_what_is_wrong_is_named_and_nothing_is_held(world):
    line = make_line(world, boxes_on_hand=2)
    with pytest.raises(ValidationFailed) as missing:
        entry.start_entry(world.company, customer_id=None, carrier_id=None, ship_date=None)
    assert {e.field for e in missing.value.errors} == {"customerId", "carrierId", "date"}
    with pytest.raises(ValidationFailed) as past:
        _start(world, ship_date=timezone.now().date() - dt.timedelta(days=1))
    assert past.value.errors[0].field == "date"
    world.customer.active = False
    world.customer.save()
    with pytest.raises(ValidationFailed) as inactive:
        _start(world)
    assert inactive.value.errors[0].field == "customerId"
    world.customer.active = True
    world.customer.save()
    neighbour = make_world("Neighbour")
    with pytest.raises(NotFound):
        _start(world, customer_id=neighbour.customer.pk)
    with pytest.raises(NotFound):
        _start(world, ship_to_id=make_ship_to(neighbour.customer).pk)
    started = _start(world)
    with pytest.raises(ValidationFailed) as zero:
        entry.add_entry_line(world.company, started.pk, line_id=line.pk, boxes=0)
    assert zero.value.errors[0].field == "boxes"
    with pytest.raises(NotAvailable) as short:
        entry.add_entry_line(world.company, started.pk, line_id=line.pk, boxes=3)
    assert short.value.available_boxes == 2
    with pytest.raises(NotFound):
        entry.add_entry_line(world.company, started.pk, line_id=make_line(neighbour).pk, boxes=1)
    with pytest.raises(NotFound):
        entry.entry_for(neighbour.company, started.pk)
    with pytest.raises(InvalidState, match="no items"):
        entry.finish_entry(world.company, started.pk, "checkout")
    with pytest.raises(ValidationFailed):
        entry.finish_entry(world.company, started.pk, "ship-it")
    assert _stock(line) == (0, 0)


def test_the_search_finds_by_words_and_offers_only_what_the_customer_may_buy(world):
    tulip = make_line(
        world,
        product=world.product.__class__.objects.create(
            company=world.company,
            category=world.roses,
            code="TUL-Y",
            description="Tulip Yellow 40cm",
            color="Yellow",
        ),
    )
    rose = make_line(world)
    kept = make_line(world, inventory_type=InventoryType.STANDING_ORDER)
    other = make_customer(world.company)
    theirs = make_line(world, reserved_for=other)
    mine = make_line(world, reserved_for=world.customer)
    sold_out = make_line(world, boxes_on_hand=0)
    started = _start(world)
    ids = {o.line.pk for o in entry.entry_offers(world.company, started)}
    assert ids == {tulip.pk, rose.pk, mine.pk}
    assert kept.pk not in ids and theirs.pk not in ids and sold_out.pk not in ids
    assert [o.line.pk for o in entry.entry_offers(world.company, started, "tulip yel")] == [tulip.pk]
    assert [o.line.pk for o in entry.entry_offers(world.company, started, "tul-y")] == [tulip.pk]
    assert InventoryLine.objects.filter(pk=tulip.pk).exists()
