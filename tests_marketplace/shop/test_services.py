import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from marketplace.shop import services
from marketplace.shop.models import CartLine, Florist, OrderLine, ShipToLink, StandingOrder, SupplierOrder
from marketplace.suppliers import client as api_client
from marketplace.suppliers import services as supplier_services
from marketplace.sync.models import Offer
from marketplace.sync.services import sync_supplier
from tests_marketplace import fake_wholesaler as fw
from tests_marketplace.conftest import connection

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def florist(db):
    return services.sign_up_florist(
        shop_name="Daisy Lane",
        address="12 Main St",
        city="Springfield",
        state="IL",
        zipcode="62701",
        email="Daisy@Example.com",
        password="a-good-password-1",
    )


@pytest.fixture
def synced(supplier, wholesaler):
    sync_supplier(supplier, full=True)
    return supplier


def offer(supplier, ids):
    return Offer.objects.get(supplier=supplier, inventory_ids=ids)


def test_sign_up_makes_a_florist_who_signs_in_with_the_e_mail(florist):
    assert florist.user.username == "daisy@example.com"
    assert florist.user.check_password("a-good-password-1")


def test_sign_up_refuses_an_e_mail_already_used(florist):
    with pytest.raises(services.FormErrors) as refused:
        services.sign_up_florist(
            shop_name="x",
            address="x",
            city="x",
            state="x",
            zipcode="1",
            email="daisy@example.com",
            password="another-password-2",
        )
    assert "already exists" in refused.value.errors["email"]


def test_adding_more_boxes_than_available_is_refused_next_to_the_field(florist, synced):
    with pytest.raises(services.FormErrors) as refused:
        services.add_to_cart(florist, offer(synced, "101"), 9, TODAY)
    assert refused.value.errors == {"boxes": "Only 8 boxes are available."}
    assert CartLine.objects.count() == 0


def test_adding_the_same_offer_and_date_again_adds_to_the_line_within_what_is_left(florist, synced):
    rose = offer(synced, "101")
    services.add_to_cart(florist, rose, 5, TODAY)
    line = services.add_to_cart(florist, rose, 3, TODAY)
    assert line.boxes == 8 and CartLine.objects.count() == 1
    with pytest.raises(services.FormErrors) as refused:
        services.add_to_cart(florist, rose, 1, TODAY)
    assert "8 are already in your cart" in refused.value.errors["boxes"]


def test_a_ship_date_outside_the_offer_is_refused(florist, synced):
    hydrangea = offer(synced, "9001")
    with pytest.raises(services.FormErrors) as refused:
        services.add_to_cart(florist, hydrangea, 1, TODAY)
    assert "choose a date in that range" in refused.value.errors["ship_date"]


def test_checkout_places_an_invoice_for_on_hand_and_a_prebook_for_future_boxes(florist, synced, wholesaler):
    services.add_to_cart(florist, offer(synced, "101"), 2, TODAY)
    services.add_to_cart(florist, offer(synced, "9001"), 1, TODAY + dt.timedelta(days=8))
    attempt = services.checkout(florist, "PO-77")
    orders = list(attempt.supplier_orders.order_by("inventory_origin"))
    assert [o.state for o in orders] == ["placed", "placed"]
    assert orders[0].invoice_number.startswith("W") and orders[0].wholesaler_status == "Pending Approval"
    assert orders[1].prebook_number == str(next(iter(wholesaler.prebooks)))
    assert orders[0].total == Decimal("275.00")
    assert len(wholesaler.invoices) == 1 and len(wholesaler.prebooks) == 1
    assert CartLine.objects.count() == 0
    item = next(p for m, p, _ in wholesaler.calls if m == "web-order-item.add")
    assert item["price"] == "0.550" and item["quantity"] == 2 and item["carrierId"] == fw.CARRIER_ID
    assert item["date"] == TODAY.isoformat() and item["shipToId"] == ShipToLink.objects.get().ship_to_id
    keys = [
        h.get("idempotency-key")
        for m, _, h in wholesaler.calls
        if m.startswith(("web-order", "customer.ship"))
    ]
    assert all(keys) and len(set(keys)) == len(keys)


def test_the_ship_to_is_made_once_per_florist_and_supplier(florist, synced, wholesaler):
    for _ in range(2):
        services.add_to_cart(florist, offer(synced, "102"), 1, TODAY)
        services.checkout(florist)
    assert wholesaler.count("customer.shipto.add") == 1
    ship_to = next(iter(wholesaler.ship_tos.values()))
    assert ship_to["customerId"] == fw.CUSTOMER_ID and ship_to["name"] == "Daisy Lane"


def test_a_sold_out_line_fails_that_supplier_only_and_refreshes_the_offer(florist, wholesaler, monkeypatch):
    other = fw.FakeWholesaler()
    monkeypatch.setattr(
        api_client,
        "transport_override",
        fw.routing_transport({"wholesaler.test": wholesaler, "other.test": other}),
    )
    first = supplier_services.save_supplier(connection())
    second = supplier_services.save_supplier(connection(name="Other Farms", base_url="http://other.test"))
    sync_supplier(first, full=True)
    sync_supplier(second, full=True)
    services.add_to_cart(florist, offer(first, "102"), 1, TODAY)
    services.add_to_cart(florist, offer(first, "101"), 6, TODAY)
    services.add_to_cart(florist, offer(second, "101"), 1, TODAY)
    wholesaler.touch(1, "101", quantity=4)  # sold elsewhere since the last sync
    attempt = services.checkout(florist)
    failed = attempt.supplier_orders.get(supplier=first)
    placed = attempt.supplier_orders.get(supplier=second)
    assert placed.state == "placed" and placed.invoice_number
    assert failed.state == "failed"
    assert "Rose Freedom: only 4 boxes left, you asked for 6" in failed.message
    assert offer(first, "101").boxes_available == 4
    # The line added before the refusal was released, not left held.
    assert wholesaler.lines[(1, "102")].quantity == 5 and wholesaler.count("web-order.delete") == 1
    assert wholesaler.invoices == {}
    kept = CartLine.objects.filter(supplier=first)
    assert kept.count() == 2 and "only 4 boxes left" in kept.get(inventory_ids="101").notice


def test_a_changed_price_is_shown_with_the_new_price_and_the_cart_asks_to_accept_it(
    florist, synced, wholesaler
):
    services.add_to_cart(florist, offer(synced, "101"), 1, TODAY)
    wholesaler.touch(1, "101", price=Decimal("0.65"))
    order = services.checkout(florist).supplier_orders.get()
    assert order.state == "failed" and "price changed from 0.550 to 0.65 per unit" in order.message
    assert offer(synced, "101").price_per_unit == Decimal("0.650")
    line = CartLine.objects.get()
    assert "price" in services.cart_problems(florist)[line.pk]
    with pytest.raises(services.FormErrors):
        services.start_checkout(florist)
    services.update_cart_line(line, 1, TODAY)
    assert services.checkout(florist).supplier_orders.get().state == "placed"


def test_a_lost_answer_is_retried_with_the_same_key_and_makes_one_order(florist, synced, wholesaler):
    services.add_to_cart(florist, offer(synced, "101"), 1, TODAY)
    wholesaler.lose_answer_once |= {"web-order.create", "web-order-item.add", "web-order.checkout"}
    order = services.checkout(florist).supplier_orders.get()
    assert order.state == "placed"
    assert len(wholesaler.web_orders) == 1 and len(wholesaler.invoices) == 1
    assert wholesaler.lines[(1, "101")].quantity == 7
    assert wholesaler.count("web-order.checkout") == 2


def test_an_unreachable_wholesaler_interrupts_and_a_retry_completes_once(florist, synced, wholesaler):
    services.add_to_cart(florist, offer(synced, "101"), 2, TODAY)
    wholesaler.lose_answer_once.add("web-order-item.add")
    wholesaler.fail_before["web-order.checkout"] = 99  # the server dies after the line was added
    attempt = services.checkout(florist)
    order = attempt.supplier_orders.get()
    assert order.state == "interrupted" and "press Retry" in order.message
    assert CartLine.objects.count() == 1  # nothing lost
    wholesaler.fail_before.clear()
    services.send_attempt(attempt)
    order.refresh_from_db()
    assert order.state == "placed"
    assert len(wholesaler.web_orders) == 1 and len(wholesaler.invoices) == 1
    assert wholesaler.lines[(1, "101")].quantity == 6
    assert CartLine.objects.count() == 0


def test_a_retry_of_a_placed_order_sends_nothing(florist, synced, wholesaler):
    services.add_to_cart(florist, offer(synced, "101"), 1, TODAY)
    attempt = services.checkout(florist)
    calls = len(wholesaler.calls)
    services.send_attempt(attempt)
    assert len(wholesaler.calls) == calls


def test_order_history_follows_the_wholesaler_status(florist, synced, wholesaler, settings):
    settings.ORDER_STATUS_REFRESH_SECONDS = 0
    services.add_to_cart(florist, offer(synced, "101"), 1, TODAY)
    services.add_to_cart(florist, offer(synced, "9001"), 1, TODAY + dt.timedelta(days=8))
    services.checkout(florist)
    invoice_number = next(iter(wholesaler.invoices.values()))["number"]
    wholesaler.m_invoice_confirm({"invoiceNumber": invoice_number})
    assert services.refresh_order_statuses(florist, now=timezone.now() + dt.timedelta(seconds=1)) == []
    statuses = dict(SupplierOrder.objects.values_list("inventory_origin", "wholesaler_status"))
    assert statuses == {1: "Confirmed", 2: "Checked Out"}
    listed = next(p for m, p, h in wholesaler.calls if m == "invoice.list")
    assert listed["customerId"] == fw.CUSTOMER_ID


def test_status_refresh_failure_keeps_the_last_status_and_says_so(florist, synced, wholesaler, settings):
    settings.ORDER_STATUS_REFRESH_SECONDS = 0
    services.add_to_cart(florist, offer(synced, "101"), 1, TODAY)
    services.checkout(florist)
    wholesaler.down = True
    problems = services.refresh_order_statuses(florist, now=timezone.now() + dt.timedelta(seconds=1))
    assert problems and "status not updated" in problems[0]
    assert SupplierOrder.objects.get().wholesaler_status == "Pending Approval"


def test_invoice_pdf_is_decoded_from_signed_bytes(florist, synced, wholesaler):
    services.add_to_cart(florist, offer(synced, "101"), 1, TODAY)
    order = services.checkout(florist).supplier_orders.get()
    pdf = services.invoice_pdf(order)
    assert pdf.content.startswith(b"%PDF-1.4") and "\u20ac".encode() in pdf.content
    assert pdf.filename == f"Invoice_{order.invoice_number}.pdf"


def test_a_weekly_standing_order_is_created_at_the_wholesaler(florist, synced, wholesaler):
    standing = services.create_standing_order(
        florist,
        offer(synced, "101"),
        boxes=2,
        days=["Monday", "Thursday"],
        start_date=TODAY + dt.timedelta(days=1),
        end_date=None,
    )
    assert standing.standing_order_id in wholesaler.standing_orders
    sent = wholesaler.standing_orders[standing.standing_order_id]
    assert sent["days"] == "Monday,Thursday" and sent["recurrence"] == "weekly"
    assert sent["customerId"] == fw.CUSTOMER_ID and sent["carrierId"] == fw.CARRIER_ID
    assert sent["items"] == [{"productCode": "P11", "boxTypeCode": "HB", "boxes": 2, "price": "0.550"}]


def test_a_standing_order_without_days_is_refused_before_any_call(florist, synced, wholesaler):
    calls = len(wholesaler.calls)
    with pytest.raises(services.FormErrors) as refused:
        services.create_standing_order(
            florist, offer(synced, "101"), boxes=0, days=[], start_date=None, end_date=None
        )
    assert set(refused.value.errors) == {"boxes", "days", "start_date"}
    assert len(wholesaler.calls) == calls and StandingOrder.objects.count() == 0


def test_a_refused_standing_order_says_why_and_is_not_kept(florist, synced, wholesaler):
    def refuse(p):
        raise fw.Refusal("validation_error", "A standing order may not use the reserved-inventory customer.")

    wholesaler.m_standing_order_create = refuse
    with pytest.raises(services.FormErrors) as refused:
        services.create_standing_order(
            florist,
            offer(synced, "101"),
            boxes=1,
            days=["Monday"],
            start_date=TODAY + dt.timedelta(days=1),
            end_date=None,
        )
    assert "reserved-inventory customer" in refused.value.errors["__all__"]
    assert StandingOrder.objects.count() == 0


def test_a_florist_account_is_separate_from_the_operator(florist):
    assert Florist.objects.count() == 1
    assert not get_user_model().objects.get().is_staff


def test_a_second_place_order_cannot_order_the_same_lines_again(florist, synced, wholesaler):
    services.add_to_cart(florist, offer(synced, "101"), 1, TODAY)
    first = services.start_checkout(florist)
    with pytest.raises(services.CheckoutInProgress) as again:
        services.start_checkout(florist)
    assert again.value.attempt == first
    services.send_attempt(first)
    assert len(wholesaler.invoices) == 1


def test_lines_of_an_interrupted_order_stay_taken_until_it_is_finished(florist, synced, wholesaler):
    services.add_to_cart(florist, offer(synced, "101"), 1, TODAY)
    wholesaler.down = True
    attempt = services.checkout(florist)
    line = CartLine.objects.get()
    assert line.checkout_order == attempt.supplier_orders.get()
    with pytest.raises(services.FormErrors):
        services.update_cart_line(line, 2, TODAY)
    with pytest.raises(services.FormErrors):
        services.remove_cart_line(line)
    services.add_to_cart(florist, offer(synced, "102"), 1, TODAY)
    second = services.start_checkout(florist)  # only the new line
    assert [ln.inventory_ids for o in second.supplier_orders.all() for ln in o.lines.all()] == ["102"]


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_place_orders_claim_the_cart_once(florist, synced, wholesaler):
    import threading

    from django.db import connections

    services.add_to_cart(florist, offer(synced, "101"), 1, TODAY)
    services.add_to_cart(florist, offer(synced, "102"), 1, TODAY)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def place() -> None:
        try:
            barrier.wait()
            attempt = services.start_checkout(florist)
            outcomes.append(f"attempt {attempt.pk}")
        except services.CheckoutInProgress:
            outcomes.append("in progress")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=place) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(o.split()[0] for o in outcomes) == ["attempt", "in"]
    assert OrderLine.objects.count() == 2


def test_a_line_gone_at_the_wholesaler_is_removed_from_the_offers(florist, synced, wholesaler):
    services.add_to_cart(florist, offer(synced, "102"), 1, TODAY)
    del wholesaler.lines[(1, "102")]
    order = services.checkout(florist).supplier_orders.get()
    assert order.state == "failed" and "no longer offered" in order.message
    assert not Offer.objects.filter(inventory_ids="102").exists()
    line = CartLine.objects.get()
    assert line.offer is None and "no longer offers" in line.notice
    assert "no longer available" in services.cart_problems(florist)[line.pk]["__all__"]


# Issue 21's judged instants: 23:30 on Sunday 29 November in Miami (04:30 UTC on Monday) and 00:30
# on Monday 30 November in Amsterdam (23:30 UTC on Sunday). The supplier's feed starts an on-hand
# line at its own today; a florist is offered, and may buy and start a standing order on, that day.
SUPPLIER_TODAY_AT = [
    (dt.datetime(2026, 11, 30, 4, 30, tzinfo=dt.UTC), dt.date(2026, 11, 29)),  # Miami 23:30
    (dt.datetime(2026, 11, 29, 23, 30, tzinfo=dt.UTC), dt.date(2026, 11, 30)),  # Amsterdam 00:30
]


@pytest.mark.parametrize(("now", "supplier_today"), SUPPLIER_TODAY_AT, ids=["miami-23:30", "amsterdam-00:30"])
def test_a_florist_is_offered_and_buys_on_the_suppliers_today(
    florist, synced, monkeypatch, now, supplier_today
):
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)
    rose = offer(synced, "101")
    Offer.objects.filter(pk=rose.pk).update(available_from=supplier_today, available_to=None)
    rose.refresh_from_db()
    dates = services.ship_dates_for(rose)
    assert dates[0] == supplier_today and len(dates) == 14
    assert services.add_to_cart(florist, rose, 1, supplier_today).ship_date == supplier_today


@pytest.mark.parametrize(("now", "supplier_today"), SUPPLIER_TODAY_AT, ids=["miami-23:30", "amsterdam-00:30"])
def test_a_standing_order_may_start_on_the_suppliers_today(
    florist, synced, wholesaler, monkeypatch, now, supplier_today
):
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)
    standing = services.create_standing_order(
        florist, offer(synced, "101"), boxes=1, days=["Monday"], start_date=supplier_today, end_date=None
    )
    assert wholesaler.standing_orders[standing.standing_order_id]["startDate"] == supplier_today.isoformat()
    # A date past for every supplier is still refused, before any call.
    with pytest.raises(services.FormErrors) as refused:
        services.create_standing_order(
            florist,
            offer(synced, "101"),
            boxes=1,
            days=["Monday"],
            start_date=supplier_today - dt.timedelta(days=3),
            end_date=None,
        )
    assert refused.value.errors["start_date"] == "The start date cannot be in the past."
