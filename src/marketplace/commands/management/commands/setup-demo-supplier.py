"""`marketplace setup-demo-supplier`: connect the demo wholesaler and make the demo accounts.

Takes the same options as `connect-supplier`, plus an operator login and a florist login, so the
demo starts with everything connected and nothing configured by hand. Safe to run again.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandParser
from django.db import transaction

from marketplace.shop.models import Florist

_connect = importlib.import_module("marketplace.commands.management.commands.connect-supplier")


class Command(_connect.Command):  # type: ignore[name-defined]
    help = "Connect the demo wholesaler and create the demo operator and florist accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--operator-username", default="operator")
        # The launcher hands the demo password over in the environment, never on a command line.
        demo_password = os.environ.get("MARKETPLACE_DEMO_PASSWORD", "")
        parser.add_argument(
            "--operator-password",
            default=demo_password,
            help="no operator account when empty (MARKETPLACE_DEMO_PASSWORD)",
        )
        parser.add_argument("--florist-email", default="florist@example.com")
        parser.add_argument(
            "--florist-password",
            default=demo_password,
            help="no demo florist when empty (MARKETPLACE_DEMO_PASSWORD)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        super().handle(*args, **options)
        with transaction.atomic():
            if options["operator_password"]:
                self._operator(options["operator_username"], options["operator_password"])
            if options["florist_password"]:
                self._florist(options["florist_email"], options["florist_password"])

    def _operator(self, username: str, password: str) -> None:
        user, _ = get_user_model().objects.get_or_create(username=username, defaults={"email": ""})
        user.is_staff = True
        user.set_password(password)
        user.save()
        self.stdout.write(f"Operator login: {username}")

    def _florist(self, email: str, password: str) -> None:
        email = email.strip().lower()
        user, _ = get_user_model().objects.get_or_create(username=email, defaults={"email": email})
        user.set_password(password)
        user.save()
        Florist.objects.get_or_create(
            user=user,
            defaults={
                "shop_name": "Daisy Lane Florist",
                "address": "12 Main Street",
                "city": "Springfield",
                "state": "IL",
                "zipcode": "62701",
                "phone": "217-555-0100",
            },
        )
        self.stdout.write(f"Florist login: {email}")
