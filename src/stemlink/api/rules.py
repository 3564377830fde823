"""Pure decisions of the API gateway: token secrets and digests, who may call what, limits, redaction.

No Django here: plain values in, plain values out, so these are tested by the hundred without a
database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import string
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

TOKEN_ALPHABET = string.ascii_lowercase + string.digits
TOKEN_LENGTH = 26
PREFIX_LENGTH = 6
CALLS_PER_PAID_USER_PER_DAY = 1000
MAX_BODY_BYTES = 64 * 1024

# Parameter names whose values are secrets: never written to the audit log.
SECRET_PARAM_NAMES = frozenset({"authenticationtoken", "password", "apikey", "secret", "token"})


def new_token_secret() -> str:
    """Return a fresh token: 26 lowercase letters and digits from the operating system's secure source."""
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def token_digest(raw: str, key: str) -> str:
    """Return the keyed digest (HMAC-SHA256, hex) under which a token is stored and looked up."""
    return hmac.new(key.encode(), raw.encode(), hashlib.sha256).hexdigest()


def new_login_nonce() -> str:
    """Return the random value a User token's secret is derived from (stored beside its digest)."""
    return secrets.token_hex(32)


def login_token_secret(nonce: str, key: str) -> str:
    """Derive a User token's secret from its nonce with the token key (HMAC-SHA512, base 36).

    The database holds the nonce and the digest, never the secret: without the key neither gives
    the secret back, while `login` can answer a user's live token again instead of making another.
    """
    mac = hmac.new(key.encode(), b"stemlink-login-token\x00" + nonce.encode(), hashlib.sha512).digest()
    number = int.from_bytes(mac, "big")
    chars = []
    for _ in range(TOKEN_LENGTH):
        number, digit = divmod(number, len(TOKEN_ALPHABET))
        chars.append(TOKEN_ALPHABET[digit])
    return "".join(chars)


def login_token_expired(expires_on: dt.datetime | None, now: dt.datetime) -> bool:
    """Tell whether a User token is past its time (one without an expiry time counts as expired)."""
    return expires_on is None or now >= expires_on


def token_prefix(raw: str) -> str:
    """Return the short prefix shown in lists so a person can tell tokens apart."""
    return raw[:PREFIX_LENGTH]


def looks_like_token(raw: str) -> bool:
    """Tell whether a string could be a token at all (saves a database look-up for junk)."""
    return 0 < len(raw) <= 100 and raw.isascii() and raw.isprintable()


@dataclass(frozen=True)
class Refusal:
    """Why a call may not go ahead: a stable code, the HTTP status and a message a person can act on."""

    code: str
    http_status: int
    message: str


def check_method_access(
    *,
    method: str,
    token_type: str,
    token_methods: Collection[str],
    allowed_types: Collection[str],
) -> Refusal | None:
    """Decide whether a token of this type and whitelist may call `method`; None when it may."""
    if token_type not in allowed_types:
        kinds = ", ".join(sorted(allowed_types)) or "no"
        return Refusal(
            "method_not_allowed_for_token",
            403,
            f"{method} cannot be called with a {token_type} token; it takes {kinds} tokens.",
        )
    if method not in token_methods:
        return Refusal(
            "method_not_allowed_for_token",
            403,
            f"This token is not allowed to call {method}: tick it in the token's list of methods.",
        )
    return None


def check_account(header: str | None, company_id: int, *, required: bool) -> Refusal | None:
    """Decide whether the `X-ACCOUNT` header fits the token's company; None when it does."""
    if header is None or header.strip() == "":
        if required:
            return Refusal(
                "wrong_account",
                403,
                "This method needs the X-ACCOUNT header with your Company ID (company.list shows it).",
            )
        return None
    text = header.strip()
    if not text.isdigit() or int(text) != company_id:
        return Refusal(
            "wrong_account",
            403,
            f"X-ACCOUNT {text[:30]!r} is not the company of this token; send your Company ID.",
        )
    return None


def daily_quota(paid_users: int) -> int:
    """Return a company's calls per UTC day: 1,000 for each paid user on its plan."""
    return CALLS_PER_PAID_USER_PER_DAY * max(1, paid_users)


def next_utc_midnight(now: dt.datetime) -> dt.datetime:
    """Return when the daily quota resets: the next midnight, UTC."""
    day = now.astimezone(dt.UTC).date() + dt.timedelta(days=1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def minute_window(now: dt.datetime) -> int:
    """Return the burst limit's window: whole minutes since the epoch."""
    return int(now.timestamp()) // 60


def redact_params(params: Mapping[str, Any], *, max_chars: int = 4000) -> dict[str, Any]:
    """Return the parameters fit for the audit log: secrets dropped, long values cut."""

    def clean(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {str(k): clean(v) for k, v in value.items() if str(k).lower() not in SECRET_PARAM_NAMES}
        if isinstance(value, list):
            return [clean(v) for v in value[:100]]
        if isinstance(value, str):
            return value[:500]
        if value is None or isinstance(value, bool | int | float):
            return value
        return str(value)[:500]

    cleaned = clean(dict(params))
    text = json.dumps(cleaned, default=str)
    if len(text) > max_chars:
        return {"_truncated": True, "keys": sorted(cleaned)[:100]}
    return cleaned


def params_fingerprint(method: str, params: Mapping[str, Any]) -> str:
    """Return a digest of a call's method and parameters (secrets left out), to compare repeats."""
    cleaned = {k: v for k, v in params.items() if str(k).lower() not in SECRET_PARAM_NAMES}
    text = json.dumps([method, cleaned], sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def human_field_message(message: str) -> str:
    """Turn a pydantic error message into one a person reads: 'Field required' -> 'is required'."""
    text = message
    for prefix in ("Value error, ", "Assertion failed, "):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    if text == "Field required":
        return "is required"
    if text.startswith("Input should be"):
        return "must be" + text[len("Input should be") :]
    return text
