"""A list answered as it is read: the hook for answers too large to build at once (`invoice.list`).

A handler puts a `StreamedRows` in its payload instead of a list (`{"invoices": StreamedRows(...)}`);
the rows come in batches of plain values (dicts as `envelope.dumps` writes them), read from the
database as they are needed. The first batch is read inside the handler's time — asking
`bool(rows)` reads it, so the handler can choose its message — and a failure there is an ordinary
failure of the call. When that first batch is the whole list, the answer is written at once like
any other. Otherwise the gateway sends the normal envelope in pieces: everything else first, the
list last, one batch at a time (`render` returns an iterator of bytes). Each batch is serialised
and sent before the next is read, so the answer never exists whole in memory.

What the call's audit entry, quota and idempotency see is unchanged: they are settled before the
first byte (the entry's duration is the time to the first batch). Only read methods may stream:
a write's answer is stored whole for idempotent replays. A client that goes away stops the reading
at the next batch: the server closes the response, which closes the batches' generator and with it
the database cursor. A failure after the first batch (the database going away) can no longer change
the status: the answer ends short, as invalid JSON the client cannot mistake for a whole one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from typing import Any

BATCH_ROWS = 2000


class StreamedRows:
    """The rows of a list in an answer, in batches, read when the answer is written."""

    def __init__(self, batches: Iterable[list[Any]]) -> None:
        self._batches = iter(batches)
        self._first: list[Any] | None = None

    def first(self) -> list[Any]:
        """The first batch (read now if it was not yet): empty when there are no rows."""
        if self._first is None:
            self._first = next(self._batches, [])
        return self._first

    def __bool__(self) -> bool:
        return bool(self.first())

    def rest(self) -> Iterator[list[Any]]:
        """The batches after the first."""
        self.first()
        return self._batches

    def close(self) -> None:
        """Stop reading (closes the generator, and with it a database cursor)."""
        close = getattr(self._batches, "close", None)
        if close is not None:
            close()


def batched(rows: Iterable[Any], size: int | None = None) -> Iterator[list[Any]]:
    """Group rows into lists of `size` (default `BATCH_ROWS`; the last may be shorter)."""
    size = size or BATCH_ROWS
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def render(answer: dict[str, Any], dumps: Callable[[Any], bytes]) -> bytes | Iterator[bytes]:
    """Write an answer holding at most one `StreamedRows` (at its top level): bytes, or pieces to send."""
    key = next((k for k, v in answer.items() if isinstance(v, StreamedRows)), None)
    if key is None:
        return dumps(answer)
    rows: StreamedRows = answer[key]
    first = rows.first()
    rest = rows.rest()
    second = next(rest, None)
    if second is None:
        return dumps({**answer, key: first})
    others = {k: v for k, v in answer.items() if k != key}
    head = dumps(others)[:-1] + (b"," if others else b"") + dumps(key) + b":["
    return _pieces(head, first, second, rest, rows, dumps)


def _pieces(
    head: bytes,
    first: list[Any],
    second: list[Any],
    rest: Iterator[list[Any]],
    rows: StreamedRows,
    dumps: Callable[[Any], bytes],
) -> Iterator[bytes]:
    try:
        separator = b""
        piece = head
        for batch in chain((first, second), rest):
            if batch:
                yield piece + separator + dumps(batch)[1:-1]
                separator, piece = b",", b""
        yield piece + b"]}"
    finally:
        rows.close()
