"""Webhook use cases: record events in the outbox, manage partner endpoints, hand deliveries to workers.

`record_event` runs inside the caller's transaction and never does I/O: an event and its
deliveries are committed or rolled back together with the change they describe (ARCHITECTURE.md
rule 4). The worker claims due deliveries (`claim_due_deliveries`), sends them, and reports each
answer (`record_delivery_result`).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets as pysecrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import orjson
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from safeguards import address_rules
from safeguards.http import system_resolver
from stemlink.customers.models import Customer
from stemlink.errors import FieldError, InvalidState, NotFound, ValidationFailed
from stemlink.integrations import rules, wake
from stemlink.integrations.models import Delivery, DeliveryAttempt, OutboxEvent, PartnerEndpoint
from stemlink.integrations.rules import DeliveryStatus
from stemlink.integrations.secret_box import open_secret, seal_secret
from stemlink.tenancy.models import Company

log = logging.getLogger(__name__)

_UNSET: Any = object()


# --- the outbox ----------------------------------------------------------------------------------


def record_event(company_id: int, event_type: str, data: dict, *, customer_id: int | None = None) -> None:
    """Write an event and one pending delivery per endpoint that should get it, in the caller's transaction.

    No I/O: the worker sends the deliveries after the caller commits; if the caller rolls back,
    the event disappears with its change. Raises ValueError for an event type Stemlink does not
    know (a programming error, not client input).
    """
    record_events(company_id, [(event_type, data, customer_id)])


def record_events(company_id: int, events: Sequence[tuple[str, dict, int | None]]) -> None:
    """Write several events of one company, each (type, data, customer id), as `record_event` does.

    One INSERT for the events, one read of the company's endpoints, one INSERT for the deliveries,
    whatever the number of events; the events keep their order. Raises ValueError as `record_event`.
    """
    if not events:
        return
    for event_type, _, _ in events:
        if not rules.is_known_event_type(event_type):
            raise ValueError(f"unknown event type {event_type!r}; known: {', '.join(rules.EVENT_TYPES)}")
    now = timezone.now()
    # No savepoint inside the caller's transaction (it is the caller's to roll back); called in
    # autocommit, this still keeps the events and their deliveries together.
    with transaction.atomic(savepoint=False):
        _write_events(company_id, events, now)
        # Workers learn of the rows when they commit, not at their next poll.
        wake.outbox_written()


def _write_events(company_id: int, events: Sequence[tuple[str, dict, int | None]], now: dt.datetime) -> None:
    written = [
        OutboxEvent(
            event_id=uuid.uuid4(),
            company_id=company_id,
            event_type=event_type,
            customer_id=customer_id,
            payload=data,
            created_on=now,
        )
        for event_type, data, customer_id in events
    ]
    # One event (most writes) is one save(): bulk_create's batching costs more Python for one row.
    if len(written) == 1:
        written[0].save(force_insert=True)
    else:
        OutboxEvent.objects.bulk_create(written)
    ids = [event.pk for event in written]
    # One filter and no ORDER BY to compile (this runs with every write that records an event): the
    # few inactive endpoints are dropped and the rest put in id order here.
    endpoints: list[tuple[int, int | None]] = sorted(
        (endpoint_id, customer_id)
        for endpoint_id, customer_id, active in PartnerEndpoint.objects.filter(company_id=company_id)
        .values_list("id", "customer_id", "active")
        .order_by()
        if active
    )
    if not endpoints:
        return
    deliveries = [
        Delivery(
            event_id=event_pk,
            endpoint_id=endpoint_id,
            company_id=company_id,
            next_attempt_at=now,
            created_on=now,
        )
        for event_pk, (event_type, _, customer_id) in zip(ids, events, strict=True)
        for endpoint_id in rules.recipients(event_type, customer_id, endpoints)
    ]
    if len(deliveries) == 1:
        deliveries[0].save(force_insert=True)
    elif deliveries:
        Delivery.objects.bulk_create(deliveries)


def event_body(event: OutboxEvent) -> bytes:
    """Return the JSON body a partner receives for an event (the same bytes on every retry)."""
    return orjson.dumps(
        {
            "id": str(event.event_id),
            "type": event.event_type,
            "created": event.created_on.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
            "companyId": event.company_id,
            "customerId": event.customer_id,
            "data": event.payload,
        }
    )


# --- partner endpoints ---------------------------------------------------------------------------


def _clean_url(url: str) -> str:
    allow_private = bool(settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS)
    problem = rules.url_problem(url, allow_private=allow_private)
    if problem is None:
        problem = _resolved_problem(url.strip(), allow_private)
    if problem:
        raise ValidationFailed(FieldError("url", f"The endpoint URL {problem}."))
    return url.strip()


def _resolved_problem(url: str, allow_private: bool) -> str | None:
    """Judge what the URL's host name resolves to now (the worker judges it again at every send).

    A name that does not resolve yet is accepted: the partner may not have published it; the
    worker refuses it until it resolves to an address it may call.
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    if address_rules.literal_address(host) is not None:
        return None
    try:
        addresses = system_resolver(host, parts.port or (443 if parts.scheme == "https" else 80))
    except (OSError, UnicodeError, ValueError):
        return None
    verdict = address_rules.judge_resolved(host, addresses, allow_private=allow_private)
    return None if verdict.ok else f"is refused: {verdict.reason}"


def _clean_description(description: str) -> str:
    text = (description or "").strip()
    if len(text) > 200:
        raise ValidationFailed(
            FieldError("description", "The description is too long: at most 200 characters.")
        )
    return text


def _customer_of(company: Company, customer_id: int | None) -> Customer | None:
    if customer_id is None:
        return None
    customer = Customer.objects.filter(company=company, pk=customer_id).first()
    if customer is None:
        raise ValidationFailed(
            FieldError(
                "customerId",
                f"Customer {customer_id} does not exist in {company.name}; use a Customer ID of yours.",
            )
        )
    return customer


def _secret_or_new(secret: str | None) -> str:
    if secret is None or secret == "":
        # 32 random bytes: as strong as the HMAC key can use, and easy to paste.
        return "whsec_" + pysecrets.token_urlsafe(32)
    problem = rules.secret_problem(secret)
    if problem:
        raise ValidationFailed(FieldError("secret", f"The secret {problem}."))
    return secret


def _endpoint_of(company: Company, endpoint_id: int) -> PartnerEndpoint:
    endpoint = PartnerEndpoint.objects.filter(company=company, pk=endpoint_id).first()
    if endpoint is None:
        raise NotFound(f"Partner endpoint {endpoint_id} does not exist in {company.name}.")
    return endpoint


@transaction.atomic
def add_endpoint(
    company: Company,
    *,
    url: str,
    customer_id: int | None = None,
    description: str = "",
    secret: str | None = None,
) -> tuple[PartnerEndpoint, str]:
    """Register a partner endpoint; return it and its signing secret, which is never shown again.

    Raises ValidationFailed for a URL that is not http(s), a customer of another company, a weak
    secret or a too-long description.
    """
    errors: list[FieldError] = []
    clean: dict[str, Any] = {}
    for field, check in (
        ("url", lambda: _clean_url(url)),
        ("description", lambda: _clean_description(description)),
        ("customer", lambda: _customer_of(company, customer_id)),
        ("secret", lambda: _secret_or_new(secret)),
    ):
        try:
            clean[field] = check()
        except ValidationFailed as exc:
            errors.extend(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    endpoint = PartnerEndpoint.objects.create(
        company=company,
        customer=clean["customer"],
        url=clean["url"],
        description=clean["description"],
        secret_encrypted=seal_secret(clean["secret"]),
    )
    log.info("partner endpoint #%s added for company #%s", endpoint.pk, company.pk)
    return endpoint, clean["secret"]


@transaction.atomic
def update_endpoint(
    company: Company,
    endpoint_id: int,
    *,
    url: str | None = None,
    description: str | None = None,
    customer_id: int | None = _UNSET,
) -> PartnerEndpoint:
    """Change an endpoint's URL, description or bound customer (None unbinds it).

    Raises NotFound for another company's endpoint, ValidationFailed for bad values.
    """
    endpoint = _endpoint_of(company, endpoint_id)
    errors: list[FieldError] = []
    try:
        if url is not None:
            endpoint.url = _clean_url(url)
    except ValidationFailed as exc:
        errors.extend(exc.errors)
    try:
        if description is not None:
            endpoint.description = _clean_description(description)
    except ValidationFailed as exc:
        errors.extend(exc.errors)
    try:
        if customer_id is not _UNSET:
            endpoint.customer = _customer_of(company, customer_id)
    except ValidationFailed as exc:
        errors.extend(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    endpoint.save()
    return endpoint


@transaction.atomic
def set_endpoint_secret(company: Company, endpoint_id: int, secret: str | None = None) -> str:
    """Replace an endpoint's signing secret (a generated one when none is given) and return it once.

    Deliveries still waiting are signed with the new secret. Raises NotFound, ValidationFailed.
    """
    endpoint = _endpoint_of(company, endpoint_id)
    new_secret = _secret_or_new(secret)
    endpoint.secret_encrypted = seal_secret(new_secret)
    endpoint.save(update_fields=["secret_encrypted", "updated_on"])
    log.info("partner endpoint #%s got a new secret", endpoint.pk)
    return new_secret


@transaction.atomic
def set_endpoint_active(company: Company, endpoint_id: int, active: bool) -> PartnerEndpoint:
    """Enable or disable an endpoint. Raises NotFound for another company's endpoint.

    A disabled endpoint gets no new deliveries and its waiting ones are held back; enabling it
    again resumes them.
    """
    endpoint = _endpoint_of(company, endpoint_id)
    if endpoint.active != active:
        endpoint.active = active
        fields = ["active", "updated_on"]
        if active:
            # Enabled again, presumably fixed: start afresh rather than wait out an old pause.
            endpoint.paused_until, endpoint.consecutive_failures = None, 0
            fields += ["paused_until", "consecutive_failures"]
        endpoint.save(update_fields=fields)
        log.info("partner endpoint #%s %s", endpoint.pk, "enabled" if active else "disabled")
    return endpoint


def disable_endpoint(company: Company, endpoint_id: int) -> PartnerEndpoint:
    """Disable an endpoint (see set_endpoint_active). Raises NotFound."""
    return set_endpoint_active(company, endpoint_id, False)


@transaction.atomic
def retry_delivery(company: Company, delivery_id: int, *, now: dt.datetime | None = None) -> Delivery:
    """Send a delivery again as soon as a worker is free, whatever its status (delivered ones too).

    Raises NotFound for another company's delivery, InvalidState when its endpoint is disabled or
    a worker is sending it right now.
    """
    now = now or timezone.now()
    delivery = Delivery.objects.select_related("endpoint").filter(company=company, pk=delivery_id).first()
    if delivery is None:
        raise NotFound(f"Delivery {delivery_id} does not exist in {company.name}.")
    if not delivery.endpoint.active:
        raise InvalidState(
            f"Endpoint #{delivery.endpoint_id} is disabled; enable it before retrying its deliveries."
        )
    not_in_flight = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    changed = Delivery.objects.filter(not_in_flight, pk=delivery.pk).update(
        status=DeliveryStatus.PENDING if delivery.status == DeliveryStatus.DELIVERED else delivery.status,
        next_attempt_at=now,
        delivered_at=None,
    )
    if changed != 1:
        raise InvalidState(f"Delivery {delivery_id} is being sent right now; look again in a few seconds.")
    # Someone asking for a retry believes the partner is back: end its pause so the retry goes now.
    PartnerEndpoint.objects.filter(pk=delivery.endpoint_id, paused_until__isnull=False).update(
        paused_until=None
    )
    delivery.refresh_from_db()
    log.info("delivery #%s queued for a manual retry", delivery.pk)
    return delivery


# --- the worker's side ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OutgoingWebhook:
    """One signed HTTP request, ready to send. Its repr hides the headers (they carry the signature)."""

    delivery_id: int
    claim_token: uuid.UUID
    endpoint_id: int
    url: str
    body: bytes
    headers: dict[str, str]
    event_id: str
    event_type: str

    def __repr__(self) -> str:
        return f"OutgoingWebhook(delivery={self.delivery_id}, event={self.event_type} {self.event_id})"


def _due(now: dt.datetime) -> Q:
    return Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILING], next_attempt_at__lte=now) & (
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )


def _endpoint_ready(now: dt.datetime) -> Q:
    return Q(endpoint__active=True) & (
        Q(endpoint__paused_until__isnull=True) | Q(endpoint__paused_until__lte=now)
    )


def claim_due_deliveries(
    *, limit: int, lease_seconds: float, now: dt.datetime | None = None
) -> list[OutgoingWebhook]:
    """Claim up to `limit` due deliveries for this worker and return them signed, ready to send.

    A claim is a lease: other workers skip the deliveries until it runs out. On PostgreSQL the
    candidates are locked with FOR UPDATE SKIP LOCKED, so concurrent workers take different rows
    without waiting; on SQLite the claim is a conditional UPDATE inside an IMMEDIATE transaction.
    Either way, the row count decides, and a delivery is never claimed twice at once.
    """
    now = now or timezone.now()
    token = uuid.uuid4()
    lease_until = now + dt.timedelta(seconds=lease_seconds)
    due = Delivery.objects.filter(_due(now), _endpoint_ready(now))
    # A plain read first: on SQLite every claim transaction takes the database's write lock, and
    # an idle worker polling every second should not compete with sales for it.
    if not due.exists():
        return []
    with transaction.atomic():
        candidates = due.order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True, of=("self",))
        ids = list(candidates.values_list("id", flat=True)[:limit])
        if not ids:
            return []
        # The due conditions again: on SQLite this is what makes the claim safe.
        Delivery.objects.filter(_due(now), id__in=ids).update(claimed_until=lease_until, claim_token=token)
    claimed = list(
        Delivery.objects.filter(claim_token=token).select_related("event", "endpoint").order_by("id")
    )
    outgoing: list[OutgoingWebhook] = []
    for delivery in claimed:
        try:
            outgoing.append(_signed_request(delivery, token))
        except Exception as exc:  # an unreadable secret must not stop the other deliveries
            log.warning("delivery #%s cannot be signed: %s", delivery.pk, exc)
            record_delivery_result(
                delivery.pk, token, status_code=None, error=f"not sent: {exc}", duration_ms=0
            )
    return outgoing


def _signed_request(delivery: Delivery, token: uuid.UUID) -> OutgoingWebhook:
    event = delivery.event
    body = event_body(event)
    event_id = str(event.event_id)
    headers = rules.webhook_headers(
        secret=open_secret(delivery.endpoint.secret_encrypted),
        timestamp=int(timezone.now().timestamp()),
        body=body,
        event_id=event_id,
        event_type=event.event_type,
    )
    return OutgoingWebhook(
        delivery_id=delivery.pk,
        claim_token=token,
        endpoint_id=delivery.endpoint_id,
        url=delivery.endpoint.url,
        body=body,
        headers=headers,
        event_id=event_id,
        event_type=event.event_type,
    )


def record_delivery_result(
    delivery_id: int,
    claim_token: uuid.UUID,
    *,
    status_code: int | None,
    error: str = "",
    duration_ms: int = 0,
    jitter_draw: float | None = None,
    now: dt.datetime | None = None,
) -> bool:
    """Log one attempt and schedule what comes next: delivered on 2xx, else a retry with backoff.

    Returns False when this worker's lease was lost (another worker claimed the delivery after it
    ran out); the attempt is logged all the same, but the delivery's state is left to the holder.
    """
    now = now or timezone.now()
    draw = pysecrets.SystemRandom().random() if jitter_draw is None else jitter_draw
    with transaction.atomic():
        delivery = Delivery.objects.filter(pk=delivery_id).first()
        if delivery is None:
            return False
        DeliveryAttempt.objects.create(
            delivery=delivery,
            attempted_at=now,
            status_code=status_code,
            error=error[:500],
            duration_ms=max(0, int(duration_ms)),
        )
        outcome = rules.after_attempt(status_code, delivery.consecutive_failures, draw)
        changes: dict[str, Any] = {
            "status": outcome.status,
            "consecutive_failures": outcome.consecutive_failures,
            "attempts": F("attempts") + 1,
            "last_attempt_at": now,
            "last_status_code": status_code,
            "last_error": error[:500],
            "claimed_until": None,
            "claim_token": None,
        }
        if outcome.retry_in_seconds is None:
            changes["delivered_at"] = now
        else:
            changes["next_attempt_at"] = now + dt.timedelta(seconds=outcome.retry_in_seconds * _scale())
        updated = Delivery.objects.filter(pk=delivery_id, claim_token=claim_token).update(**changes)
        _note_endpoint_health(delivery.endpoint_id, outcome, error, now, draw)
    if updated != 1:
        log.warning("delivery #%s: lease lost before the answer was recorded", delivery_id)
        return False
    return True


def _scale() -> float:
    # WEBHOOK_BACKOFF_SCALE: 1 in production; the fault tests shrink a ten-minute outage's waits.
    return float(getattr(settings, "WEBHOOK_BACKOFF_SCALE", 1.0))


def _note_endpoint_health(
    endpoint_id: int, outcome: rules.AttemptOutcome, error: str, now: dt.datetime, draw: float
) -> None:
    if outcome.retry_in_seconds is None:
        # Only a write when there is something to reset: a healthy partner costs nothing here.
        PartnerEndpoint.objects.filter(pk=endpoint_id, consecutive_failures__gt=0).update(
            consecutive_failures=0, paused_until=None, last_error=""
        )
        return
    # Increment in the database first: two workers failing on the same partner both count, and
    # the row stays locked (PostgreSQL) until this transaction ends.
    if not PartnerEndpoint.objects.filter(pk=endpoint_id).update(
        consecutive_failures=F("consecutive_failures") + 1, last_error=error[:500]
    ):
        return
    failures = PartnerEndpoint.objects.values_list("consecutive_failures", flat=True).get(pk=endpoint_id)
    PartnerEndpoint.objects.filter(pk=endpoint_id).update(
        paused_until=now + dt.timedelta(seconds=rules.backoff_seconds(failures, draw) * _scale())
    )


def release_delivery(delivery_id: int, claim_token: uuid.UUID) -> bool:
    """Give back one claimed delivery without an attempt; return whether this worker still held it."""
    released = Delivery.objects.filter(pk=delivery_id, claim_token=claim_token).update(
        claimed_until=None, claim_token=None
    )
    return released == 1


def release_claims(claim_tokens: list[uuid.UUID]) -> int:
    """Give back claimed deliveries not sent (a worker stopping); return how many were released."""
    if not claim_tokens:
        return 0
    return Delivery.objects.filter(claim_token__in=claim_tokens).update(claimed_until=None, claim_token=None)


def prune_outbox(
    *, older_than_days: float | None = None, batch: int = 5000, now: dt.datetime | None = None
) -> int:
    """Delete old events whose every delivery is done (or that had none); return how many went.

    An event still waiting for any endpoint is never deleted, however old: nothing is lost.
    Keeps `settings.WEBHOOK_RETENTION_DAYS` (30 by default) of history for the delivery log.
    """
    days = float(
        getattr(settings, "WEBHOOK_RETENTION_DAYS", 30) if older_than_days is None else older_than_days
    )
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    undelivered = Delivery.objects.filter(event_id=OuterRef("pk")).exclude(status=DeliveryStatus.DELIVERED)
    ids = list(
        OutboxEvent.objects.filter(created_on__lt=cutoff)
        .exclude(Exists(undelivered))
        .order_by("id")
        .values_list("id", flat=True)[:batch]
    )
    if not ids:
        return 0
    with transaction.atomic():
        # Re-checked inside the transaction: a manual retry may have reopened one meanwhile.
        deleted = (
            OutboxEvent.objects.filter(id__in=ids)
            .exclude(Exists(undelivered))
            .delete()[1]
            .get(OutboxEvent._meta.label, 0)
        )
    return deleted
