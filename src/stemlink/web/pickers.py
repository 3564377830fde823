"""Long pickers (customers, lines, products) as search-as-you-type instead of a `<select>` of everything.

`SearchSelect` renders a search box and a `<select>` that holds only its fixed choices (such as
"Any") and the value already chosen. Typing in the box asks the picker's URL (htmx) for the first
matches and puts them in the `<select>`, after the same fixed choices (named by the field, or by
`fixed_key` where one field name serves pickers with different fixed choices). The form's field
still checks the value sent against the company's rows (one lookup by id), so nothing outside the
list can be chosen. The search box takes nothing from an htmx form around it (as the inventory's
filters, which select `#results` from their answer and push their URL): `hx-select="unset"`,
`hx-push-url="false"`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

# How many matches a search shows.
MATCHES = 30

Labels = Callable[[list[str]], Iterable[tuple[Any, str]]]


class SearchSelect(forms.Select):
    """A `<select>` with only the fixed choices and the chosen value, and a search box that fills it."""

    def __init__(
        self,
        url_name: str,
        labels: Labels,
        fixed: Sequence[tuple[str, str]] = (),
        *,
        fixed_key: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.url_name = url_name
        self.labels = labels
        self.fixed = list(fixed)
        self.fixed_key = fixed_key
        # The search box, not the `<select>`, takes the focus when the page opens (set it to want so).
        self.search_autofocus = False

    def optgroups(self, name: str, value: list[Any], attrs: dict[str, Any] | None = None) -> list[Any]:
        fixed_values = {str(v) for v, _ in self.fixed}
        chosen = [str(v) for v in value if v not in (None, "") and str(v) not in fixed_values]
        options = [*self.fixed, *(self.labels(chosen) if chosen else [])]
        groups = []
        for index, (option_value, label) in enumerate(options):
            selected = str(option_value) in value
            groups.append(
                (None, [self.create_option(name, option_value, label, selected, index, attrs=attrs)], index)
            )
        return groups

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> Any:
        select = super().render(name, value, attrs, renderer)
        select_id = (attrs or {}).get("id") or f"id_{name}"
        search = format_html(
            '<input type="search" class="picker-search" id="{}_search" name="{}_search" autocomplete="off"'
            ' placeholder="Type to search…" aria-label="Search" aria-controls="{}"'
            ' hx-get="{}?{}" hx-trigger="input changed delay:250ms, search" hx-target="#{}"'
            ' hx-swap="innerHTML" hx-sync="this:replace" hx-select="unset" hx-push-url="false"{}>',
            select_id,
            name,
            select_id,
            reverse(self.url_name),
            urlencode({"field": name, **({"fixed": self.fixed_key} if self.fixed_key else {})}),
            select_id,
            " autofocus" if self.search_autofocus else "",  # no character to escape
        )
        return format_html('<span class="picker">{}{}</span>', search, select)
