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
) -> None:
    """Write one call to the audit log. A failure to write is logged, never turned into the answer."""
    try:
        call = ApiCall(
            created_on=when,
            company_id=company.pk if company is not None else None,
            token_id=token.pk if token is not None else None,
            token_prefix=token.prefix if token is not None else "",
            method=method[:100],
            params=rules.redact_params(params),
            status=1 if status else 0,
            error_code=error_code[:40],
            http_status=http_status,
            duration_ms=max(0, duration_ms),
            ip=ip or None,
            sales_channel=sales_channel[:30],
        )
        # Inside a caller's transaction a savepoint keeps a failed insert from spoiling it.
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            call.save(force_insert=True)
    except Exception:
        logger.exception("could not write the audit log entry for %s", method)
