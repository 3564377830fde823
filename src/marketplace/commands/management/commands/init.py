"""`marketplace init`: the first run for scripts — create the marketplace's first operator.

The username and e-mail come from options or MARKETPLACE_INIT_USERNAME / MARKETPLACE_INIT_EMAIL.
The password never goes on the command line: MARKETPLACE_INIT_PASSWORD, else typed twice at a
terminal, else the first line of stdin.
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from marketplace.suppliers.operators import AlreadySetUp, OperatorErrors, create_first_operator

PASSWORD_ENV = "MARKETPLACE_INIT_PASSWORD"


class Command(BaseCommand):
    help = "Create the marketplace's first operator on an install with none (the first run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", help="the operator's username; or set MARKETPLACE_INIT_USERNAME")
        parser.add_argument("--email", help="the operator's e-mail (optional); or set MARKETPLACE_INIT_EMAIL")
        parser.epilog = (
            f"The password is read from {PASSWORD_ENV}, else asked twice at a terminal, else read "
            "from the first line of stdin; never from the command line."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interactive = sys.stdin.isatty()
        username = options.get("username") or os.environ.get("MARKETPLACE_INIT_USERNAME")
        if username is None and interactive:
            username = input("Operator's username: ").strip()
        if not username:
            raise CommandError(
                "Missing: --username (or MARKETPLACE_INIT_USERNAME). See `marketplace init --help`."
            )
        email = options.get("email") or os.environ.get("MARKETPLACE_INIT_EMAIL", "")
        try:
            user = create_first_operator(username=username, email=email, password=self._password(interactive))
        except AlreadySetUp as exc:
            raise CommandError(str(exc)) from None
        except OperatorErrors as exc:
            fixes = "\n".join(f"  {'--' + k if k != 'password' else k}: {v}" for k, v in exc.errors.items())
            raise CommandError(f"Nothing was created; fix these and run it again:\n{fixes}") from None
        self.stdout.write(
            f"Operator {user.get_username()} created. Start `marketplace serve`, sign in, and connect a "
            "wholesaler under Operator » Suppliers (or `marketplace connect-supplier`)."
        )

    def _password(self, interactive: bool) -> str:
        password = os.environ.get(PASSWORD_ENV)
        if password:
            return password
        if interactive:
            first = getpass.getpass("Operator's password: ")
            if first != getpass.getpass("Password again: "):
                raise CommandError("The two passwords differ; nothing was created.")
            return first
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise CommandError(f"No password: set {PASSWORD_ENV} or give it as the first line of stdin.")
        return line
