"""Keyset paging of the e-commerce feed: the cursor, the remembered boundary, the carried total.

A page is found by seeking from where the previous one ended; these tests hold it to the answers
OFFSET paging gives on an unchanged feed, to "every line exactly once" on a changing one, and to a
clear validation error for every cursor that is not this call's.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from stemlink.catalog.models import Product
from stemlink.errors import ValidationFailed
from stemlink.inventory import feed, stock
from stemlink.inventory.feed import EcommerceFilter, ecommerce_inventory
from stemlink.inventory.models import FutureLine, InventoryLine
from tests.api_helpers import api, covers, issue_token
from tests.factories import make_future_line, make_line, make_product
from tests.stemlink.inventory import as_read

pytestmark = pytest.mark.django_db
LIST = "ecommerce/inventory.list"


def key(item):
    return item["inventoryOrigin"], item["inventoryIds"]


def quiet(world):
    """Stamp every line and product long ago: the feed is quiet, so totals and boundaries are kept."""
    long_ago = timezone.now() - dt.timedelta(minutes=10)
    InventoryLine.objects.filter(company=world.company).update(updated_on=long_ago)
    FutureLine.objects.filter(company=world.company).update(updated_on=long_ago)
    Product.objects.filter(company=world.company).update(updated_on=long_ago)


def stock_of(world, on_hand=9, future=8):
    products = [make_product(world.company, world.roses) for _ in range(3)]
    lines = [make_line(world, product=products[n % 3], boxes_on_hand=n + 1) for n in range(on_hand)]
    lines += [make_future_line(world, product=products[n % 3], boxes=n + 1) for n in range(future)]
    # A sold-out line and a reserved one the open view never lists, between the others.
    stock.sell_boxes(1, lines[2].pk, 3)
    make_line(world, reserved_for=world.customer)
    return lines


def offset_pages(world, rows, **filters):
    """Every page by number, each served by OFFSET (nothing remembered, as in a fresh process)."""
    pages, page = [], 1
    while True:
        feed.forget_remembered_totals()
        answer = ecommerce_inventory(
            world.company, world.customer, EcommerceFilter(**filters), page=page, rows=rows
        )
        if not answer.items:
            return pages, answer.total
        pages.append(answer.items)
        page += 1


def fresh_total(world):
    """The total counted now, with nothing remembered or carried (the cursor's own counts aside)."""
    feed.forget_remembered_totals()
    return ecommerce_inventory(world.company, world.customer, EcommerceFilter(), rows=1, client="fresh").total


def cursor_pages(world, rows, client=None, **filters):
    pages, cursor, page = [], None, 1
    while True:
        answer = ecommerce_inventory(
            world.company, world.customer, EcommerceFilter(**filters), rows=rows, cursor=cursor, client=client
        )
        assert answer.page == page
        if answer.items:
            pages.append(answer.items)
        if answer.next_cursor is None:
            return pages, answer.total
        cursor, page = answer.next_cursor, page + 1


@pytest.mark.parametrize("rows", [1, 4, 8, 500])
@pytest.mark.parametrize("filters", [{}, {"origin": 2}, {"reserved": True}])
def test_cursor_pages_are_the_offset_pages(world, rows, filters):
    stock_of(world)
    quiet(world)
    by_offset, total = offset_pages(world, rows, **filters)
    by_cursor, cursor_total = cursor_pages(world, rows, **filters)
    assert by_cursor == by_offset and cursor_total == total
    assert sum(len(p) for p in by_offset) == total > 0


@pytest.mark.parametrize("rows", [1, 5])
def test_page_numbers_are_served_from_the_remembered_boundary_with_the_offset_answers(
    world, rows, django_assert_max_num_queries
):
    stock_of(world)
    quiet(world)
    by_offset, total = offset_pages(world, rows)
    feed.forget_remembered_totals()
    first = ecommerce_inventory(world.company, world.customer, EcommerceFilter(), page=1, rows=rows)
    pages = [first.items]
    for page in range(2, len(by_offset) + 1):
        # The previous page's boundary and the carried count: one statement, whatever the page.
        with django_assert_max_num_queries(2 if page * rows > 8 >= (page - 1) * rows else 1):
            answer = ecommerce_inventory(
                world.company, world.customer, EcommerceFilter(), page=page, rows=rows
            )
        assert answer.total == total
        pages.append(answer.items)
    assert pages == by_offset


def test_a_remembered_boundary_of_a_changed_feed_falls_back_to_offset(world):
    lines = stock_of(world)
    quiet(world)
    ecommerce_inventory(world.company, world.customer, EcommerceFilter(), page=1, rows=3)
    # A line of page 1 sells out: the boundary remembered after page 1 no longer says where
    # page 2 begins by number. Page 2 must be what OFFSET answers now, not what seeking would.
    stock.sell_boxes(1, lines[0].pk, 1)
    quiet(world)
    page_2 = ecommerce_inventory(world.company, world.customer, EcommerceFilter(), page=2, rows=3)
    feed.forget_remembered_totals()
    expected = ecommerce_inventory(world.company, world.customer, EcommerceFilter(), page=2, rows=3)
    assert as_read(page_2.items) == as_read(expected.items) and page_2.total == expected.total
    # A remembered boundary for another page number, or another client, is not used either.
    ecommerce_inventory(world.company, world.customer, EcommerceFilter(), page=1, rows=3, client=7)
    other = ecommerce_inventory(world.company, world.customer, EcommerceFilter(), page=3, rows=3, client=7)
    feed.forget_remembered_totals()
    assert as_read(other.items) == as_read(
        ecommerce_inventory(world.company, world.customer, EcommerceFilter(), page=3, rows=3).items
    )


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_cursor_sync_lists_every_line_once_while_the_stock_changes(world, seed):
    """Lines sell out, arrive and change between pages: none is listed twice, none that stayed is missed,
    and the delta since the sync began brings the copy to the fresh full list."""
    rng = random.Random(seed)
    lines = stock_of(world, on_hand=14, future=10)
    started = timezone.now()
    copy: dict = {}
    seen: list = []
    cursor = None
    untouched = {(1 if isinstance(x, InventoryLine) else 2, str(x.pk)) for x in lines}
    while True:
        answer = ecommerce_inventory(world.company, world.customer, EcommerceFilter(), rows=3, cursor=cursor)
        # The total is exact for the stock as it is now, though carried between pages (the stock
        # changed within seconds, and again between some pages and not others).
        assert answer.total == fresh_total(world)
        seen += [key(i) for i in answer.items]
        copy.update({key(i): i for i in answer.items})
        for _ in range(rng.randint(0, 3)):
            line = rng.choice(lines)
            origin = 1 if isinstance(line, InventoryLine) else 2
            action = rng.choice(["sell", "hold", "new", "new_future"])
            untouched.discard((origin, str(line.pk)))
            try:
                if action == "sell":
                    stock.sell_boxes(origin, line.pk, rng.randint(1, 4))
                elif action == "hold":
                    stock.hold_boxes(origin, line.pk, 1)
                elif action == "new":
                    lines.append(make_line(world, boxes_on_hand=rng.randint(1, 4)))
                else:
                    lines.append(make_future_line(world, boxes=rng.randint(1, 4)))
            except Exception as refused:  # sold out already: nothing changed
                assert getattr(refused, "code", None) in {"not_available", "invalid_state"}, refused
        if answer.next_cursor is None:
            break
        cursor = answer.next_cursor
    assert len(seen) == len(set(seen)), "a line was listed twice"
    sellable_at_start_and_untouched = untouched & {
        (1 if isinstance(x, InventoryLine) else 2, str(x.pk)) for x in lines if x.pk != lines[2].pk
    }
    assert sellable_at_start_and_untouched <= set(seen)
    delta = ecommerce_inventory(
        world.company, world.customer, EcommerceFilter(updated_as_of=started - feed.CURSOR_SAFETY), rows=500
    )
    for item in delta.items:
        if item["quantity"] > 0:
            copy[key(item)] = item
        else:
            copy.pop(key(item), None)
    fresh, _ = cursor_pages(world, 500)
    assert copy == {key(i): i for page in fresh for i in page}


def test_the_total_is_counted_once_per_stamp_and_carried_by_the_cursor(world, django_assert_num_queries):
    stock_of(world)
    quiet(world)
    first = ecommerce_inventory(world.company, world.customer, EcommerceFilter(), rows=2)
    feed.forget_remembered_totals()  # as if the next call reached another server process
    with django_assert_num_queries(1):
        second = ecommerce_inventory(
            world.company, world.customer, EcommerceFilter(), rows=2, cursor=first.next_cursor
        )
    assert second.total == first.total and second.page == 2
    stock.sell_boxes(1, int(second.items[0]["inventoryIds"]), second.items[0]["quantity"])
    # The stamp moved: the page, then one count at the new stamp.
    with django_assert_num_queries(2):
        third = ecommerce_inventory(
            world.company, world.customer, EcommerceFilter(), rows=2, cursor=second.next_cursor
        )
    assert third.total == first.total - 1


def test_a_busy_feed_counts_its_total_once_per_change_and_carries_it(world, django_assert_num_queries):
    """Changes within the last seconds: the count is still carried while nothing changes."""
    lines = stock_of(world)  # every line changed just now
    first = ecommerce_inventory(world.company, world.customer, EcommerceFilter(), rows=2)
    feed.forget_remembered_totals()  # as if the next call reached another server process
    with django_assert_num_queries(1):
        second = ecommerce_inventory(
            world.company, world.customer, EcommerceFilter(), rows=2, cursor=first.next_cursor
        )
    assert second.total == first.total == fresh_total(world)
    # Page numbers: the remembered boundary and total serve page 2, then page 3, one statement each.
    ecommerce_inventory(world.company, world.customer, EcommerceFilter(), page=1, rows=2)
    for page in (2, 3):
        with django_assert_num_queries(1):
            answer = ecommerce_inventory(world.company, world.customer, EcommerceFilter(), page=page, rows=2)
        assert answer.total == first.total
    # A line sells out: the stamp moves, the total is counted again, once.
    stock.sell_boxes(1, lines[5].pk, 6)
    with django_assert_num_queries(2):
        third = ecommerce_inventory(
            world.company, world.customer, EcommerceFilter(), rows=2, cursor=second.next_cursor
        )
    assert third.total == first.total - 1 == fresh_total(world)


@pytest.mark.parametrize("table", [InventoryLine, Product])
def test_a_change_committed_late_with_an_older_stamp_is_counted(world, table):
    """A change stamped before the newest stamp but committed after the count (its stamp then not the
    newest) does not move the stamp: the fingerprint of the last seconds' changes catches it."""
    lines = stock_of(world)
    first = ecommerce_inventory(world.company, world.customer, EcommerceFilter(), rows=2)
    newest = max(InventoryLine.objects.filter(company=world.company).values_list("updated_on", flat=True))
    earlier = newest - dt.timedelta(milliseconds=1)
    if table is InventoryLine:  # a line sells out
        InventoryLine.objects.filter(pk=lines[6].pk).update(
            boxes_sold=lines[6].boxes_on_hand, updated_on=earlier
        )
    else:  # a product is switched off: its lines leave the list
        Product.objects.filter(pk=lines[6].product_id).update(active=False, updated_on=earlier)
    second = ecommerce_inventory(
        world.company, world.customer, EcommerceFilter(), rows=2, cursor=first.next_cursor
    )
    assert second.total < first.total
    assert second.total == fresh_total(world)


# --- through HTTP: the parameter, the answer, and the refusals -------------------------------------


def call(client, world, token, **params):
    return api(
        client, LIST, {"customerId": world.customer.pk, **params}, token=token, account=world.company.pk
    )


@covers(LIST)
def test_a_marketplace_reads_the_feed_by_cursor_through_http(client, world):
    stock_of(world)
    token = issue_token(world.company, "customer", customer=world.customer)
    status, body = call(client, world, token, rows=4)
    assert status == 200 and body["page"] == 1 and body["nextCursor"], body
    items, pages = list(body["inventoryItems"]), 1
    while body["nextCursor"]:
        status, body = call(client, world, token, rows=4, cursor=body["nextCursor"])
        assert status == 200, body
        pages += 1
        assert body["page"] == pages
        items += body["inventoryItems"]
    assert len(items) == body["total"] == len({key(i) for i in items})
    # The page sent beside a cursor must be the cursor's own.
    status, first = call(client, world, token, rows=4)
    status, second = call(client, world, token, rows=4, page=2, cursor=first["nextCursor"])
    assert status == 200 and second["page"] == 2


@pytest.mark.parametrize(
    "spoil",
    [
        lambda c: "not-a-cursor",
        lambda c: c[:-3] + ("AAA" if not c.endswith("AAA") else "BBB"),  # the signature no longer matches
        lambda c: c[:20],
        lambda c: c * 40,  # longer than any cursor given out
    ],
)
def test_a_changed_or_made_up_cursor_is_refused_as_a_validation_error(client, world, spoil):
    stock_of(world)
    token = issue_token(world.company, "customer", customer=world.customer)
    _, body = call(client, world, token, rows=2)
    status, body = call(client, world, token, rows=2, cursor=spoil(body["nextCursor"]))
    assert status == 400 and body["errorCode"] == "validation_error", body
    assert "cursor" in body["message"] and "nextCursor" in body["message"], body


def test_a_cursor_is_refused_with_another_token_or_other_filters(client, world):
    stock_of(world)
    token = issue_token(world.company, "customer", customer=world.customer)
    other_token = issue_token(world.company, "company")  # one token per customer: the wholesaler's own
    _, body = call(client, world, token, rows=2)
    cursor = body["nextCursor"]
    for made_by, params in (
        (other_token, {}),
        (token, {"color": "Red"}),
        (token, {"inventoryOrigin": 2}),
        (token, {"updatedAsOf": "2026-01-01 00:00:00"}),
    ):
        status, refused = call(client, world, made_by, rows=2, cursor=cursor, **params)
        assert status == 400 and refused["errorCode"] == "validation_error", refused
        assert "another token" in refused["message"], refused
    # rows may change: the cursor says where to continue, not how much to read.
    status, body = call(client, world, token, rows=3, cursor=cursor)
    assert status == 200 and len(body["inventoryItems"]) == 3


def test_an_expired_cursor_or_one_with_another_page_is_refused(client, world, monkeypatch):
    stock_of(world)
    token = issue_token(world.company, "customer", customer=world.customer)
    _, body = call(client, world, token, rows=2)
    cursor = body["nextCursor"]
    status, refused = call(client, world, token, rows=2, cursor=cursor, page=5)
    assert status == 400 and "page 2" in refused["message"], refused
    monkeypatch.setattr(feed, "CURSOR_MAX_AGE", dt.timedelta(seconds=-1))
    status, refused = call(client, world, token, rows=2, cursor=cursor)
    assert status == 400 and "expired" in refused["message"] and "page 1" in refused["message"], refused


def test_the_feed_refuses_a_foreign_cursor_without_reading_a_line(world, django_assert_num_queries):
    stock_of(world)
    answer = ecommerce_inventory(world.company, world.customer, EcommerceFilter(), rows=2, client=1)
    with django_assert_num_queries(0), pytest.raises(ValidationFailed, match="another token"):
        ecommerce_inventory(
            world.company, world.customer, EcommerceFilter(), rows=2, cursor=answer.next_cursor, client=2
        )
