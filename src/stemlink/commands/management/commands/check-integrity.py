"""`stemlink check-integrity`: prove the stock, the fee ledger, the numbers and the outbox are sound."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from stemlink.orders.integrity import check_integrity
from stemlink.tenancy.models import Company


class Command(BaseCommand):
    help = (
        "Check the database for states Stemlink's rules never produce: held + sold above the boxes a "
        "line has (on-hand and future lines) or held boxes no cart holds; fee entries that do not sum "
        "to a document's fee; a document number used twice in a location or a counter behind it; a "
        "webhook delivery that will never be sent or an event lost for an active endpoint. Only reads. "
        "Exits 0 when all is well, 1 listing what is wrong."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--company", type=int, default=None, help="check one company (its Company ID)")

    def handle(self, *args: Any, **options: Any) -> None:
        company_id = options["company"]
        if company_id is not None and not Company.objects.filter(pk=company_id).exists():
            self.stderr.write(f"There is no company {company_id}; `stemlink companies` lists them.")
            raise SystemExit(2)
        report = check_integrity(company_id)
        for problem in report.problems:
            self.stdout.write(str(problem))
        summary = ", ".join(f"{name}: {found} problem(s)" for name, found in report.checked.items())
        if report.ok:
            self.stdout.write(f"integrity OK ({summary})")
            return
        self.stderr.write(f"integrity check FAILED ({summary})")
        raise SystemExit(1)
