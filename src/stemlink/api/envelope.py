"""The answer envelope: `status`, `message`, the payload, and for failures `errorCode` and `errors`.

Rendered with orjson. Money stays exact: a Decimal is written as the JSON number it is
(`0.80`, never `0.8000000000000000444`); datetimes are written `YYYY-MM-DDTHH:MM:SS` in UTC.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import orjson

from stemlink.api.registry import MethodSpec
from stemlink.errors import StemlinkError, ValidationFailed

MAX_MESSAGE = 500
INTERNAL_ERROR_MESSAGE = (
    "Something went wrong on our side while answering this call; it has been logged. "
    "Please try again, and contact the wholesaler if it keeps happening."
)


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        return orjson.Fragment(format(value, "f"))
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dumps(value: Any) -> bytes:
    """Write an answer as JSON bytes (Decimal as exact numbers, datetimes in UTC)."""
    return orjson.dumps(value, default=_default, option=orjson.OPT_PASSTHROUGH_DATETIME)


def success(spec: MethodSpec, payload: dict[str, Any]) -> dict[str, Any]:
    """Wrap a handler's payload: `status` 1 and `message` ("OK" unless the handler set one)."""
    if not spec.envelope:
        return payload
    body = dict(payload)
    message = str(body.pop("message", "OK"))[:MAX_MESSAGE]
    body.pop("status", None)
    return {"status": 1, "message": message, **body}


def failure(error: StemlinkError) -> dict[str, Any]:
    """Turn a failure into its answer: `status` 0, the message, `errorCode`, the extras, `errors`."""
    body: dict[str, Any] = {"status": 0, "message": str(error.message)[:MAX_MESSAGE], "errorCode": error.code}
    for key, value in error.extra.items():
        if key not in body:
            body[key] = value
    if isinstance(error, ValidationFailed):
        body["errors"] = [{"field": e.field, "message": e.message} for e in error.errors]
    return body


def internal_error() -> dict[str, Any]:
    """The answer to a failure of ours (a bug), never to anything the client sent."""
    return {"status": 0, "message": INTERNAL_ERROR_MESSAGE, "errorCode": "internal_error"}
