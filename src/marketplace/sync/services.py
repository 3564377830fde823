"""Keep each supplier's offers equal to its e-commerce inventory: full syncs, delta polls, runs."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from marketplace.suppliers import client as api
from marketplace.suppliers import rules as supplier_rules
from marketplace.suppliers.models import Supplier, SyncStatus
from marketplace.suppliers.vault import SecretUnreadable
from marketplace.sync import rules
from marketplace.sync.models import CatalogItem, Offer, ReceivedWebhook, SyncRun

log = logging.getLogger(__name__)

_CATALOG_CALLS = (
    ("product.list", "products", CatalogItem.Kind.PRODUCT, "id", "description"),
    ("boxtype.list", "boxtypes", CatalogItem.Kind.BOXTYPE, "id", "code"),
    ("carrier.list", "carriers", CatalogItem.Kind.CARRIER, "id", "name"),
    ("category.list", "categoryItems", CatalogItem.Kind.CATEGORY, "categoryId", "categoryName"),
)
# A sync never runs longer than this; a worker that dies mid-sync frees the supplier after it.
_LEASE = dt.timedelta(minutes=10)
_MAX_PAGES = 2000
# Deltas ask for a little more than strictly needed: clocks and commit order are not exact.
_CURSOR_OVERLAP = dt.timedelta(seconds=5)
# Up to this many keys a delta reads the rows it needs by key; beyond, it reads them all (SQLite
# caps the parameters of one statement, and a big delta is near a full read anyway).
_FEW = 500


def _claim(supplier: Supplier, now: dt.datetime) -> bool:
    claimed = (
        Supplier.objects.filter(pk=supplier.pk)
        .filter(Q(sync_lease_until__isnull=True) | Q(sync_lease_until__lt=now))
        .update(sync_lease_until=now + _LEASE)
    )
    return claimed == 1


def sync_supplier(supplier: Supplier, *, full: bool, now: dt.datetime | None = None) -> SyncRun | None:
    """Sync one supplier (full, or a delta since the last sync) and record the run.

    A failure keeps the offers, records the error on the run and the supplier, and schedules a
    retry with backoff. Returns None when another worker holds the supplier.
    """
    now = now or timezone.now()
    if not _claim(supplier, now):
        return None
    # Flags are cleared before the calls: a webhook arriving meanwhile sets them again.
    Supplier.objects.filter(pk=supplier.pk).update(
        **({"full_sync_requested": False} if full else {}), delta_requested=False
    )
    supplier.refresh_from_db()
    if not supplier.delta_cursor:
        full = True
    run = SyncRun.objects.create(
        supplier=supplier, kind=SyncRun.Kind.FULL if full else SyncRun.Kind.DELTA, started_at=now
    )
    clients: list[api.WholesalerClient] = []
    try:
        customer = supplier.customer_client(max_pacing_seconds=10.0)
        clients.append(customer)
        products: dict[int, Mapping[str, Any]] = {}
        if full:
            # Only a full sync reads the catalogue, so only it needs the Company token's client.
            company = supplier.company_client(max_pacing_seconds=10.0)
            clients.append(company)
            products = _pull_catalog(supplier, company)
        lines, next_cursor = _pull_inventory(
            supplier, customer, delta_since=None if full else supplier.delta_cursor
        )
        if not full:
            products = _stored_products(supplier, lines)
        errors = _apply_lines(supplier, run, lines, products, complete=full)
        _succeeded(
            supplier, run, next_cursor or rules.format_cursor(now - _CURSOR_OVERLAP), errors, full=full
        )
    except api.ApiError as exc:
        _failed(supplier, run, exc)
    except SecretUnreadable:
        _failed(supplier, run, api.InvalidToken("the stored tokens cannot be decrypted: enter them again"))
    except Exception as exc:  # a bug must not stop the worker from syncing the other suppliers
        log.exception("sync of supplier %s crashed", supplier.pk)
        _failed(supplier, run, api.ApiError(f"unexpected error: {type(exc).__name__}: {exc}"))
    finally:
        run.calls = sum(c.calls for c in clients)
        run.finished_at = timezone.now()
        run.save()
        for c in clients:
            c.close()
        Supplier.objects.filter(pk=supplier.pk).update(sync_lease_until=None)
    return run


def _stored_products(supplier: Supplier, lines: list[Mapping[str, Any]]) -> dict[int, Mapping[str, Any]]:
    """Return the stored catalogue records of the products these lines are of (a delta reads few)."""
    items = CatalogItem.objects.filter(supplier=supplier, kind=CatalogItem.Kind.PRODUCT)
    wanted: set[int] = set()
    for line in lines:
        try:
            wanted.add(int(line.get("companyProductId")))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
    if len(wanted) <= _FEW:
        items = items.filter(external_id__in=wanted)
    return {item.external_id: item.data for item in items}


def _pull_catalog(supplier: Supplier, company: api.WholesalerClient) -> dict[int, Mapping[str, Any]]:
    products: dict[int, Mapping[str, Any]] = {}
    for method, key, kind, id_field, name_field in _CATALOG_CALLS:
        items = company.call(method).get(key) or []
        seen: set[int] = set()
        with transaction.atomic():
            for item in items:
                try:
                    external_id = int(item.get(id_field))
                except (TypeError, ValueError):
                    continue
                seen.add(external_id)
                clean = {
                    k: (str(v) if not isinstance(v, str | int | bool | type(None) | list | dict) else v)
                    for k, v in item.items()
                }
                CatalogItem.objects.update_or_create(
                    supplier=supplier,
                    kind=kind,
                    external_id=external_id,
                    defaults={"name": str(item.get(name_field) or "")[:200], "data": clean},
                )
                if kind == CatalogItem.Kind.PRODUCT:
                    products[external_id] = clean
            CatalogItem.objects.filter(supplier=supplier, kind=kind).exclude(external_id__in=seen).delete()
    return products


def _pull_inventory(
    supplier: Supplier, customer: api.WholesalerClient, *, delta_since: str | None
) -> tuple[list[Mapping[str, Any]], str | None]:
    """Read every page of ecommerce/inventory.list; return the lines and the cursor for the next delta.

    The cursor is the server's `nextUpdatedAsOf` when it sends one, else its clock (Date header)
    at the first page less a small overlap: never the marketplace's own clock, which may differ.
    A server that answers `nextCursor` (Stemlink's extension) is read on by that cursor: each page
    is found by seeking where the last one ended, so a page deep in a large catalogue costs what the
    first does and a line moved while we read is listed once. A server without it (Komet) is read
    by page number.
    """
    params: dict[str, Any] = {"customerId": supplier.customer_id, "rows": settings.SYNC_PAGE_ROWS}
    if supplier.location_id:
        params["companyLocationId"] = supplier.location_id
    if delta_since:
        params["updatedAsOf"] = delta_since
    lines: list[Mapping[str, Any]] = []
    cursor: str | None = None
    position: dict[str, Any] = {"page": 1}
    for page in range(1, _MAX_PAGES + 1):
        answer = customer.call("ecommerce/inventory.list", {**params, **position})
        if page == 1:
            cursor = _cursor_from(answer.get("nextUpdatedAsOf"), customer.server_time)
        items = answer.get("inventoryItems") or []
        lines.extend(items)
        try:
            total: int | None = int(answer["total"])
        except (KeyError, TypeError, ValueError):
            total = None
        if not items or len(items) < settings.SYNC_PAGE_ROWS or (total is not None and len(lines) >= total):
            break
        next_cursor = answer.get("nextCursor")
        if "nextCursor" in answer and next_cursor is None:
            break  # the server says this was the last page
        if isinstance(next_cursor, str) and next_cursor:
            position = {"cursor": next_cursor}
        else:
            position = {"page": page + 1}
    return rules.unique_lines(lines), cursor


def _cursor_from(next_updated_as_of: Any, server_time: dt.datetime | None) -> str | None:
    if isinstance(next_updated_as_of, str) and len(next_updated_as_of.strip()) >= 10:
        return next_updated_as_of.strip()[:19]
    if server_time is not None:
        return rules.format_cursor(server_time - _CURSOR_OVERLAP)
    return None


def _stored_fields(offer: Offer) -> dict[str, Any]:
    return {name: getattr(offer, name) for name in rules.OFFER_FIELDS}


def _apply_lines(
    supplier: Supplier,
    run: SyncRun,
    lines: list[Mapping[str, Any]],
    products: Mapping[int, Mapping[str, Any]],
    *,
    complete: bool,
) -> list[str]:
    errors: list[str] = []
    now = timezone.now()
    incoming: dict[rules.OfferKey, dict[str, Any]] = {}
    unreadable: set[rules.OfferKey] = set()
    for line in lines:
        try:
            key = rules.offer_key(line)
        except rules.BadLine as exc:
            errors.append(str(exc))
            continue
        try:
            incoming[key] = rules.offer_fields(line, products)
        except rules.BadLine as exc:
            unreadable.add(key)  # keep what we had rather than drop a line we could not read
            errors.append(f"line {key}: {exc}")
    offers = Offer.objects.select_for_update().filter(supplier=supplier)
    if not complete and len(incoming) <= _FEW:
        # A delta only touches the offers of the lines it reports: read (and lock) just those.
        offers = offers.filter(inventory_ids__in={ids for _, ids in incoming})
    with transaction.atomic():
        stored_offers = {(o.inventory_origin, o.inventory_ids): o for o in offers}
        stored = {key: _stored_fields(o) for key, o in stored_offers.items()}
        diff = rules.diff_offers(stored, incoming, complete=complete)
        diff.remove -= unreadable
        Offer.objects.bulk_create(
            [
                Offer(supplier=supplier, inventory_origin=origin, inventory_ids=ids, **fields)
                for (origin, ids), fields in diff.add.items()
            ],
            batch_size=500,
        )
        for key, fields in diff.change.items():
            # Only what moved (usually boxes and updatedOn): small UPDATEs beat one huge CASE.
            moved = {name: value for name, value in fields.items() if stored[key].get(name) != value}
            Offer.objects.filter(pk=stored_offers[key].pk).update(**moved, synced_at=now)
        if diff.remove:
            doomed = [stored_offers[key].pk for key in diff.remove]
            for start in range(0, len(doomed), 500):  # SQLite caps the parameters of one statement
                Offer.objects.filter(pk__in=doomed[start : start + 500]).delete()
    run.added, run.changed, run.removed = len(diff.add), len(diff.change), len(diff.remove)
    return errors


def _succeeded(supplier: Supplier, run: SyncRun, cursor: str, errors: list[str], *, full: bool) -> None:
    now = timezone.now()
    run.ok = True
    run.errors = "\n".join(errors)[:5000]
    fields: dict[str, Any] = {
        "last_sync_status": SyncStatus.OK,
        "last_sync_message": (
            f"{run.kind} sync: {run.added} added, {run.changed} changed, {run.removed} removed"
            + (f"; {len(errors)} lines skipped" if errors else "")
        )[:500],
        "last_sync_at": now,
        "last_success_at": now,
        "consecutive_failures": 0,
        "delta_cursor": cursor,
        "next_delta_at": now + dt.timedelta(seconds=settings.SYNC_DELTA_SECONDS),
    }
    if full:
        fields["next_full_sync_at"] = now + dt.timedelta(minutes=supplier.sync_interval_minutes)
    Supplier.objects.filter(pk=supplier.pk).update(**fields)


def _failed(supplier: Supplier, run: SyncRun, exc: api.ApiError) -> None:
    now = timezone.now()
    run.ok = False
    run.errors = str(exc)[:5000]
    failures = supplier.consecutive_failures + 1
    if isinstance(exc, api.QuotaExceeded):
        status = SyncStatus.WAITING_QUOTA
        rate = supplier.rate_limit
        retry_at = (
            rate.reset_at if rate and rate.reset_at and rate.reset_at > now else now + dt.timedelta(hours=1)
        )
    else:
        status = SyncStatus.FAILED
        wait = supplier_rules.backoff_seconds(
            failures,
            base=settings.SYNC_BACKOFF_SECONDS,
            ceiling=max(60.0, supplier.sync_interval_minutes * 60.0),
        )
        retry_at = now + dt.timedelta(seconds=wait)
    log.warning("sync of supplier %s failed (%d in a row): %s", supplier.pk, failures, exc)
    Supplier.objects.filter(pk=supplier.pk).update(
        last_sync_status=status,
        last_sync_message=str(exc)[:500],
        last_sync_at=now,
        consecutive_failures=failures,
        next_full_sync_at=retry_at,
        next_delta_at=retry_at,
        # Retry as a full sync: after a failure the delta cursor may have a gap.
        full_sync_requested=False,
    )


def prune_sync_runs(now: dt.datetime | None = None) -> int:
    """Delete sync runs older than SYNC_RUN_RETENTION_DAYS; return how many went."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.SYNC_RUN_RETENTION_DAYS)
    old = SyncRun.objects.filter(started_at__lt=cutoff)
    # Look before deleting: on SQLite a DELETE takes the write lock even when nothing matches.
    if not old.exists():
        return 0
    deleted, _ = old.delete()
    return deleted


def prune_received_webhooks(now: dt.datetime | None = None) -> int:
    """Forget webhook event ids older than WEBHOOK_EVENT_RETENTION_DAYS; return how many went."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.WEBHOOK_EVENT_RETENTION_DAYS)
    old = ReceivedWebhook.objects.filter(received_at__lt=cutoff)
    if not old.exists():  # as above: no write lock for nothing
        return 0
    deleted, _ = old.delete()
    return deleted


def _webhook_delta_waits(supplier: Supplier, now: dt.datetime) -> bool:
    # A burst of webhooks (a flash sale) would otherwise cost a delta per webhook as fast as deltas
    # run: a webhook's delta starts at once unless the last sync ended less than
    # SYNC_WAKE_MIN_GAP_SECONDS ago, and then waits out the rest of the gap (the request is kept).
    scheduled = supplier.next_delta_at is not None and supplier.next_delta_at <= now
    if scheduled or supplier.last_sync_at is None:
        return False
    return now - supplier.last_sync_at < dt.timedelta(seconds=settings.SYNC_WAKE_MIN_GAP_SECONDS)


def requested_syncs_waiting() -> bool:
    """Tell whether a webhook's delta waits out the gap after the last sync (the loop looks again soon)."""
    return Supplier.objects.filter(active=True, delta_requested=True).exists()


def run_due_syncs(now: dt.datetime | None = None) -> list[SyncRun]:
    """Sync every active supplier that is due (requested, full interval passed, or delta due).

    A supplier whose quota is nearly used up waits for the reset, leaving the rest to checkouts.
    Old sync runs and old webhook event ids are pruned on the way.
    """
    now = now or timezone.now()
    prune_sync_runs(now)
    prune_received_webhooks(now)
    runs: list[SyncRun] = []
    for supplier in Supplier.objects.filter(active=True).order_by("id"):
        due_full = (
            supplier.full_sync_requested
            or supplier.next_full_sync_at is None
            or supplier.next_full_sync_at <= now
        )
        due_delta = supplier.delta_requested or (
            supplier.next_delta_at is not None and supplier.next_delta_at <= now
        )
        if not (due_full or due_delta):
            continue
        if not due_full and _webhook_delta_waits(supplier, now):
            continue
        in_backoff = (
            supplier.consecutive_failures and supplier.next_full_sync_at and supplier.next_full_sync_at > now
        )
        # A webhook during backoff is news that the wholesaler is back: try at once.
        if in_backoff and not (supplier.full_sync_requested or supplier.delta_requested):
            continue
        if not supplier_rules.quota_allows_sync(
            supplier.rate_limit, now, reserve_share=settings.API_QUOTA_RESERVE_SHARE
        ):
            rate = supplier.rate_limit
            Supplier.objects.filter(pk=supplier.pk).update(
                last_sync_status=SyncStatus.WAITING_QUOTA,
                last_sync_message="Sync paused: the API quota is nearly used up; calls are kept for orders.",
                next_delta_at=(rate.reset_at if rate and rate.reset_at else now + dt.timedelta(minutes=15)),
                next_full_sync_at=(
                    rate.reset_at if rate and rate.reset_at else now + dt.timedelta(minutes=15)
                ),
            )
            continue
        run = sync_supplier(supplier, full=bool(due_full or supplier.consecutive_failures), now=now)
        if run is not None:
            runs.append(run)
    return runs


def apply_offer_refusal(
    offer: Offer, *, available_boxes: int | None, current_price: Any | None
) -> Offer | None:
    """Update one offer from what a refused order line said (boxes left, current price).

    Returns the refreshed offer, or None when it was removed because nothing is left.
    """
    if available_boxes is not None and available_boxes <= 0:
        offer.delete()
        return None
    if available_boxes is not None:
        offer.boxes_available = available_boxes
    if current_price is not None:
        offer.price_per_unit = current_price
        offer.price_per_box = rules.price_per_box(offer.price_per_unit, offer.units_per_box)
    offer.save()
    return offer
