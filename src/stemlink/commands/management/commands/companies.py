"""`stemlink companies`: list the companies with their Company IDs (the X-ACCOUNT value)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from stemlink.tenancy.models import Company


class Command(BaseCommand):
    help = "List companies with their Company ID, the value API clients send as X-ACCOUNT."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="include deactivated companies")

    def handle(self, *args: Any, **options: Any) -> None:
        companies = Company.objects.order_by("id")
        if not options["all"]:
            companies = companies.filter(active=True)
        rows = [
            (
                str(c.pk),
                c.name,
                c.time_zone,
                "yes" if c.active else "no",
                str(c.paid_users),
                str(c.locations.count()),
            )
            for c in companies
        ]
        if not rows:
            self.stdout.write(
                "No companies yet: `stemlink init` (or the back office's first page) creates yours; "
                "`stemlink demo-data` loads a demo wholesaler."
            )
            return
        header = ("Company ID", "Name", "Time zone", "Active", "Paid users", "Locations")
        widths = [max(len(header[i]), *(len(r[i]) for r in rows)) for i in range(len(header))]
        self.stdout.write("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
        for row in rows:
            self.stdout.write("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))
