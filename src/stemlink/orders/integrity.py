"""Integrity checks over the whole database: what `stemlink check-integrity` reports.

Each check is a read that looks for a state the rules of Stemlink never produce:

- stock: held + sold above the boxes a line has (on-hand and future lines), or boxes held on a
  line that differ from what the open carts hold on it;
- fees: a document whose fee entries do not sum to its fee (its rate of its total; 0 once voided
  or cancelled);
- numbers: a document number used twice in one location, or a counter behind the highest number
  it handed out (the next document would collide);
- outbox: a delivery that will never be sent again although it is not delivered, or an event an
  active partner endpoint should have got and has no delivery for (lost).

The database's own constraints already refuse most of these; the checks are there to prove, after
a fault or a restore, that nothing slipped past them. They only read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from stemlink.integrations import rules as webhook_rules
from stemlink.integrations.models import Delivery, OutboxEvent, PartnerEndpoint
from stemlink.integrations.rules import DeliveryStatus
from stemlink.inventory.models import FutureLine, InventoryLine
from stemlink.orders import numbering, rules
from stemlink.orders.models import (
    DocumentCounter,
    FeeEntry,
    Invoice,
    InvoiceStatus,
    Prebook,
    PrebookStatus,
    StandingOrder,
    WebOrder,
    WebOrderItem,
)

ZERO = Decimal("0.00")
# How many problems of one kind are listed one by one; the rest are counted.
MAX_LISTED = 50


@dataclass(frozen=True)
class Problem:
    """One thing found wrong: which check found it and what, in words a person can act on."""

    check: str
    message: str

    def __str__(self) -> str:
        return f"[{self.check}] {self.message}"


@dataclass
class Report:
    problems: list[Problem]
    checked: dict[str, int]

    @property
    def ok(self) -> bool:
        return not self.problems


def _company(rows: QuerySet, company_id: int | None, field: str = "company_id") -> QuerySet:
    return rows if company_id is None else rows.filter(**{field: company_id})


# --- stock -------------------------------------------------------------------------------------


def _stock_problems(company_id: int | None) -> Iterator[Problem]:
    kinds: list[tuple[type[InventoryLine] | type[FutureLine], str, str, str]] = [
        (InventoryLine, "boxes_on_hand", "inventory_line", "on-hand"),
        (FutureLine, "boxes", "future_line", "future"),
    ]
    for model, total, item_field, kind in kinds:
        lines = _company(model.objects.all(), company_id)
        over = lines.filter(boxes_held__gt=F(total) - F("boxes_sold")).order_by("id")
        for line_id, boxes, held, sold in over.values_list("id", total, "boxes_held", "boxes_sold"):
            yield Problem(
                "stock",
                f"{kind} line {line_id}: {held} held + {sold} sold = {held + sold} boxes, "
                f"more than the {boxes} it has",
            )
        in_carts = (
            WebOrderItem.objects.filter(**{item_field: OuterRef("pk")}, holding=True)
            .values(item_field)
            .annotate(boxes=Sum("boxes"))
            .values("boxes")
        )
        mismatched = (
            lines.annotate(in_carts=Coalesce(in_carts, 0))
            .exclude(boxes_held=F("in_carts"))
            .order_by("id")
            .values_list("id", "boxes_held", "in_carts")
        )
        for line_id, held, carts in mismatched:
            yield Problem(
                "stock",
                f"{kind} line {line_id}: {held} boxes held, but the open carts hold {carts} of it",
            )


# --- fees --------------------------------------------------------------------------------------


def _fee_problems(company_id: int | None) -> Iterator[Problem]:
    documents: list[tuple[type[Invoice] | type[Prebook], str, int]] = [
        (Invoice, "invoice", InvoiceStatus.VOIDED),
        (Prebook, "prebook", PrebookStatus.CANCELLED),
    ]
    for model, kind, ended in documents:
        entries = _company(FeeEntry.objects.filter(document_kind=kind), company_id)
        sums = {
            row[f"{kind}_id"]: (row["total"], row["rate"])
            for row in entries.values(f"{kind}_id").annotate(
                total=Sum("amount"),
                # The rate of the document's one charge entry.
                rate=Sum("rate_percent", filter=Q(entry_type="charge")),
                charges=Count("id", filter=Q(entry_type="charge")),
            )
            if row["charges"] == 1
        }
        without_charge = (
            entries.values(f"{kind}_id")
            .annotate(charges=Count("id", filter=Q(entry_type="charge")))
            .exclude(charges=1)
            .values_list(f"{kind}_id", "charges")
        )
        for document_id, charges in without_charge:
            yield Problem(
                "fees", f"{kind} {document_id} has {charges} charge entries in the fee ledger, not 1"
            )
        if not sums:
            continue
        rows = model.objects.filter(id__in=list(sums)).order_by("id")
        for document in rows.values("id", "number", "total", "status"):
            recorded, rate = sums[document["id"]]
            should = ZERO if document["status"] == ended else rules.transaction_fee(document["total"], rate)
            if recorded != should:
                yield Problem(
                    "fees",
                    f"{kind} {document['id']} (number {document['number']}): its fee entries sum to "
                    f"{recorded}, its fee is {should}",
                )


# --- numbers -----------------------------------------------------------------------------------


def _number_problems(company_id: int | None) -> Iterator[Problem]:
    sequences: list[tuple[type[Invoice] | type[Prebook] | type[WebOrder] | type[StandingOrder], str, str]] = [
        (Invoice, numbering.INVOICE, "invoice"),
        (Prebook, numbering.PREBOOK, "prebook"),
        (WebOrder, numbering.WEB_ORDER, "web order"),
        (StandingOrder, numbering.STANDING_ORDER, "standing order"),
    ]
    counters = {
        (c.company_id, c.location_id, c.sequence): c.last_number
        for c in _company(DocumentCounter.objects.all(), company_id)
    }
    for model, sequence, kind in sequences:
        rows = _company(model.objects.all(), company_id)
        duplicates = (
            rows.values("location_id", "number")
            .annotate(times=Count("id"))
            .filter(times__gt=1)
            .order_by("location_id", "number")
        )
        for row in duplicates:
            yield Problem(
                "numbers",
                f"{kind} number {row['number']} is used {row['times']} times "
                f"in location {row['location_id']}",
            )
        highest = rows.values("company_id", "location_id").annotate(top=Coalesce(Max("number"), 0))
        for row in highest.order_by("company_id", "location_id"):
            last = counters.get((row["company_id"], row["location_id"], sequence))
            if last is None or last < row["top"]:
                yield Problem(
                    "numbers",
                    f"the {kind} counter of location {row['location_id']} stands at {last or 0}, "
                    f"behind number {row['top']} already used: the next {kind} would take a used number",
                )


# --- outbox ------------------------------------------------------------------------------------


def _outbox_problems(company_id: int | None) -> Iterator[Problem]:
    deliveries = _company(Delivery.objects.all(), company_id)
    unknown = deliveries.exclude(status__in=DeliveryStatus.ALL).order_by("id")
    for delivery_id, status in unknown.values_list("id", "status"):
        yield Problem(
            "outbox", f"delivery {delivery_id} has the unknown status {status!r}: no worker sends it"
        )
    undated = deliveries.filter(status=DeliveryStatus.DELIVERED, delivered_at__isnull=True).order_by("id")
    for delivery_id in undated.values_list("id", flat=True):
        yield Problem("outbox", f"delivery {delivery_id} is marked delivered without a delivery time")
    waiting_on_nothing = deliveries.filter(
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILING], delivered_at__isnull=False
    ).order_by("id")
    for delivery_id in waiting_on_nothing.values_list("id", flat=True):
        yield Problem("outbox", f"delivery {delivery_id} is waiting but carries a delivery time")
    # Lost: an event an active endpoint should get, made after the endpoint last changed (so it
    # was active and bound as it is now), with no delivery to that endpoint.
    for endpoint in _company(PartnerEndpoint.objects.filter(active=True), company_id).order_by("id"):
        has_delivery = Delivery.objects.filter(event_id=OuterRef("pk"), endpoint_id=endpoint.pk)
        missing = (
            OutboxEvent.objects.filter(company_id=endpoint.company_id, created_on__gte=endpoint.updated_on)
            .exclude(Exists(has_delivery))
            .order_by("id")
            .values_list("event_id", "event_type", "customer_id")
        )
        for event_id, event_type, customer_id in missing:
            if webhook_rules.endpoint_receives(event_type, customer_id, endpoint.customer_id):
                yield Problem(
                    "outbox",
                    f"event {event_id} ({event_type}) has no delivery to endpoint {endpoint.pk}: it was lost",
                )


CHECKS = {
    "stock": _stock_problems,
    "fees": _fee_problems,
    "numbers": _number_problems,
    "outbox": _outbox_problems,
}


def check_integrity(company_id: int | None = None) -> Report:
    """Run every check (for one company, or all); return the problems found, listed per check."""
    problems: list[Problem] = []
    checked: dict[str, int] = {}
    for name, check in CHECKS.items():
        found = 0
        for problem in check(company_id):
            found += 1
            if found <= MAX_LISTED:
                problems.append(problem)
        if found > MAX_LISTED:
            problems.append(Problem(name, f"… and {found - MAX_LISTED} more problems of this kind"))
        checked[name] = found
    return Report(problems=problems, checked=checked)
