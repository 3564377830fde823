"""Paging for back-office lists that grow with the years: a page costs the same on page 1 and page 3,000.

`page_of` splits a list in two steps:

1. the page's keys: the ids of its rows, read in the list's order from an index (no join, no
   annotation, nothing per skipped row). Past the middle the order is turned round and the page is
   read from the far end, so the last page is as cheap as the first;
2. the page's rows: only those ids, with the joins and the per-row figures (fees, line counts)
   the page shows.

The count is one `COUNT(*)` of the filtered list without its joins (an index count); a caller that
knows the count cheaper (or does not need it) passes it.

Seek: a page's Previous and Next links carry, besides the page number, the boundary they start
from (`seek=a<values>`: the rows after the last row of this page; `seek=b<values>`: the rows before
its first row; the values are the row's ordering keys, id last). Such a page is read from the index
at that boundary (`WHERE (key, id) > (...)`, said as `key >= x AND (key > x OR id > y)`) and costs
the same in the middle of 150,000 rows as on page 1; no `OFFSET` at all. A page asked by number
alone (a typed or bookmarked link) is read with the offset from the nearer end, as above. A seek
that does not parse, or that finds nothing (the rows changed), falls back to the page number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Q, QuerySet

# Between the values of a seek boundary (never in an ISO date, a datetime or an integer).
SEP = "~"


def _reversed(ordering: Sequence[str]) -> list[str]:
    return [key[1:] if key.startswith("-") else f"-{key}" for key in ordering]


class KeysetPaginator(Paginator):
    """A Paginator whose pages read their ids from an index first, then only those rows."""

    def __init__(
        self,
        keys: QuerySet[Any],
        ordering: Sequence[str],
        rows: Callable[[QuerySet[Any]], QuerySet[Any]],
        per_page: int,
        *,
        count: int | None = None,
        rows_from: QuerySet[Any] | None = None,
    ) -> None:
        super().__init__(keys.order_by(*ordering), per_page, allow_empty_first_page=True)
        self._keys = keys
        self._rows_from = rows_from
        self._ordering = list(ordering)
        self._rows = rows
        self._known_count = count

    @property
    def count(self) -> int:
        if self._known_count is None:
            self._known_count = self._keys.order_by().count()
        return self._known_count

    def _fields(self) -> list[tuple[str, bool, Any]]:
        """(name, descending, model field) of each ordering key."""
        meta = self._keys.model._meta
        return [
            (
                key.lstrip("-"),
                key.startswith("-"),
                meta.pk if key.lstrip("-") == "pk" else meta.get_field(key.lstrip("-")),
            )
            for key in self._ordering
        ]

    def boundary(self, row: Any) -> str:
        """A row's ordering keys, written for a link."""
        values = []
        for name, _, _ in self._fields():
            value = getattr(row, name)
            values.append(value.isoformat() if isinstance(value, dt.date) else str(value))
        return SEP.join(values)

    def _after(self, text: str, forward: bool) -> Q | None:
        """Rows past the boundary `text` in the list's order (`forward`) or before it; None: no boundary."""
        fields = self._fields()
        parts = text.split(SEP)
        if len(parts) != len(fields) or len(text) > 200:
            return None
        try:
            values = [field.to_python(part) for (_, _, field), part in zip(fields, parts, strict=True)]
        except (ValidationError, ValueError, TypeError, OverflowError):
            return None
        if any(v is None for v in values):
            return None
        # (k1, k2, ..., id) past (v1, v2, ..., vn), each key in its own direction; the first key also
        # as a plain range so that the index serves the comparison.
        condition = Q()
        for i in range(len(fields) - 1, -1, -1):
            name, descending, _ = fields[i]
            op = "lt" if descending == forward else "gt"
            step = Q(**{f"{name}__{op}": values[i]})
            if i < len(fields) - 1:
                step |= Q(**{name: values[i]}) & condition
            condition = step
        name, descending, _ = fields[0]
        first = Q(**{f"{name}__{'lte' if descending == forward else 'gte'}": values[0]})
        return first & condition

    def seek_page(self, number: Any, seek: str) -> Page | None:
        """Page `number` read from its boundary (`a...` after, `b...` before); None: read it by number."""
        number = self.validate_number(number)
        if number == 1 or seek[:1] not in {"a", "b"}:
            return None
        forward = seek[0] == "a"
        condition = self._after(seek[1:], forward)
        if condition is None:
            return None
        ordering = self._ordering if forward else _reversed(self._ordering)
        ids = list(
            self._keys.filter(condition).order_by(*ordering).values_list("pk", flat=True)[: self.per_page]
        )
        if not ids:
            return None
        if not forward:
            ids.reverse()
        return self._page_of_ids(ids, number)

    def _page_of_ids(self, ids: list[Any], number: int) -> Page:
        base = self._keys.order_by() if self._rows_from is None else self._rows_from
        found = {row.pk: row for row in self._rows(base.filter(pk__in=ids))}
        page = Page([found[pk] for pk in ids if pk in found], number, self)
        # The links on either side start from this page's first and last rows.
        if page.object_list:
            page.previous_seek = "b" + self.boundary(page.object_list[0])  # type: ignore[attr-defined]
            page.next_seek = "a" + self.boundary(page.object_list[-1])  # type: ignore[attr-defined]
        return page

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if bottom > self.count // 2:
            # Nearer the end: read from the far end with a small offset, then turn the page round.
            tail = self.count - top
            ids = list(
                self._keys.order_by(*_reversed(self._ordering)).values_list("pk", flat=True)[
                    tail : tail + (top - bottom)
                ]
            )
            ids.reverse()
        else:
            ids = list(self._keys.order_by(*self._ordering).values_list("pk", flat=True)[bottom:top])
        return self._page_of_ids(ids, number)


def page_of(
    request_page: str | None,
    keys: QuerySet[Any],
    ordering: Sequence[str],
    rows: Callable[[QuerySet[Any]], QuerySet[Any]] = lambda qs: qs,
    *,
    per_page: int = 50,
    count: int | None = None,
    seek: str | None = None,
    rows_from: QuerySet[Any] | None = None,
) -> Page:
    """The page asked for (a number; nonsense gives the first page, too far gives the last), read
    from the boundary `seek` when the link carries one (see the module's note).

    `rows_from`: where the page's rows are read by id (default: `keys` itself). A list filtered
    by a range (the fees ledger's period) passes its company's rows: with the range repeated next
    to the ids, SQLite reads the rows by scanning the whole range instead of by id.
    """
    paginator = KeysetPaginator(keys, ordering, rows, per_page, count=count, rows_from=rows_from)
    try:
        if seek and (found := paginator.seek_page(request_page or 1, seek)) is not None:
            return found
        return paginator.page(request_page or 1)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)
