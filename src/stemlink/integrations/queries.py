"""Read side of integrations: endpoints and the delivery log, always filtered by company."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from stemlink.errors import FieldError, NotFound, ValidationFailed
from stemlink.integrations.models import Delivery, DeliveryAttempt, PartnerEndpoint
from stemlink.integrations.rules import DeliveryStatus
from stemlink.tenancy.models import Company


@dataclass(frozen=True)
class EndpointSummary:
    """An endpoint as shown in lists: never its secret, with counts of its deliveries."""

    id: int
    url: str
    description: str
    customer_id: int | None
    customer_name: str
    active: bool
    pending: int
    failing: int
    delivered: int
    # The partner's health: failures in a row across its deliveries, and the pause they earned.
    consecutive_failures: int = 0
    paused_until: dt.datetime | None = None
    last_error: str = ""


def endpoints_of(company: Company) -> list[EndpointSummary]:
    """Return the company's endpoints with how many deliveries each has pending, failing, delivered."""
    rows = (
        PartnerEndpoint.objects.filter(company=company)
        .select_related("customer")
        .annotate(
            n_pending=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING)),
            n_failing=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILING)),
            n_delivered=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.DELIVERED)),
        )
        .order_by("id")
    )
    return [
        EndpointSummary(
            id=e.pk,
            url=e.url,
            description=e.description,
            customer_id=e.customer_id,
            customer_name=e.customer.name if e.customer else "",
            active=e.active,
            pending=e.n_pending,
            failing=e.n_failing,
            delivered=e.n_delivered,
            consecutive_failures=e.consecutive_failures,
            paused_until=e.paused_until,
            last_error=e.last_error,
        )
        for e in rows
    ]


def deliveries_of(
    company: Company,
    *,
    endpoint_id: int | None = None,
    status: str | None = None,
    limit: int = 100,
) -> QuerySet[Delivery]:
    """Return the company's deliveries, newest first, optionally of one endpoint or one status.

    Raises ValidationFailed for an unknown status, NotFound for another company's endpoint.
    """
    if status is not None and status not in DeliveryStatus.ALL:
        raise ValidationFailed(
            FieldError(
                "status", f"Unknown delivery status {status!r}; use one of {', '.join(DeliveryStatus.ALL)}."
            )
        )
    qs = Delivery.objects.filter(company=company).select_related("event", "endpoint")
    if endpoint_id is not None:
        if not PartnerEndpoint.objects.filter(company=company, pk=endpoint_id).exists():
            raise NotFound(f"Partner endpoint {endpoint_id} does not exist in {company.name}.")
        qs = qs.filter(endpoint_id=endpoint_id)
    if status is not None:
        qs = qs.filter(status=status)
    return qs.order_by("-id")[: max(1, min(limit, 1000))]


def attempts_of(company: Company, delivery_id: int) -> list[DeliveryAttempt]:
    """Return every attempt of one delivery, oldest first. Raises NotFound for another company's."""
    if not Delivery.objects.filter(company=company, pk=delivery_id).exists():
        raise NotFound(f"Delivery {delivery_id} does not exist in {company.name}.")
    return list(DeliveryAttempt.objects.filter(delivery_id=delivery_id).order_by("id"))
