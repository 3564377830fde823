"""Partner endpoints, the webhook outbox, and the delivery log (ARCHITECTURE.md rule 4)."""

from __future__ import annotations

import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from stemlink.customers.models import Customer
from stemlink.integrations.rules import EVENT_TYPES, DeliveryStatus
from stemlink.tenancy.models import Company


class PartnerEndpoint(models.Model):
    """A partner's URL that receives this company's events, signed with a shared secret.

    The secret is kept encrypted (Fernet, key derived from the server's secret key): Stemlink must
    sign with it, so it has to be recoverable, but it is shown only once, when created.
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="partner_endpoints")
    # Bound to one customer (a marketplace's account): it gets that customer's events and stock
    # changes; unbound, it gets all of the company's events.
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, null=True, blank=True, related_name="partner_endpoints"
    )
    url = models.CharField(max_length=500)
    secret_encrypted = models.TextField(editable=False)
    description = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)
    # A partner that does not answer is paused as a whole (circuit breaker): one probe when the
    # pause ends instead of every waiting delivery timing out in turn, which would hold up the
    # worker for every other company's partners.
    consecutive_failures = models.PositiveIntegerField(default=0)
    paused_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_on = models.DateTimeField(auto_now_add=True)
    updated_on = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["company", "active"], name="endpoint_company_active")]

    def __str__(self) -> str:
        return f"{self.url} (#{self.pk})"


class OutboxEvent(models.Model):
    """Something that happened, written in the same transaction as the change it describes."""

    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="outbox_events")
    event_type = models.CharField(max_length=40, choices=[(t, t) for t in EVENT_TYPES])
    # Kept as a plain id: an event is history and must outlive a customer's deletion unchanged.
    customer_id = models.BigIntegerField(null=True, blank=True)
    payload = models.JSONField(encoder=DjangoJSONEncoder)
    created_on = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["company", "created_on"], name="outbox_company_created")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class Delivery(models.Model):
    """One event on its way to one endpoint, retried with backoff until the partner answers 2xx."""

    STATUS_CHOICES = [(s, s) for s in DeliveryStatus.ALL]

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(PartnerEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    # Denormalised so the delivery log filters by company without a join through the event.
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=12, choices=STATUS_CHOICES, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    consecutive_failures = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    # A worker's lease: while `claimed_until` is in the future only the holder of `claim_token`
    # may send it, so several workers share the outbox without sending one delivery twice.
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_on = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "deliveries"
        indexes = [
            # The worker's question: what is due now?
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["endpoint", "status"], name="delivery_endpoint_status"),
            models.Index(fields=["claim_token"], name="delivery_claim"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="delivery_once_per_endpoint"),
        ]

    def __str__(self) -> str:
        return f"delivery #{self.pk} ({self.status})"


class DeliveryAttempt(models.Model):
    """One HTTP attempt of a delivery: what the partner answered, or why there was no answer."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    attempted_at = models.DateTimeField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"attempt #{self.pk} of delivery #{self.delivery_id}"
