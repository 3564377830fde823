import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.suppliers.models import Supplier
from marketplace.sync.models import CatalogItem, Offer, SyncRun
from marketplace.sync.services import run_due_syncs, sync_supplier

pytestmark = pytest.mark.django_db


def _offers(supplier):
    return {(o.inventory_origin, o.inventory_ids): o for o in Offer.objects.filter(supplier=supplier)}


def test_a_full_sync_pulls_the_catalogue_and_every_inventory_line(supplier, wholesaler):
    run = sync_supplier(supplier, full=True)
    assert run.ok and run.added == 3 and run.removed == 0
    assert run.calls == 5
    offers = _offers(supplier)
    assert set(offers) == {(1, "101"), (1, "102"), (2, "9001")}
    rose = offers[(1, "101")]
    assert rose.price_per_unit == Decimal("0.550")
    assert rose.price_per_box == Decimal("137.50")
    assert rose.boxes_available == 8 and rose.pack == "10 × 25"
    assert CatalogItem.objects.filter(supplier=supplier, kind="carrier").count() == 2
    inventory_calls = [p for m, p, _ in wholesaler.calls if m == "ecommerce/inventory.list"]
    assert inventory_calls[0]["customerId"] == 42 and inventory_calls[0]["rows"] == 500
    headers = next(h for m, _, h in wholesaler.calls if m == "ecommerce/inventory.list")
    assert headers["x-account"] == "7"
    supplier.refresh_from_db()
    assert supplier.last_sync_status == "ok" and supplier.delta_cursor
    assert supplier.ratelimit_limit == 3000


def test_reads_every_page_of_a_large_inventory(supplier, wholesaler, settings):
    settings.SYNC_PAGE_ROWS = 2
    for n in range(7):
        wholesaler.add_line(
            1,
            f"9{n}",
            20 + n,
            f"Carnation {n}",
            "Carnations",
            "Pink",
            "Fancy",
            "FB",
            20,
            20,
            3,
            Decimal("0.20"),
        )
    run = sync_supplier(supplier, full=True)
    assert run.added == 10
    assert wholesaler.count("ecommerce/inventory.list") == 5


def test_a_server_that_answers_a_cursor_is_read_on_by_it(supplier, wholesaler, settings):
    """Stemlink's nextCursor: every page after the first is asked for by cursor, not by number."""
    settings.SYNC_PAGE_ROWS = 2
    wholesaler.cursors = True
    for n in range(4):
        wholesaler.add_line(
            1, f"8{n}", 30 + n, f"Alstro {n}", "Alstro", "White", "Fancy", "FB", 10, 10, 2, Decimal("0.30")
        )
    run = sync_supplier(supplier, full=True)
    assert run.ok and run.added == 7
    calls = [p for m, p, _ in wholesaler.calls if m == "ecommerce/inventory.list"]
    assert calls[0]["page"] == 1 and "cursor" not in calls[0]
    assert all("page" not in p and p["cursor"] for p in calls[1:]) and len(calls) == 4


def test_the_next_full_sync_makes_offers_match_exactly(supplier, wholesaler):
    sync_supplier(supplier, full=True)
    del wholesaler.lines[(1, "102")]
    wholesaler.touch(1, "101", quantity=2, price=Decimal("0.60"))
    wholesaler.add_line(
        1, "103", 14, "Rose Explorer", "Roses", "Red", "70 cm", "QB", 5, 25, 4, Decimal("0.80")
    )
    run = sync_supplier(Supplier.objects.get(pk=supplier.pk), full=True)
    assert (run.added, run.changed, run.removed) == (1, 1, 1)
    offers = _offers(supplier)
    assert set(offers) == {(1, "101"), (1, "103"), (2, "9001")}
    assert offers[(1, "101")].boxes_available == 2
    assert offers[(1, "101")].price_per_box == Decimal("150.00")


def test_a_delta_asks_only_for_changes_and_drops_sold_out_lines(supplier, wholesaler):
    sync_supplier(supplier, full=True)
    supplier.refresh_from_db()
    # The cursor is the wholesaler's clock at the start of the last sync: lines changed later are read.
    Supplier.objects.filter(pk=supplier.pk).update(delta_cursor="2000-01-01 00:00:00")
    for line in wholesaler.lines.values():
        line.updated_on = dt.datetime(1999, 1, 1, tzinfo=dt.UTC)
    wholesaler.touch(1, "102", quantity=0)
    wholesaler.touch(1, "101", quantity=5)
    run = sync_supplier(Supplier.objects.get(pk=supplier.pk), full=False)
    assert run.kind == "delta"
    assert (run.added, run.changed, run.removed) == (0, 1, 1)
    last = [p for m, p, _ in wholesaler.calls if m == "ecommerce/inventory.list"][-1]
    assert last["updatedAsOf"] == "2000-01-01 00:00:00"
    assert wholesaler.count("product.list") == 1  # deltas do not pull the catalogue
    assert set(_offers(supplier)) == {(1, "101"), (2, "9001")}


def test_a_failing_supplier_keeps_its_offers_and_backs_off(supplier, wholesaler):
    sync_supplier(supplier, full=True)
    wholesaler.down = True
    before = timezone.now()
    run = sync_supplier(Supplier.objects.get(pk=supplier.pk), full=True)
    assert not run.ok and "no answer" in run.errors
    assert Offer.objects.filter(supplier=supplier).count() == 3
    supplier.refresh_from_db()
    assert supplier.last_sync_status == "failed" and supplier.consecutive_failures == 1
    first_wait = supplier.next_full_sync_at - before
    sync_supplier(supplier, full=True)
    supplier.refresh_from_db()
    assert supplier.consecutive_failures == 2
    assert supplier.next_full_sync_at - timezone.now() > first_wait


def test_offers_are_stale_only_after_the_set_age(supplier, wholesaler):
    sync_supplier(supplier, full=True)
    supplier.refresh_from_db()
    assert not supplier.is_stale()
    assert supplier.is_stale(timezone.now() + dt.timedelta(minutes=supplier.stale_after_minutes + 1))


def test_run_due_syncs_syncs_new_suppliers_then_waits_for_the_interval(supplier, wholesaler):
    assert [r.kind for r in run_due_syncs()] == ["full"]
    assert run_due_syncs() == []
    later = timezone.now() + dt.timedelta(minutes=6)
    assert [r.kind for r in run_due_syncs(later)] == ["full"]


def test_run_due_syncs_polls_changes_between_full_syncs(supplier, wholesaler, settings):
    settings.SYNC_DELTA_SECONDS = 30
    run_due_syncs()
    assert [r.kind for r in run_due_syncs(timezone.now() + dt.timedelta(seconds=31))] == ["delta"]


def test_a_supplier_in_backoff_is_not_retried_early_unless_asked(supplier, wholesaler):
    wholesaler.down = True
    run_due_syncs()
    assert run_due_syncs() == []
    Supplier.objects.filter(pk=supplier.pk).update(full_sync_requested=True)
    assert len(run_due_syncs()) == 1


def test_a_webhook_during_backoff_retries_at_once_with_a_full_sync(supplier, wholesaler):
    wholesaler.down = True
    run_due_syncs()
    wholesaler.down = False
    Supplier.objects.filter(pk=supplier.pk).update(delta_requested=True)
    runs = run_due_syncs()
    assert [(r.kind, r.ok) for r in runs] == [("full", True)]
    assert Supplier.objects.get(pk=supplier.pk).consecutive_failures == 0


def test_sync_pauses_when_the_quota_is_nearly_used_up(supplier, wholesaler):
    reset = timezone.now() + dt.timedelta(hours=3)
    Supplier.objects.filter(pk=supplier.pk).update(
        ratelimit_limit=3000, ratelimit_remaining=100, ratelimit_reset_at=reset
    )
    assert run_due_syncs() == []
    supplier.refresh_from_db()
    assert supplier.last_sync_status == "waiting_quota"
    assert supplier.next_full_sync_at == reset
    assert wholesaler.calls == []


def test_disabled_suppliers_are_not_synced(supplier, wholesaler):
    Supplier.objects.filter(pk=supplier.pk).update(active=False)
    assert run_due_syncs() == []


def test_a_second_worker_skips_a_supplier_being_synced(supplier, wholesaler):
    Supplier.objects.filter(pk=supplier.pk).update(sync_lease_until=timezone.now() + dt.timedelta(minutes=5))
    assert sync_supplier(supplier, full=True) is None
    assert SyncRun.objects.count() == 0


def test_unreadable_lines_are_skipped_and_reported_without_dropping_the_rest(supplier, wholesaler):
    def with_a_bad_price(p):
        items = [ln.as_item() for ln in wholesaler.lines.values()]
        items[0]["price"] = "n/a"
        return {"total": len(items), "inventoryItems": items}

    wholesaler.m_ecommerce_inventory_list = with_a_bad_price
    run = sync_supplier(supplier, full=True)
    assert run.ok and run.added == 2
    assert "price is not a number" in run.errors


def test_the_next_delta_starts_from_the_cursor_the_server_hands_out(supplier, wholesaler):
    original = wholesaler.m_ecommerce_inventory_list

    def with_cursor(p):
        return {**original(p), "nextUpdatedAsOf": "2026-11-28 07:32:34"}

    wholesaler.m_ecommerce_inventory_list = with_cursor
    sync_supplier(supplier, full=True)
    supplier.refresh_from_db()
    assert supplier.delta_cursor == "2026-11-28 07:32:34"
    sync_supplier(supplier, full=False)
    last = [p for m, p, _ in wholesaler.calls if m == "ecommerce/inventory.list"][-1]
    assert last["updatedAsOf"] == "2026-11-28 07:32:34"


def test_tokens_that_cannot_be_decrypted_fail_the_run_without_stopping_the_worker(
    supplier, wholesaler, settings
):
    settings.VAULT_KEYS = ["a-new-key-after-a-botched-rotation-00000000-without-the-old"]
    run = sync_supplier(Supplier.objects.get(pk=supplier.pk), full=True)
    assert not run.ok and "cannot be decrypted" in run.errors
    assert Supplier.objects.get(pk=supplier.pk).sync_lease_until is None
    assert wholesaler.calls == []


def test_sync_runs_older_than_the_retention_are_pruned(supplier, wholesaler, settings):
    settings.SYNC_RUN_RETENTION_DAYS = 7
    old = SyncRun.objects.create(
        supplier=supplier, kind="full", started_at=timezone.now() - dt.timedelta(days=8)
    )
    recent = SyncRun.objects.create(
        supplier=supplier, kind="full", started_at=timezone.now() - dt.timedelta(days=6)
    )
    run_due_syncs()
    assert not SyncRun.objects.filter(pk=old.pk).exists()
    assert SyncRun.objects.filter(pk=recent.pk).exists()
