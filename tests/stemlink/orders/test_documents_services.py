"""Invoices and prebooks made by an integrator: stock sold atomically, totals and fees right."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from stemlink.errors import InvalidState, NotAvailable, NotFound, ValidationFailed
from stemlink.inventory.models import FutureLine, InventoryLine
from stemlink.orders import invoices, prebooks, resolvers
from stemlink.orders.invoices import InvoiceLineRequest
from stemlink.orders.models import FeeEntry, Invoice, InvoiceStatus, Prebook, PrebookStatus
from stemlink.orders.prebooks import PrebookLineRequest
from tests.factories import make_customer, make_future_line, make_line

pytestmark = pytest.mark.django_db

TODAY = timezone.now().date()


def fee_total(**document) -> Decimal:
    return FeeEntry.objects.filter(**document).aggregate(s=Sum("amount"))["s"] or Decimal("0")


def sold(line) -> int:
    line.refresh_from_db()
    return line.boxes_sold


def new_invoice(world, items, **kwargs):
    return invoices.create_invoice(
        world.company, customer=world.customer, carrier=world.carrier, ship_date=TODAY, items=items, **kwargs
    )


def test_invoice_by_order_item_id_sells_the_boxes_and_charges_the_fee(world):
    line = make_line(world)  # 10 HB x 250 stems at $0.80
    result = new_invoice(world, [InvoiceLineRequest(boxes=2, price=Decimal("0.80"), order_item_id=line.pk)])
    invoice = result.invoice
    assert invoice.status == InvoiceStatus.PENDING
    assert invoice.subtotal == invoice.total == Decimal("400.00")
    assert sold(line) == 2
    assert result.available_boxes == {line.pk: 8}
    [(item, line_id)] = result.items
    assert line_id == line.pk and item.boxes == 2 and item.total == Decimal("400.00")
    [charge] = FeeEntry.objects.filter(invoice=invoice)
    assert charge.entry_type == "charge" and charge.amount == Decimal("6.00")
    assert charge.rate_percent == Decimal("1.50")


def test_invoice_numbers_follow_each_other(world):
    line = make_line(world)
    first = new_invoice(
        world, [InvoiceLineRequest(boxes=1, price=Decimal("1"), order_item_id=line.pk)]
    ).invoice
    second = new_invoice(world, []).invoice
    assert second.number == first.number + 1


def test_invoice_by_product_code_takes_the_oldest_lines_first(world):
    older = make_line(world, boxes_on_hand=3)
    newer = make_line(world, boxes_on_hand=3)
    result = new_invoice(
        world,
        [
            InvoiceLineRequest(
                boxes=5,
                price=Decimal("0.75"),
                product_code=world.product.code.lower(),
                box_type_code="hb",
                units_per_box=250,
                unit_type="stem",
            )
        ],
    )
    assert [(item.boxes, line_id) for item, line_id in result.items] == [(3, older.pk), (2, newer.pk)]
    assert sold(older) == 3 and sold(newer) == 2
    assert result.invoice.total == Decimal("937.50")


def test_product_code_lines_skip_other_packs_and_lines_reserved_for_others(world):
    make_line(world, units_per_box=200, bunches=8)
    make_line(world, reserved_for=make_customer(world.company))
    with pytest.raises(NotAvailable) as refused:
        new_invoice(
            world,
            [
                InvoiceLineRequest(
                    boxes=1,
                    price=Decimal("1"),
                    product_code=world.product.code,
                    box_type_code="HB",
                    units_per_box=250,
                    unit_type="Stem",
                )
            ],
        )
    assert refused.value.available_boxes == 0
    assert not Invoice.objects.exists()


def test_refuses_more_boxes_than_are_left_and_changes_nothing(world):
    line = make_line(world, boxes_on_hand=3)
    other = make_line(world)
    with pytest.raises(NotAvailable) as refused:
        new_invoice(
            world,
            [
                InvoiceLineRequest(boxes=1, price=Decimal("1"), order_item_id=other.pk),
                InvoiceLineRequest(boxes=2, price=Decimal("1"), order_item_id=line.pk),
                InvoiceLineRequest(boxes=2, price=Decimal("1"), order_item_id=line.pk),
            ],
        )
    assert refused.value.available_boxes == 3
    assert sold(line) == 0 and sold(other) == 0
    assert not Invoice.objects.exists() and not FeeEntry.objects.exists()


def test_refuses_both_ways_of_naming_a_line_at_once(world):
    line = make_line(world)
    with pytest.raises(ValidationFailed) as refused:
        new_invoice(
            world,
            [
                InvoiceLineRequest(
                    boxes=1,
                    price=Decimal("1"),
                    order_item_id=line.pk,
                    product_code="X",
                    box_type_code="HB",
                    units_per_box=250,
                    unit_type="Stem",
                )
            ],
        )
    assert refused.value.errors[0].field == "items[0].orderItemId"


def test_names_every_missing_pack_field(world):
    with pytest.raises(ValidationFailed) as refused:
        new_invoice(world, [InvoiceLineRequest(boxes=0, price=Decimal("1"), product_code="X")])
    fields = {e.field for e in refused.value.errors}
    assert fields == {"items[0].boxTypeCode", "items[0].unitsPerBox", "items[0].unitType", "items[0].boxes"}


def test_another_companys_line_is_not_found(world, other_world):
    theirs = make_line(other_world)
    with pytest.raises(NotFound):
        new_invoice(world, [InvoiceLineRequest(boxes=1, price=Decimal("1"), order_item_id=theirs.pk)])
    assert sold(theirs) == 0


def test_draft_invoice_checks_out_once(world):
    invoice = new_invoice(world, [], draft=True).invoice
    assert invoice.status == InvoiceStatus.DRAFT
    assert invoices.checkout_invoice(world.company, str(invoice.number)).status == InvoiceStatus.PENDING
    with pytest.raises(InvalidState, match="Pending Approval"):
        invoices.checkout_invoice(world.company, invoice.number)


def test_items_added_updated_and_deleted_move_stock_and_keep_the_fee_right(world):
    line = make_line(world)
    invoice = new_invoice(
        world, [InvoiceLineRequest(boxes=1, price=Decimal("1.00"), order_item_id=line.pk)]
    ).invoice
    added = invoices.add_invoice_item(
        world.company, invoice.pk, InvoiceLineRequest(boxes=2, price=Decimal("0.50"), order_item_id=line.pk)
    )
    [(item, _)] = added.items
    assert sold(line) == 3 and added.available_boxes[line.pk] == 7
    item, free = invoices.update_invoice_item(
        world.company, invoice.pk, item.pk, price=Decimal("0.60"), boxes=4
    )
    assert sold(line) == 5 and free == 5
    invoice.refresh_from_db()
    assert invoice.total == Decimal("250.00") + Decimal("600.00")
    assert fee_total(invoice=invoice) == Decimal("12.75")
    invoices.update_invoice_item(world.company, invoice.pk, item.pk, price=Decimal("0.60"), boxes=1)
    assert sold(line) == 2
    _, free = invoices.delete_invoice_item(world.company, invoice.pk, item.pk)
    assert sold(line) == 1 and free == 9
    invoice.refresh_from_db()
    assert invoice.total == Decimal("250.00")
    assert fee_total(invoice=invoice) == Decimal("3.75")
    kinds = list(FeeEntry.objects.filter(invoice=invoice).values_list("entry_type", flat=True))
    assert kinds[0] == "charge" and set(kinds[1:]) == {"adjustment"}


def test_update_refuses_more_boxes_than_the_line_has_left(world):
    line = make_line(world, boxes_on_hand=2)
    result = new_invoice(world, [InvoiceLineRequest(boxes=1, price=Decimal("1"), order_item_id=line.pk)])
    item = result.items[0][0]
    with pytest.raises(NotAvailable):
        invoices.update_invoice_item(world.company, result.invoice.pk, item.pk, price=Decimal("1"), boxes=3)
    item.refresh_from_db()
    assert item.boxes == 1 and sold(line) == 1


def test_a_confirmed_invoice_cannot_be_changed(world):
    line = make_line(world)
    result = new_invoice(world, [InvoiceLineRequest(boxes=1, price=Decimal("1"), order_item_id=line.pk)])
    Invoice.objects.filter(pk=result.invoice.pk).update(status=InvoiceStatus.CONFIRMED)
    with pytest.raises(InvalidState, match="Confirmed"):
        invoices.delete_invoice_item(world.company, result.invoice.pk, result.items[0][0].pk)
    assert sold(line) == 1


def test_internal_customers_pay_no_fee(world):
    internal = make_customer(world.company, customer_type="internal")
    line = make_line(world)
    invoice = invoices.create_invoice(
        world.company,
        customer=internal,
        carrier=world.carrier,
        ship_date=TODAY,
        items=[InvoiceLineRequest(boxes=1, price=Decimal("1"), order_item_id=line.pk)],
    ).invoice
    assert [e.amount for e in FeeEntry.objects.filter(invoice=invoice)] == [Decimal("0.00")]


def test_find_invoice_by_number_accepts_a_prefix_and_refuses_words(world):
    invoice = new_invoice(world, []).invoice
    assert invoices.find_invoice_by_number(world.company, f"W{invoice.number}") == invoice
    with pytest.raises(ValidationFailed):
        invoices.find_invoice_by_number(world.company, "abc")
    with pytest.raises(NotFound):
        invoices.find_invoice_by_number(world.company, invoice.number + 100)


# ---------------------------------------------------------------------------- prebooks


def new_prebook(world, items=(), **kwargs):
    kwargs.setdefault("truck_date", TODAY + dt.timedelta(days=8))
    return prebooks.create_prebook(
        world.company, customer=world.customer, carrier=world.carrier, items=items, **kwargs
    )


def rose_line(world, boxes=2, price="0.70"):
    return PrebookLineRequest(
        boxes=boxes,
        price=Decimal(price),
        product_code=world.product.code,
        box_type_code="QB",
        unit_type="Stem",
        bunches=12,
        stems_bunch=10,
    )


def test_a_prebook_may_be_only_a_header(world):
    result = new_prebook(world)
    assert result.items == [] and result.prebook.total == Decimal("0.00")
    assert [e.amount for e in FeeEntry.objects.filter(prebook=result.prebook)] == [Decimal("0.00")]


def test_prebook_lines_are_priced_per_unit_and_charged(world):
    result = new_prebook(world, [rose_line(world, boxes=2)])
    assert result.prebook.total == Decimal("168.00")  # 2 x 120 stems x 0.70
    assert fee_total(prebook=result.prebook) == Decimal("2.52")


def test_use_existing_appends_to_the_same_prebook_and_adjusts_its_fee(world):
    first = new_prebook(world, [rose_line(world, boxes=1)], customer_po="PO-1").prebook
    again = new_prebook(world, [rose_line(world, boxes=1)], customer_po="PO-1", use_existing=True)
    assert again.appended and again.prebook.pk == first.pk
    assert again.prebook.total == Decimal("168.00")
    assert fee_total(prebook=first) == Decimal("2.52")
    other_po = new_prebook(world, [rose_line(world)], customer_po="PO-2", use_existing=True)
    assert not other_po.appended and other_po.prebook.pk != first.pk


def test_prebook_lines_need_a_known_product_and_a_pack(world):
    with pytest.raises(ValidationFailed) as refused:
        new_prebook(
            world, [PrebookLineRequest(boxes=1, price=Decimal("1"), product_code="P1", box_type_code="QB")]
        )
    assert {e.field for e in refused.value.errors} == {
        "prebookItems[0].bunches",
        "prebookItems[0].stemsBunch",
    }
    with pytest.raises(NotFound):
        new_prebook(
            world,
            [
                PrebookLineRequest(
                    boxes=1,
                    price=Decimal("1"),
                    product_code="NOPE",
                    box_type_code="QB",
                    bunches=1,
                    stems_bunch=1,
                )
            ],
        )
    assert not Prebook.objects.exists()


def test_future_item_draws_boxes_from_the_future_line(world):
    future = make_future_line(world)  # 20 QB, available in 7 to 14 days
    prebook = new_prebook(world).prebook
    item, left = prebooks.add_future_item(
        world.company, prebook.pk, future_line_id=future.pk, boxes=5, price=Decimal("0.70")
    )
    assert left == 15 and sold(future) == 5
    assert item.total == Decimal("420.00")
    prebook.refresh_from_db()
    assert prebook.total == Decimal("420.00")
    assert fee_total(prebook=prebook) == Decimal("6.30")
    with pytest.raises(NotAvailable) as refused:
        prebooks.add_future_item(
            world.company, prebook.pk, future_line_id=future.pk, boxes=16, price=Decimal("1")
        )
    assert refused.value.available_boxes == 15


def test_future_item_must_be_available_on_the_truck_date(world):
    future = make_future_line(world)
    prebook = new_prebook(world, truck_date=TODAY + dt.timedelta(days=30)).prebook
    with pytest.raises(ValidationFailed, match="available"):
        prebooks.add_future_item(
            world.company, prebook.pk, future_line_id=future.pk, boxes=1, price=Decimal("1")
        )
    assert sold(future) == 0


def test_deleting_a_prebook_returns_its_boxes_and_reverses_its_fee(world):
    future = make_future_line(world)
    prebook = new_prebook(world, [rose_line(world)]).prebook
    prebooks.add_future_item(world.company, prebook.pk, future_line_id=future.pk, boxes=3, price=Decimal("1"))
    assert fee_total(prebook=prebook) > 0
    prebooks.delete_prebook(world.company, prebook.pk)
    prebook.refresh_from_db()
    assert prebook.status == PrebookStatus.CANCELLED
    assert sold(future) == 0
    assert fee_total(prebook=prebook) == Decimal("0.00")
    assert FeeEntry.objects.filter(prebook=prebook, entry_type="reversal").count() == 2
    with pytest.raises(InvalidState):
        prebooks.delete_prebook(world.company, prebook.pk)


def test_deleting_a_prebook_item_returns_its_boxes(world):
    future = make_future_line(world)
    prebook = new_prebook(world).prebook
    item, _ = prebooks.add_future_item(
        world.company, prebook.pk, future_line_id=future.pk, boxes=3, price=Decimal("1")
    )
    prebooks.delete_prebook_item(world.company, prebook.pk, item.pk)
    assert sold(future) == 0
    prebook.refresh_from_db()
    assert prebook.total == Decimal("0.00") and fee_total(prebook=prebook) == Decimal("0.00")


def test_update_prebook_keeps_the_truck_date_inside_its_future_lines(world):
    future = make_future_line(world)
    prebook = new_prebook(world).prebook
    prebooks.add_future_item(world.company, prebook.pk, future_line_id=future.pk, boxes=1, price=Decimal("1"))
    with pytest.raises(ValidationFailed):
        prebooks.update_prebook(world.company, prebook.pk, truck_date=TODAY + dt.timedelta(days=40))
    updated = prebooks.update_prebook(
        world.company, prebook.pk, truck_date=TODAY + dt.timedelta(days=9), customer_po="PO-9", comments="AM"
    )
    assert updated.truck_date == TODAY + dt.timedelta(days=9) and updated.customer_po == "PO-9"


def test_resolvers_find_by_id_or_code_within_the_company(world, other_world):
    assert (
        resolvers.resolve_customer(world.company, customer_id=None, customer_code="bloomnet")
        == world.customer
    )
    assert resolvers.resolve_carrier(world.company, carrier_id=None, carrier_code="arm") == world.carrier
    with pytest.raises(NotFound):
        resolvers.resolve_customer(world.company, customer_id=other_world.customer.pk)
    with pytest.raises(NotFound):
        resolvers.resolve_carrier(world.company, carrier_id=other_world.carrier.pk)
    with pytest.raises(ValidationFailed):
        resolvers.resolve_customer(world.company, customer_id=None)
    assert InventoryLine.objects.count() == FutureLine.objects.count() == 0
