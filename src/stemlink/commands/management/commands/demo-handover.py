"""`stemlink demo-handover`: hand a demo company's BloomNet credentials to the demo marketplace.

What the integration guide has a wholesaler do by hand — a Company token and a Customer token with
the BloomNet whitelists, the Company ID and the Customer ID — done for the demo launcher. Tokens
are kept only as digests, so each run gives the two tokens fresh secrets and prints them once, as
JSON on standard output, for the launcher to pass straight on. It never writes them anywhere.

With `--webhook-url` (the secret read from the DEMO_WEBHOOK_SECRET variable) it also registers, or
updates, the marketplace's webhook endpoint for the BloomNet customer.

`--company` names which demo company (the Miami wholesaler by default, or the Bogotá one); it only
ever touches the demo companies, never a company of a real install.
"""

from __future__ import annotations

import json
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from stemlink.api import services as tokens
from stemlink.api.models import ApiToken
from stemlink.api.presets import BLOOMNET_METHODS
from stemlink.customers.models import Customer
from stemlink.demo.build import COMPANY_NAME, DEMO_COMPANIES
from stemlink.errors import StemlinkError
from stemlink.integrations import services as webhooks
from stemlink.integrations.models import PartnerEndpoint
from stemlink.tenancy.models import Company

COMPANY_TOKEN_DESCRIPTION = "BloomNet company token (demo)"
CUSTOMER_TOKEN_DESCRIPTION = "BloomNet customer token (demo)"


class Command(BaseCommand):
    help = "Make the demo's BloomNet tokens (fresh secrets each run) and print the handover as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--webhook-url", default="", help="BloomNet's webhook URL")
        parser.add_argument("--skip-tokens", action="store_true", help="leave the tokens as they are")
        parser.add_argument(
            "--company",
            default=COMPANY_NAME,
            help="which demo company: " + " or ".join(f'"{spec.name}"' for spec in DEMO_COMPANIES),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        names = [spec.name for spec in DEMO_COMPANIES]
        if options["company"] not in names:
            raise CommandError(
                f"{options['company']!r} is not a demo company; use one of: "
                + ", ".join(repr(name) for name in names)
                + "."
            )
        company = Company.objects.filter(name=options["company"]).first()
        if company is None:
            raise CommandError("No demo company: run `stemlink demo-data` first.")
        customer = Customer.objects.filter(company=company, code="BLOOMNET").first()
        if customer is None:
            raise CommandError("The demo company has no BloomNet customer: run `stemlink demo-data` again.")
        try:
            with transaction.atomic():
                company_token = customer_token = None
                if not options["skip_tokens"]:
                    company_token = self._token(company, "company", COMPANY_TOKEN_DESCRIPTION, None)
                    customer_token = self._token(company, "customer", CUSTOMER_TOKEN_DESCRIPTION, customer)
                if options["webhook_url"]:
                    self._endpoint(company, customer, options["webhook_url"])
        except StemlinkError as exc:
            raise CommandError(exc.message) from None
        handover = {
            "companyId": company.pk,
            "companyName": company.name,
            "timeZone": company.time_zone,
            "customerId": customer.pk,
            "carrierId": customer.default_carrier_id,
            "locationId": company.locations.order_by("id").values_list("id", flat=True).first(),
            "companyToken": company_token,
            "customerToken": customer_token,
        }
        self.stdout.write(json.dumps(handover))

    def _token(self, company: Company, token_type: str, description: str, customer: Customer | None) -> str:
        live = ApiToken.objects.filter(company=company, token_type=token_type, revoked_on__isnull=True)
        # A customer has one live token at most, whatever its description says.
        existing = (
            live.filter(customer=customer) if customer else live.filter(description=description)
        ).first()
        if existing is not None:
            _, raw = tokens.regenerate_token(existing)
            return raw
        _, raw = tokens.create_token(
            company,
            token_type=token_type,
            description=description,
            methods=list(BLOOMNET_METHODS[token_type]),
            customer=customer,
            transactional=token_type == "customer",
        )
        return raw

    def _endpoint(self, company: Company, customer: Customer, url: str) -> None:
        secret = os.environ.get("DEMO_WEBHOOK_SECRET") or None
        endpoint = PartnerEndpoint.objects.filter(company=company, customer=customer, url=url).first()
        if endpoint is None:
            webhooks.add_endpoint(
                company, url=url, customer_id=customer.pk, description="Demo marketplace", secret=secret
            )
        else:
            webhooks.set_endpoint_active(company, endpoint.pk, True)
            webhooks.set_endpoint_secret(company, endpoint.pk, secret)
