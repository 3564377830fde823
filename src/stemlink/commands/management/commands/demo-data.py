"""`stemlink demo-data`: load the demo wholesaler (idempotent: a second run changes nothing)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from stemlink.demo.build import (
    ACCOUNTING_USERNAME,
    ADMIN_USERNAME,
    DEMO_PASSWORD,
    REP_USERNAME,
    WAREHOUSE_USERNAME,
    load_demo_data,
)


class Command(BaseCommand):
    help = "Load a realistic demo wholesaler: catalogue, customers (BloomNet among them), users, inventory."

    def handle(self, *args: Any, **options: Any) -> None:
        company = load_demo_data(progress=lambda line: self.stdout.write(f"  {line}"))
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {company.name}, Company ID {company.pk}."))
        self.stdout.write(
            f"  Sign in as {ADMIN_USERNAME} / {DEMO_PASSWORD} (admin)"
            f", {REP_USERNAME} / {DEMO_PASSWORD} (sales rep), {WAREHOUSE_USERNAME} / {DEMO_PASSWORD}"
            f" (warehouse) or {ACCOUNTING_USERNAME} / {DEMO_PASSWORD} (accounting)."
        )
