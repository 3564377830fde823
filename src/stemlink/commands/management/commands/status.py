"""`stemlink status`: is the worker alive, and how much webhook work is waiting."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from stemlink.integrations.models import Delivery
from stemlink.integrations.rules import DeliveryStatus
from stemlink.worker.heartbeat import worker_status


class Command(BaseCommand):
    help = (
        "Say whether a worker is running (from the heartbeat each worker writes) and how many webhook "
        "deliveries are waiting. Exits 0 when a worker was heard from in the last minute "
        "(WORKER_SILENT_SECONDS), 1 when it has been silent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        status = worker_status(now)
        waiting = Delivery.objects.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILING])
        due = waiting.filter(next_attempt_at__lte=now).count()
        failing = waiting.filter(status=DeliveryStatus.FAILING).count()
        self.stdout.write(f"worker: {'SILENT' if status.silent else 'running'}")
        self.stdout.write(status.describe())
        self.stdout.write(f"webhook deliveries waiting: {waiting.count()} ({due} due now, {failing} failing)")
        if status.silent:
            raise SystemExit(1)
