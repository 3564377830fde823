"""The types an API answer is declared with: each method declares its payload once, as a model.

A method module declares its answer beside the handler (`class CarrierListAnswer(Answer)`) and
registers it with `@api_method(..., answer=CarrierListAnswer)`. The OpenAPI document describes
every answer from these models (`stemlink.api.openapi`), and the test suite checks every answer a
test receives against that document, so a field added to a handler and not to its model fails.

The models describe what the envelope writes (`stemlink.api.envelope`): money is the exact
decimal the database holds, written as a JSON number (`12.50`, never a rounded float); dates are
`YYYY-MM-DD`, days of the company's calendar; timestamps are `YYYY-MM-DDThh:mm:ss` in UTC. A field
that can be `null` says so.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, WithJsonSchema

TIMESTAMP_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$"

Amount = Annotated[
    Decimal,
    WithJsonSchema(
        {"type": "number", "description": "An exact decimal amount, written as the JSON number held."}
    ),
]
Timestamp = Annotated[
    str,
    WithJsonSchema(
        {"type": "string", "pattern": TIMESTAMP_PATTERN, "description": "UTC, as YYYY-MM-DDThh:mm:ss."}
    ),
]
Day = Annotated[dt.date, WithJsonSchema({"type": "string", "format": "date"})]


class Answer(BaseModel):
    """Base of every declared answer and record: no field beyond those declared."""

    model_config = ConfigDict(extra="forbid")


class NoAnswer(Answer):
    """The answer of a method that says only `status` and `message`."""
