"""The purchasing pages: a purchase order made, confirmed, shipped and received from the back office;
growers' availability booked into a prebook; hard goods; the uncovered prebook lines a rep sees."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from stemlink.inventory.models import FutureLine, InventoryLine
from stemlink.orders.prebooks import create_prebook
from stemlink.purchasing import services
from stemlink.purchasing.models import AvailabilityItem, HardGood, PurchaseOrder
from tests.stemlink.web.orders_world import purchase_order


def _line_post(world, prefix: str, boxes: int = 8) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": "4",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "50",
        f"{prefix}-0-product": world.product.pk,
        f"{prefix}-0-box_type": world.qb.pk,
        f"{prefix}-0-unit_type": "Stem",
        f"{prefix}-0-bunches": "10",
        f"{prefix}-0-stems_bunch": "25",
        f"{prefix}-0-boxes": str(boxes),
        f"{prefix}-0-unit_cost": "0.35",
        f"{prefix}-0-price": "0.90",
        # A browser posts the blank extra lines' unit selects too.
        **{f"{prefix}-{n}-unit_type": "Stem" for n in (1, 2, 3)},
    }


def test_a_purchase_order_is_made_confirmed_shipped_and_received_from_the_back_office(admin_client, world):
    ship = timezone.now().date() + dt.timedelta(days=2)
    page = admin_client.get("/purchasing/new/")
    assert page.status_code == 200 and b"po-lines" in page.content
    answer = admin_client.post(
        "/purchasing/new/",
        {
            "vendor": world.vendor.pk,
            "ship_date": ship.isoformat(),
            "notes": "Mother's Day",
            **_line_post(world, "line"),
        },
    )
    order = PurchaseOrder.objects.get(company=world.company)
    assert answer.status_code == 302 and answer["Location"] == f"/purchasing/{order.pk}/"
    assert order.items.get().boxes == 8
    assert b"Purchase order" in admin_client.get("/purchasing/").content
    admin_client.post(f"/purchasing/{order.pk}/", {"action": "confirm"})
    [item] = order.items.all()
    item.refresh_from_db()
    assert FutureLine.objects.get(pk=item.future_line_id).boxes == 8
    admin_client.post(f"/purchasing/{order.pk}/", {"action": "awb", "awb": "145-1111 2222"})
    order.refresh_from_db()
    assert order.status == "shipped"
    page = admin_client.post(
        f"/purchasing/{order.pk}/",
        {
            "action": "receive",
            "receive_awb": "145-1111 2222",
            f"boxes_{item.pk}": "7",
            f"close_{item.pk}": "on",
        },
        follow=True,
    )
    assert b"7 box(es) received on hand; 1 short." in page.content
    line = InventoryLine.objects.get(company=world.company, awb="145-1111 2222")
    assert (line.boxes_on_hand, line.unit_cost) == (7, Decimal("0.350"))
    order.refresh_from_db()
    assert order.status == "received"


def test_bad_input_on_the_order_pages_is_named_and_changes_nothing(admin_client, world):
    answer = admin_client.post(
        "/purchasing/new/", {"vendor": world.vendor.pk, "ship_date": "soon", **_line_post(world, "line")}
    )
    assert answer.status_code == 200 and not PurchaseOrder.objects.exists()
    answer = admin_client.post(
        "/purchasing/new/",
        {
            "vendor": world.vendor.pk,
            "ship_date": "2026-05-01",
            "line-TOTAL_FORMS": "1",
            "line-0-unit_type": "Stem",
            "line-INITIAL_FORMS": "0",
        },
    )
    assert b"at least one line" in answer.content and not PurchaseOrder.objects.exists()
    order = purchase_order(world)
    [item] = order.items.all()
    page = admin_client.post(
        f"/purchasing/{order.pk}/",
        {"action": "receive", "receive_awb": "A", f"boxes_{item.pk}": "lots"},
        follow=True,
    )
    assert b"boxes must be a whole number" in page.content
    page = admin_client.post(
        f"/purchasing/{order.pk}/",
        {"action": "receive", "receive_awb": "", f"boxes_{item.pk}": "2"},
        follow=True,
    )
    assert b"awb: is required" in page.content
    assert not InventoryLine.objects.filter(company=world.company).exists()
    assert admin_client.get("/purchasing/999999/").status_code == 404


def test_a_rep_books_a_growers_offer_and_sees_the_prebooks_a_shortage_left_uncovered(
    admin_client, rep_client, world
):
    today = timezone.now().date()
    answer = admin_client.post(
        "/purchasing/availability/",
        {
            "action": "offer",
            "vendor": world.vendor.pk,
            "available_from": today.isoformat(),
            "available_to": (today + dt.timedelta(days=5)).isoformat(),
            **_line_post(world, "offer", boxes=6),
        },
    )
    assert answer.status_code == 302, answer.content[:500]
    offer = AvailabilityItem.objects.get(company=world.company)
    prebook = create_prebook(
        world.company, customer=world.customer, carrier=world.carrier, truck_date=today + dt.timedelta(days=2)
    ).prebook
    assert (
        rep_client.post(
            "/purchasing/availability/", {"action": "offer", "vendor": world.vendor.pk}
        ).status_code
        == 403
    )
    page = rep_client.post(
        "/purchasing/availability/",
        {"action": "book", "offer": offer.pk, "prebook": prebook.pk, "boxes": "4", "price": "1.10"},
        follow=True,
    )
    assert f"4 box(es) booked into prebook {prebook.number}".encode() in page.content
    offer.refresh_from_db()
    assert offer.boxes_booked == 4
    # A purchase sold to a prebook and then cancelled: the rep sees the prebook line uncovered.
    order = purchase_order(world, boxes=3)
    [item] = order.items.all()
    from stemlink.inventory import stock
    from stemlink.orders.models import PrebookItem

    stock.sell_boxes(2, item.future_line_id, 2, company_id=world.company.pk)
    sold = PrebookItem(
        company=world.company,
        prebook=prebook,
        future_line_id=item.future_line_id,
        boxes=2,
        unit_price=Decimal("1"),
        total=Decimal("500"),
    ).take_pack_from(FutureLine.objects.get(pk=item.future_line_id))
    sold.save()
    services.cancel_purchase_order(world.company, order.pk)
    page = rep_client.get("/purchasing/uncovered/")
    assert page.status_code == 200 and f">{prebook.number}</a>".encode() in page.content
    rep_client.post("/purchasing/uncovered/", {"cover": sold.covers.get().pk})
    assert b"Every prebook is covered." in rep_client.get("/purchasing/uncovered/").content


def test_hard_goods_are_added_by_the_warehouse_and_listed(admin_client, rep_client, world):
    answer = admin_client.post(
        "/purchasing/hard-goods/",
        {"product": world.product.pk, "sku": "VASE", "quantity": "5", "pack_size": "6", "unit_price": "2.00"},
    )
    assert answer.status_code == 302
    assert HardGood.objects.get(company=world.company).quantity == 5
    page = rep_client.get("/purchasing/hard-goods/")
    assert b"VASE" in page.content and b"Unit cost" not in page.content
    assert (
        rep_client.post("/purchasing/hard-goods/", {"product": world.product.pk, "quantity": "1"}).status_code
        == 403
    )


def _two_line_order(world) -> PurchaseOrder:
    line = {
        "unit_cost": Decimal("0.35"),
        "product_id": world.product.pk,
        "box_type_id": world.qb.pk,
        "bunches": 10,
        "stems_bunch": 25,
    }
    return services.create_purchase_order(
        world.company,
        vendor=world.vendor,
        ship_date=timezone.now().date() + dt.timedelta(days=2),
        lines=[services.LineRequest(boxes=5, **line), services.LineRequest(boxes=4, **line)],
        confirm=True,
    )


def test_lines_that_came_on_different_awbs_are_received_in_one_step(admin_client, world):
    order = _two_line_order(world)
    first, second = order.items.order_by("id")
    page = admin_client.get(f"/purchasing/{order.pk}/")
    assert f'name="awb_{first.pk}"'.encode() in page.content
    page = admin_client.post(
        f"/purchasing/{order.pk}/",
        {
            "action": "receive",
            "receive_awb": "145-0000 0001",
            f"boxes_{first.pk}": "3",
            f"boxes_{second.pk}": "4",
            f"awb_{second.pk}": "145-0000 0002",
        },
        follow=True,
    )
    assert b"7 box(es) received on hand." in page.content
    lines = dict(InventoryLine.objects.filter(company=world.company).values_list("awb", "boxes_on_hand"))
    assert lines == {"145-0000 0001": 3, "145-0000 0002": 4}
    first.refresh_from_db()
    order.refresh_from_db()
    # The first line is partly received (2 still to come): the order is not received yet.
    assert (first.boxes_received, first.closed, order.status) == (3, False, "confirmed")


def test_a_purchase_order_is_raised_from_a_prebook_and_again_for_what_a_shortage_left(admin_client, world):
    from stemlink.orders.models import PrebookItem
    from stemlink.orders.prebooks import PrebookLineRequest
    from stemlink.purchasing.models import Cover

    prebook = create_prebook(
        world.company,
        customer=world.customer,
        carrier=world.carrier,
        truck_date=timezone.now().date() + dt.timedelta(days=4),
        items=[
            PrebookLineRequest(
                boxes=3,
                price=Decimal("1.20"),
                product_id=world.product.pk,
                box_type_code="QB",
                bunches=10,
                stems_bunch=25,
            )
        ],
    ).prebook
    [need] = PrebookItem.objects.filter(prebook=prebook)
    assert b'id="prebook-buy"' in admin_client.get(f"/orders/prebooks/{prebook.pk}/").content
    url = f"/purchasing/for-prebook/{prebook.pk}/"
    page = admin_client.get(url)
    assert page.status_code == 200 and f'name="cost_{need.pk}"'.encode() in page.content
    ship = (timezone.now().date() + dt.timedelta(days=2)).isoformat()
    # A cost that is not a number: named, nothing made.
    page = admin_client.post(url, {"vendor": world.vendor.pk, "ship_date": ship, f"cost_{need.pk}": "cheap"})
    assert page.status_code == 200 and b"type the unit cost" in page.content
    assert not PurchaseOrder.objects.exists()
    page = admin_client.post(
        url, {"vendor": world.vendor.pk, "ship_date": ship, f"cost_{need.pk}": "0.40"}, follow=True
    )
    order = PurchaseOrder.objects.get(prebook=prebook)
    assert f"Purchase order {order.number} made for prebook {prebook.number}".encode() in page.content
    item = order.items.get()
    assert (item.prebook_item_id, item.boxes, item.unit_cost) == (need.pk, 3, Decimal("0.400"))
    assert b"nothing to buy" in admin_client.get(url).content

    # The grower confirms and ships 1 of the 3: 2 boxes uncovered, bought again from the Uncovered page.
    services.confirm_purchase_order(world.company, order.pk)
    services.receive(
        world.company, order.pk, awb="AWB-1", lines=[services.ReceiveRequest(item.pk, 1, close=True)]
    )
    assert url.encode() in admin_client.get("/purchasing/uncovered/").content
    admin_client.post(url, {"vendor": world.vendor.pk, "ship_date": ship, f"cost_{need.pk}": "0.45"})
    again = PurchaseOrder.objects.filter(prebook=prebook).exclude(pk=order.pk).get()
    line = again.items.get()
    assert (line.boxes, line.prebook_item_id, again.customer_id) == (2, None, world.customer.pk)
    assert Cover.objects.get(prebook_item=need, uncovered=True).resolved_on is not None
    assert b"Every prebook is covered." in admin_client.get("/purchasing/uncovered/").content
