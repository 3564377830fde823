"""schemathesis, driven by the served OpenAPI document, fuzzes every operation of the API.

Each operation (GET and POST of every method) gets a bounded number of generated calls, some fitting
its schema and some not, through Django's WSGI application on the test database (SQLite or
PostgreSQL, whichever the run uses), with a token of a type the method accepts and the right
`X-ACCOUNT`. Every answer must be no 5xx, carry a declared status code and content type, and match
the schema the document declares for that status. Generation is derandomized, so a run is the
same every time and cannot fail by chance.

`test_the_fuzzer_fails_when_a_handler_crashes` shows the run would catch a crash: it makes one
handler raise and expects the same fuzzing to fail.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup, ServerError
from schemathesis.generation import GenerationMode

from stemlink.api import openapi
from stemlink.api.registry import REGISTRY, load_all_methods
from stemlink.api.services import log_in
from tests.api_helpers import issue_token
from tests.factories import make_line, make_user, make_world

EXAMPLES = 4  # per operation: about half fitting the schema, half not
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
OPERATIONS = [
    (path, verb.upper())
    for path, item in sorted(openapi.document()["paths"].items())
    for verb in sorted(item)
]


@cache
def _schema() -> Any:
    config = SchemathesisConfig.from_dict({"generation": {"allow-x00": False}})
    return schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application(), config=config)


@pytest.fixture
def tokens(db) -> Iterator[dict[str, Any]]:
    world = make_world()
    make_line(world)
    user = make_user(world.company)
    # As Django's test client does: the WSGI handler must not close the test's database connection
    # at the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {
            "company": issue_token(world.company, "company"),
            "customer": issue_token(world.company, "customer", customer=world.customer),
            "vendor": issue_token(world.company, "vendor", vendor=world.vendor),
            "user": log_in(user.username, "flowers-2026")[1],
            "account": world.company.id,
        }
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _headers(operation: Any, tokens: dict[str, Any]) -> dict[str, str]:
    allowed = operation.definition.raw.get("x-token-types", [])
    for kind in ("company", "customer", "vendor", "user"):
        if kind in allowed and tokens.get(kind):
            return {"authenticationToken": tokens[kind], "X-ACCOUNT": str(tokens["account"])}
    return {}


def fuzz(path: str, verb: str, tokens: dict[str, Any]) -> None:
    """Run the bounded, derandomized fuzzing of one operation; raise on the first failed check."""
    operation = _schema()[path][verb]
    headers = _headers(operation, tokens)
    strategy = operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE)

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)

    run()


def test_no_operation_answers_5xx_or_outside_its_schema(tokens):
    # One test over every operation, on one company: setting a company up per operation would cost
    # more than the fuzzing. Every operation runs; the failures are reported together.
    failures = []
    for path, verb in OPERATIONS:
        try:
            fuzz(path, verb, tokens)
        except Exception as error:
            failures.append(f"{verb} {path}: {_describe(error)}")
    assert len(OPERATIONS) == 2 * len(load_all_methods())
    assert not failures, "\n".join(failures)


def _describe(error: BaseException) -> str:
    if isinstance(error, BaseExceptionGroup):
        return "; ".join(_describe(e) for e in error.exceptions)
    return f"{type(error).__name__}: {str(error)[:1500]}"


def test_the_fuzzer_fails_when_a_handler_crashes(tokens, monkeypatch):
    spec = load_all_methods()["carrier.list"]

    def crash(ctx: Any, params: Any) -> dict[str, Any]:
        raise RuntimeError("a bug in a handler")

    monkeypatch.setitem(REGISTRY, "carrier.list", dataclasses.replace(spec, handler=crash))
    with pytest.raises(FailureGroup) as failure:
        fuzz("/carrier.list", "POST", tokens)
    assert any(isinstance(error, ServerError) for error in failure.value.exceptions)
    # The operation next to it, whose handler is whole, still passes.
    fuzz("/category.list", "POST", tokens)


# Crashes once found in parameter parsing, kept as cases: a NUL character (PostgreSQL refuses it)
# and a date the month arithmetic cannot hold now answer a validation error, not a 500.
@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/carrier.list", {"name": "Arm\x00"}),
        ("/customer.list", {"code": "BLOOM\x00NET"}),
        ("/invoice.list", {"orderDateFrom": "9999-12-01", "orderDateTo": "9999-12-31"}),
    ],
)
def test_known_parse_crashes_answer_within_the_schema(tokens, path, query):
    operation = _schema()[path]["GET"]
    headers = _headers(operation, tokens)
    case = operation.Case(query=query, headers=headers)
    response = case.call(headers=headers)
    case.validate_response(response, checks=CHECKS, headers=headers)
