"""Web orders through the services: holds, checkout into documents, fee, confirm, void, delete, expiry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stemlink.errors import InvalidState, NotAvailable, NotFound, PriceChanged, ValidationFailed
from stemlink.integrations.models import OutboxEvent
from stemlink.inventory.models import FutureLine, InventoryLine
from stemlink.orders import invoices, queries, weborders
from stemlink.orders.models import (
    FeeEntry,
    Invoice,
    InvoiceStatus,
    Prebook,
    PrebookStatus,
    WebOrder,
    WebOrderItem,
    WebOrderStatus,
)
from stemlink.orders.weborders import ItemRequest
from tests.factories import World, make_customer, make_future_line, make_line, make_ship_to

D = Decimal


def today() -> dt.date:
    return timezone.now().date()


def on_hand(world: World, line: InventoryLine, boxes: int = 1, **overrides: object) -> ItemRequest:
    fields: dict = {
        "origin": 1,
        "line_ids": [line.id],
        "boxes": boxes,
        "price": D("0.80"),
        "carrier_id": world.carrier.id,
        "date": today(),
    }
    fields.update(overrides)
    return ItemRequest(**fields)


def future(world: World, line: FutureLine, boxes: int = 1, **overrides: object) -> ItemRequest:
    fields: dict = {
        "origin": 2,
        "line_ids": [line.id],
        "boxes": boxes,
        "price": D("0.70"),
        "carrier_id": world.carrier.id,
        "date": line.available_from,
    }
    fields.update(overrides)
    return ItemRequest(**fields)


def counts(line: InventoryLine | FutureLine) -> tuple[int, int]:
    line.refresh_from_db()
    return line.boxes_held, line.boxes_sold


def events(kind: str) -> list[OutboxEvent]:
    return list(OutboxEvent.objects.filter(event_type=kind).order_by("id"))


# --- creating and holding ----------------------------------------------------------------------


def test_create_opens_a_pending_order_that_expires_after_the_checkout_timer(world: World) -> None:
    now = timezone.now()
    order = weborders.create_web_order(world.company, world.customer, now=now)
    assert order.status == WebOrderStatus.PENDING
    assert order.location == world.location
    assert order.expires_at == now + dt.timedelta(minutes=30)
    second = weborders.create_web_order(world.company, world.customer, now=now)
    assert second.number == order.number + 1


def test_create_refuses_another_companys_location(world: World, other_world: World) -> None:
    with pytest.raises(NotFound):
        weborders.create_web_order(world.company, world.customer, location_id=other_world.location.id)


def test_adding_holds_the_boxes_and_says_how_many_are_left(world: World) -> None:
    line = make_line(world, boxes_on_hand=10)
    result = weborders.add_web_order_item(world.company, world.customer, on_hand(world, line, 3))
    assert result.available_boxes == 7
    assert counts(line) == (3, 0)
    item = result.item
    assert (item.boxes, item.unit_price, item.units_per_box, item.total) == (3, D("0.80"), 250, D("600.00"))
    assert result.web_order.origin == 1
    assert result.web_order.carrier == world.carrier


def test_refuses_more_boxes_than_are_free_and_holds_nothing(world: World) -> None:
    line = make_line(world, boxes_on_hand=2)
    with pytest.raises(NotAvailable) as info:
        weborders.add_web_order_item(world.company, world.customer, on_hand(world, line, 3))
    assert info.value.available_boxes == 2
    assert counts(line) == (0, 0)
    assert not WebOrderItem.objects.exists()
    assert not WebOrder.objects.exists()


def test_refuses_a_price_that_is_not_the_customers_and_names_the_current_one(world: World) -> None:
    line = make_line(world, price=D("0.80"))
    world.customer.ecommerce_markup = D("10")
    world.customer.save()
    with pytest.raises(PriceChanged) as info:
        weborders.add_web_order_item(world.company, world.customer, on_hand(world, line, 1, price=D("0.80")))
    assert info.value.current_price == D("0.88")
    assert counts(line) == (0, 0)
    result = weborders.add_web_order_item(
        world.company, world.customer, on_hand(world, line, 1, price=D("0.88"))
    )
    assert result.item.unit_price == D("0.88")


def test_refuses_a_ship_date_in_the_past_for_on_hand_boxes(world: World) -> None:
    line = make_line(world)
    with pytest.raises(ValidationFailed, match="in the past"):
        weborders.add_web_order_item(
            world.company, world.customer, on_hand(world, line, date=today() - dt.timedelta(days=1))
        )


def test_refuses_a_date_outside_a_future_lines_dates(world: World) -> None:
    line = make_future_line(world)
    with pytest.raises(ValidationFailed, match="outside this line's available dates"):
        weborders.add_web_order_item(world.company, world.customer, future(world, line, date=today()))
    assert counts(line) == (0, 0)


def test_refuses_on_hand_and_future_lines_in_one_web_order(world: World) -> None:
    first = weborders.add_web_order_item(world.company, world.customer, on_hand(world, make_line(world)))
    later = make_future_line(world)
    with pytest.raises(ValidationFailed, match="separate web order"):
        weborders.add_web_order_item(
            world.company, world.customer, future(world, later, web_order_id=first.web_order.id)
        )
    assert counts(later) == (0, 0)


def test_without_an_order_id_items_join_the_pending_order_with_the_same_details(world: World) -> None:
    a, b = make_line(world), make_line(world)
    first = weborders.add_web_order_item(world.company, world.customer, on_hand(world, a))
    second = weborders.add_web_order_item(world.company, world.customer, on_hand(world, b))
    assert first.web_order.id == second.web_order.id
    other_day = weborders.add_web_order_item(
        world.company, world.customer, on_hand(world, b, date=today() + dt.timedelta(days=1))
    )
    assert other_day.web_order.id != first.web_order.id
    fut = weborders.add_web_order_item(world.company, world.customer, future(world, make_future_line(world)))
    assert fut.web_order.id not in {first.web_order.id, other_day.web_order.id}


def test_boxes_are_taken_across_several_lines_of_one_pack(world: World) -> None:
    a, b = make_line(world, boxes_on_hand=2), make_line(world, boxes_on_hand=3)
    result = weborders.add_web_order_item(
        world.company, world.customer, on_hand(world, a, 4, line_ids=[b.id, a.id])
    )
    assert [(item.inventory_line_id, item.boxes) for item in result.items] == [(a.id, 2), (b.id, 2)]
    assert result.available_boxes == 1
    with pytest.raises(NotAvailable) as info:
        weborders.add_web_order_item(
            world.company, world.customer, on_hand(world, a, 2, line_ids=[a.id, b.id])
        )
    assert info.value.available_boxes == 1
    assert counts(b) == (2, 0)


def test_another_customers_reserved_line_is_not_found(world: World) -> None:
    other = make_customer(world.company)
    line = make_line(world, reserved_for=other)
    with pytest.raises(NotFound):
        weborders.add_web_order_item(
            world.company, world.customer, on_hand(world, line, reserved_inventory=True), transactional=True
        )


def test_own_reserved_lines_need_reserved_inventory_and_a_transactional_token(world: World) -> None:
    line = make_line(world, reserved_for=world.customer)
    with pytest.raises(ValidationFailed, match="reservedInventory"):
        weborders.add_web_order_item(world.company, world.customer, on_hand(world, line), transactional=True)
    with pytest.raises(ValidationFailed, match="Transactional"):
        weborders.add_web_order_item(
            world.company, world.customer, on_hand(world, line, reserved_inventory=True)
        )
    result = weborders.add_web_order_item(
        world.company, world.customer, on_hand(world, line, reserved_inventory=True), transactional=True
    )
    assert result.item.boxes == 1


def test_another_companys_line_is_not_found(world: World, other_world: World) -> None:
    line = make_line(other_world)
    with pytest.raises(NotFound):
        weborders.add_web_order_item(world.company, world.customer, on_hand(world, line))
    assert counts(line) == (0, 0)


def test_another_customers_web_order_is_not_found(world: World) -> None:
    other = make_customer(world.company)
    order = weborders.create_web_order(world.company, other)
    with pytest.raises(NotFound):
        weborders.add_web_order_item(
            world.company, world.customer, on_hand(world, make_line(world), web_order_id=order.id)
        )
    with pytest.raises(NotFound):
        weborders.checkout_web_order(world.company, world.customer, order.id)


def test_ship_to_must_be_the_customers(world: World) -> None:
    other_ship_to = make_ship_to(make_customer(world.company))
    with pytest.raises(NotFound):
        weborders.add_web_order_item(
            world.company, world.customer, on_hand(world, make_line(world), ship_to_id=other_ship_to.id)
        )


def test_deleting_an_item_releases_its_boxes(world: World) -> None:
    line = make_line(world)
    result = weborders.add_web_order_item(world.company, world.customer, on_hand(world, line, 4))
    weborders.delete_web_order_item(world.company, world.customer, result.web_order.id, result.item.id)
    assert counts(line) == (0, 0)
    assert not WebOrderItem.objects.filter(id=result.item.id).exists()


# --- checkout ----------------------------------------------------------------------------------


def test_checkout_makes_a_w_invoice_pending_approval_and_sells_the_held_boxes(world: World) -> None:
    a, b = make_line(world, boxes_on_hand=5), make_line(world, boxes_on_hand=5, price=D("1.10"))
    ship_to = make_ship_to(world.customer)
    first = weborders.add_web_order_item(
        world.company, world.customer, on_hand(world, a, 2, ship_to_id=ship_to.id)
    )
    order = first.web_order
    weborders.add_web_order_item(
        world.company, world.customer, on_hand(world, b, 1, price=D("1.10"), web_order_id=order.id)
    )
    result = weborders.checkout_web_order(world.company, world.customer, order.id, customer_po="PO-77")

    assert result.prebooks == []
    [invoice] = result.invoices
    assert invoice.prefix == "W"
    assert invoice.status == InvoiceStatus.PENDING
    assert invoice.is_ecommerce
    assert (invoice.customer, invoice.ship_to, invoice.carrier) == (world.customer, ship_to, world.carrier)
    assert invoice.po_number == "PO-77"
    lines = list(
        invoice.items.order_by("id").values_list("inventory_line_id", "boxes", "unit_price", "total")
    )
    assert lines == [(a.id, 2, D("0.80"), D("400.00")), (b.id, 1, D("1.10"), D("275.00"))]
    assert invoice.total == D("675.00")
    assert counts(a) == (0, 2)
    assert counts(b) == (0, 1)

    fee = FeeEntry.objects.get(invoice=invoice)
    assert (fee.base_amount, fee.rate_percent, fee.amount) == (D("675.00"), D("1.50"), D("10.13"))
    assert fee.document_number == invoice.display_number

    order.refresh_from_db()
    assert order.status == WebOrderStatus.CHECKED_OUT
    assert order.checked_out_on is not None
    [event] = events("web_order.checked_out")
    assert event.payload["invoices"] == [{"invoiceId": invoice.id, "invoiceNumber": invoice.display_number}]


def test_autoconfirming_companies_get_confirmed_invoices(world: World) -> None:
    world.company.autoconfirm_on_checkout = True
    world.company.save()
    result = weborders.add_web_order_item(world.company, world.customer, on_hand(world, make_line(world)))
    checkout = weborders.checkout_web_order(world.company, world.customer, result.web_order.id)
    assert checkout.invoices[0].status == InvoiceStatus.CONFIRMED
    assert checkout.invoices[0].confirmed_on is not None
    assert len(events("invoice.confirmed")) == 1


def test_checkout_writes_its_events_in_one_batch_in_the_order_they_happened(world: World) -> None:
    world.company.autoconfirm_on_checkout = True
    world.company.save()
    a, b = make_line(world), make_line(world)
    first = weborders.add_web_order_item(world.company, world.customer, on_hand(world, b))
    order = first.web_order
    weborders.add_web_order_item(world.company, world.customer, on_hand(world, a, web_order_id=order.id))
    before = OutboxEvent.objects.order_by("-id").values_list("id", flat=True).first()
    with CaptureQueriesContext(connection) as captured:
        checkout = weborders.checkout_web_order(world.company, world.customer, order.id)
    written = list(OutboxEvent.objects.filter(id__gt=before).order_by("id"))
    # The sales in lock order (line ids), then the checkout, then the confirmation.
    assert [(e.event_type, e.payload.get("inventoryId")) for e in written] == [
        ("inventory.changed", a.id),
        ("inventory.changed", b.id),
        ("web_order.checked_out", None),
        ("invoice.confirmed", None),
    ]
    assert written[1].payload["reason"] == "held_sale"
    assert written[3].payload["invoiceId"] == checkout.invoices[0].id
    inserts = [
        q for q in captured.captured_queries if q["sql"].startswith('INSERT INTO "integrations_outboxevent"')
    ]
    assert len(inserts) == 1


def test_future_lines_check_out_into_a_checked_out_prebook(world: World) -> None:
    line = make_future_line(world, boxes=5)
    result = weborders.add_web_order_item(world.company, world.customer, future(world, line, 3))
    checkout = weborders.checkout_web_order(world.company, world.customer, result.web_order.id)
    assert checkout.invoices == []
    [prebook] = checkout.prebooks
    assert prebook.checkout_status == 1
    assert prebook.truck_date == line.available_from
    assert prebook.is_ecommerce
    assert prebook.total == D("252.00")  # 3 QB x 120 stems x 0.70
    assert list(prebook.items.values_list("future_line_id", "boxes")) == [(line.id, 3)]
    assert counts(line) == (0, 3)
    assert FeeEntry.objects.get(prebook=prebook).amount == D("3.78")


def test_checking_out_twice_is_refused_and_makes_nothing_twice(world: World) -> None:
    line = make_line(world)
    result = weborders.add_web_order_item(world.company, world.customer, on_hand(world, line, 2))
    weborders.checkout_web_order(world.company, world.customer, result.web_order.id)
    with pytest.raises(InvalidState, match="already checked out"):
        weborders.checkout_web_order(world.company, world.customer, result.web_order.id)
    assert Invoice.objects.count() == 1
    assert FeeEntry.objects.count() == 1
    assert counts(line) == (0, 2)


def test_an_empty_order_cannot_be_checked_out(world: World) -> None:
    order = weborders.create_web_order(world.company, world.customer)
    with pytest.raises(InvalidState, match="no items"):
        weborders.checkout_web_order(world.company, world.customer, order.id)


def test_internal_customers_pay_no_fee(world: World) -> None:
    branch = make_customer(world.company, customer_type="internal")
    result = weborders.add_web_order_item(world.company, branch, on_hand(world, make_line(world), 2))
    checkout = weborders.checkout_web_order(world.company, branch, result.web_order.id)
    fee = FeeEntry.objects.get(invoice=checkout.invoices[0])
    assert fee.amount == D("0.00")
    assert fee.rate_percent == D("0.00")


def test_the_fee_uses_the_company_rate(world: World) -> None:
    world.company.transaction_fee_percent = D("2.00")
    world.company.save()
    result = weborders.add_web_order_item(world.company, world.customer, on_hand(world, make_line(world), 1))
    checkout = weborders.checkout_web_order(world.company, world.customer, result.web_order.id)
    assert FeeEntry.objects.get(invoice=checkout.invoices[0]).amount == D("4.00")


def test_invoice_numbers_are_unique_per_location(world: World) -> None:
    numbers = set()
    for _ in range(3):
        result = weborders.add_web_order_item(
            world.company, world.customer, on_hand(world, make_line(world)), now=timezone.now()
        )
        numbers.add(
            weborders.checkout_web_order(world.company, world.customer, result.web_order.id)
            .invoices[0]
            .number
        )
    assert len(numbers) == 3


# --- expiry --------------------------------------------------------------------------------------


def test_overdue_orders_expire_and_release_their_holds(world: World) -> None:
    line = make_line(world, boxes_on_hand=3)
    start = timezone.now()
    result = weborders.add_web_order_item(world.company, world.customer, on_hand(world, line, 3), now=start)
    assert weborders.expire_overdue_web_orders(start + dt.timedelta(minutes=29)) == 0
    assert counts(line) == (3, 0)
    assert weborders.expire_overdue_web_orders(start + dt.timedelta(minutes=31)) == 1
    assert counts(line) == (0, 0)
    result.web_order.refresh_from_db()
    assert result.web_order.status == WebOrderStatus.EXPIRED
    assert weborders.expire_overdue_web_orders(start + dt.timedelta(minutes=40)) == 0


def test_an_expired_order_cannot_be_checked_out_and_its_boxes_go_back(world: World) -> None:
    line = make_line(world, boxes_on_hand=3)
    start = timezone.now() - dt.timedelta(hours=1)
    result = weborders.add_web_order_item(
        world.company, world.customer, on_hand(world, line, 2, date=start.date()), now=start
    )
    with pytest.raises(InvalidState, match="expired"):
        weborders.checkout_web_order(world.company, world.customer, result.web_order.id)
    assert counts(line) == (0, 0)
    assert not Invoice.objects.exists()


def test_reading_the_orders_expires_an_overdue_one(world: World) -> None:
    line = make_line(world, boxes_on_hand=3)
    start = timezone.now() - dt.timedelta(hours=1)
    weborders.add_web_order_item(
        world.company, world.customer, on_hand(world, line, 2, date=start.date()), now=start
    )
    assert queries.web_orders_for(world.company, world.customer) == []
    assert counts(line) == (0, 0)


def test_each_hold_restarts_the_timer(world: World) -> None:
    start = timezone.now()
    first = weborders.add_web_order_item(
        world.company, world.customer, on_hand(world, make_line(world)), now=start
    )
    later = start + dt.timedelta(minutes=20)
    weborders.add_web_order_item(
        world.company,
        world.customer,
        on_hand(world, make_line(world), web_order_id=first.web_order.id),
        now=later,
    )
    assert weborders.expire_overdue_web_orders(start + dt.timedelta(minutes=35)) == 0
    assert weborders.expire_overdue_web_orders(later + dt.timedelta(minutes=31)) == 1


# --- the sales rep: confirm, void -----------------------------------------------------------


def _checked_out_invoice(world: World, line: InventoryLine, boxes: int = 2) -> Invoice:
    result = weborders.add_web_order_item(world.company, world.customer, on_hand(world, line, boxes))
    return weborders.checkout_web_order(world.company, world.customer, result.web_order.id).invoices[0]


def test_confirm_moves_pending_invoices_to_confirmed_and_tells_the_partner(world: World) -> None:
    first, second = (
        _checked_out_invoice(world, make_line(world)),
        _checked_out_invoice(world, make_line(world)),
    )
    assert set(queries.invoices_awaiting_confirmation(world.company)) == {first, second}
    confirmed = invoices.confirm_invoices(world.company, [first.number, f"W{second.number}"])
    assert [inv.status for inv in confirmed] == [InvoiceStatus.CONFIRMED] * 2
    assert len(events("invoice.confirmed")) == 2
    assert list(queries.invoices_awaiting_confirmation(world.company)) == []


def test_confirming_is_all_or_nothing(world: World) -> None:
    first, second = (
        _checked_out_invoice(world, make_line(world)),
        _checked_out_invoice(world, make_line(world)),
    )
    invoices.confirm_invoices(world.company, [second.number])
    with pytest.raises(InvalidState, match=f"W{second.number}"):
        invoices.confirm_invoices(world.company, [first.number, second.number])
    first.refresh_from_db()
    assert first.status == InvoiceStatus.PENDING


def test_another_companys_invoice_cannot_be_confirmed(world: World, other_world: World) -> None:
    invoice = _checked_out_invoice(other_world, make_line(other_world))
    Invoice.objects.filter(company=world.company).delete()
    with pytest.raises(NotFound):
        invoices.confirm_invoices(world.company, [invoice.number])


def test_void_puts_the_boxes_back_and_reverses_the_fee(world: World) -> None:
    line = make_line(world, boxes_on_hand=5)
    invoice = _checked_out_invoice(world, line, 2)
    charge = FeeEntry.objects.get(invoice=invoice)
    voided = invoices.void_invoice(world.company, invoice.number, "Florist cancelled")
    assert voided.status == InvoiceStatus.VOIDED
    assert voided.void_reason == "Florist cancelled"
    assert counts(line) == (0, 0)
    reversal = FeeEntry.objects.get(reversal_of=charge)
    assert reversal.amount == -charge.amount
    assert queries.fee_total(world.company) == D("0.00")
    assert len(events("invoice.voided")) == 1


def test_void_needs_a_reason(world: World) -> None:
    invoice = _checked_out_invoice(world, make_line(world))
    with pytest.raises(ValidationFailed, match="reason"):
        invoices.void_invoice(world.company, invoice.number, "  ")


def test_confirmed_or_voided_invoices_cannot_be_voided(world: World) -> None:
    invoice = _checked_out_invoice(world, make_line(world))
    invoices.void_invoice(world.company, invoice.number, "mistake")
    with pytest.raises(InvalidState):
        invoices.void_invoice(world.company, invoice.number, "again")
    with pytest.raises(InvalidState):
        invoices.confirm_invoices(world.company, [invoice.number])
    other = _checked_out_invoice(world, make_line(world))
    invoices.confirm_invoices(world.company, [other.number])
    with pytest.raises(InvalidState, match="Confirmed cannot be voided"):
        invoices.void_invoice(world.company, other.number, "too late")
    assert FeeEntry.objects.filter(entry_type="reversal").count() == 1


# --- deleting a web order --------------------------------------------------------------------


def test_deleting_a_pending_order_releases_its_holds(world: World) -> None:
    line = make_line(world)
    result = weborders.add_web_order_item(world.company, world.customer, on_hand(world, line, 3))
    weborders.delete_web_order(world.company, world.customer, result.web_order.id)
    assert counts(line) == (0, 0)
    result.web_order.refresh_from_db()
    assert result.web_order.status == WebOrderStatus.CANCELLED
    with pytest.raises(InvalidState):
        weborders.delete_web_order(world.company, world.customer, result.web_order.id)


def test_deleting_a_checked_out_order_voids_its_unconfirmed_invoice(world: World) -> None:
    line = make_line(world)
    result = weborders.add_web_order_item(world.company, world.customer, on_hand(world, line, 3))
    invoice = weborders.checkout_web_order(world.company, world.customer, result.web_order.id).invoices[0]
    weborders.delete_web_order(world.company, world.customer, result.web_order.id)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.VOIDED
    assert counts(line) == (0, 0)
    assert queries.fee_total(world.company) == D("0.00")


def test_deleting_an_order_whose_invoice_is_confirmed_is_refused(world: World) -> None:
    line = make_line(world)
    result = weborders.add_web_order_item(world.company, world.customer, on_hand(world, line, 3))
    invoice = weborders.checkout_web_order(world.company, world.customer, result.web_order.id).invoices[0]
    invoices.confirm_invoices(world.company, [invoice.number])
    with pytest.raises(InvalidState, match="confirmed"):
        weborders.delete_web_order(world.company, world.customer, result.web_order.id)
    assert counts(line) == (0, 3)


def test_deleting_a_checked_out_future_order_removes_its_prebook_lines(world: World) -> None:
    line = make_future_line(world, boxes=5)
    result = weborders.add_web_order_item(world.company, world.customer, future(world, line, 2))
    prebook = weborders.checkout_web_order(world.company, world.customer, result.web_order.id).prebooks[0]
    weborders.delete_web_order(world.company, world.customer, result.web_order.id)
    prebook = Prebook.objects.get(id=prebook.id)
    assert prebook.items.count() == 0
    assert prebook.status == PrebookStatus.CANCELLED
    assert prebook.total == D("0.00")
    assert counts(line) == (0, 0)
    assert queries.fee_total(world.company) == D("0.00")


# --- reading ------------------------------------------------------------------------------------


def test_details_show_items_totals_and_the_fee(world: World) -> None:
    result = weborders.add_web_order_item(world.company, world.customer, on_hand(world, make_line(world), 1))
    [view] = queries.web_orders_for(world.company, world.customer)
    assert view.total == D("200.00")
    assert view.transaction_fee == D("3.00")
    weborders.checkout_web_order(world.company, world.customer, result.web_order.id)
    assert queries.web_orders_for(world.company, world.customer) == []
    [done] = queries.web_orders_for(world.company, world.customer, status=WebOrderStatus.CHECKED_OUT)
    assert done.transaction_fee == D("3.00")
    assert len(done.invoice_numbers) == 1
    assert done.invoice_numbers[0].startswith("W")


def test_an_order_opened_empty_takes_carrier_ship_to_and_date_from_its_first_item(world: World) -> None:
    order = weborders.create_web_order(world.company, world.customer)
    ship_to = make_ship_to(world.customer)
    result = weborders.add_web_order_item(
        world.company,
        world.customer,
        on_hand(world, make_line(world), web_order_id=order.id, ship_to_id=ship_to.id),
    )
    order.refresh_from_db()
    assert result.web_order.id == order.id
    assert (order.carrier_id, order.ship_to_id, order.ship_date, order.origin) == (
        world.carrier.id,
        ship_to.id,
        today(),
        1,
    )


def test_deleting_an_expired_order_closes_it(world: World) -> None:
    line = make_line(world, boxes_on_hand=3)
    start = timezone.now() - dt.timedelta(hours=1)
    result = weborders.add_web_order_item(
        world.company, world.customer, on_hand(world, line, 2, date=start.date()), now=start
    )
    weborders.delete_web_order(world.company, world.customer, result.web_order.id)
    result.web_order.refresh_from_db()
    assert result.web_order.status == WebOrderStatus.CANCELLED
    assert counts(line) == (0, 0)


def test_an_expired_order_takes_no_more_items(world: World) -> None:
    line = make_line(world, boxes_on_hand=3)
    start = timezone.now() - dt.timedelta(hours=1)
    first = weborders.add_web_order_item(
        world.company, world.customer, on_hand(world, line, 1, date=start.date()), now=start
    )
    with pytest.raises(InvalidState, match="expired"):
        weborders.add_web_order_item(
            world.company, world.customer, on_hand(world, line, 1, web_order_id=first.web_order.id)
        )
    assert counts(line) == (0, 0)


def test_the_cart_and_checkout_store_what_they_answer(world: World) -> None:
    line = make_line(world, boxes_on_hand=5, price=D("0.80"))
    order = weborders.create_web_order(world.company, world.customer)
    stored = WebOrder.objects.get(pk=order.pk)
    assert stored.created_on == order.created_on is not None and stored.number == order.number
    added = weborders.add_web_order_item(
        world.company, world.customer, on_hand(world, line, 2, web_order_id=order.pk)
    )
    items = list(WebOrderItem.objects.filter(web_order=order))
    assert [i.pk for i in items] == [i.pk for i in added.items] and items[0].total == added.items[0].total
    stored.refresh_from_db()
    assert (stored.carrier_id, stored.origin, stored.expires_at) == (
        world.carrier.pk,
        1,
        added.web_order.expires_at,
    )
    result = weborders.checkout_web_order(world.company, world.customer, order.pk)
    invoice = result.invoices[0]
    assert Invoice.objects.get(pk=invoice.pk).total == invoice.total == D("400.00")
    assert FeeEntry.objects.get(invoice=invoice).base_amount == invoice.total
    assert not WebOrderItem.objects.filter(web_order=order, holding=True).exists()


def test_an_id_no_column_can_hold_is_simply_not_found(world: World) -> None:
    with pytest.raises(NotFound):
        weborders.checkout_web_order(world.company, world.customer, 2**70)
    with pytest.raises(NotFound):
        weborders._carrier(world.company, 2**64)
