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

from stemlink.tenancy import calendar

TOKEN_ALPHABET = string.ascii_lowercase + string.digits
TOKEN_LENGTH = 26
PREFIX_LENGTH = 6
CALLS_PER_PAID_USER_PER_DAY = 1000
MAX_BODY_BYTES = 64 * 1024
# What the API reads and answers itself, with the envelope, under `stemlink serve` (whose gunicorn
# limits are set above these, see `stemlink.commands.gunicorn_worker`).
MAX_URL_BYTES = 8000
MAX_HEADER_BYTES = 8192
MAX_PARAMETERS = 1000

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
    # ASCII digits only: "²" passes str.isdigit() and int() reads "١" or full-width digits.
    if not (text.isascii() and text.isdigit() and len(text) <= 19) or int(text) != company_id:
        return Refusal(
            "wrong_account",
            403,
            f"X-ACCOUNT {scrub_text(text, 30)!r} is not the company of this token; send your Company ID.",
        )
    return None


def daily_quota(paid_users: int) -> int:
    """Return a company's calls per UTC day: 1,000 for each paid user on its plan."""
    return CALLS_PER_PAID_USER_PER_DAY * max(1, paid_users)


def next_utc_midnight(now: dt.datetime) -> dt.datetime:
    """Return when the daily quota resets: the next midnight, UTC (not the company's: see
    `stemlink.tenancy.calendar.quota_resets_at`)."""
    return calendar.quota_resets_at(now)


def minute_window(now: dt.datetime) -> int:
    """Return the burst limit's window: whole minutes since the epoch."""
    return int(now.timestamp()) // 60


REDACT_MAX_DEPTH = 8
REDACT_MAX_ITEMS = 100
MAX_NESTING = 32


def scrub_text(text: str, limit: int) -> str:
    """Cut `text` to `limit` characters and spell out NUL characters, which PostgreSQL cannot store."""
    return text[:limit].replace("\x00", "\\u0000")[:limit]


_scrub = scrub_text


def redact_params(params: Any, *, max_chars: int = 4000) -> dict[str, Any]:
    """Return the parameters fit for the audit log: secrets dropped, long values cut, depth capped.

    Never raises and never recurses: anything a client sent (nested 1,000 deep, NUL characters,
    keys that are not text) comes out as a small JSON object the database can store.
    """
    try:
        return _redact(params, max_chars)
    except Exception:
        return {"_unrecordable": True}


def _redact(params: Any, max_chars: int) -> dict[str, Any]:
    root = _flat_copy(params)
    if root is None:
        root = _walk(params)
        if root is None:
            return {"_unrecordable": True}
    text = json.dumps(root, default=str)
    if len(text) > max_chars:
        return {"_truncated": True, "keys": sorted(root)[:100]}
    return root


_FLAT_VALUE_TYPES = frozenset({str, int, float, bool, type(None)})


def _flat_copy(params: Any) -> dict[str, Any] | None:
    """Return a copy of `params` when `_walk` would return an equal one, else None (then walk).

    That is a plain dict of at most REDACT_MAX_ITEMS entries whose keys are text of at most 100
    characters, none of them a secret's name or holding NUL, and whose values are None, booleans,
    numbers or text of at most 500 characters without NUL: nothing to drop, cut, escape, convert or
    cap, so `_walk` would copy it unchanged (keys cannot collide, as none is cut or escaped).
    Most calls send such parameters; the checks run in C instead of a Python step per value.
    """
    if type(params) is not dict or len(params) > REDACT_MAX_ITEMS:
        return None
    if not set(map(type, params)) <= {str} or not set(map(type, params.values())) <= _FLAT_VALUE_TYPES:
        return None
    keys = "\x01".join(params)  # a key holding \x01 splits into more pieces: refused, never missed
    pieces = keys.lower().split("\x01")
    if "\x00" in keys or not SECRET_PARAM_NAMES.isdisjoint(pieces) or max(map(len, params), default=0) > 100:
        return None
    texts = [value for value in params.values() if type(value) is str]
    if texts and (max(map(len, texts)) > 500 or "\x00" in "".join(texts)):
        return None
    return dict(params)


def _walk(params: Any) -> dict[str, Any] | None:
    """Copy `params` with secrets dropped, keys and texts cut and NUL-escaped, depth and width capped."""
    if not isinstance(params, Mapping):
        return None
    root: dict[str, Any] = {}
    # (source, destination container, depth) worked through with a stack instead of recursion.
    stack: list[tuple[Any, Any, int]] = [(params, root, 0)]
    while stack:
        source, target, depth = stack.pop()
        entries: list[tuple[Any, Any]]
        if isinstance(source, Mapping):
            entries = [
                (_scrub(str(k), 100), v)
                for k, v in list(source.items())[:REDACT_MAX_ITEMS]
                if str(k).lower() not in SECRET_PARAM_NAMES
            ]
        else:
            entries = list(enumerate(list(source)[:REDACT_MAX_ITEMS]))
        for key, value in entries:
            cleaned: Any
            if isinstance(value, Mapping | list | tuple):
                if depth + 1 >= REDACT_MAX_DEPTH:
                    cleaned = "(nested too deep to record)"
                else:
                    cleaned = {} if isinstance(value, Mapping) else []
                    stack.append((value, cleaned, depth + 1))
            elif isinstance(value, str):
                cleaned = _scrub(value, 500)
            elif value is None or isinstance(value, bool | int | float):
                cleaned = value
            else:
                cleaned = _scrub(str(value), 500)
            if isinstance(target, dict):
                target[key] = cleaned
            else:
                target.append(cleaned)
    return root


def nesting_depth(value: Any, *, stop_at: int = MAX_NESTING + 1) -> int:
    """Return how deep lists and objects nest in `value` (0 for a scalar), counting at most to `stop_at`."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Mapping | list | tuple):
            depth += 1
            deepest = max(deepest, depth)
            if deepest >= stop_at:
                return deepest
            children = item.values() if isinstance(item, Mapping) else item
            stack.extend((child, depth) for child in children)
    return deepest


def params_fingerprint(method: str, params: Mapping[str, Any]) -> str:
    """Return a digest of a call's method and parameters (secrets left out), to compare repeats.

    Never raises: parameters json cannot write (too deep, odd keys) are fingerprinted by their
    text form instead, which is still the same for the same call.
    """
    cleaned = {str(k): v for k, v in params.items() if str(k).lower() not in SECRET_PARAM_NAMES}
    try:
        text = json.dumps([method, cleaned], sort_keys=True, default=str, separators=(",", ":"))
    except (RecursionError, ValueError, TypeError):
        text = _canonical_text([method, cleaned])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class _Close(str):
    """A closing bracket waiting on the stack of `_canonical_text`."""


def _canonical_text(value: Any) -> str:
    """Write `value` as canonical text (keys sorted) with a stack, so no depth makes it recurse."""
    out: list[str] = []
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, _Close):
            out.append(str(item))
        elif isinstance(item, Mapping):
            out.append("{")
            stack.append(_Close("}"))
            for key in sorted(item, key=str, reverse=True):
                stack.append(item[key])
                stack.append(_Close(json.dumps(str(key)) + ":"))
        elif isinstance(item, list | tuple):
            out.append("[")
            stack.append(_Close("]"))
            stack.extend(reversed(item))
        else:
            out.append(json.dumps(item, default=str) + ",")
    return "".join(out)


_PYDANTIC_MESSAGES = {
    "missing": "is required",
    "string_type": "must be text",
    "string_too_short": "must be at least {min_length} characters long",
    "string_too_long": "must be at most {max_length} characters long",
    "string_pattern_mismatch": "is not in the expected form (the pattern {pattern})",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "decimal_type": "must be a number such as 12.50",
    "decimal_parsing": "must be a number such as 12.50",
    "decimal_max_digits": "must have at most {max_digits} digits",
    "decimal_max_places": "must have at most {decimal_places} decimal places",
    "decimal_whole_digits": "has too many digits before the decimal point",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "greater_than": "must be more than {gt}",
    "greater_than_equal": "must be at least {ge}",
    "less_than": "must be less than {lt}",
    "less_than_equal": "must be at most {le}",
    "list_type": "must be a list, e.g. [1, 2]",
    "too_short": "must have at least {min_length} item(s)",
    "too_long": "must have at most {max_length} items",
    "dict_type": 'must be an object of named fields, e.g. {{"name": ...}}',
    "model_type": 'must be an object of named fields, e.g. {{"name": ...}}',
    "model_attributes_type": 'must be an object of named fields, e.g. {{"name": ...}}',
    "date_type": "must be a date such as 2026-11-30",
    "date_parsing": "must be a date such as 2026-11-30",
    "datetime_type": "must be a date-time such as 2026-11-30T14:00:00Z",
    "datetime_parsing": "must be a date-time such as 2026-11-30T14:00:00Z",
    "literal_error": "must be one of {expected}",
    "enum": "must be one of {expected}",
    "union_tag_invalid": "is not one of the kinds this field takes",
    "json_invalid": "is not valid JSON",
    "finite_number": "must be a finite number",
    "recursion_loop": "is nested too deep",
}


def human_error(kind: str, message: str, context: Mapping[str, Any] | None = None) -> str:
    """Turn one pydantic error (its type, message and context) into words saying what to fix.

    The one place pydantic's wording is replaced: our own validators' messages (`value_error`)
    are kept; every known kind gets a sentence; anything else goes through `human_field_message`.
    """
    if kind in ("value_error", "assertion_error"):
        return human_field_message(message)
    template = _PYDANTIC_MESSAGES.get(kind)
    if template is None:
        return human_field_message(message)
    try:
        return template.format(**{k: str(v) for k, v in (context or {}).items()})
    except (KeyError, IndexError, ValueError):
        return human_field_message(message)


_TYPE_TAGS = frozenset({"str", "int", "float", "bool", "list", "dict", "none", "decimal", "date", "datetime"})


def error_location(parts: Collection[Any]) -> str:
    """Name the field of a pydantic error location: `items.0.price`, without pydantic's type tags."""
    names: list[str] = []
    previous: Any = None
    for part in parts:
        # A type tag follows a field name (a union's member); a field may itself be called "date".
        tag = isinstance(previous, str) and (str(part) in _TYPE_TAGS or "[" in str(part))
        if isinstance(part, int) or not tag:
            names.append(str(part))
        previous = part
    return ".".join(names) or "body"


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
