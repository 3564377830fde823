"""`stemlink demo-data`: load the two demo companies (idempotent: a second run changes no data).

Every demo user of both companies gets one fresh generated password on every run: from
STEMLINK_DEMO_PASSWORD when the demo launcher sets it (the launcher prints it once, with everything
else, and gives the same one to the marketplace's demo logins), else generated here and printed
once. It is never in the source nor written anywhere but the password hashes.
"""

from __future__ import annotations

import os
import secrets
from typing import Any

from django.core.management.base import BaseCommand

from stemlink.demo.build import (
    ACCOUNTING_USERNAME,
    ADMIN_USERNAME,
    REP_USERNAME,
    SECOND_COMPANY_NAME,
    SECOND_USERNAMES,
    WAREHOUSE_USERNAME,
    load_demo_data,
)
from stemlink.tenancy.models import Company

PASSWORD_VARIABLE = "STEMLINK_DEMO_PASSWORD"


class Command(BaseCommand):
    help = (
        "Load two realistic demo companies (a Miami wholesaler and a Bogotá exporter): catalogue, "
        "customers (BloomNet among them), users, inventory. The demo users' password is new on every "
        f"run: generated and printed once, or taken from {PASSWORD_VARIABLE}."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        handed = os.environ.get(PASSWORD_VARIABLE, "").strip()
        password = handed or secrets.token_urlsafe(12)
        company = load_demo_data(progress=lambda line: self.stdout.write(f"  {line}"), password=password)
        second = Company.objects.get(name=SECOND_COMPANY_NAME)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {company.name}, Company ID {company.pk} ({company.time_zone}); "
                f"{second.name}, Company ID {second.pk} ({second.time_zone})."
            )
        )
        admin, rep, warehouse, accounting = SECOND_USERNAMES
        self.stdout.write(
            f"  {company.name}: sign in as {ADMIN_USERNAME} (admin), {REP_USERNAME} (sales rep), "
            f"{WAREHOUSE_USERNAME} (warehouse) or {ACCOUNTING_USERNAME} (accounting)."
        )
        self.stdout.write(
            f"  {second.name}: sign in as {admin} (admin), {rep} (sales rep), {warehouse} (warehouse) "
            f"or {accounting} (accounting)."
        )
        if handed:
            self.stdout.write(f"  Every demo user's password: the one in {PASSWORD_VARIABLE}.")
        else:
            self.stdout.write(f"  Every demo user's password: {password} (new on every run; shown only now).")
