"""`stemlink endpoints`: manage partner webhook endpoints and look after their deliveries.

    stemlink endpoints add --company 1 --url https://partner.example/hooks [--customer 5] [--description …]
    stemlink endpoints list --company 1
    stemlink endpoints disable|enable --company 1 ENDPOINT_ID
    stemlink endpoints rotate-secret --company 1 ENDPOINT_ID
    stemlink endpoints deliveries --company 1 [--endpoint ID] [--status pending|failing|delivered]
    stemlink endpoints retry --company 1 DELIVERY_ID

A new secret is printed once and never again; `--secret-stdin` reads one of your own instead
(kept out of the shell history).
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from stemlink.errors import StemlinkError
from stemlink.integrations import queries, services
from stemlink.integrations.rules import DeliveryStatus
from stemlink.tenancy import calendar
from stemlink.tenancy.models import Company


class Command(BaseCommand):
    help = "Add, list, disable partner webhook endpoints; list and retry their deliveries."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        def with_company(name: str, help_text: str) -> Any:
            p = sub.add_parser(name, help=help_text)
            p.add_argument("--company", type=int, required=True, help="Company ID")
            return p

        add = with_company("add", "register a partner endpoint (prints its secret once)")
        add.add_argument("--url", required=True, help="http(s) URL that receives the webhooks")
        add.add_argument("--customer", type=int, default=None, help="bind to this Customer ID")
        add.add_argument("--description", default="")
        add.add_argument("--secret-stdin", action="store_true", help="read the signing secret from stdin")

        with_company("list", "list endpoints with their delivery counts")
        for name, text in (("disable", "stop sending to an endpoint"), ("enable", "send to it again")):
            p = with_company(name, text)
            p.add_argument("endpoint_id", type=int)
        rotate = with_company("rotate-secret", "give an endpoint a new signing secret (printed once)")
        rotate.add_argument("endpoint_id", type=int)
        rotate.add_argument("--secret-stdin", action="store_true", help="read the new secret from stdin")

        dl = with_company("deliveries", "show the delivery log, newest first")
        dl.add_argument("--endpoint", type=int, default=None)
        dl.add_argument("--status", choices=DeliveryStatus.ALL, default=None)
        dl.add_argument("--limit", type=int, default=50)

        retry = with_company("retry", "send a delivery again as soon as a worker is free")
        retry.add_argument("delivery_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        company = Company.objects.filter(pk=options["company"]).first()
        if company is None:
            raise CommandError(
                f"Company {options['company']} does not exist; `stemlink endpoints` needs a Company ID."
            )
        try:
            getattr(self, "_" + options["action"].replace("-", "_"))(company, options)
        except StemlinkError as exc:
            raise CommandError(exc.message) from exc

    def _read_secret(self, options: dict[str, Any]) -> str | None:
        if not options.get("secret_stdin"):
            return None
        return sys.stdin.readline().strip()

    def _add(self, company: Company, options: dict[str, Any]) -> None:
        endpoint, secret = services.add_endpoint(
            company,
            url=options["url"],
            customer_id=options["customer"],
            description=options["description"],
            secret=self._read_secret(options),
        )
        self.stdout.write(f"Endpoint {endpoint.pk} added: {endpoint.url}")
        self.stdout.write(f"Signing secret (shown only now, keep it safe): {secret}")

    def _list(self, company: Company, options: dict[str, Any]) -> None:
        rows = queries.endpoints_of(company)
        if not rows:
            self.stdout.write("No partner endpoints yet; add one with `stemlink endpoints add`.")
            return
        for e in rows:
            bound = f"customer {e.customer_id} ({e.customer_name})" if e.customer_id else "all customers"
            state = "active" if e.active else "DISABLED"
            if e.active and e.paused_until and e.paused_until > timezone.now():
                until = calendar.wall_clock(company, e.paused_until)
                state = f"PAUSED until {until} after {e.consecutive_failures} failures"
            self.stdout.write(
                f"{e.id:>5}  {state:<8}  {e.url}  [{bound}]  pending {e.pending}, failing {e.failing}, "
                f"delivered {e.delivered}" + (f"  — {e.description}" if e.description else "")
            )

    def _disable(self, company: Company, options: dict[str, Any]) -> None:
        endpoint = services.set_endpoint_active(company, options["endpoint_id"], False)
        self.stdout.write(f"Endpoint {endpoint.pk} disabled; its waiting deliveries are held until enabled.")

    def _enable(self, company: Company, options: dict[str, Any]) -> None:
        endpoint = services.set_endpoint_active(company, options["endpoint_id"], True)
        self.stdout.write(f"Endpoint {endpoint.pk} enabled.")

    def _rotate_secret(self, company: Company, options: dict[str, Any]) -> None:
        secret = services.set_endpoint_secret(company, options["endpoint_id"], self._read_secret(options))
        self.stdout.write(
            f"New signing secret for endpoint {options['endpoint_id']} (shown only now): {secret}"
        )

    def _deliveries(self, company: Company, options: dict[str, Any]) -> None:
        rows = list(
            queries.deliveries_of(
                company, endpoint_id=options["endpoint"], status=options["status"], limit=options["limit"]
            )
        )
        if not rows:
            self.stdout.write("No deliveries match.")
            return
        for d in rows:
            answer = d.last_status_code if d.last_status_code is not None else "-"
            when = (
                f"delivered {calendar.wall_clock(company, d.delivered_at)}"
                if d.delivered_at
                else f"next {calendar.wall_clock(company, d.next_attempt_at)}"
            )
            error = f"  {d.last_error[:80]}" if d.last_error and not d.delivered_at else ""
            self.stdout.write(
                f"{d.pk:>6}  {d.status:<9}  endpoint {d.endpoint_id}  {d.event.event_type:<22} "
                f"{d.event.event_id}  attempts {d.attempts}  last {answer}  {when}{error}"
            )

    def _retry(self, company: Company, options: dict[str, Any]) -> None:
        delivery = services.retry_delivery(company, options["delivery_id"])
        self.stdout.write(f"Delivery {delivery.pk} queued: a worker sends it on its next pass.")
