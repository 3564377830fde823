"""Pure decisions for webhooks: which events exist, who gets them, signing, and retry backoff.

No Django and no I/O here, so these rules are unit-tested by the hundred and a partner can read
exactly how a delivery is signed.

Signing scheme (what a partner implements to verify a webhook; see docs/webhooks.md)
--------------------------------------------------------------------------------------
Every delivery is an HTTP POST with a JSON body and these headers:

    Content-Type: application/json
    X-Stemlink-Event-Id: <uuid of the event; the same on every retry of it>
    X-Stemlink-Event-Type: <inventory.changed | web_order.checked_out | invoice.confirmed | invoice.voided>
    X-Stemlink-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>

The `v1` value is ``hex(HMAC_SHA256(key=secret_utf8, msg=f"{t}.".encode() + raw_body_bytes))``:
the timestamp, a dot, then the body exactly as received (do not re-serialise the JSON). A
receiver recomputes it with the endpoint's secret, compares in constant time, and refuses a
timestamp further than a few minutes from its clock (replay protection). Several `v1=` entries
may appear (e.g. during a secret rotation); any one matching is enough.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from safeguards import address_rules

INVENTORY_CHANGED = "inventory.changed"
WEB_ORDER_CHECKED_OUT = "web_order.checked_out"
INVOICE_CONFIRMED = "invoice.confirmed"
INVOICE_VOIDED = "invoice.voided"
EVENT_TYPES: tuple[str, ...] = (INVENTORY_CHANGED, WEB_ORDER_CHECKED_OUT, INVOICE_CONFIRMED, INVOICE_VOIDED)
SIGNATURE_HEADER = "X-Stemlink-Signature"
EVENT_ID_HEADER = "X-Stemlink-Event-Id"
EVENT_TYPE_HEADER = "X-Stemlink-Event-Type"
SIGNATURE_SCHEME = "v1"
DEFAULT_TOLERANCE_SECONDS = 300

# Backoff: 5 s, 10 s, 20 s, … doubling, never more than an hour between attempts.
BACKOFF_BASE_SECONDS = 5.0
BACKOFF_CAP_SECONDS = 3600.0
# Jitter spreads retries of many deliveries that failed together (a partner outage) so they do
# not all come back in the same second.
BACKOFF_JITTER = 0.2
# After this many failures in a row a delivery is shown as failing; it is still retried, at the cap.
FAILING_AFTER_FAILURES = 8

MIN_SECRET_LENGTH = 16
MAX_URL_LENGTH = 500


class DeliveryStatus:
    PENDING = "pending"
    FAILING = "failing"
    DELIVERED = "delivered"
    ALL: tuple[str, ...] = (PENDING, FAILING, DELIVERED)


def is_known_event_type(event_type: str) -> bool:
    """Tell whether Stemlink sends events of this type."""
    return event_type in EVENT_TYPES


def endpoint_receives(
    event_type: str, event_customer_id: int | None, endpoint_customer_id: int | None
) -> bool:
    """Decide whether an endpoint gets an event.

    An endpoint not bound to a customer gets everything of its company. One bound to a customer
    gets the events about that customer and the events about nobody in particular. Stock changes
    follow the same rule: an open-market line concerns every buyer (no customer), while a line
    reserved for one customer is that customer's business only and must not reach another's
    marketplace.
    """
    if endpoint_customer_id is None or event_customer_id is None:
        return True
    return event_customer_id == endpoint_customer_id


def recipients(
    event_type: str, event_customer_id: int | None, endpoints: Iterable[tuple[int, int | None]]
) -> list[int]:
    """Return the ids of the endpoints, given as (id, bound customer id) pairs, that get an event."""
    return [eid for eid, cust in endpoints if endpoint_receives(event_type, event_customer_id, cust)]


# --- signing -----------------------------------------------------------------------------------


def compute_signature(secret: str, timestamp: int, body: bytes) -> str:
    """Return the hex HMAC-SHA256 of `f"{timestamp}." + body` keyed with the endpoint secret."""
    message = f"{int(timestamp)}.".encode() + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    """Return the value of the X-Stemlink-Signature header for a body sent at `timestamp`."""
    return f"t={int(timestamp)},{SIGNATURE_SCHEME}={compute_signature(secret, timestamp, body)}"


def webhook_headers(
    *, secret: str, timestamp: int, body: bytes, event_id: str, event_type: str
) -> dict[str, str]:
    """Return every header a delivery carries (content type, event id and type, signature)."""
    return {
        "Content-Type": "application/json",
        "User-Agent": "Stemlink-Webhooks/1",
        EVENT_ID_HEADER: event_id,
        EVENT_TYPE_HEADER: event_type,
        SIGNATURE_HEADER: signature_header(secret, timestamp, body),
    }


@dataclass(frozen=True)
class SignatureCheck:
    """The answer of `verify_signature`: ok, or why not (a refusal is an expected answer)."""

    ok: bool
    reason: str = ""


def verify_signature(
    secret: str,
    header: str | None,
    body: bytes,
    *,
    now: int,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
) -> SignatureCheck:
    """Check an X-Stemlink-Signature header against the raw body, the secret and the clock."""
    if not header:
        return SignatureCheck(False, "the signature header is missing")
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            continue
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError:
                return SignatureCheck(False, "the signature timestamp is not a whole number")
        elif key == SIGNATURE_SCHEME:
            candidates.append(value)
    if timestamp is None:
        return SignatureCheck(False, "the signature header has no timestamp (t=)")
    if not candidates:
        return SignatureCheck(False, "the signature header has no v1 signature")
    if abs(now - timestamp) > tolerance_seconds:
        return SignatureCheck(
            False, "the signature timestamp is outside the tolerance (replayed or clock skew)"
        )
    expected = compute_signature(secret, timestamp, body)
    if any(hmac.compare_digest(expected, c) for c in candidates):
        return SignatureCheck(True)
    return SignatureCheck(False, "the signature does not match the body and secret")


# --- retries -----------------------------------------------------------------------------------


def backoff_seconds(failures: int, jitter_draw: float = 0.5) -> float:
    """Return how long to wait after the n-th failure in a row (n >= 1).

    5 s after the first, doubling, capped at an hour; `jitter_draw` in [0, 1) moves the wait by
    up to ±20 % (0.5 means none), and the cap is never exceeded.
    """
    n = max(1, failures)
    # Past 2**10 the cap has long been reached; stop the exponent from growing without bound.
    base = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** min(n - 1, 20))
    factor = 1.0 + BACKOFF_JITTER * (2.0 * min(max(jitter_draw, 0.0), 1.0) - 1.0)
    return min(BACKOFF_CAP_SECONDS, base * factor)


def is_success(status_code: int | None) -> bool:
    """Tell whether a partner's answer acknowledges a delivery (any 2xx; redirects are not)."""
    return status_code is not None and 200 <= status_code < 300


@dataclass(frozen=True)
class AttemptOutcome:
    """What to do with a delivery after one attempt."""

    status: str
    consecutive_failures: int
    retry_in_seconds: float | None


def after_attempt(
    status_code: int | None, consecutive_failures_before: int, jitter_draw: float = 0.5
) -> AttemptOutcome:
    """Decide a delivery's status and next attempt after an HTTP answer (None: no answer at all).

    A 2xx marks it delivered. Anything else schedules a retry with backoff; after
    FAILING_AFTER_FAILURES failures in a row it is marked failing, and still retried at the cap:
    a delivery is never dropped silently.
    """
    if is_success(status_code):
        return AttemptOutcome(DeliveryStatus.DELIVERED, 0, None)
    failures = consecutive_failures_before + 1
    status = DeliveryStatus.FAILING if failures >= FAILING_AFTER_FAILURES else DeliveryStatus.PENDING
    return AttemptOutcome(status, failures, backoff_seconds(failures, jitter_draw))


# --- endpoint validation -----------------------------------------------------------------------


def address_problem(address: str, *, allow_private: bool) -> str | None:
    """Return why the worker must not call this host spelled as an address, or None when it may.

    Every spelling counts (IPv4-mapped, -compatible, 6to4 and NAT64 IPv6, decimal, octal and hex
    IPv4): see `safeguards.address_rules`. Link-local (cloud metadata), multicast, unspecified and
    reserved addresses are never allowed; loopback and private networks only when `allow_private`.
    A host name gives None here: what it resolves to is judged when saving and when sending.
    """
    verdict = address_rules.judge_host(address, allow_private=allow_private)
    if verdict is None or verdict.ok:
        return None
    return describe_refusal(verdict)


def describe_refusal(verdict: address_rules.Verdict) -> str:
    """Say why an address is refused, and whether a server setting could ever allow it."""
    if verdict.private:
        return f"points at {verdict.reason}; see STEMLINK_WEBHOOK_ALLOW_PRIVATE_NETWORKS"
    return f"points at {verdict.reason}: Stemlink never calls such an address"


def url_problem(url: str, *, allow_private: bool = False) -> str | None:
    """Return why a partner endpoint URL is unusable, or None when it is fine."""
    text = (url or "").strip()
    if not text:
        return "is required: the partner's https:// address that receives the webhooks"
    if len(text) > MAX_URL_LENGTH:
        return f"is too long: at most {MAX_URL_LENGTH} characters"
    if any(ch.isspace() for ch in text):
        return "must not contain spaces"
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return "is not a valid URL (check the host and port)"
    if parts.scheme.lower() not in {"http", "https"}:
        shown = parts.scheme or "none"
        return f"must start with http:// or https:// (scheme {shown!r} is not allowed)"
    if not parts.hostname:
        return "has no host name: write it like https://partner.example.com/webhooks"
    if parts.username or parts.password:
        return "must not carry a user name or password; the secret signs each delivery instead"
    if port == 0:
        return "has an invalid port"
    if parts.fragment:
        return "must not contain a #fragment"
    problem = address_problem(parts.hostname, allow_private=allow_private)
    if problem:
        return problem
    return address_rules.url_host_problem(text, allow_private=allow_private)


def secret_problem(secret: str) -> str | None:
    """Return why a partner-chosen signing secret is unusable, or None when it is fine."""
    if len(secret) < MIN_SECRET_LENGTH:
        return f"is too short: at least {MIN_SECRET_LENGTH} characters (leave it out to get a generated one)"
    if len(secret) > 200:
        return "is too long: at most 200 characters"
    if any(ch.isspace() for ch in secret) or not secret.isprintable():
        return "must not contain spaces or control characters"
    return None
