"""Calling the API in tests as a real client does: real tokens, real HTTP through Django's client.

`issue_token(...)` makes a token and returns its secret; `api(client, method, params, token=...)`
calls `/api/<method>` and returns `(HTTP status, JSON answer)`.

`covers("method.name", ...)` marks a test as a positive (success-path) test of those methods;
`tests/stemlink/api/test_method_coverage.py` fails when a registered method has none.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from stemlink.api.services import create_token
from stemlink.catalog.models import Vendor
from stemlink.customers.models import Customer
from stemlink.tenancy.models import Company

F = TypeVar("F", bound=Callable[..., Any])


def issue_token(
    company: Company,
    token_type: str,
    *,
    customer: Customer | None = None,
    vendor: Vendor | None = None,
    methods: str | list[str] = "all",
    transactional: bool = False,
    description: str = "test",
) -> str:
    """Make a token of `token_type` for `company` and return its secret."""
    _, raw = create_token(
        company,
        token_type=str(token_type),
        description=description,
        methods=methods,
        customer=customer,
        vendor=vendor,
        transactional=transactional,
    )
    return raw


def api(
    client: Any,
    method: str,
    params: dict[str, Any] | None = None,
    *,
    token: str,
    account: int | None = None,
    verb: str = "POST",
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, Any]]:
    """Call API method `method` with `token` (in the header); return the HTTP status and the JSON answer.

    POST sends `params` as a JSON body; GET sends them in the query string. `account` becomes the
    `X-ACCOUNT` header. Pass `token=""` to send no token at all.
    """
    extra: dict[str, str] = {}
    if token:
        extra["authenticationToken"] = token
    if account is not None:
        extra["X-ACCOUNT"] = str(account)
    extra.update(headers or {})
    url = f"/api/{method}"
    if verb.upper() == "GET":
        query = {
            key: (",".join(str(v) for v in value) if isinstance(value, list) else value)
            for key, value in (params or {}).items()
            if value is not None
        }
        response = client.get(url, query, headers=extra)
    else:
        response = client.post(
            url, data=json.dumps(params or {}), content_type="application/json", headers=extra
        )
    try:
        answer = response.json()
    except ValueError as exc:  # every answer of the API is JSON; anything else is a bug to see
        raise AssertionError(
            f"{method} answered non-JSON ({response.status_code}): {response.content[:300]!r}"
        ) from exc
    return response.status_code, answer


COVERED: set[str] = set()


def covers(*methods: str) -> Callable[[F], F]:
    """Mark a test as a success-path test of these API methods (read by the coverage meta-test)."""

    def mark(test: F) -> F:
        COVERED.update(methods)
        test.covers_methods = methods  # type: ignore[attr-defined]
        return test

    return mark
