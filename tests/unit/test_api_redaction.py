"""Redaction and fingerprinting of what a client sent: depth-capped, never raising, storable."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from stemlink.api import rules


def _nested(depth: int) -> dict:
    value: dict = {}
    for _ in range(depth):
        value = {"a": [value]}
    return value


def test_redaction_of_json_nested_thousands_deep_is_capped_and_does_not_raise():
    cleaned = rules.redact_params({"deep": _nested(5000), "authenticationToken": "secret"})
    text = json.dumps(cleaned)  # storable: json can write it
    assert "(nested too deep to record)" in text and "secret" not in text
    assert rules.nesting_depth(cleaned) <= rules.REDACT_MAX_DEPTH + 1


def test_redaction_spells_out_nul_characters_postgresql_cannot_store():
    cleaned = rules.redact_params({"na\x00me": "a\x00b", "list": ["\x00"]})
    assert cleaned == {"na\\u0000me": "a\\u0000b", "list": ["\\u0000"]}


def test_redaction_of_something_that_is_not_a_mapping_is_a_marker_not_an_error():
    assert rules.redact_params(["not", "a", "mapping"]) == {"_unrecordable": True}  # type: ignore[arg-type]


def test_fingerprint_of_json_nested_thousands_deep_does_not_raise_and_tells_calls_apart():
    one = rules.params_fingerprint("customer.add", {"deep": _nested(5000)})
    again = rules.params_fingerprint("customer.add", {"deep": _nested(5000)})
    other = rules.params_fingerprint("customer.add", {"deep": _nested(4999)})
    assert one == again and one != other


def test_nesting_depth_counts_without_recursion():
    assert rules.nesting_depth({"a": 1}) == 1
    assert rules.nesting_depth(_nested(10)) == 21
    assert rules.nesting_depth(_nested(100_000)) == rules.MAX_NESTING + 1  # stops counting early


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=40,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=10), JSON, max_size=6))
def test_redaction_and_fingerprint_never_raise_on_any_json(params):
    cleaned = rules.redact_params(params)
    json.dumps(cleaned)
    assert "\x00" not in json.dumps(cleaned, ensure_ascii=False)
    assert len(rules.params_fingerprint("m", params)) == 64


FLAT_KEYS = st.text(max_size=12) | st.sampled_from(
    ["token", "Password", "APIKEY", "a\x01token", "k\x00", "x" * 101]
)
FLAT_VALUES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from(["a\x00b", "y" * 501, "y" * 500])
    | st.tuples(st.integers())
    | st.lists(st.integers(), max_size=2)
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(FLAT_KEYS, FLAT_VALUES, max_size=8))
def test_the_flat_shortcut_gives_what_the_walk_gives(params):
    """Parameters without nesting skip the walk only when the walk would copy them unchanged."""
    shortcut = rules._flat_copy(params)
    if shortcut is not None:
        assert shortcut == rules._walk(params) == params and shortcut is not params


def test_the_flat_shortcut_refuses_what_needs_redaction():
    for params in (
        {"authenticationToken": "x"},
        {"a\x01TOKEN": 1},
        {"k": "a\x00b"},
        {"k" * 101: 1},
        {"k": "v" * 501},
        {1: "not text"},
        {"k": (1,)},
        {str(n): n for n in range(rules.REDACT_MAX_ITEMS + 1)},
    ):
        assert rules._flat_copy(params) is None, params
    assert rules._flat_copy({"customerId": 5, "price": "0.80", "ok": True, "n": None}) is not None
