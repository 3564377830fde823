"""Paging for back-office lists that grow with the years: a page costs the same on page 1 and page 3,000.

`page_of` splits a list in two steps:

1. the page's keys: the ids of its rows, read in the list's order from an index (no join, no
   annotation, nothing per skipped row). Past the middle the order is turned round and the page is
   read from the far end, so the last page is as cheap as the first;
2. the page's rows: only those ids, with the joins and the per-row figures (fees, line counts)
   the page shows.

The count is one `COUNT(*)` of the filtered list without its joins (an index count); a caller that
knows the count cheaper (or does not need it) passes it. Links keep page numbers, so `_pager.html`
serves every list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet


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
    ) -> None:
        super().__init__(keys.order_by(*ordering), per_page, allow_empty_first_page=True)
        self._keys = keys
        self._ordering = list(ordering)
        self._rows = rows
        self._known_count = count

    @property
    def count(self) -> int:
        if self._known_count is None:
            self._known_count = self._keys.order_by().count()
        return self._known_count

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
        found = {row.pk: row for row in self._rows(self._keys.order_by().filter(pk__in=ids))}
        return Page([found[pk] for pk in ids if pk in found], number, self)


def page_of(
    request_page: str | None,
    keys: QuerySet[Any],
    ordering: Sequence[str],
    rows: Callable[[QuerySet[Any]], QuerySet[Any]] = lambda qs: qs,
    *,
    per_page: int = 50,
    count: int | None = None,
) -> Page:
    """The page asked for (a number; nonsense gives the first page, too far gives the last)."""
    paginator = KeysetPaginator(keys, ordering, rows, per_page, count=count)
    try:
        return paginator.page(request_page or 1)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)
