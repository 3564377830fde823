"""The audit log: every call written down, parameters without secrets."""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
import json
import logging
from typing import Any

from django.db import connection

from stemlink.api import rules
from stemlink.api.models import ApiCall, ApiToken
from stemlink.tenancy.models import Company

logger = logging.getLogger(__name__)


def record_call(
    *,
    when: dt.datetime,
    method: str,
    params: dict[str, Any],
    token: ApiToken | None,
    company: Company | None,
    status: int,
    error_code: str,
    http_status: int,
    duration_ms: int,
    ip: str | None,
    sales_channel: str,
) -> bool:
    """Write one call to the audit log; return whether it was written.

    Every value is made storable before the insert (secrets out, depth and length capped, NUL
    characters escaped, parameters PostgreSQL's jsonb would refuse replaced by a marker, an address
    that is not one left out), so the insert cannot fail for what a client sent. That is why it
    needs no savepoint inside the caller's transaction (each one cost a SAVEPOINT and a RELEASE):
    only the database itself failing can stop it, and then the caller's commit fails as well.
    Outside a transaction such a failure is logged, never turned into the answer; inside one it is
    raised, so the call answers that it failed instead of reporting work its commit then drops.
    """
    values = {
        "created_on": when,
        "company": company.pk if company is not None else None,
        "token": token.pk if token is not None else None,
        "token_prefix": token.prefix if token is not None else "",
        "method": _text(method, 100),
        "params": _storable_params(rules.redact_params(params)),
        "status": 1 if status else 0,
        "error_code": _text(error_code, 40),
        "http_status": http_status if 0 <= http_status <= _SMALLINT_MAX else 0,
        "duration_ms": min(max(0, duration_ms), _INTEGER_MAX),
        "ip": _address(ip),
        "sales_channel": _text(sales_channel, 30),
    }
    return _insert(values)


_SMALLINT_MAX = 32_767
_INTEGER_MAX = 2_147_483_647


def _text(text: str, limit: int) -> str:
    """Return `text` cut to `limit`, without NUL, and encodable as UTF-8 (lone surrogates spelled out)."""
    cleaned = rules.scrub_text(text, limit)
    try:
        cleaned.encode("utf-8")
    except UnicodeEncodeError:
        cleaned = rules.scrub_text(cleaned.encode("utf-8", "backslashreplace").decode("utf-8"), limit)
    return cleaned


def _storable_params(params: dict[str, Any]) -> dict[str, Any]:
    """Return `params` if both databases store them as JSON, else the `_unrecordable` marker.

    `redact_params` already leaves only text, numbers, booleans, None, lists and objects; what jsonb
    still refuses is NaN or an infinity and a lone surrogate in a text (PostgreSQL: "Unicode low
    surrogate must follow a high surrogate"), which this strict dump refuses too.
    """
    try:
        json.dumps(params, allow_nan=False, ensure_ascii=False).encode("utf-8")
    except (ValueError, TypeError):  # a UnicodeEncodeError is a ValueError
        return {"_unrecordable": True}
    return params


@functools.lru_cache(maxsize=256)
def _address(ip: str | None) -> str | None:
    """Return `ip` if it is an IP address the inet column takes, else None."""
    if not ip:
        return None
    try:
        ipaddress.ip_address(ip)
    except ValueError:
        return None
    return ip


def _insert(values: dict[str, Any]) -> bool:
    method = values["method"]
    try:
        call = ApiCall(
            created_on=values["created_on"],
            company_id=values["company"],
            token_id=values["token"],
            token_prefix=values["token_prefix"],
            method=values["method"],
            params=values["params"],
            status=values["status"],
            error_code=values["error_code"],
            http_status=values["http_status"],
            duration_ms=values["duration_ms"],
            ip=values["ip"],
            sales_channel=values["sales_channel"],
        )
        # No savepoint: the values are storable (see record_call), so only the database can fail here.
        call.save(force_insert=True)
    except Exception:
        logger.exception("could not write the audit log entry for %s", method)
        if connection.in_atomic_block:
            raise  # PostgreSQL spoiled the transaction: fail the call, never lose its work silently
        return False
    return True
