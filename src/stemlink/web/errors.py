"""The one place that turns `StemlinkError`s into what a page shows.

Field errors go next to their fields (the form keeps what was typed); anything else becomes a
message at the top of the form, or an error page with the message and a way back.
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from stemlink.errors import StemlinkError, ValidationFailed


def add_error_to_form(
    form: forms.Form, error: StemlinkError, field_names: dict[str, str] | None = None
) -> None:
    """Put a service's error on the form: each field error beside its field, the rest on top.

    `field_names` maps a service's field name to the form's where they differ.
    """
    rename = field_names or {}
    if isinstance(error, ValidationFailed) and error.errors:
        for item in error.errors:
            name = rename.get(item.field, item.field)
            if name and name in form.fields:
                form.add_error(name, item.message)
            else:
                form.add_error(None, f"{item.field}: {item.message}" if item.field else item.message)
        return
    form.add_error(None, error.message)


def error_page(
    request: HttpRequest, error: StemlinkError, *, status: int | None = None, title: str | None = None
) -> HttpResponse:
    """Render a page saying what went wrong and what to do, with the error's HTTP status."""
    return render(
        request,
        "web/error.html",
        {"title": title or "That did not work", "message": error.message, "code": error.code},
        status=status or error.http_status,
    )
