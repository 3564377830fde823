"""A product or category the wholesaler deactivates leaves every marketplace at once and is never sold."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from stemlink.catalog.models import Product
from stemlink.catalog.services import save_category, set_category_active, set_product_active
from stemlink.inventory import feed
from stemlink.inventory.feed import EcommerceFilter, ecommerce_inventory
from stemlink.inventory.models import FutureLine, InventoryLine
from tests.api_helpers import api, issue_token
from tests.factories import make_future_line, make_line, make_product

pytestmark = pytest.mark.django_db


def full_list(world, **filters):
    items, page = [], 1
    while True:
        answer = ecommerce_inventory(
            world.company, world.customer, EcommerceFilter(**filters), page=page, rows=3
        )
        items += answer.items
        if page * 3 >= answer.total:
            assert len(items) == answer.total
            return {(i["inventoryOrigin"], i["inventoryIds"]): i["quantity"] for i in items}
        page += 1


def delta(world, since):
    flt = EcommerceFilter(updated_as_of=since)
    answer = ecommerce_inventory(world.company, world.customer, flt, rows=500)
    assert answer.total == len(answer.items)
    return {(i["inventoryOrigin"], i["inventoryIds"]): i["quantity"] for i in answer.items}


def age_everything(hours: int = 1) -> None:
    """Date every stamp back, so that only what a test changes next is in a delta."""
    long_ago = timezone.now() - dt.timedelta(hours=hours)
    InventoryLine.objects.update(updated_on=long_ago)
    FutureLine.objects.update(updated_on=long_ago)
    Product.objects.update(updated_on=long_ago)


@pytest.fixture
def stock(world):
    """Lines of world.product (on hand and future), and one on-hand line of another category."""
    on_hand = make_line(world, boxes_on_hand=6)
    future = make_future_line(world, boxes=8)
    tulip = make_product(world.company, world.greens, description="Leatherleaf")
    other = make_line(world, product=tulip, boxes_on_hand=4)
    age_everything()
    return {
        "on_hand": (1, str(on_hand.pk)),
        "future": (2, str(future.pk)),
        "other": (1, str(other.pk)),
        "tulip": tulip,
    }


def test_a_deactivated_product_leaves_the_listing_and_the_next_delta_drops_its_lines(world, stock):
    assert full_list(world) == {stock["on_hand"]: 6, stock["future"]: 8, stock["other"]: 4}
    since = timezone.now()
    set_product_active(world.product, False)
    assert full_list(world) == {stock["other"]: 4}
    assert delta(world, since) == {stock["on_hand"]: 0, stock["future"]: 0}
    for origin in (1, 2):
        assert full_list(world, origin=origin).keys() <= {stock["other"]}
    assert full_list(world, search_text="freedom") == {}
    assert full_list(world, category_id=world.roses.pk) == {}


def test_reactivating_a_product_brings_its_lines_back_and_the_delta_says_so(world, stock):
    set_product_active(world.product, False)
    age_everything()
    since = timezone.now()
    set_product_active(world.product, True)
    assert delta(world, since) == {stock["on_hand"]: 6, stock["future"]: 8}
    assert full_list(world) == {stock["on_hand"]: 6, stock["future"]: 8, stock["other"]: 4}


def test_a_deactivated_category_hides_all_its_products_until_reactivated(world, stock):
    second_rose = make_product(world.company, world.roses)
    third = make_line(world, product=second_rose, boxes_on_hand=2)
    age_everything()
    since = timezone.now()
    set_category_active(world.roses, False)
    assert full_list(world) == {stock["other"]: 4}
    assert delta(world, since) == {stock["on_hand"]: 0, stock["future"]: 0, (1, str(third.pk)): 0}
    age_everything()
    since = timezone.now()
    set_category_active(world.roses, True)
    assert delta(world, since) == {stock["on_hand"]: 6, stock["future"]: 8, (1, str(third.pk)): 2}


def test_an_unchanged_category_save_moves_no_product_stamp(world, stock):
    since = timezone.now()
    set_category_active(world.roses, True)
    assert delta(world, since) == {}


def test_a_remembered_total_is_recounted_after_a_deactivation(world, stock):
    assert ecommerce_inventory(world.company, world.customer, EcommerceFilter(), rows=1).total == 3
    set_product_active(stock["tulip"], False)
    answer = ecommerce_inventory(world.company, world.customer, EcommerceFilter(), rows=500)
    assert answer.total == 2 and {i["inventoryIds"] for i in answer.items} == {
        stock["on_hand"][1],
        stock["future"][1],
    }


@pytest.mark.parametrize("rows", [1, 500])
def test_a_page_stays_two_queries_with_inactive_products(world, rows, django_assert_max_num_queries):
    for n in range(20):
        product = make_product(world.company, world.roses if n % 2 else world.greens, active=n % 3 != 0)
        make_line(world, product=product)
        make_future_line(world, product=product)
    set_category_active(world.greens, False)
    with django_assert_max_num_queries(2):
        answer = ecommerce_inventory(world.company, world.customer, EcommerceFilter(), rows=rows)
    sellable = 2 * len([n for n in range(20) if n % 2 and n % 3 != 0])
    assert answer.total == sellable and len(answer.items) == min(rows, sellable)
    with django_assert_max_num_queries(2):
        ecommerce_inventory(
            world.company, world.customer, EcommerceFilter(updated_as_of=timezone.now()), rows=rows
        )


def test_the_admin_deactivating_a_category_reaches_the_delta(client, world, stock, admin_enabled):
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "flowers-2026-admin")
    client.force_login(admin)
    since = timezone.now()
    answer = client.post(
        f"/admin/catalog/category/{world.roses.pk}/change/",
        {"company": world.company.pk, "name": "Roses"},  # `active` unticked
    )
    assert answer.status_code == 302, answer.content[:2000]
    world.roses.refresh_from_db()
    assert not world.roses.active
    assert delta(world, since) == {stock["on_hand"]: 0, stock["future"]: 0}


def test_inventory_get_answers_zero_and_available_dates_none_for_an_inactive_product(world, stock):
    set_product_active(world.product, False)
    items = feed.ecommerce_lines(
        world.company, world.customer, 1, [int(stock["on_hand"][1])], on_date=None, include_reserved=False
    )
    assert [i["quantity"] for i in items] == [0]
    dates = feed.available_dates(
        world.company, world.customer, 2, [int(stock["future"][1])], include_reserved=False
    )
    assert (dates.first, dates.last, dates.dates) == (None, None, [])
    set_product_active(world.product, True)
    dates = feed.available_dates(
        world.company, world.customer, 2, [int(stock["future"][1])], include_reserved=False
    )
    assert dates.dates


def order(client, world, line_id: str, origin: int = 1) -> tuple[int, dict]:
    token = world.buyer_token
    line = (InventoryLine if origin == 1 else FutureLine).objects.get(pk=line_id)
    date = timezone.now().date() if origin == 1 else max(line.available_from, timezone.now().date())
    params = {
        "customerId": world.customer.pk,
        "inventoryIds": line_id,
        "inventoryOrigin": origin,
        "price": 0.80,
        "quantity": 1,
        "carrierId": world.carrier.pk,
        "date": date.isoformat(),
    }
    return api(client, "web-order-item.add", params, token=token, account=world.company.pk)


@pytest.mark.parametrize("hide", ["product", "category"])
def test_an_inactive_products_line_cannot_be_ordered(client, world, stock, hide):
    world.buyer_token = issue_token(world.company, "customer", customer=world.customer)
    if hide == "product":
        set_product_active(world.product, False)
    else:
        set_category_active(world.roses, False)
    for origin, line_id in (stock["on_hand"], stock["future"]):
        status, body = order(client, world, line_id, origin)
        assert status == 409 and body["errorCode"] == "not_available", body
        assert "inactive" in body["message"] and line_id in body["message"]
    assert InventoryLine.objects.get(pk=stock["on_hand"][1]).boxes_held == 0
    assert FutureLine.objects.get(pk=stock["future"][1]).boxes_held == 0
    status, body = order(client, world, stock["other"][1])
    assert status == 200, body


def test_the_companys_own_inventory_list_still_shows_inactive_products(client, world, stock):
    set_product_active(world.product, False)
    set_category_active(world.greens, False)
    token = issue_token(world.company, "company")
    status, body = api(client, "inventory.list", token=token, verb="GET")
    assert status == 200
    assert {str(i["orderItemId"]) for i in body["inventoryItems"]} == {
        stock["on_hand"][1],
        stock["other"][1],
    }


def test_renaming_a_category_resends_its_products_lines_with_the_new_name(world, stock):
    since = timezone.now()
    world.roses.name = "Garden Roses"
    save_category(world.roses)
    answer = ecommerce_inventory(
        world.company, world.customer, EcommerceFilter(updated_as_of=since), rows=500
    )
    assert {(i["inventoryIds"], i["category"]) for i in answer.items} == {
        (stock["on_hand"][1], "Garden Roses"),
        (stock["future"][1], "Garden Roses"),
    }


def test_the_admin_deactivating_a_product_reaches_the_delta(client, world, stock, admin_enabled):
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "flowers-2026-admin")
    client.force_login(admin)
    product = world.product
    since = timezone.now()
    answer = client.post(
        f"/admin/catalog/product/{product.pk}/change/",
        {
            "company": world.company.pk,
            "code": product.code,
            "description": product.description,
            "category": world.roses.pk,
            "variety": product.variety,
            "color": product.color,
            "grade": product.grade,
            # `active` unticked
        },
    )
    assert answer.status_code == 302, answer.content[:2000]
    assert delta(world, since) == {stock["on_hand"]: 0, stock["future"]: 0}


def test_ordering_an_inactive_product_by_its_code_is_refused(client, world, stock):
    set_product_active(world.product, False)
    token = issue_token(world.company, "customer", customer=world.customer, transactional=True)
    params = {
        "customerId": world.customer.pk,
        "productCode": world.product.code,
        "boxTypeCode": "HB",
        "inventoryOrigin": 1,
        "price": 0.80,
        "quantity": 1,
        "carrierId": world.carrier.pk,
        "date": timezone.now().date().isoformat(),
    }
    status, body = api(client, "web-order-item.add", params, token=token, account=world.company.pk)
    assert status == 409 and body["errorCode"] == "not_available" and "inactive" in body["message"], body
    assert InventoryLine.objects.get(pk=stock["on_hand"][1]).boxes_held == 0
