"""Blank and null are absent, booleans in words, dates as clients write them, messages in words.

Decided once, in the base `Params` and the tolerant types of `stemlink.api.params`; these tests
walk the registry so a method added later is held to the same rules.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pydantic
import pytest

from stemlink.api.dispatch import _validation_failed
from stemlink.api.params import Bool, Date, Id
from stemlink.api.registry import Params, load_all_methods
from stemlink.customers.models import Customer
from tests.api_helpers import api, issue_token

REGISTRY = load_all_methods()
SCHEMAS = sorted({spec.params for spec in REGISTRY.values()}, key=lambda cls: cls.__name__)
RAW_PYDANTIC = ("Input should", "Field required", "Value error", "pydantic", "type=", "Assertion failed")


def _optional_fields(schema: type[Params]) -> list[tuple[str, str]]:
    return [
        (name, info.alias or name) for name, info in schema.model_fields.items() if not info.is_required()
    ]


def _required_fields(schema: type[Params]) -> list[str]:
    return [info.alias or name for name, info in schema.model_fields.items() if info.is_required()]


def _filled(schema: type[Params]) -> dict[str, Any]:
    """Values for every required field, so only the field under test decides the outcome."""
    values: dict[str, Any] = {}
    for name, info in schema.model_fields.items():
        if not info.is_required():
            continue
        text = repr(info.annotation).lower()
        if "date" in text:
            values[info.alias or name] = "2026-11-30"
        elif "list" in text:
            values[info.alias or name] = [1] if "int" in text else ["1"]
        elif "int" in text or "decimal" in text:
            values[info.alias or name] = 1
        elif "bool" in text:
            values[info.alias or name] = True
        else:
            values[info.alias or name] = "1"
    return values


OPTIONAL = [(schema, name, alias) for schema in SCHEMAS for name, alias in _optional_fields(schema)]
REQUIRED = [(schema, alias) for schema in SCHEMAS for alias in _required_fields(schema)]


@pytest.mark.parametrize(("schema", "name", "alias"), OPTIONAL, ids=lambda v: getattr(v, "__name__", str(v)))
@pytest.mark.parametrize("blank", ["", "   ", None, ["", None]])
def test_an_optional_parameter_sent_blank_or_null_behaves_as_if_not_sent(schema, name, alias, blank):
    base = _filled(schema)
    try:
        without = schema.model_validate(base)
    except pydantic.ValidationError:
        pytest.skip("the schema needs more than plain values (nested objects)")
    with_blank = schema.model_validate({**base, alias: blank})
    assert getattr(with_blank, name) == getattr(without, name)


@pytest.mark.parametrize(("schema", "alias"), REQUIRED, ids=lambda v: getattr(v, "__name__", str(v)))
@pytest.mark.parametrize("blank", ["", None])
def test_a_required_parameter_sent_blank_or_null_is_reported_missing_by_name(schema, alias, blank):
    values = {**_filled(schema), alias: blank}
    with pytest.raises(pydantic.ValidationError) as caught:
        schema.model_validate(values)
    errors = _validation_failed(caught.value).errors
    assert (alias, "is required") in [(e.field, e.message) for e in errors]


class _Sample(Params):
    flag: Bool | None = None
    day: Date | None = None
    item: Id | None = None


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        *[("on", True), ("ON", True), ("Yes", True), ("yes", True), ("true", True), ("TRUE", True)],
        *[("off", False), ("Off", False), ("NO", False), ("no", False), ("false", False), ("0", False)],
        *[("1", True), (True, True), (0, False)],
    ],
)
def test_booleans_take_on_off_yes_no_in_any_case(word, expected):
    assert _Sample.model_validate({"flag": word}).flag is expected


@pytest.mark.parametrize("word", ["maybe", "2", "oui", 2, [], "on\x00"])
def test_other_booleans_are_refused_in_words(word):
    with pytest.raises(pydantic.ValidationError) as caught:
        _Sample.model_validate({"flag": word})
    message = _validation_failed(caught.value).errors[0].message
    assert "true or false" in message or "NUL" in message


@pytest.mark.parametrize("text", ["²", "١٢", "１２", "1²", "٣", "1_000", "0x1F", "1e3", "12.5", " "])
def test_only_ascii_digits_are_ids(text):
    if text.strip() == "":
        assert _Sample.model_validate({"item": text}).item is None
        return
    with pytest.raises(pydantic.ValidationError) as caught:
        _Sample.model_validate({"item": text})
    assert _validation_failed(caught.value).errors[0].field == "item"


def test_an_id_past_the_id_column_is_refused():
    assert _Sample.model_validate({"item": str(2**63 - 1)}).item == 2**63 - 1
    for value in (2**63, str(2**63), "9" * 5000):
        with pytest.raises(pydantic.ValidationError):
            _Sample.model_validate({"item": value})


@pytest.mark.parametrize(
    "text",
    [
        "11/30/2026",
        "Mon Nov 30 2026 00:00:00 GMT-0500 (Eastern Standard Time)",
        "Mon, 30 Nov 2026 05:00:00 GMT",
        "1796014800000",
        "2026-11-30T00:00:00Z",
        "2026-11-30T00:00:00+01:00",
    ],
)
def test_a_date_parameter_takes_dates_as_clients_write_them(text):
    assert _Sample.model_validate({"day": text}).day == dt.date(2026, 11, 30)


def _wrong_values(annotation: Any) -> list[Any]:
    return ["\x00", "x" * 5000, {"a": 1}, [[1]], "²", "9999-12-31", -5, True]


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda s: s.__name__)
def test_no_validation_message_is_pydantic_s_raw_wording(schema):
    for name, info in schema.model_fields.items():
        for wrong in _wrong_values(info.annotation):
            try:
                schema.model_validate({**_filled(schema), info.alias or name: wrong})
            except pydantic.ValidationError as error:
                for item in _validation_failed(error).errors:
                    assert not any(raw in item.message for raw in RAW_PYDANTIC), (schema, name, item)
                    assert item.message[:1].islower() or item.message[:1].isdigit(), item


# --- Through the gateway -------------------------------------------------------------------------


def test_carrier_list_with_a_blank_active_lists_every_carrier(client, world):
    token = issue_token(world.company, "company")
    world.carrier.__class__.objects.create(company=world.company, code="OLD", name="Old", active=False)
    _, everything = api(client, "carrier.list", {}, token=token, verb="GET")
    status, blank = api(client, "carrier.list", {"active": ""}, token=token, verb="GET")
    assert status == 200 and blank["carriers"] == everything["carriers"] and len(blank["carriers"]) == 2
    _, on = api(client, "carrier.list", {"active": "on"}, token=token, verb="GET")
    assert [c["active"] for c in on["carriers"]] == [True]


def test_a_blank_available_date_is_today_up_to_two_months_as_komet_documents(client, world):
    token = issue_token(world.company, "company")
    params = {"customerId": world.customer.pk}
    _, absent = api(
        client, "ecommerce/inventory.list", params, token=token, account=world.company.pk, verb="GET"
    )
    status, blank = api(
        client,
        "ecommerce/inventory.list",
        {**params, "availableDate": "", "companyLocationId": ""},
        token=token,
        account=world.company.pk,
        verb="GET",
    )
    assert status == 200, blank
    assert blank["inventoryItems"] == absent["inventoryItems"]


def test_a_blank_required_customer_id_is_reported_missing(client, world):
    token = issue_token(world.company, "company")
    status, body = api(client, "customer.details.get", {"customerId": ""}, token=token, verb="GET")
    assert status == 400
    assert body["errors"] == [{"field": "customerId", "message": "is required"}]


def test_customer_add_takes_what_komet_takes(client, world):
    token = issue_token(world.company, "company")
    status, body = api(
        client,
        "customer.add",
        {
            "name": "Komet Style",
            "type": 3,
            "emailForInvoices": "ap@komet.example; boss@komet.example",
            "creditLimit": "",
            "phone": None,
            "billZipCode": 33122,
        },
        token=token,
    )
    assert status == 200, body
    customer = Customer.objects.get(pk=body["customerId"])
    assert customer.customer_type == "supermarket"
    assert customer.email_for_invoices == "ap@komet.example; boss@komet.example"
    assert customer.credit_limit is None  # empty: unlimited, as Komet
    assert customer.billing_zipcode == "33122"
    status, body = api(client, "customer.add", {"name": "Zero", "creditLimit": 0, "type": "2"}, token=token)
    assert status == 200
    zero = Customer.objects.get(pk=body["customerId"])
    assert (zero.credit_limit, zero.customer_type) == (Decimal("0"), "wholesaler")


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"type": 99}, "type", "must be a customer type: 1 florist"),
        (
            {"emailForInvoices": "ap@komet.example;not-an-address"},
            "emailForInvoices",
            "'not-an-address' is not an e-mail",
        ),
        ({"creditLimit": "lots"}, "creditLimit", "must be a number such as 12.50"),
        ({"defaultPrice": "Z"}, "defaultPrice", "is not in the expected form"),
        ({"name": "x" * 201}, "name", "must be at most 200 characters long"),
    ],
)
def test_customer_add_says_in_words_what_to_fix(client, world, params, field, words):
    token = issue_token(world.company, "company")
    status, body = api(client, "customer.add", {"name": "Words", **params}, token=token)
    assert status == 400, body
    messages = {e["field"]: e["message"] for e in body["errors"]}
    assert words in messages[field], body
    assert not any(raw in json.dumps(body) for raw in RAW_PYDANTIC)
