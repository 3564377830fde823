"""What the back office reads from a request itself (outside a Django form), read safely.

- `parse_id`: only ASCII digits are an id ("²" passes `str.isdigit()` and `int()` reads "١٢" or
  full-width digits), and only within the id column's range (BigAutoField).
- `NulRefusalMiddleware`: a NUL character in any field of a back-office request is refused with
  a page naming the field, before a view runs: PostgreSQL cannot store or compare one, and
  Django's form fields refuse it only where a form is used. So is a field that is only a number
  written with digits other than 0-9 ("١٢", "１２", "²"): Django's form fields would read "١٢"
  as the id 12. The API refuses both by field name on its own (`stemlink.api.registry.Params`,
  `stemlink.api.params`), so `/api/` is left to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render

ID_MAX = 2**63 - 1
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")
# A value that is only a number (any script's digits, signs, separators): `\d` is Unicode here.
_A_NUMBER = re.compile(r"[\s+\-.,]*[\d²³¹][\d²³¹\s+\-.,]*")


def parse_id(raw: object) -> int | None:
    """Return the id written in `raw` (ASCII digits, 1 to 2**63-1), or None when it is not one."""
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if not _ASCII_DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if 1 <= value <= ID_MAX else None


def _refused(key: str, value: str) -> str | None:
    if "\x00" in value:
        return "holds a NUL character (\\u0000); remove it"
    # A password may be any characters at all; it is never read as a number.
    if not value.isascii() and "password" not in key.lower() and _A_NUMBER.fullmatch(value):
        return "is a number written with digits other than 0-9; write it with 0-9"
    return None


def refused_field(request: HttpRequest) -> tuple[str, str] | None:
    """Name the first field of the query string or form body that no view may read, and why."""
    sources = [request.GET]
    if request.method == "POST":
        try:
            sources.append(request.POST)
        except (RequestDataTooBig, SuspiciousOperation, MultiPartParserError, ValueError):
            return None  # Django's own handling answers these
    for data in sources:
        for key in data:
            if "\x00" in key:
                return key.replace("\x00", "\\u0000")[:60], "holds a NUL character (\\u0000); remove it"
            for value in data.getlist(key):
                if (why := _refused(key, value)) is not None:
                    return key[:60], why
    return None


class NulRefusalMiddleware:
    """Refuse a back-office request with a NUL, or a number in digits other than 0-9, in any field."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            refused = refused_field(request)
            if refused is not None:
                field, why = refused
                return render(
                    request,
                    "web/error.html",
                    {
                        "title": "That could not be read",
                        "message": f"The field {field!r} {why}, and send the form again.",
                        "code": "validation_error",
                    },
                    status=400,
                )
        return self.get_response(request)
