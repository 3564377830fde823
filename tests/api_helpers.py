"""Calling the API in tests as a real client does: real tokens, real HTTP through Django's client.

`issue_token(...)` makes a token and returns its secret; `api(client, method, params, token=...)`
calls `/api/<method>` and returns `(HTTP status, JSON answer)`.

Every answer `api()` receives is checked against the method's answer in `/api/openapi.json` (the
declared answer models of `stemlink.api.answers`): a field a handler adds without declaring it, a
wrong type or a `null` the model does not allow fails the test that saw it.

`covers("method.name", ...)` marks a test as a positive (success-path) test of those methods;
`tests/stemlink/api/test_method_coverage.py` fails when a registered method has none.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

import jsonschema

from stemlink.api import openapi
from stemlink.api.registry import load_all_methods
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
    exercises: bool = True,
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
        # A long list comes streamed (stemlink.api.streamed): the same JSON, in pieces.
        answer = json.loads(b"".join(response.streaming_content)) if response.streaming else response.json()
    except ValueError as exc:  # every answer of the API is JSON; anything else is a bug to see
        raise AssertionError(f"{method} answered non-JSON ({response.status_code})") from exc
    check_answer(method, response.status_code, answer)
    if exercises and response.status_code == 200:
        # A parameter counts as exercised once a call carrying it succeeded (tests/conftest.py).
        EXERCISED.update((method.removeprefix("v2/"), name) for name in (params or {}))
    return response.status_code, answer


@cache
def _validator(ref: str) -> jsonschema.Draft202012Validator:
    document = openapi.document()
    return jsonschema.Draft202012Validator({"$ref": ref, "components": document["components"]})


def check_answer(method: str, status: int, answer: Any) -> None:
    """Fail unless `answer` is what the OpenAPI document declares for `method` answering `status`."""
    spec = load_all_methods().get(method.removeprefix("v2/"))
    if spec is None or status not in (200, *map(int, openapi.FAILURE_STATUSES)):
        return
    if status == 200:
        ref = f"#/components/schemas/{openapi.component_name(spec)}"
    else:
        ref = "#/components/schemas/Failure"
    errors = sorted(_validator(ref).iter_errors(answer), key=lambda e: list(e.absolute_path))
    if errors:
        where = "; ".join(
            f"{'/'.join(map(str, e.absolute_path)) or '(answer)'}: {e.message}" for e in errors[:5]
        )
        raise AssertionError(f"{method} answered {status} outside its declared schema: {where}")


COVERED: set[str] = set()
# (method, parameter) pairs some test sent through `api()`: read at the end of a whole run by
# `tests/conftest.py`, which fails the run for a declared parameter no test sends.
EXERCISED: set[tuple[str, str]] = set()


def unexercised(known: frozenset[tuple[str, str]]) -> list[tuple[str, str]]:
    """The declared (method, parameter) pairs no successful call sent, beyond the `known` gaps."""
    return sorted(declared_parameters() - EXERCISED - known)


def declared_parameters() -> set[tuple[str, str]]:
    """Every (method, parameter name as clients send it) the registry declares."""
    return {
        (name, field.alias or field_name)
        for name, spec in load_all_methods().items()
        for field_name, field in spec.params.model_fields.items()
    }


def covers(*methods: str) -> Callable[[F], F]:
    """Mark a test as a success-path test of these API methods (read by the coverage meta-test)."""

    def mark(test: F) -> F:
        COVERED.update(methods)
        test.covers_methods = methods  # type: ignore[attr-defined]
        return test

    return mark
