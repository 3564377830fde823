"""The audit log: every call written down, parameters without secrets."""

from __future__ import annotations

import datetime as dt
import logging
from contextlib import nullcontext
from typing import Any

from django.db import connection, transaction

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

    The parameters are redacted (secrets out, depth and length capped, NUL characters escaped) so
    whatever a client sent can be stored. Should the insert still fail, the row is written again
    without the parameters: every call leaves a row. A failure of both is logged, never turned
    into the answer.
    """
    values = {
        "created_on": when,
        "company": company.pk if company is not None else None,
        "token": token.pk if token is not None else None,
        "token_prefix": token.prefix if token is not None else "",
        "method": rules.scrub_text(method, 100),
        "params": rules.redact_params(params),
        "status": 1 if status else 0,
        "error_code": rules.scrub_text(error_code, 40),
        "http_status": http_status,
        "duration_ms": max(0, duration_ms),
        "ip": ip or None,
        "sales_channel": rules.scrub_text(sales_channel, 30),
    }
    if _insert(values):
        return True
    values["params"] = {"_unrecordable": True}
    return _insert(values)


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
        # Inside a caller's transaction a savepoint keeps a failed insert from spoiling it.
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            call.save(force_insert=True)
    except Exception:
        logger.exception("could not write the audit log entry for %s", method)
        return False
    return True
