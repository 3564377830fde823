"""Pure decisions about talking to a wholesaler: quota pacing, backoff, signatures, byte strings.

No Django and no I/O here, so each rule is tested by itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimit:
    """What the last answer said about the daily quota (X-RateLimit-* headers)."""

    limit: int | None
    remaining: int | None
    reset_at: dt.datetime | None


def parse_rate_limit(headers: dict[str, str], now: dt.datetime) -> RateLimit | None:
    """Read X-RateLimit-Limit/Remaining/Reset; None when the answer carries none of them.

    Reset may be a Unix time, a number of seconds from now, or an ISO datetime: servers differ.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    if not any(k in lowered for k in ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")):
        return None
    return RateLimit(
        limit=_int_or_none(lowered.get("x-ratelimit-limit")),
        remaining=_int_or_none(lowered.get("x-ratelimit-remaining")),
        reset_at=_reset_time(lowered.get("x-ratelimit-reset"), now),
    )


def _int_or_none(raw: str | None) -> int | None:
    try:
        return int(float(raw)) if raw is not None else None
    except ValueError:
        return None


def _reset_time(raw: str | None, now: dt.datetime) -> dt.datetime | None:
    if raw is None or not raw.strip():
        return None
    raw = raw.strip()
    try:
        value = float(raw)
    except ValueError:
        try:
            parsed = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    if value > 1_000_000_000:
        return dt.datetime.fromtimestamp(value, tz=dt.UTC)
    return now + dt.timedelta(seconds=value)


def pacing_delay(
    rate: RateLimit | None, now: dt.datetime, *, slowdown_share: float, max_delay: float
) -> float:
    """Return how many seconds to wait before the next call so the quota lasts until it resets.

    Above `slowdown_share` of the limit there is no wait; below it the calls left are spread
    evenly over the time left (capped at `max_delay`).
    """
    if rate is None or rate.remaining is None or rate.limit is None or rate.limit <= 0:
        return 0.0
    if rate.remaining > rate.limit * slowdown_share:
        return 0.0
    if rate.reset_at is None:
        return max_delay
    seconds_left = (rate.reset_at - now).total_seconds()
    if seconds_left <= 0:
        return 0.0
    return min(max_delay, seconds_left / max(rate.remaining, 1))


def quota_exhausted(rate: RateLimit | None, now: dt.datetime) -> bool:
    """Say whether the quota is used up and has not reset yet (a call now would be refused)."""
    if rate is None or rate.remaining is None or rate.remaining > 0:
        return False
    return rate.reset_at is None or rate.reset_at > now


def quota_allows_sync(rate: RateLimit | None, now: dt.datetime, *, reserve_share: float) -> bool:
    """Say whether a sync may spend calls: it leaves the last `reserve_share` of the quota to checkouts."""
    if rate is None or rate.remaining is None or rate.limit is None:
        return True
    if rate.reset_at is not None and rate.reset_at <= now:
        return True
    return rate.remaining > rate.limit * reserve_share


def backoff_seconds(failures: int, *, base: float, ceiling: float) -> float:
    """Return the wait before retrying after `failures` consecutive failures: base × 2^(n-1), capped."""
    if failures <= 0:
        return 0.0
    return min(ceiling, base * (2 ** min(failures - 1, 20)))


def webhook_signature(secret: str, timestamp: int, body: bytes) -> str:
    """Return the hex HMAC-SHA256 of f"{timestamp}.{body}" under `secret`."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify_webhook_signature(
    header: str, secret: str, body: bytes, now_unix: int, *, tolerance_seconds: int
) -> str | None:
    """Check an `X-Stemlink-Signature: t=<unix>,v1=<hex>` header; return None if valid, else why not."""
    if not header:
        return "missing X-Stemlink-Signature header"
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        key, sep, value = item.strip().partition("=")
        if sep:
            parts.setdefault(key.strip(), []).append(value.strip())
    try:
        timestamp = int(parts.get("t", [""])[0])
    except ValueError:
        return "signature has no valid timestamp"
    if abs(now_unix - timestamp) > tolerance_seconds:
        return "signature timestamp is too old or in the future"
    expected = webhook_signature(secret, timestamp, body)
    if any(hmac.compare_digest(expected, candidate) for candidate in parts.get("v1", [])):
        return None
    return "signature does not match"


def decode_signed_bytes(text: str) -> bytes:
    """Decode Komet's file string: comma-separated signed byte values ("37, 80, -30, …").

    Raises ValueError when a value is not a whole number from -128 to 255.
    """
    out = bytearray()
    for piece in text.split(","):
        piece = piece.strip()
        if not piece:
            continue
        value = int(piece)
        if not -128 <= value <= 255:
            raise ValueError(f"byte value out of range: {value}")
        out.append(value % 256)
    return bytes(out)


def api_endpoint(base_url: str, method: str) -> str:
    """Join a wholesaler's base URL and a method name into the method's URL (/api/<method>)."""
    base = base_url.strip().rstrip("/")
    if not base.endswith("/api") and not base.endswith("/api/v2"):
        base += "/api"
    return f"{base}/{method}"


def normalise_base_url(base_url: str) -> str:
    """Return a base URL the way it is stored: trimmed, without a trailing slash."""
    return (base_url or "").strip().rstrip("/")
