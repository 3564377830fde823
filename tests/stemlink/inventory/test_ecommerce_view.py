"""The e-commerce view one customer buys from: what it shows, at what price, and its deltas."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.utils import timezone

from stemlink.catalog.models import Product
from stemlink.catalog.services import set_category_active, set_product_active
from stemlink.customers.services import unit_price_for
from stemlink.errors import NotFound, ValidationFailed
from stemlink.inventory import feed, services, stock
from stemlink.inventory.feed import EcommerceFilter, ecommerce_inventory
from stemlink.inventory.models import FutureLine, InventoryLine
from tests.factories import make_customer, make_future_line, make_line, make_product
from tests.stemlink.inventory import as_read

pytestmark = pytest.mark.django_db


def full_list(world, customer=None, **filters):
    """Every page, as a marketplace reads them."""
    customer = customer or world.customer
    items, page = [], 1
    while True:
        answer = ecommerce_inventory(world.company, customer, EcommerceFilter(**filters), page=page, rows=7)
        items += as_read(answer.items)
        if page * 7 >= answer.total:
            assert len(items) == answer.total
            return items
        page += 1


def key(item):
    return item["inventoryOrigin"], item["inventoryIds"]


def test_offers_the_boxes_neither_held_nor_sold_and_hides_sold_out_lines(world):
    line = make_line(world, boxes_on_hand=10)
    gone = make_line(world, boxes_on_hand=3)
    future = make_future_line(world, boxes=20)
    stock.hold_boxes(1, line.pk, 2)
    stock.sell_boxes(1, line.pk, 3)
    stock.sell_boxes(1, gone.pk, 3)
    stock.hold_boxes(2, future.pk, 5)
    listed = {key(i): i["quantity"] for i in full_list(world)}
    assert listed == {(1, str(line.pk)): 5, (2, str(future.pk)): 15}


def test_prices_each_line_for_the_customer_with_the_rule_web_orders_use(world):
    customer = world.customer
    customer.default_price = "B"
    customer.price_b_markup = Decimal("10")
    customer.ecommerce_markup_kind = "amount"
    customer.ecommerce_markup = Decimal("0.05")
    customer.save()
    priced = make_line(world, price=Decimal("0.80"))
    by_margin = make_line(world, price=None, unit_cost=Decimal("0.455"))
    items = {i["inventoryIds"]: i for i in full_list(world)}
    assert items[str(priced.pk)]["price"] == Decimal("0.93")  # 0.80 + 10% = 0.88, + 0.05
    for line in (priced, by_margin):
        expected = unit_price_for(
            customer,
            line_price=line.price,
            unit_cost=line.unit_cost,
            gross_margin_percent=world.company.gross_margin_percent,
            ecommerce=True,
        )
        assert items[str(line.pk)]["price"] == expected


def test_another_customer_sees_its_own_price(world):
    line = make_line(world, price=Decimal("1.00"))
    florist = make_customer(world.company, ecommerce_markup=Decimal("20"))
    assert full_list(world)[0]["price"] == Decimal("1.00")
    assert full_list(world, florist)[0]["price"] == Decimal("1.20")
    assert full_list(world, florist)[0]["inventoryIds"] == str(line.pk)


def test_reserved_boxes_show_only_in_their_customers_reserved_view(world):
    line = make_line(world, boxes_on_hand=10)
    reserved = services.reserve_boxes(world.company, line.pk, world.customer.pk, 4)
    florist = make_customer(world.company)
    assert [(i["inventoryIds"], i["quantity"]) for i in full_list(world)] == [(str(line.pk), 6)]
    assert [(i["inventoryIds"], i["quantity"]) for i in full_list(world, reserved=True)] == [
        (str(reserved.pk), 4)
    ]
    assert full_list(world, florist, reserved=True) == []
    assert [i["inventoryIds"] for i in full_list(world, florist)] == [str(line.pk)]


def test_answers_every_field_of_a_line(world):
    line = make_future_line(world)
    item = full_list(world)[0]
    assert item == {
        "inventoryOrigin": 2,
        "inventoryIds": str(line.pk),
        "companyProductId": world.product.pk,
        "productCode": world.product.code,
        "productDescription": "Rose Freedom 50cm",
        "category": "Roses",
        "variety": world.product.variety,
        "color": "Red",
        "grade": "50cm",
        "boxTypeId": world.qb.pk,
        "boxTypeCode": "QB",
        "unitType": "Stem",
        "bunches": 12,
        "stemsBunch": 10,
        "unitsPerBox": 120,
        "quantity": 20,
        "price": Decimal("0.70"),
        "availableFrom": line.available_from.isoformat(),
        "availableTo": line.available_to.isoformat(),
        "vendorName": "Rosas del Ecuador",
        "locationId": world.location.pk,
        "updatedOn": line.updated_on.strftime("%Y-%m-%dT%H:%M:%S"),
    }


def test_hides_the_growers_name_when_the_company_does_not_show_vendors(world):
    make_line(world)
    world.company.show_vendors = False
    world.company.save()
    assert full_list(world)[0]["vendorName"] is None


def test_pages_cover_every_line_once_on_hand_first_then_future(world):
    on_hand = [make_line(world, boxes_on_hand=n + 1) for n in range(11)]
    future = [make_future_line(world, boxes=n + 1) for n in range(9)]
    items = full_list(world)
    assert [key(i) for i in items] == [(1, str(x.pk)) for x in on_hand] + [(2, str(x.pk)) for x in future]
    last = ecommerce_inventory(world.company, world.customer, EcommerceFilter(), page=3, rows=7)
    assert (last.total, len(last.items)) == (20, 6)
    beyond = ecommerce_inventory(world.company, world.customer, EcommerceFilter(), page=4, rows=7)
    assert (beyond.total, beyond.items) == (20, [])


@pytest.mark.parametrize("rows", [1, 500])
def test_a_page_is_two_queries_whatever_its_size(world, rows, django_assert_max_num_queries):
    for n in range(30):
        make_line(world, product=make_product(world.company, world.roses), price=Decimal(f"0.{n + 10}"))
        make_future_line(world)
    with django_assert_max_num_queries(2):
        answer = ecommerce_inventory(world.company, world.customer, EcommerceFilter(), page=1, rows=rows)
    assert len(answer.items) == min(rows, 60)
    since = timezone.now()
    with django_assert_max_num_queries(2):
        ecommerce_inventory(world.company, world.customer, EcommerceFilter(updated_as_of=since), rows=rows)


def test_an_unchanged_feed_is_counted_once_and_recounted_after_a_change(world, django_assert_num_queries):
    lines = [make_line(world) for _ in range(3)]
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    InventoryLine.objects.filter(company=world.company).update(updated_on=long_ago)
    # Products are part of the stamp too: (de)activating one changes what is listed.
    Product.objects.filter(company=world.company).update(updated_on=long_ago)
    first = ecommerce_inventory(world.company, world.customer, EcommerceFilter(), rows=2)
    with django_assert_num_queries(1):
        second = ecommerce_inventory(world.company, world.customer, EcommerceFilter(), page=2, rows=2)
    assert first.total == second.total == 3
    stock.sell_boxes(1, lines[0].pk, 10)
    # The page (found by seeking, whatever the counts) and a count at the new stamp.
    with django_assert_num_queries(2):
        after = ecommerce_inventory(world.company, world.customer, EcommerceFilter(), page=1, rows=2)
    assert after.total == 2 and [i["inventoryIds"] for i in after.items] == [
        str(lines[1].pk),
        str(lines[2].pk),
    ]


def test_searches_description_code_variety_and_color_and_filters_category_and_color(world):
    tulip = make_product(
        world.company, world.greens, description="Tulip Strong Gold", color="Yellow", variety="Strong Gold"
    )
    rose = make_line(world)
    yellow = make_line(world, product=tulip)
    ids = lambda **f: [i["inventoryIds"] for i in full_list(world, **f)]  # noqa: E731
    assert (
        ids(search_text="tulip")
        == ids(search_text="GOLD")
        == ids(search_text=tulip.code.lower())
        == [str(yellow.pk)]
    )
    assert ids(search_text="yellow") == [str(yellow.pk)]
    assert ids(search_text="100%_") == []
    assert ids(category_id=world.roses.pk) == [str(rose.pk)]
    assert ids(color="red") == [str(rose.pk)]
    assert ids(color="Yellow", category_id=world.roses.pk) == []


def test_a_date_offers_future_lines_available_that_day_and_on_hand_lines_this_week(world):
    today = timezone.now().date()
    on_hand = make_line(world)
    soon = make_future_line(
        world, available_from=today + dt.timedelta(days=3), available_to=today + dt.timedelta(days=5)
    )
    later = make_future_line(
        world, available_from=today + dt.timedelta(days=20), available_to=today + dt.timedelta(days=25)
    )
    far = make_future_line(
        world, available_from=today + dt.timedelta(days=80), available_to=today + dt.timedelta(days=90)
    )
    past = make_future_line(
        world, available_from=today - dt.timedelta(days=9), available_to=today - dt.timedelta(days=1)
    )
    ids = lambda **f: {key(i) for i in full_list(world, **f)}  # noqa: E731
    assert ids() == {(1, str(on_hand.pk)), (2, str(soon.pk)), (2, str(later.pk))}
    assert ids(available_date=today + dt.timedelta(days=4)) == {(1, str(on_hand.pk)), (2, str(soon.pk))}
    assert ids(available_date=today + dt.timedelta(days=21)) == {(2, str(later.pk))}
    assert ids(available_date=today + dt.timedelta(days=85)) == {(2, str(far.pk))}
    assert ids(available_date=today - dt.timedelta(days=3)) == set()
    assert (2, str(past.pk)) not in ids()


def test_filters_by_origin_and_location(world):
    from stemlink.tenancy.models import Location

    other = Location.objects.create(company=world.company, name="NYC", code="NYC")
    here = make_line(world)
    there = make_line(world, location=other)
    future = make_future_line(world)
    assert {key(i) for i in full_list(world, origin=2)} == {(2, str(future.pk))}
    assert {key(i) for i in full_list(world, location_id=other.pk)} == {(1, str(there.pk))}
    assert (1, str(here.pk)) in {key(i) for i in full_list(world, origin=1)}


def test_never_shows_another_companys_lines(world, other_world):
    make_line(other_world)
    make_future_line(other_world)
    assert full_list(world) == []
    with pytest.raises(NotFound):
        ecommerce_inventory(world.company, other_world.customer, EcommerceFilter())


def test_refuses_bad_page_and_rows(world):
    with pytest.raises(ValidationFailed) as refused:
        ecommerce_inventory(world.company, world.customer, EcommerceFilter(), page=0, rows=501)
    assert {e.field for e in refused.value.errors} == {"page", "rows"}
    with pytest.raises(ValidationFailed, match="inventoryOrigin"):
        ecommerce_inventory(world.company, world.customer, EcommerceFilter(origin=3))


# --- deltas ----------------------------------------------------------------------------------------


def delta(world, since, customer=None, now=None, **filters):
    customer = customer or world.customer
    items, page = [], 1
    while True:
        answer = ecommerce_inventory(
            world.company,
            customer,
            EcommerceFilter(updated_as_of=since, **filters),
            page=page,
            rows=5,
            now=now,
        )
        items += as_read(answer.items)
        if page * 5 >= answer.total:
            return items
        page += 1


def test_a_delta_answers_only_lines_changed_since_with_sold_out_ones_at_zero(world):
    quiet, sold, held = make_line(world), make_line(world, boxes_on_hand=2), make_line(world)
    InventoryLine.objects.update(updated_on=timezone.now() - dt.timedelta(hours=1))
    since = timezone.now()
    stock.sell_boxes(1, sold.pk, 2)
    stock.hold_boxes(1, held.pk, 3)
    new = make_line(world)
    changed = {i["inventoryIds"]: i["quantity"] for i in delta(world, since)}
    assert changed == {str(sold.pk): 0, str(held.pk): 7, str(new.pk): 10}
    assert str(quiet.pk) not in changed


def test_a_pricing_change_resends_every_line(world):
    lines = [make_line(world) for _ in range(3)]
    InventoryLine.objects.update(updated_on=timezone.now() - dt.timedelta(hours=1))
    since = timezone.now()
    assert delta(world, since) == []
    world.company.gross_margin_percent = Decimal("40")
    world.company.save()
    assert {i["inventoryIds"] for i in delta(world, since)} == {str(x.pk) for x in lines}


def test_a_customers_new_markup_resends_its_lines(world):
    make_line(world)
    InventoryLine.objects.update(updated_on=timezone.now() - dt.timedelta(hours=1))
    since = timezone.now()
    world.customer.ecommerce_markup = Decimal("5")
    world.customer.pricing_updated_on = timezone.now()
    world.customer.save()
    assert [i["price"] for i in delta(world, since)] == [Decimal("0.84")]


def test_a_delta_the_next_day_drops_lines_whose_dates_passed(world):
    today = timezone.now().date()
    ending = make_future_line(world, available_from=today - dt.timedelta(days=3), available_to=today)
    FutureLine.objects.update(updated_on=timezone.now() - dt.timedelta(hours=1))
    tomorrow = timezone.now() + dt.timedelta(days=1)
    changed = delta(world, timezone.now(), now=tomorrow)
    assert [(i["inventoryIds"], i["quantity"]) for i in changed] == [(str(ending.pk), 0)]


def test_a_product_change_is_in_the_delta(world):
    make_line(world)
    InventoryLine.objects.update(updated_on=timezone.now() - dt.timedelta(hours=1))
    since = timezone.now()
    world.product.description = "Rose Freedom 60cm"
    world.product.save()
    assert [i["productDescription"] for i in delta(world, since)] == ["Rose Freedom 60cm"]


def test_another_customers_reserved_lines_never_show_in_a_delta(world):
    line = make_line(world)
    since = timezone.now()
    florist = make_customer(world.company)
    reserved = services.reserve_boxes(world.company, line.pk, florist.pk, 4)
    stock.hold_boxes(1, reserved.pk, 1)
    assert str(reserved.pk) not in {i["inventoryIds"] for i in delta(world, since)}
    assert str(reserved.pk) not in {i["inventoryIds"] for i in delta(world, since, reserved=True)}


def apply(copy: dict, changes: list[dict]) -> None:
    for item in changes:
        if item["quantity"] > 0:
            copy[key(item)] = item
        else:
            copy.pop(key(item), None)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_applying_deltas_to_a_copy_reproduces_the_full_list(world, seed):
    """A marketplace keeps a copy by deltas alone; after any changes it equals a fresh full list."""
    rng = random.Random(seed)
    florist = make_customer(world.company, default_price="B", price_b_markup=Decimal("7"))
    products = [make_product(world.company, world.roses) for _ in range(3)]
    products += [make_product(world.company, world.greens) for _ in range(2)]
    on_hand = [
        make_line(world, product=rng.choice(products), boxes_on_hand=rng.randint(1, 8)) for _ in range(8)
    ]
    future = [
        make_future_line(world, product=rng.choice(products), boxes=rng.randint(1, 8)) for _ in range(5)
    ]
    views = [(world.customer, False), (world.customer, True), (florist, False), (florist, True)]
    copies = {view: {key(i): i for i in full_list(world, view[0], reserved=view[1])} for view in views}
    since = {view: timezone.now() for view in views}

    for _ in range(120):
        action = rng.choice(
            ["hold", "sell", "release", "price", "reserve", "unreserve", "new", "product", "poll", "active"]
        )
        origin, line = rng.choice([(1, x) for x in on_hand] + [(2, x) for x in future])
        try:
            if action == "hold":
                stock.hold_boxes(origin, line.pk, rng.randint(1, 3))
            elif action == "sell":
                stock.sell_boxes(origin, line.pk, rng.randint(1, 3))
            elif action == "release":
                stock.release_held_boxes(origin, line.pk, 1)
            elif action == "price":
                services.edit_line(world.company, origin, line.pk, price=rng.choice([None, Decimal("0.95")]))
            elif action == "reserve" and origin == 1:
                on_hand.append(
                    services.reserve_boxes(
                        world.company, line.pk, rng.choice([world.customer, florist]).pk, rng.randint(1, 2)
                    )
                )
            elif action == "unreserve" and origin == 1:
                on_hand.append(services.release_reservation(world.company, line.pk))
            elif action == "new":
                on_hand.append(
                    make_line(world, product=rng.choice(products), boxes_on_hand=rng.randint(1, 5))
                )
            elif action == "product":
                product = rng.choice(products)
                product.color = rng.choice(["Red", "White", "Pink"])
                product.save()
            elif action == "active":  # the wholesaler hides or shows a product, or all greens
                product = rng.choice(products)
                if rng.random() < 0.5:
                    set_product_active(product, not product.active)
                else:
                    set_category_active(world.greens, not world.greens.active)
            elif action == "poll":
                view = rng.choice(views)
                polled_at = timezone.now()
                apply(copies[view], delta(world, since[view], view[0], reserved=view[1]))
                since[view] = polled_at
                # Checked at every poll, not only at the end: a later change to the same line
                # could otherwise hide a delta that missed an earlier one.
                assert copies[view] == {key(i): i for i in full_list(world, view[0], reserved=view[1])}
        except Exception as refused:  # a refusal (sold out, not reserved, …) changes nothing
            assert getattr(refused, "code", None) in {"not_available", "invalid_state"}, refused
    for view in views:
        apply(copies[view], delta(world, since[view], view[0], reserved=view[1]))
        fresh = {key(i): i for i in full_list(world, view[0], reserved=view[1])}
        assert copies[view] == fresh, view
    assert copies[(world.customer, False)] and copies[(florist, False)], (
        "the run sold everything: pick a seed"
    )


def test_inventory_get_takes_at_most_500_line_ids(world):
    with pytest.raises(ValidationFailed, match="at most 500"):
        feed.ecommerce_lines(
            world.company, world.customer, 1, list(range(1, 502)), on_date=None, include_reserved=False
        )
    with pytest.raises(ValidationFailed, match="at least one"):
        feed.available_dates(world.company, world.customer, 1, [], include_reserved=False)


def listing(world, now, **filters):
    answer = ecommerce_inventory(world.company, world.customer, EcommerceFilter(**filters), rows=500, now=now)
    return {key(i): i for i in as_read(answer.items)}


@pytest.mark.parametrize("wanted_in_days", [None, 0, 3])
def test_a_copy_kept_by_deltas_stays_exact_across_days(world, wanted_in_days):
    today = timezone.now().date()
    make_line(world)
    sold_long_ago = make_line(world, boxes_on_hand=1)
    stock.sell_boxes(1, sold_long_ago.pk, 1)
    for start, length in ((-2, 2), (1, 3), (5, 1), (40, 30), (61, 5), (70, 3)):
        make_future_line(
            world,
            available_from=today + dt.timedelta(days=start),
            available_to=today + dt.timedelta(days=start + length),
        )
    InventoryLine.objects.update(updated_on=timezone.now() - dt.timedelta(hours=1))
    FutureLine.objects.update(updated_on=timezone.now() - dt.timedelta(hours=1))
    wanted = today + dt.timedelta(days=wanted_in_days) if wanted_in_days is not None else None
    now = timezone.now()
    copy = listing(world, now, available_date=wanted)
    since = now
    for days in (1, 2, 5, 9, 30):
        later = now + dt.timedelta(days=days)
        changes = delta(world, since, now=later, available_date=wanted)
        assert str(sold_long_ago.pk) not in {i["inventoryIds"] for i in changes if i["inventoryOrigin"] == 1}
        apply(copy, changes)
        assert copy == listing(world, later, available_date=wanted), days
        since = later
