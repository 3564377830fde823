"""`stemlink tokens`: make, list, disable and revoke API tokens.

    stemlink tokens create --company 1 --type customer --customer 5 \\
        --methods boxtype.list,carrier.list --description "BloomNet" [--transactional]
    stemlink tokens list --company 1
    stemlink tokens revoke TOKEN_ID
    stemlink tokens disable|enable|regenerate TOKEN_ID
    stemlink tokens methods --type customer

A token is printed once, when made or regenerated: only its digest is kept, so it cannot be shown
again.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stemlink.api import services
from stemlink.api.models import ApiToken
from stemlink.catalog.models import Vendor
from stemlink.customers.models import Customer
from stemlink.errors import StemlinkError, ValidationFailed
from stemlink.tenancy import calendar
from stemlink.tenancy.models import Company

TYPES = ("company", "customer", "vendor")


class Command(BaseCommand):
    help = "Create, list, disable, regenerate and revoke API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = sub.add_parser("create", help="make a token (printed once)")
        create.add_argument("--company", type=int, required=True, help="Company ID")
        create.add_argument("--type", choices=TYPES, required=True, dest="token_type")
        create.add_argument("--customer", type=int, default=None, help="Customer ID (customer tokens)")
        create.add_argument("--vendor", type=int, default=None, help="Vendor ID (vendor tokens)")
        create.add_argument(
            "--methods",
            required=True,
            help="comma-separated method names, or 'all' for every method of the type",
        )
        create.add_argument("--description", default="", help="who uses it, e.g. BloomNet")
        create.add_argument("--transactional", action="store_true", help="switch on Transactional API Access")

        listing = sub.add_parser("list", help="list a company's tokens")
        listing.add_argument("--company", type=int, required=True, help="Company ID")
        listing.add_argument("--all", action="store_true", help="include revoked tokens")

        for name, text in (
            ("revoke", "revoke a token for good"),
            ("disable", "switch a token off"),
            ("enable", "switch a token back on"),
            ("regenerate", "give a token a new secret (printed once); the old one stops working"),
        ):
            p = sub.add_parser(name, help=text)
            p.add_argument("token_id", type=int)
            p.add_argument("--company", type=int, default=None, help="Company ID (a check, optional)")

        methods = sub.add_parser("methods", help="list the methods a token type may call")
        methods.add_argument("--type", choices=(*TYPES, "user"), required=True, dest="token_type")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"])(options)
        except ValidationFailed as error:
            raise CommandError(
                "; ".join(f"--{e.field}: {e.message}" if e.field else e.message for e in error.errors)
            ) from None
        except StemlinkError as error:
            raise CommandError(error.message) from None

    def _company(self, company_id: int) -> Company:
        company = Company.objects.filter(pk=company_id).first()
        if company is None:
            raise CommandError(f"There is no company {company_id}; `stemlink companies` lists them.")
        return company

    def _token(self, options: dict[str, Any]) -> ApiToken:
        tokens = ApiToken.objects.filter(pk=options["token_id"])
        if options.get("company") is not None:
            tokens = tokens.filter(company_id=options["company"])
        token = tokens.first()
        if token is None:
            raise CommandError(f"There is no token {options['token_id']}; `stemlink tokens list` shows them.")
        return token

    def _create(self, options: dict[str, Any]) -> None:
        company = self._company(options["company"])
        customer = vendor = None
        if options["customer"] is not None:
            customer = Customer.objects.filter(pk=options["customer"], company=company).first()
            if customer is None:
                raise CommandError(f"{company.name} has no customer {options['customer']}.")
        if options["vendor"] is not None:
            vendor = Vendor.objects.filter(pk=options["vendor"], company=company).first()
            if vendor is None:
                raise CommandError(f"{company.name} has no vendor {options['vendor']}.")
        token, raw = services.create_token(
            company,
            token_type=options["token_type"],
            description=options["description"],
            methods=options["methods"],
            customer=customer,
            vendor=vendor,
            transactional=options["transactional"],
        )
        self.stdout.write(f"Token {token.pk} ({token.get_token_type_display()}) for {company.name}:")
        self.stdout.write(raw)
        self.stdout.write(
            "Copy it now: it is not shown again. Clients also send X-ACCOUNT: " + str(company.pk)
        )

    def _list(self, options: dict[str, Any]) -> None:
        company = self._company(options["company"])
        tokens = services.tokens_of(company)
        if not options["all"]:
            tokens = tokens.filter(revoked_on__isnull=True)
        rows = []
        for t in tokens:
            bound = t.customer or t.vendor or t.user or ""
            state = "revoked" if t.revoked_on else ("enabled" if t.enabled else "disabled")
            last = (
                f"{calendar.wall_clock(company, t.last_used_on, seconds=False)} from {t.last_used_ip}"
                if t.last_used_on
                else "never"
            )
            rows.append(
                (
                    str(t.pk),
                    t.prefix + "…",
                    t.token_type,
                    str(bound),
                    t.description,
                    str(len(t.methods or [])),
                    "yes" if t.transactional else "no",
                    state,
                    last,
                )
            )
        if not rows:
            self.stdout.write(f"{company.name} has no tokens.")
            return
        header = (
            "ID",
            "Token",
            "Type",
            "Bound to",
            "Description",
            "Methods",
            "Transactional",
            "State",
            "Last used",
        )
        widths = [max(len(header[i]), *(len(r[i]) for r in rows)) for i in range(len(header))]
        self.stdout.write("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
        for row in rows:
            self.stdout.write("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))

    def _revoke(self, options: dict[str, Any]) -> None:
        token = services.revoke_token(self._token(options))
        self.stdout.write(f"Token {token.pk} ({token.prefix}…) is revoked.")

    def _disable(self, options: dict[str, Any]) -> None:
        token = services.set_token_enabled(self._token(options), False)
        self.stdout.write(f"Token {token.pk} ({token.prefix}…) is disabled.")

    def _enable(self, options: dict[str, Any]) -> None:
        token = services.set_token_enabled(self._token(options), True)
        self.stdout.write(f"Token {token.pk} ({token.prefix}…) is enabled.")

    def _regenerate(self, options: dict[str, Any]) -> None:
        token = self._token(options)
        if token.revoked_on is not None:
            raise CommandError("A revoked token cannot be regenerated; create a new one.")
        token, raw = services.regenerate_token(token)
        self.stdout.write(f"New secret of token {token.pk}; the old one no longer works:")
        self.stdout.write(raw)

    def _methods(self, options: dict[str, Any]) -> None:
        for name in services.methods_for_type(options["token_type"]):
            self.stdout.write(name)
