"""Every registered method, driven with hostile values in every parameter: always a clean answer.

A property-based test (hypothesis, a bounded and derandomised number of examples per method so
it runs the same way every time) walks the registry and sends every parameter values an
attacker or a careless client would: NUL characters, digits that are not ASCII ("²", "١",
full-width), ids past the column's range, dates from year 1 to 9999 with any offset and in every
form clients write, JSON nested ~1,000 deep (with and without an `Idempotency-Key`), blanks and
nulls, and plausible values so the handlers are reached too. It asserts: never a 5xx, always the
JSON envelope, and exactly one audit row per call. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
import types
import typing
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stemlink.api.models import ApiCall
from stemlink.api.registry import load_all_methods
from tests.stemlink.api.test_method_matrix import _allowed_type, _token


def _shape(annotation: Any) -> Any:
    """A value of the right shape for a parameter (no record needed), sent beside the hostile one."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _shape(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _shape(args[0]) if args else None
    if origin is list:
        return []
    if annotation is bool:
        return False
    if annotation is int:
        return 1
    if annotation is dt.date:
        return dt.date.today().isoformat()
    if annotation is dt.datetime:
        return "2026-01-01 00:00:00"
    if annotation is Decimal:
        return "1.00"
    return "x"


REGISTRY = load_all_methods()
METHODS = sorted(REGISTRY)
EXAMPLES_PER_METHOD = 8
DEEP = 1000
NESTED_MARK = "__nested_1000_deep__"
NESTED_JSON = "[" * DEEP + "]" * DEEP

NON_ASCII_DIGITS = ["²", "١٢", "１２", "٣", "߁", "𝟏", "1²", "+1", " 7 ", "1_000", "0x10", "1e3"]
NUL_TEXTS = ["\x00", "a\x00b", "12\x00", "2026-11-30\x00", "\x00" * 50]
EDGE_DATES = [
    "9999-12-01",
    "9999-12-31",
    "9999-12-31T23:59:59-01:00",
    "0001-01-01",
    "0001-01-01T00:00:00+01:00",
    "01/01/0001",
    "12/31/9999",
    "Fri Dec 31 9999 23:00:00 GMT-1400 (Line Islands Time)",
    "/Date(253402300799999)/",
    "-62135596800000",
]
HUGE_NUMBERS: list[Any] = [2**63, 2**63 - 1, 2**62, 2**31, -(2**63), 10**30, "9" * 30, "9" * 5000, 1e308]


@st.composite
def hostile_dates(draw: st.DrawFn) -> str | int:
    """A date from year 1 to 9999 written any way a client writes one, with any offset."""
    moment = draw(
        st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31, 23, 59, 59))
    )
    minutes = draw(st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59))
    sign = "-" if minutes < 0 else "+"
    offset = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    form = draw(st.sampled_from(["iso", "iso_offset", "iso_z", "us", "js", "utc", "epoch", "date"]))
    if form == "date":
        return moment.date().isoformat()
    if form == "iso":
        return moment.isoformat()
    if form == "iso_offset":
        return moment.strftime("%Y-%m-%dT%H:%M:%S") + offset
    if form == "iso_z":
        return moment.strftime("%Y-%m-%dT%H:%M:%S") + "Z"
    if form == "us":
        return f"{moment.month:02d}/{moment.day:02d}/{moment.year:04d}"
    if form == "js":
        return (
            moment.strftime("%a %b %d ")
            + f"{moment.year:04d}"
            + moment.strftime(" %H:%M:%S")
            + (f" GMT{offset.replace(':', '')} (Somewhere Time)")
        )
    if form == "utc":
        return moment.strftime("%a, %d %b ") + f"{moment.year:04d}" + moment.strftime(" %H:%M:%S GMT")
    return draw(st.integers(min_value=-(10**15), max_value=10**15))


def _value_strategy(annotation: Any) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(NON_ASCII_DIGITS),
        st.sampled_from(NUL_TEXTS),
        st.sampled_from(HUGE_NUMBERS),
        hostile_dates(),
        st.sampled_from(EDGE_DATES),
        st.sampled_from(EDGE_DATES),
        st.just(NESTED_MARK),
        st.sampled_from(["", " ", None, "null", "on", "OFF", "Yes", True, False, [], {}, ["", None]]),
        st.text(max_size=30),
        st.integers(min_value=-5, max_value=50),
        st.just(_shape(annotation)),
    )


def _params_strategy(method: str) -> st.SearchStrategy[dict[str, Any]]:
    spec = REGISTRY[method]
    fields = {info.alias or name: info.annotation for name, info in spec.params.model_fields.items()}
    if not fields:
        fields = {"anything": str}
    return st.fixed_dictionaries(
        {}, optional={name: _value_strategy(annotation) for name, annotation in fields.items()}
    )


def _body(params: dict[str, Any]) -> str:
    text = json.dumps(params, default=str)
    return text.replace(json.dumps(NESTED_MARK), NESTED_JSON)


def _hostile_call(
    client: Any, method: str, params: dict[str, Any], raw: str, account: str, key: str | None, verb: str
) -> Any:
    headers = {"X-ACCOUNT": account}
    if raw:
        headers["authenticationToken"] = raw
    if key is not None:
        headers["Idempotency-Key"] = key
    if verb == "GET":
        query = {k: ("" if v is None else str(v)) for k, v in params.items()}
        query = {k: (NESTED_JSON if v == NESTED_MARK else v) for k, v in query.items()}
        return client.get(f"/api/{method}", query, headers=headers)
    return client.post(f"/api/{method}", data=_body(params), content_type="application/json", headers=headers)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.parametrize("method", METHODS)
def test_hostile_values_in_every_parameter_get_a_clean_audited_answer(client, world, method):
    spec = REGISTRY[method]
    raw = _token(world, _allowed_type(spec), transactional=True)[1] if spec.needs_token else ""
    company_id = str(world.company.pk)

    @settings(
        max_examples=EXAMPLES_PER_METHOD,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )
    @given(
        params=_params_strategy(method),
        key=st.one_of(st.none(), st.uuids().map(str)),
        verb=st.sampled_from(["POST", "POST", "GET"]),
        account=st.sampled_from([company_id, company_id, "²", "١", "１", f" {company_id} ", "9" * 40, ""]),
    )
    def run(params: dict[str, Any], key: str | None, verb: str, account: str) -> None:
        before = ApiCall.objects.count()
        response = _hostile_call(client, method, params, raw, account, key, verb)
        assert response.status_code < 500, (params, response.status_code, response.content[:500])
        answer = response.json()
        if response.status_code >= 400 or spec.envelope:
            assert isinstance(answer, dict) and answer.get("status") in (0, 1), answer
        if response.status_code >= 400:
            assert answer["errorCode"] and answer["message"], answer
        assert ApiCall.objects.count() == before + 1, "every call leaves exactly one audit row"

    run()


@pytest.mark.parametrize("key", [None, "deep-1"])
def test_json_nested_a_thousand_deep_is_refused_and_audited(client, world, key):
    raw = _token(world, _allowed_type(REGISTRY["customer.add"]), transactional=True)[1]
    body = '{"name": "Deep", "customerCode": "DEEP1", "notes": ' + NESTED_JSON + "}"
    headers = {"authenticationToken": raw}
    if key:
        headers["Idempotency-Key"] = key
    before = ApiCall.objects.count()
    response = client.post("/api/customer.add", data=body, content_type="application/json", headers=headers)
    assert response.status_code == 400
    assert response.json()["errorCode"] == "validation_error"
    assert response.json()["errors"][0]["field"] == "body"
    assert ApiCall.objects.count() == before + 1
    from stemlink.customers.models import Customer

    assert not Customer.objects.filter(code="DEEP1").exists()


def test_nul_in_a_method_name_and_an_ignored_parameter_is_still_audited(client, world):
    raw = _token(world, _allowed_type(REGISTRY["carrier.list"]))[1]
    before = ApiCall.objects.count()
    response = client.get("/api/carrier.list", {"x\x00y": "a\x00b"}, headers={"authenticationToken": raw})
    assert response.status_code == 200
    response = client.get("/api/carrier\x00list", headers={"authenticationToken": raw})
    assert response.status_code == 404 and response.json()["errorCode"] == "unknown_method"
    assert ApiCall.objects.count() == before + 2
    stored = ApiCall.objects.filter(method="carrier.list").latest("id").params
    assert stored == {"x\\u0000y": "a\\u0000b"}


@pytest.mark.parametrize("value", ["a\x00b", "\x00"])
def test_nul_in_a_text_parameter_is_refused_by_name(client, world, value):
    raw = _token(world, _allowed_type(REGISTRY["customer.add"]), transactional=True)[1]
    response = client.post(
        "/api/customer.add",
        data=json.dumps({"name": value, "customerCode": "NUL1"}),
        content_type="application/json",
        headers={"authenticationToken": raw},
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors == [{"field": "name", "message": "must not contain NUL characters (\\u0000); remove them"}]


@pytest.mark.parametrize("account", ["²", "١", "１２", "9" * 40])
def test_an_x_account_of_non_ascii_digits_is_refused(client, world, account):
    raw = _token(world, _allowed_type(REGISTRY["carrier.list"]))[1]
    response = client.get("/api/carrier.list", headers={"authenticationToken": raw, "X-ACCOUNT": account})
    assert response.status_code == 403 and response.json()["errorCode"] == "wrong_account"


def _date_fields() -> list[tuple[str, str]]:
    found = []
    for method in METHODS:
        for name, info in REGISTRY[method].params.model_fields.items():
            if "date" in repr(info.annotation).lower():
                found.append((method, info.alias or name))
    return found


@pytest.mark.parametrize(("method", "field"), _date_fields())
@pytest.mark.parametrize("value", ["9999-12-01", "0001-01-01T00:00:00+01:00", "12/31/9999"])
def test_a_date_the_arithmetic_cannot_hold_is_a_validation_error_naming_the_field(
    client, world, method, field, value
):
    spec = REGISTRY[method]
    raw = _token(world, _allowed_type(spec), transactional=True)[1]
    params = {
        info.alias or name: _shape(info.annotation)
        for name, info in spec.params.model_fields.items()
        if info.is_required()
    }
    params[field] = value
    response = _hostile_call(client, method, params, raw, str(world.company.pk), None, "POST")
    assert response.status_code == 400, response.content
    answer = response.json()
    assert answer["errorCode"] == "validation_error"
    assert any(
        e["field"] == field and "between 1900-01-01 and 2999-12-31" in e["message"] for e in answer["errors"]
    ), answer


def _fields_of(method: str) -> list[tuple[str, Any, bool]]:
    return [
        (info.alias or name, info.annotation, info.is_required())
        for name, info in REGISTRY[method].params.model_fields.items()
    ]


@pytest.mark.parametrize("method", METHODS)
def test_a_nul_character_in_any_parameter_is_refused_by_name_on_every_method(client, world, method):
    """Every parameter of every method, one at a time, with the others plausible: NUL is named."""
    spec = REGISTRY[method]
    raw = _token(world, _allowed_type(spec), transactional=True)[1] if spec.needs_token else ""
    fields = _fields_of(method)
    base = {alias: _shape(annotation) for alias, annotation, required in fields if required}
    for alias, _annotation, _required in fields:
        before = ApiCall.objects.count()
        response = _hostile_call(
            client, method, {**base, alias: "a\x00b"}, raw, str(world.company.pk), None, "POST"
        )
        assert response.status_code == 400, (alias, response.content[:300])
        errors = response.json()["errors"]
        assert any(e["field"] == alias and "NUL" in e["message"] for e in errors), (alias, errors)
        assert ApiCall.objects.count() == before + 1
