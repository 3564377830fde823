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
