"""Parameter types that accept what real Komet clients send.

Ids as numbers or numeric strings; booleans as true/false, 1/0, "true"/"false"; dates as
`YYYY-MM-DD` or a full timestamp (`2026-06-20T00:00:00.000Z`); money as numbers or strings, kept
Decimal (never binary floating point).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BeforeValidator, Field


def _to_int(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("must be a whole number, not true/false")
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return None
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"must be a whole number, got {value!r}") from None
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"must be a whole number, got {value!r}")
        return int(value)
    return value


def _to_bool(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in {"1", "true", "yes"}:
            return True
        if text in {"0", "false", "no", ""}:
            return False
    raise ValueError("must be true or false (also accepted: 1 or 0)")


def _to_date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return None
        try:
            return dt.date.fromisoformat(text[:10]) if len(text) >= 10 else dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"must be a date as YYYY-MM-DD, got {value!r}") from None
    raise ValueError("must be a date as YYYY-MM-DD")


def _to_datetime(value: Any) -> Any:
    """`YYYY-MM-DD hh:mm:ss` (UTC), an ISO timestamp, or a date (its midnight, UTC)."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return None
        try:
            parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"must be a date-time as YYYY-MM-DD hh:mm:ss (UTC), got {value!r}") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    raise ValueError("must be a date-time as YYYY-MM-DD hh:mm:ss (UTC)")


def _to_decimal(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("must be a number")
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return None
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"must be a number, got {value!r}") from None
        if not result.is_finite():
            raise ValueError("must be a finite number")
        return result
    return value


def _to_id_list(value: Any) -> Any:
    """`"12,13"`, `[12, 13]` or `12` -> [12, 13]."""
    if value is None:
        return value
    items = value.split(",") if isinstance(value, str) else value if isinstance(value, list) else [value]
    return [_to_int(item) for item in items if not (isinstance(item, str) and item.strip() == "")]


Id = Annotated[int, BeforeValidator(_to_int), Field(ge=1, le=2**62)]
Int = Annotated[int, BeforeValidator(_to_int), Field(ge=-(2**62), le=2**62)]
Bool = Annotated[bool, BeforeValidator(_to_bool)]
Date = Annotated[dt.date, BeforeValidator(_to_date)]
DateTime = Annotated[dt.datetime, BeforeValidator(_to_datetime)]
Money = Annotated[Decimal, BeforeValidator(_to_decimal), Field(ge=0, le=Decimal("99999999.999"))]
IdList = Annotated[list[Id], BeforeValidator(_to_id_list)]
