"""The answer tables of `docs/api-answers.md`, written from the declared answer models.

`python -m stemlink.api.answer_tables` (with DJANGO_SETTINGS_MODULE set) prints the document;
`tests/stemlink/api/test_openapi.py` fails when the committed file differs from what the models
say, so the tables cannot drift from the answers.
"""

from __future__ import annotations

from typing import Any

from stemlink.api import openapi
from stemlink.api.registry import load_all_methods

HEADER = """# What each API method answers

Generated from the answer models declared beside each method (`stemlink.api.answers`); do not
edit by hand: run `python -m stemlink.api.answer_tables > docs/api-answers.md`. A test fails when
this file and the models differ. Every field is always present; *null* says it may be `null`.
Money is written as the exact decimal held, as a JSON number. Dates (`YYYY-MM-DD`) are days of the
company's calendar (its time zone); timestamps are instants, written in UTC.
"""


def _type(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        parts = [_type(part) for part in schema["anyOf"] if part.get("type") != "null"]
        nullable = any(part.get("type") == "null" for part in schema["anyOf"])
        return " or ".join(parts) + (", null" if nullable else "")
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {_type(schema.get('items', {}))}"
    if schema.get("format") == "date":
        return "date"
    if schema.get("pattern") == r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$":
        return "timestamp"
    return str(kind)


def _table(schema: dict[str, Any]) -> list[str]:
    rows = ["| Field | Type | Notes |", "|---|---|---|"]
    required = set(schema.get("required", []))
    for name, prop in schema.get("properties", {}).items():
        note = prop.get("description", "")
        if name not in required:
            note = (note + " " if note else "") + "(only when asked for)"
        rows.append(f"| `{name}` | {_type(prop)} | {note.replace('|', '/')} |")
    return rows


def render() -> str:
    document = openapi.document()
    schemas = document["components"]["schemas"]
    lines = [HEADER]
    for name, spec in sorted(load_all_methods().items()):
        lines += [f"## {name}", ""]
        lines += _table(schemas[openapi.component_name(spec)])
        lines.append("")
    records = sorted(
        n for n in schemas if not n.startswith("Answer_") and n != "Failure" and not n.endswith("Params")
    )
    lines += ["# Records", ""]
    for name in records:
        lines += [f"## {name}", ""]
        lines += _table(schemas[name])
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    import django

    django.setup()
    print(render(), end="")
