"""`marketplace sync-budget`: what a full sync of each wholesaler costs, and how often its quota allows one.

Read from the last successful full sync (its calls and seconds, the offers it left) and the quota
the wholesaler's last answer announced (X-RateLimit-Limit); the arithmetic is
`marketplace.sync.rules.full_sync_budget`. `--lines N` asks the same for a catalogue of N lines
(e.g. a 300,000-line wholesaler) at the configured page size, without a sync.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from marketplace.suppliers.models import Supplier
from marketplace.sync import rules
from marketplace.sync.models import Offer, SyncRun

# What a wholesaler on the smallest plan (one paid user) allows a day, when no answer said.
DEFAULT_QUOTA = 1_000


class Command(BaseCommand):
    help = "What a full sync of each supplier costs, and how many a day its API quota allows."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--supplier", type=int, help="only this supplier (its id)")
        parser.add_argument("--lines", type=int, help="a catalogue of this many sellable lines instead")
        parser.add_argument(
            "--quota", type=int, help=f"calls a day (default: announced, else {DEFAULT_QUOTA:,})"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rows = settings.SYNC_PAGE_ROWS
        reserve = settings.API_QUOTA_RESERVE_SHARE
        if options["lines"] is not None:
            if options["lines"] < 0:
                raise CommandError("--lines must be 0 or more")
            quota = options["quota"] or DEFAULT_QUOTA
            self._line(f"{options['lines']:,} lines", options["lines"], rows, quota, reserve, None)
            return
        suppliers = Supplier.objects.order_by("pk")
        if options["supplier"] is not None:
            suppliers = suppliers.filter(pk=options["supplier"])
            if not suppliers.exists():
                raise CommandError(f"supplier {options['supplier']} not found")
        for supplier in suppliers:
            last = (
                SyncRun.objects.filter(supplier=supplier, kind=SyncRun.Kind.FULL, ok=True)
                .exclude(finished_at=None)
                .order_by("-started_at")
                .first()
            )
            lines = Offer.objects.filter(supplier=supplier).count()
            quota = options["quota"] or supplier.ratelimit_limit or DEFAULT_QUOTA
            self._line(
                f"{supplier.name} (supplier {supplier.pk}), {lines:,} offers",
                lines,
                rows,
                quota,
                reserve,
                last,
            )

    def _line(
        self, label: str, lines: int, rows: int, quota: int, reserve: float, last: SyncRun | None
    ) -> None:
        budget = rules.full_sync_budget(lines, rows, quota, reserve_share=reserve)
        measured = ""
        if last is not None and last.finished_at is not None:
            seconds = (last.finished_at - last.started_at).total_seconds()
            measured = f"; the last took {last.calls:,} calls (with the catalogue) in {seconds:.1f} s"
        often = (
            f"{budget.syncs_per_day:,} a day, one every {budget.every.total_seconds() / 60:,.0f} minutes"
            if budget.every
            else "not one a day"
        )
        self.stdout.write(
            f"{label}: a full sync is {budget.calls_per_sync:,} calls of {rows} lines{measured}."
            f" A quota of {quota:,} calls a day ({reserve:.0%} kept for orders) allows {often}."
        )
