"""`stemlink init`: the first run for scripts — create the company and its first administrator.

Values come from options or the environment (STEMLINK_INIT_*); a person at a terminal is asked
for what is missing. The password never goes on the command line: it is read from
STEMLINK_INIT_ADMIN_PASSWORD, else typed twice at the terminal, else the first line of stdin.
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from stemlink.catalog.services import add_standard_box_types
from stemlink.errors import ValidationFailed
from stemlink.tenancy.firstrun import AlreadySetUp, start_company

# (service field, option, environment variable, question, default)
FIELDS = (
    ("name", "--name", "STEMLINK_INIT_NAME", "Company name", None),
    ("address", "--address", "STEMLINK_INIT_ADDRESS", "Address (one line)", None),
    ("time_zone", "--time-zone", "STEMLINK_INIT_TIME_ZONE", "Time zone (IANA, e.g. America/New_York)", None),
    ("currency", "--currency", "STEMLINK_INIT_CURRENCY", "Currency (ISO 4217)", "USD"),
    ("location_name", "--location-name", "STEMLINK_INIT_LOCATION_NAME", "First location", None),
    ("location_code", "--location-code", "STEMLINK_INIT_LOCATION_CODE", "Location code", ""),
    ("transaction_fee_percent", "--fee", "STEMLINK_INIT_FEE_PERCENT", "Transaction fee rate (%)", "1.50"),
    ("admin_username", "--admin-username", "STEMLINK_INIT_ADMIN_USERNAME", "Administrator's username", None),
    ("admin_email", "--admin-email", "STEMLINK_INIT_ADMIN_EMAIL", "Administrator's e-mail", ""),
)
PASSWORD_ENV = "STEMLINK_INIT_ADMIN_PASSWORD"
OPTION_OF = {field: option for field, option, *_ in FIELDS} | {"admin_password": "password"}


class Command(BaseCommand):
    help = "Create the company and its first administrator on an install with no company (the first run)."

    def add_arguments(self, parser: CommandParser) -> None:
        for field, option, env, question, default in FIELDS:
            shown = f" (default {default})" if default else ""
            text = f"{question}{shown}; or set {env}".replace("%", "%%")
            parser.add_argument(option, dest=field, help=text)
        parser.epilog = (
            f"The administrator's password is read from {PASSWORD_ENV}, else asked twice at a "
            "terminal, else read from the first line of stdin; never from the command line."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interactive = sys.stdin.isatty()
        values: dict[str, Any] = {}
        missing: list[str] = []
        for field, option, env, question, default in FIELDS:
            value = options.get(field) or os.environ.get(env)
            if value is None and interactive and default is None:
                value = input(f"{question}: ").strip()
            if value is None:
                value = default
            if value is None:
                missing.append(f"{option} (or {env})")
            values[field] = value or ""
        if missing:
            raise CommandError("Missing: " + ", ".join(missing) + ". See `stemlink init --help`.")
        values["admin_password"] = self._password(interactive)
        try:
            with transaction.atomic():
                result = start_company(**values)
                add_standard_box_types(result.company)
        except AlreadySetUp as exc:
            raise CommandError(exc.message) from None
        except ValidationFailed as exc:
            lines = [f"  {OPTION_OF.get(e.field, e.field)}: {e.message}" for e in exc.errors]
            fixes = "\n".join(lines)
            raise CommandError(f"Nothing was created; fix these and run it again:\n{fixes}") from None
        company, location = result.company, result.location
        self.stdout.write(
            f"Created {company.name}: Company ID {company.pk} (API clients send it as X-ACCOUNT)."
        )
        self.stdout.write(
            f"First location {location.code} (Location ID {location.pk}); box types FB, HB, QB."
        )
        self.stdout.write(f"Administrator: {result.admin.get_username()}. Start `stemlink serve`, sign in.")

    def _password(self, interactive: bool) -> str:
        password = os.environ.get(PASSWORD_ENV)
        if password:
            return password
        if interactive:
            first = getpass.getpass("Administrator's password: ")
            if first != getpass.getpass("Password again: "):
                raise CommandError("The two passwords differ; nothing was created.")
            return first
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise CommandError(f"No password: set {PASSWORD_ENV} or give it as the first line of stdin.")
        return line
