"""`stemlink reserve`: keep on-hand boxes for one customer only (e.g. exclusively for BloomNet).

    stemlink reserve add --company 1 --line 42 --customer 5 [--boxes 3]
    stemlink reserve release --company 1 --line 57 [--boxes 2]
    stemlink reserve list --company 1 --customer 5

Reserved boxes become their own line, offered only in that customer's reserved view
(`ecommerce/inventory.list?reservedInventory=true`, which needs Transactional API Access).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stemlink.errors import StemlinkError
from stemlink.inventory import services
from stemlink.tenancy.models import Company


class Command(BaseCommand):
    help = "Reserve on-hand boxes for one customer, release them, or list what is reserved."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="reserve free boxes of an on-hand line for a customer")
        add.add_argument("--company", type=int, required=True, help="Company ID")
        add.add_argument("--line", type=int, required=True, help="on-hand line id (orderItemId)")
        add.add_argument("--customer", type=int, required=True, help="Customer ID")
        add.add_argument("--boxes", type=int, default=None, help="how many (default: every free box)")
        release = sub.add_parser("release", help="give a reserved line's free boxes back to everyone")
        release.add_argument("--company", type=int, required=True, help="Company ID")
        release.add_argument("--line", type=int, required=True, help="reserved line id")
        release.add_argument("--boxes", type=int, default=None, help="how many (default: every free box)")
        listing = sub.add_parser("list", help="list the lines reserved for a customer")
        listing.add_argument("--company", type=int, required=True, help="Company ID")
        listing.add_argument("--customer", type=int, required=True, help="Customer ID")

    def handle(self, *args: Any, **options: Any) -> None:
        company = Company.objects.filter(pk=options["company"]).first()
        if company is None:
            raise CommandError(f"There is no company {options['company']}: `stemlink companies` lists them.")
        try:
            if options["action"] == "add":
                line = services.reserve_boxes(company, options["line"], options["customer"], options["boxes"])
                self.stdout.write(
                    f"Reserved {line.boxes_on_hand} box(es) for customer {options['customer']} "
                    f"as line {line.pk} (taken from line {options['line']})."
                )
            elif options["action"] == "release":
                line = services.release_reservation(company, options["line"], options["boxes"])
                self.stdout.write(
                    f"Released {line.boxes_on_hand} box(es) to the open market as line {line.pk}."
                )
            else:
                lines = services.reserved_lines(company, options["customer"])
                if not lines:
                    self.stdout.write(f"Nothing is reserved for customer {options['customer']}.")
                for line in lines:
                    free = line.boxes_on_hand - line.boxes_held - line.boxes_sold
                    self.stdout.write(
                        f"line {line.pk}: {line.product.description} [{line.product.code}] "
                        f"{line.box_type.code}, {free} free of {line.boxes_on_hand} on hand"
                    )
        except StemlinkError as refused:
            raise CommandError(refused.message) from refused
