"""Every registered API method gets the gateway's negative tests, generated from the registry.

A method added later is covered the moment it registers: no token, an unknown, revoked or
disabled token, a token type it does not take, a token whose whitelist lacks it, a wrong or
missing X-ACCOUNT, garbage in every parameter (never a 500), junk in one parameter with plausible
values in all the others (refused by that parameter's name), and a Customer token naming another
customer (with every other parameter plausible: "not found" for that customer, nothing else).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import types
import typing
from decimal import Decimal
from typing import Any

import pydantic
import pytest
from pydantic import BaseModel

from stemlink.api.registry import CO, CU, US, VE, MethodSpec, TokenType, load_all_methods
from stemlink.api.services import create_token, log_in, revoke_token, set_token_enabled
from tests.api_helpers import api
from tests.factories import make_customer, make_line, make_user

REGISTRY = load_all_methods()
METHODS = sorted(REGISTRY)
WITH_TOKEN = [name for name in METHODS if REGISTRY[name].needs_token]
PREFERENCE = (CO, US, CU, VE)

JUNK: list[Any] = [
    "",
    " ",
    "💥🌹",
    "null",
    "-1",
    "0",
    "1e999",
    "NaN",
    "Infinity",
    "9" * 5000,
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "2026-02-30",
    "0000-00-00 25:61:61",
    "1,2,,x",
    -1,
    0,
    2**70,
    -(2**70),
    1.5,
    1e308,
    True,
    None,
    [],
    {},
    [1, "a", None],
    {"a": {"b": [{}]}},
    "x" * 300,
]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # User tokens come from a real login; a slow password hash per test would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _token(
    world: Any, token_type: TokenType, methods: Any = "all", transactional: bool = False
) -> tuple[Any, str]:
    if token_type == US:
        user = make_user(world.company, password="matrix-password-26")
        token, raw = log_in(user.username, "matrix-password-26")
        if methods != "all":
            token.methods = list(methods)
            token.save(update_fields=["methods"])
        return token, raw
    customer = make_customer(world.company) if token_type == CU else None
    vendor = None
    if token_type == VE:
        vendor = world.vendor.__class__.objects.create(
            company=world.company, code=f"V{random.randint(10**6, 10**7)}", name="Matrix grower"
        )
    return create_token(
        world.company,
        token_type=str(token_type),
        description="matrix",
        methods=methods,
        customer=customer,
        vendor=vendor,
        transactional=transactional,
    )


def _allowed_type(spec: MethodSpec) -> TokenType:
    return next(t for t in PREFERENCE if t in spec.tokens)


def _account(spec: MethodSpec, world: Any) -> int:
    return world.company.pk


@pytest.mark.parametrize("method", WITH_TOKEN)
def test_without_a_token_the_method_is_refused(client, world, method):
    status, body = api(client, method, {}, token="", account=world.company.pk)
    assert (status, body["status"], body["errorCode"]) == (401, 0, "invalid_token")


@pytest.mark.parametrize("method", WITH_TOKEN)
def test_an_unknown_token_is_refused(client, world, method):
    status, body = api(client, method, {}, token="abcdefghij0123456789abcdef", account=world.company.pk)
    assert (status, body["errorCode"]) == (401, "invalid_token")


@pytest.mark.parametrize("method", WITH_TOKEN)
def test_a_revoked_token_is_refused(client, world, method):
    token, raw = _token(world, _allowed_type(REGISTRY[method]))
    revoke_token(token)
    status, body = api(client, method, {}, token=raw, account=world.company.pk)
    assert (status, body["errorCode"]) == (401, "invalid_token")


@pytest.mark.parametrize("method", WITH_TOKEN)
def test_a_disabled_token_is_refused(client, world, method):
    token, raw = _token(world, _allowed_type(REGISTRY[method]))
    set_token_enabled(token, False)
    status, body = api(client, method, {}, token=raw, account=world.company.pk)
    assert (status, body["errorCode"]) == (401, "invalid_token")


@pytest.mark.parametrize("method", WITH_TOKEN)
def test_a_token_of_a_type_the_method_does_not_take_is_refused(client, world, method):
    spec = REGISTRY[method]
    others = [t for t in PREFERENCE if t not in spec.tokens]
    if not others:
        pytest.skip(f"{method} takes every token type")
    for token_type in others:
        _, raw = _token(world, token_type)
        status, body = api(client, method, {}, token=raw, account=world.company.pk)
        assert (status, body["errorCode"]) == (403, "method_not_allowed_for_token"), token_type


@pytest.mark.parametrize("method", WITH_TOKEN)
def test_a_token_whose_whitelist_lacks_the_method_is_refused(client, world, method):
    spec = REGISTRY[method]
    token_type = _allowed_type(spec)
    others = [name for name in WITH_TOKEN if name != method and token_type in REGISTRY[name].tokens][:1]
    _, raw = _token(world, token_type, methods=others)
    status, body = api(client, method, {}, token=raw, account=world.company.pk)
    assert (status, body["errorCode"]) == (403, "method_not_allowed_for_token")


@pytest.mark.parametrize("method", WITH_TOKEN)
def test_a_wrong_x_account_is_refused(client, world, other_world, method):
    _, raw = _token(world, _allowed_type(REGISTRY[method]))
    status, body = api(client, method, {}, token=raw, account=other_world.company.pk)
    assert (status, body["errorCode"]) == (403, "wrong_account")
    status, body = api(client, method, {}, token=raw, headers={"X-ACCOUNT": "not-a-number"})
    assert (status, body["errorCode"]) == (403, "wrong_account")


@pytest.mark.parametrize("method", [name for name in WITH_TOKEN if REGISTRY[name].requires_account])
def test_a_missing_x_account_is_refused_where_it_is_required(client, world, method):
    _, raw = _token(world, _allowed_type(REGISTRY[method]))
    status, body = api(client, method, {}, token=raw)
    assert (status, body["errorCode"]) == (403, "wrong_account")


def _field_names(spec: MethodSpec) -> list[str]:
    return [info.alias or name for name, info in spec.params.model_fields.items()]


def _garbage_sets(spec: MethodSpec) -> list[dict[str, Any]]:
    fields = _field_names(spec) or ["anything"]
    rng = random.Random(spec.name)  # the same "random" junk every run, so a failure reproduces
    sets = [dict.fromkeys(fields, junk) for junk in JUNK]
    for _ in range(8):
        sets.append({field: rng.choice(JUNK) for field in fields})
    for field in fields:
        sets.append({field: rng.choice(JUNK)})
    return sets


def _is_answer(status: int, body: Any) -> bool:
    if status == 200:
        return isinstance(body, dict)
    return (
        isinstance(body, dict)
        and body.get("status") == 0
        and bool(body.get("errorCode"))
        and bool(body.get("message"))
    )


@pytest.mark.parametrize("method", METHODS)
def test_garbage_parameters_never_cause_a_500(client, world, method):
    spec = REGISTRY[method]
    raw = ""
    if spec.needs_token:
        _, raw = _token(world, _allowed_type(spec), transactional=True)
    for params in _garbage_sets(spec):
        # Junk that happens to be accepted proves no parameter is applied: it exercises none.
        status, body = api(client, method, params, token=raw, account=world.company.pk, exercises=False)
        assert status != 500 and _is_answer(status, body), (params, status, body)
    for junk in ("", "💥", "-1", "2026-13-45", "x" * 200):
        query = dict.fromkeys(_field_names(spec), junk)
        status, body = api(client, method, query, token=raw, account=world.company.pk, verb="GET")
        assert status != 500 and _is_answer(status, body), (query, status, body)


def _plausible(annotation: Any, name: str, world: Any) -> Any:
    """A value of the right shape (and, for ids, of a real record) for parameter `name`.

    Sent for every parameter but the one under test, so a refusal can only come from that one.
    """
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _plausible(typing.get_args(annotation)[0], name, world)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _plausible(args[0], name, world) if args else None
    if origin is list:
        item = typing.get_args(annotation)[0] if typing.get_args(annotation) else None
        return [] if isinstance(item, type) and issubclass(item, BaseModel) else [make_line(world).pk]
    if annotation is bool:
        return False
    if annotation is int:
        return REAL_IDS[name](world) if name in REAL_IDS else 1
    if annotation is dt.date:
        return dt.date.today().isoformat()
    if annotation is dt.datetime:
        return "2026-01-01 00:00:00"
    if annotation is Decimal:
        return "1.00"
    return PLAUSIBLE_TEXT.get(name, "x")


# Ids a method looks up: those of the world's own records, so none of them is "not found".
REAL_IDS: dict[str, Any] = {
    "carrierId": lambda w: w.carrier.pk,
    "customerId": lambda w: w.customer.pk,
    "companyLocationId": lambda w: w.location.pk,
    "CompanyLocationId": lambda w: w.location.pk,
    "locationId": lambda w: w.location.pk,
    "companyId": lambda w: w.company.pk,
    "categoryId": lambda w: w.roses.pk,
    "companyProductId": lambda w: w.product.pk,
    "inventoryOrigin": lambda w: 1,
    "status": lambda w: 1,
}
PLAUSIBLE_TEXT = {"boxTypeCode": "QB", "order": "1", "recurrence": "weekly", "days": "mon"}


CUSTOMER_METHODS = [
    name
    for name in WITH_TOKEN
    if CU in REGISTRY[name].tokens and "customerId" in _field_names(REGISTRY[name])
]


@pytest.mark.parametrize("method", CUSTOMER_METHODS)
def test_a_customer_token_naming_another_customer_is_not_found(client, world, other_world, method):
    spec = REGISTRY[method]
    _, raw = _token(world, CU, transactional=True)
    params = _plausible_params(spec, world)
    for stranger in (world.customer, other_world.customer):
        params["customerId"] = stranger.pk
        spec.params.model_validate(params)  # every parameter parses: only customerId can be refused
        status, body = api(client, method, params, token=raw, account=world.company.pk, exercises=False)
        # "Not found", never "forbidden": a Customer token cannot learn which customer ids exist.
        assert (status, body["errorCode"], body["message"]) == (
            404,
            "not_found",
            f"Customer {stranger.pk} was not found.",
        ), (method, json.dumps(body)[:300])


# Texts tried in turn for a parameter whose first plausible text its model refuses (a pattern).
OTHER_TEXTS = ["A", "1", "QB", "weekly", "mon", "2026-01-01"]


def _plausible_params(spec: MethodSpec, world: Any) -> dict[str, Any]:
    params = {
        info.alias or name: _plausible(info.annotation, info.alias or name, world)
        for name, info in spec.params.model_fields.items()
    }
    for text in OTHER_TEXTS:
        try:
            spec.params.model_validate(params)
            break
        except pydantic.ValidationError as error:
            for item in error.errors():
                field = str(item["loc"][0])
                if isinstance(params.get(field), str):
                    params[field] = text
    return params


@pytest.mark.parametrize("method", [name for name in METHODS if _field_names(REGISTRY[name])])
def test_junk_in_one_parameter_is_refused_by_that_parameters_name(client, world, method):
    spec = REGISTRY[method]
    raw = ""
    if spec.needs_token:
        _, raw = _token(world, _allowed_type(spec), transactional=True)
    plausible = _plausible_params(spec, world)
    spec.params.model_validate(plausible)  # the baseline parses, so any refusal is the junk's
    rng = random.Random(f"one:{spec.name}")
    for field in plausible:
        for junk in rng.sample(JUNK, 4):
            params = {**plausible, field: junk}
            try:
                spec.params.model_validate(params)
            except pydantic.ValidationError:
                pass
            else:
                continue  # junk this parameter accepts is covered by the garbage test above
            status, body = api(client, method, params, token=raw, account=world.company.pk, exercises=False)
            named = {str(e.get("field", "")) for e in body.get("errors", [])}
            assert (status, body.get("errorCode")) == (400, "validation_error"), (field, junk, body)
            assert any(n == field or n.startswith((f"{field}.", f"{field}[")) for n in named), (
                field,
                junk,
                named,
            )
