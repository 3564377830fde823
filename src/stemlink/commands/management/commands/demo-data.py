"""`stemlink demo-data`: load the two demo companies (idempotent: a second run changes no data).

The Miami wholesaler's users sign in with the documented demo password. The Bogotá company's users
get a fresh generated password on every run: from STEMLINK_DEMO_SECOND_PASSWORD when the demo
launcher sets it (the launcher prints it once, with everything else), else generated here and
printed once. It is never in the source nor written anywhere but the password hashes.
"""

from __future__ import annotations

import os
import secrets
from typing import Any

from django.core.management.base import BaseCommand

from stemlink.demo.build import (
    ACCOUNTING_USERNAME,
    ADMIN_USERNAME,
    DEMO_PASSWORD,
    REP_USERNAME,
    SECOND_COMPANY_NAME,
    SECOND_USERNAMES,
    WAREHOUSE_USERNAME,
    load_demo_data,
)
from stemlink.tenancy.models import Company

SECOND_PASSWORD_VARIABLE = "STEMLINK_DEMO_SECOND_PASSWORD"


class Command(BaseCommand):
    help = (
        "Load two realistic demo companies (a Miami wholesaler and a Bogotá exporter): catalogue, "
        "customers (BloomNet among them), users, inventory."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        handed = os.environ.get(SECOND_PASSWORD_VARIABLE, "").strip()
        second_password = handed or secrets.token_urlsafe(12)
        company = load_demo_data(
            progress=lambda line: self.stdout.write(f"  {line}"), second_password=second_password
        )
        second = Company.objects.get(name=SECOND_COMPANY_NAME)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {company.name}, Company ID {company.pk} ({company.time_zone}); "
                f"{second.name}, Company ID {second.pk} ({second.time_zone})."
            )
        )
        self.stdout.write(
            f"  {company.name}: sign in as {ADMIN_USERNAME} / {DEMO_PASSWORD} (admin)"
            f", {REP_USERNAME} / {DEMO_PASSWORD} (sales rep), {WAREHOUSE_USERNAME} / {DEMO_PASSWORD}"
            f" (warehouse) or {ACCOUNTING_USERNAME} / {DEMO_PASSWORD} (accounting)."
        )
        admin, rep, warehouse, accounting = SECOND_USERNAMES
        shown = f"the password in {SECOND_PASSWORD_VARIABLE}" if handed else second_password
        self.stdout.write(
            f"  {second.name}: sign in as {admin} (admin), {rep} (sales rep), {warehouse} (warehouse) "
            f"or {accounting} (accounting), each with {shown}"
            + ("" if handed else " (new on every run; shown only now)")
            + "."
        )
