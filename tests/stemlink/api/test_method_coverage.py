"""A registered API method without a success-path test fails here.

A test declares what it covers with `@covers("method.name", …)` from `tests/api_helpers.py`. The
declarations are read from the test files' source, so this test works when run alone too.
"""

from __future__ import annotations

import ast
from pathlib import Path

from stemlink.api.registry import load_all_methods

TESTS = Path(__file__).resolve().parents[2]


def declared_covered_methods() -> dict[str, list[str]]:
    """Map each method named in a `covers(...)` decorator to the tests that declare it."""
    found: dict[str, list[str]] = {}
    for path in TESTS.rglob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or not node.name.startswith(
                "test"
            ):
                continue
            for decorator in node.decorator_list:
                if not isinstance(decorator, ast.Call):
                    continue
                func = decorator.func
                name = (
                    func.id
                    if isinstance(func, ast.Name)
                    else func.attr
                    if isinstance(func, ast.Attribute)
                    else ""
                )
                if name != "covers":
                    continue
                for arg in decorator.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        found.setdefault(arg.value, []).append(f"{path.relative_to(TESTS)}::{node.name}")
    return found


def test_every_registered_method_has_a_success_path_test():
    covered = declared_covered_methods()
    missing = sorted(set(load_all_methods()) - set(covered))
    assert not missing, (
        "These API methods have no test marked @covers(...) (tests/api_helpers.py): " + ", ".join(missing)
    )


def test_coverage_declarations_name_real_methods():
    unknown = sorted(set(declared_covered_methods()) - set(load_all_methods()))
    assert not unknown, f"@covers names methods that are not registered: {unknown}"


def test_the_scan_finds_the_declarations_of_this_suite():
    covered = declared_covered_methods()
    assert any(
        test.endswith("test_customer_methods.py::test_customer_add_creates_a_customer_and_answers_its_id")
        for test in covered.get("customer.add", [])
    )
