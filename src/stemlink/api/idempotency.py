"""Idempotency keys for write methods: a repeat with the same key replays the first answer.

The first call claims its key by inserting a row (unique per token and key) inside the same
transaction as the handler's work. A concurrent repeat blocks on that row until the first call
commits, then finds it and replays the stored answer; if the first call rolls back, the key is
free again and the repeat runs. Keys are kept 24 hours, then swept when the token next claims one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from stemlink.api.errors import IdempotencyConflict
from stemlink.api.models import ApiToken, IdempotencyKey
from stemlink.errors import FieldError, ValidationFailed

KEEP_FOR = dt.timedelta(hours=24)
HEADER = "Idempotency-Key"


@dataclass(frozen=True)
class Replay:
    """The stored answer of the first call made with a key."""

    http_status: int
    body: bytes


def clean_key(raw: str | None) -> str | None:
    """Return the key from the header, or None. Raises ValidationFailed for an unusable key."""
    if raw is None or raw.strip() == "":
        return None
    key = raw.strip()
    if len(key) > 200 or not key.isascii() or not key.isprintable():
        raise ValidationFailed(
            FieldError(HEADER, "must be at most 200 printable ASCII characters, e.g. a UUID")
        )
    return key


def claim(
    token: ApiToken, key: str, method: str, fingerprint: str, now: dt.datetime
) -> IdempotencyKey | Replay:
    """Claim `key` for this call, or return the answer to replay. Call inside a transaction.

    Raises IdempotencyConflict when the key was used with other parameters or another method.
    """
    IdempotencyKey.objects.filter(token=token, created_on__lt=now - KEEP_FOR).delete()
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(
                token=token, key=key, method=method, fingerprint=fingerprint, created_on=now
            )
    except IntegrityError:
        pass
    existing = IdempotencyKey.objects.filter(token=token, key=key).first()
    if existing is None:  # the first call rolled back between our insert and this read
        raise IdempotencyConflict("A call with this Idempotency-Key did not finish; send it again.")
    if existing.fingerprint != fingerprint or existing.method != method:
        raise IdempotencyConflict(
            f"This Idempotency-Key was already used for {existing.method} with other parameters; "
            "use a new key for a new request."
        )
    if existing.http_status is None or existing.body is None:
        raise IdempotencyConflict("A call with this Idempotency-Key is still running; retry in a moment.")
    return Replay(existing.http_status, bytes(existing.body))


def store_answer(row: IdempotencyKey, http_status: int, body: bytes) -> None:
    """Keep the first answer under its key, to replay to repeats."""
    IdempotencyKey.objects.filter(pk=row.pk).update(http_status=http_status, body=body)
