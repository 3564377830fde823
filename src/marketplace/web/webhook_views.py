"""The webhook receiver: a wholesaler's signed event makes the worker poll that supplier's changes."""

from __future__ import annotations

import json
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from marketplace.shop.models import SupplierOrder
from marketplace.suppliers import rules
from marketplace.suppliers.models import Supplier
from marketplace.suppliers.services import request_sync
from marketplace.suppliers.vault import SecretUnreadable
from marketplace.sync.models import EVENT_ID_MAX_LENGTH, ReceivedWebhook


@csrf_exempt
@require_POST
def receive_webhook(request: HttpRequest, supplier_id: int) -> JsonResponse:
    """Verify `X-Stemlink-Signature` and queue a delta sync; the event body itself is not trusted for data."""
    supplier = Supplier.objects.filter(pk=supplier_id).first()
    if supplier is None:
        return JsonResponse({"received": False, "message": "unknown supplier"}, status=404)
    try:
        secret = supplier.webhook_secret
    except SecretUnreadable:
        secret = ""
    if not secret:
        return JsonResponse({"received": False, "message": "no webhook secret configured"}, status=403)
    problem = rules.verify_webhook_signature(
        request.headers.get("X-Stemlink-Signature", ""),
        secret,
        request.body,
        int(time.time()),
        tolerance_seconds=settings.WEBHOOK_TOLERANCE_SECONDS,
    )
    if problem:
        return JsonResponse({"received": False, "message": problem}, status=401)
    try:
        event = json.loads(request.body or b"{}")
        event_type = str(event.get("type") or "")
        body_id = str(event.get("id") or "")
    except (ValueError, AttributeError):
        event_type = body_id = ""
    event_id = (request.headers.get("X-Stemlink-Event-Id", "") or body_id).strip()
    if len(event_id) > EVENT_ID_MAX_LENGTH:
        message = f"X-Stemlink-Event-Id is longer than {EVENT_ID_MAX_LENGTH} characters"
        return JsonResponse({"received": False, "message": message}, status=400)
    with transaction.atomic():
        # The event's id is remembered in the transaction that acts on it: a redelivery (the sender
        # retries with the same id) is answered 2xx and not acted on again; two racing deliveries
        # meet at the unique constraint, and the second waits for the first, then finds it.
        if event_id:
            try:
                with transaction.atomic():
                    ReceivedWebhook.objects.create(
                        supplier=supplier, event_id=event_id, received_at=timezone.now()
                    )
            except IntegrityError:
                return JsonResponse({"received": True, "duplicate": True})
        if event_type.startswith("invoice."):
            # A rep confirmed or voided an order: the next look at the order history asks again.
            SupplierOrder.objects.filter(supplier=supplier).update(status_checked_at=None)
        elif supplier.active:
            # The event only says "something changed": a delta poll reads what, with the usual checks.
            request_sync(supplier, full=False)
    return JsonResponse({"received": True})


def health(request: HttpRequest) -> JsonResponse:
    """Say the marketplace is up and its database answers (for launchers and load balancers)."""
    return JsonResponse({"ok": True, "suppliers": Supplier.objects.filter(active=True).count()})
