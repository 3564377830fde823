"""`marketplace connect-supplier`: connect (or update) a wholesaler without the operator pages.

The demo launcher calls it with what the demo wholesaler hands over. It checks the credentials
with live calls (waiting up to --wait seconds for the API to come up) and names the wrong one.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from marketplace.suppliers import services
from marketplace.suppliers.models import Supplier


class Command(BaseCommand):
    help = "Connect a wholesaler: base URL, Company ID, Customer ID, Company and Customer tokens, Carrier ID."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="the supplier's name on the marketplace")
        parser.add_argument("--base-url", required=True, help="e.g. http://127.0.0.1:8000")
        parser.add_argument("--company-id", type=int, required=True)
        parser.add_argument("--customer-id", type=int, required=True)
        # Tokens on a command line show in the process list: --secrets-stdin or the environment
        # (MARKETPLACE_COMPANY_TOKEN, MARKETPLACE_CUSTOMER_TOKEN) keep them out of it.
        parser.add_argument("--company-token", default=os.environ.get("MARKETPLACE_COMPANY_TOKEN", ""))
        parser.add_argument("--customer-token", default=os.environ.get("MARKETPLACE_CUSTOMER_TOKEN", ""))
        parser.add_argument(
            "--secrets-stdin",
            action="store_true",
            help="read the Company token, the Customer token and optionally the webhook secret, one a line",
        )
        parser.add_argument("--carrier-id", type=int, required=True)
        parser.add_argument("--location-id", type=int, default=None)
        parser.add_argument("--sync-interval", type=int, default=5, help="minutes between full syncs")
        parser.add_argument(
            "--stale-after", type=int, default=30, help="minutes without a sync before offers are stale"
        )
        parser.add_argument(
            "--webhook-secret",
            default=os.environ.get("MARKETPLACE_WEBHOOK_SECRET", ""),
            help="shared secret for signed webhooks (default: MARKETPLACE_WEBHOOK_SECRET, else generated)",
        )
        parser.add_argument("--no-check", action="store_true", help="save without the live credential check")
        parser.add_argument("--wait", type=float, default=0, help="seconds to wait for the API to answer")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["secrets_stdin"]:
            lines = [line.strip() for line in sys.stdin.read().splitlines()]
            options["company_token"], options["customer_token"], *rest = [*lines, "", ""]
            if rest and rest[0]:
                options["webhook_secret"] = rest[0]
        missing = [name for name in ("company_token", "customer_token") if not options[name].strip()]
        if missing:
            raise CommandError(
                "Give both tokens: "
                + ", ".join("--" + m.replace("_", "-") for m in missing)
                + " (or --secrets-stdin, or MARKETPLACE_COMPANY_TOKEN / MARKETPLACE_CUSTOMER_TOKEN)."
            )
        details = services.ConnectionDetails(
            name=options["name"],
            base_url=options["base_url"],
            company_id=options["company_id"],
            customer_id=options["customer_id"],
            company_token=options["company_token"].strip(),
            customer_token=options["customer_token"].strip(),
            carrier_id=options["carrier_id"],
            location_id=options["location_id"],
        )
        if not options["no_check"]:
            deadline = time.monotonic() + options["wait"]
            while True:
                result = services.check_connection(details)
                unreachable = set(result.problems) == {"base_url"}
                if not unreachable or time.monotonic() >= deadline:
                    break
                time.sleep(1)
            if not result.ok:
                raise CommandError(
                    "The connection was not saved:\n"
                    + "\n".join(f"  {field}: {message}" for field, message in result.problems.items())
                )
        existing = Supplier.objects.filter(
            base_url=details.base_url.strip().rstrip("/"),
            company_id=details.company_id,
            customer_id=details.customer_id,
        ).first()
        supplier = services.save_supplier(
            details,
            supplier=existing,
            active=True,
            sync_interval_minutes=options["sync_interval"],
            stale_after_minutes=options["stale_after"],
        )
        if options["webhook_secret"]:
            supplier.webhook_secret = options["webhook_secret"]
            supplier.save(update_fields=["webhook_secret_sealed"])
        services.request_sync(supplier, full=True)
        self.stdout.write(
            f"Supplier {supplier.pk} {'updated' if existing else 'connected'}: "
            f"{supplier.name} at {supplier.base_url}. "
            f"Webhook endpoint: /webhooks/{supplier.pk}/"
        )
        self.supplier = supplier
