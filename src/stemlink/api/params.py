"""Parameter types that accept what real Komet clients send, and refuse the rest with a message.

Ids as numbers or strings of ASCII digits (never "²", "١" or full-width digits, which Python's
`int()` would take), within the range of the id column; booleans as true/false, 1/0, on/off,
yes/no in any case; dates and date-times as clients write them (`stemlink.api.clientdates`);
money as numbers or strings, kept Decimal (never binary floating point).

Blank and null are absent, in one place, the base `Params` (`stemlink.api.registry`): a tolerant
type never sees `""` or `None`, so an optional parameter sent blank keeps its default and a
required one is reported missing by name.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from stemlink.api.clientdates import DateTextError, parse_client_date, parse_client_datetime

# The id columns are 64-bit (BigAutoField); quantities and numbers live in 32-bit columns.
ID_MAX = 2**63 - 1
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
_ASCII_INTEGER = re.compile(r"[+-]?[0-9]{1,30}")


def _to_int(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("must be a whole number, not true/false")
    if isinstance(value, str):
        text = value.strip()
        # Only ASCII digits: int() would also read "١٢" or "１２", and "²" passes str.isdigit().
        if not _ASCII_INTEGER.fullmatch(text):
            raise ValueError(f"must be a whole number written with the digits 0-9, got {text[:40]!r}")
        return int(text)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"must be a whole number, got {value!r}")
        return int(value)
    if isinstance(value, Decimal):
        if not value.is_finite() or value != value.to_integral_value():
            raise ValueError("must be a whole number")
        return int(value)
    if isinstance(value, int):
        return value
    raise ValueError("must be a whole number")


TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def _to_bool(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
    raise ValueError("must be true or false (also accepted: 1/0, yes/no, on/off)")


def _to_date(value: Any) -> Any:
    try:
        return parse_client_date(value)
    except DateTextError as exc:
        raise ValueError(str(exc)) from None


def _to_datetime(value: Any) -> Any:
    try:
        return parse_client_datetime(value)
    except DateTextError as exc:
        raise ValueError(str(exc)) from None


def _to_decimal(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("must be a number, not true/false")
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("must be a finite number")
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        text = value.strip()
        if len(text) > 40 or not text.isascii():
            raise ValueError(f"must be a number such as 12.50, got {text[:40]!r}")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"must be a number such as 12.50, got {text[:40]!r}") from None
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


Id = Annotated[int, BeforeValidator(_to_int), Field(ge=1, le=ID_MAX)]
Int = Annotated[int, BeforeValidator(_to_int), Field(ge=INT_MIN, le=INT_MAX)]
Bool = Annotated[bool, BeforeValidator(_to_bool)]
Date = Annotated[dt.date, BeforeValidator(_to_date)]
DateTime = Annotated[dt.datetime, BeforeValidator(_to_datetime)]
Money = Annotated[Decimal, BeforeValidator(_to_decimal), Field(ge=0, le=Decimal("99999999.999"))]
IdList = Annotated[list[Id], BeforeValidator(_to_id_list), Field(max_length=1000)]
