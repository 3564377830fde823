"""Inventory tests, and how they read the e-commerce feed's records."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson


def as_read(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The feed's records as a client reads them: the price (the exact JSON number the answer
    writes, an `orjson.Fragment`) back as the Decimal it was made from, so records compare by value."""
    return [{**item, "price": Decimal(orjson.dumps(item["price"]).decode())} for item in items]
