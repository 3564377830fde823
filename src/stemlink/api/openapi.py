"""The OpenAPI 3.1 description of the API, generated from the method registry.

The same pydantic schemas that validate requests describe the parameters here, so the document
cannot drift from what the gateway accepts.
"""

from __future__ import annotations

import json
import logging
import re
from functools import lru_cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from stemlink.api import parameter_notes
from stemlink.api.registry import MethodSpec, TokenType, load_all_methods

logger = logging.getLogger(__name__)

TOKEN_LABELS = {
    TokenType.COMPANY: "Company",
    TokenType.CUSTOMER: "Customer",
    TokenType.VENDOR: "Vendor",
    TokenType.USER: "User",
}
FAILURE_STATUSES = {
    "400": "Validation failed: the `errors` list says which parameter to fix (`validation_error`).",
    "401": "Missing, unknown, disabled, revoked or expired token (`invalid_token`).",
    "403": "Method not allowed for this token (`method_not_allowed_for_token`), for the role of a User "
    "token's user (`not_allowed_for_role`), or wrong X-ACCOUNT (`wrong_account`).",
    "404": "Unknown method (`unknown_method`) or record (`not_found`).",
    "409": "State, stock, price or idempotency conflict (`invalid_state`, `not_available`, "
    "`price_changed`, `idempotency_conflict`).",
    "413": "Request body over 64 KB (`request_too_large`).",
    "429": "Daily quota or burst limit used up (`quota_exceeded`); for `login`, too many wrong "
    "passwords for the account or from the address (`too_many_sign_in_attempts`).",
    "500": "A failure of ours, logged (`internal_error`); never an answer to what a client sent.",
}
RATE_HEADERS = {
    "X-RateLimit-Limit": "Calls allowed: today for the company (or this minute, for calls without a token).",
    "X-RateLimit-Remaining": "Calls left of that limit.",
    "X-RateLimit-Reset": "When the limit resets, in seconds since the epoch: the daily quota at the next "
    "00:00 UTC (whatever the company's time zone), the per-minute limit at the next minute.",
}


def _operation_id(verb: str, name: str) -> str:
    return verb + "_" + re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_")


_KEYWORDS = {"ge": "minimum", "le": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"}


def _standard(schema: Any) -> Any:
    """Write pydantic's leftover `ge`/`le`/`gt`/`lt` as JSON Schema's `minimum`/`maximum`/... (numbers).

    A constraint pydantic cannot place on the type (an `Annotated` type with a validator before it)
    comes out under its Python name, which no tool reads; the limit is real, so it is written as the
    keyword tools understand, on every branch of a union.
    """
    if isinstance(schema, list):
        return [_standard(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _KEYWORDS and isinstance(value, int | float | str) and not isinstance(value, bool):
            number = float(value) if isinstance(value, str) else value
            out[_KEYWORDS[key]] = int(number) if float(number).is_integer() else number
        else:
            out[key] = _standard(value)
    branches = out.get("anyOf")
    limits = {k: out.pop(k) for k in list(out) if k in _KEYWORDS.values() and branches}
    if branches and limits:
        out["anyOf"] = [
            {**branch, **limits} if branch.get("type") in ("number", "integer") else branch
            for branch in branches
        ]
    return out


def _schemas(specs: list[MethodSpec]) -> tuple[dict[Any, dict[str, Any]], dict[str, Any]]:
    """Each params model's (validation) and answer model's (serialization) schema, and the definitions."""
    params = sorted({spec.params for spec in specs}, key=lambda m: f"{m.__module__}.{m.__qualname__}")
    answers = sorted({spec.answer for spec in specs}, key=lambda m: f"{m.__module__}.{m.__qualname__}")
    inputs: list[tuple[type[BaseModel], Any]] = [(model, "validation") for model in params]
    inputs += [(model, "serialization") for model in answers]
    key_map, top = models_json_schema(inputs, by_alias=True, ref_template="#/components/schemas/{model}")
    definitions = _standard(dict(top.get("$defs", {})))
    resolved: dict[Any, dict[str, Any]] = {}
    for model, mode in inputs:
        name = key_map[(model, mode)].get("$ref", "").rsplit("/", 1)[-1]
        resolved[(model, mode)] = definitions.get(name, {"type": "object", "properties": {}})
    return resolved, definitions


def _params_schema(spec: MethodSpec, schema: dict[str, Any]) -> dict[str, Any]:
    """The method's parameters, each with its description (its own, or `parameter_notes`)."""
    properties = {}
    for name, prop in schema.get("properties", {}).items():
        prop = dict(prop)
        prop.pop("title", None)
        if not prop.get("description"):
            note = parameter_notes.describe(spec.name, name)
            if note:
                prop["description"] = note
        properties[name] = prop
    out = {"type": "object", "properties": properties, "additionalProperties": True}
    if schema.get("required"):
        out["required"] = list(schema["required"])
    return out


def _is_nested(schema: dict[str, Any], definitions: dict[str, Any]) -> bool:
    """True for an object, or an array of objects: what a query string or a form cannot carry."""
    for part in [schema, *schema.get("anyOf", [])]:
        if "$ref" in part:
            return True
        if part.get("type") == "object":
            return True
        items = part.get("items", {})
        if part.get("type") == "array" and ("$ref" in items or items.get("type") == "object"):
            return True
    return False


def _flat(schema: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    """The parameters a query string or a form can carry (nested arrays go in a JSON body only)."""
    properties = {
        name: prop for name, prop in schema["properties"].items() if not _is_nested(prop, definitions)
    }
    out = {**schema, "properties": properties}
    required = [name for name in schema.get("required", []) if name in properties]
    if required:
        out["required"] = required
    else:
        out.pop("required", None)
    return out


def _answer_schema(spec: MethodSpec, payload: dict[str, Any]) -> dict[str, Any]:
    properties = {name: dict(prop) for name, prop in payload.get("properties", {}).items()}
    for prop in properties.values():
        prop.pop("title", None)
    required = list(payload.get("required", []))
    if spec.envelope:
        properties = {
            "status": {"type": "integer", "enum": [1], "description": "1: success"},
            "message": {"type": "string", "maxLength": 500},
            **properties,
        }
        required = ["status", "message", *required]
    schema: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = required
    if payload.get("description"):
        schema["description"] = payload["description"]
    return schema


def _header_parameters(spec: MethodSpec) -> list[dict[str, Any]]:
    headers: list[dict[str, Any]] = []
    if spec.needs_token:
        headers.append(
            {
                "name": "X-ACCOUNT",
                "in": "header",
                "required": spec.requires_account,
                "description": "Your Company ID (company.list shows it); when sent it must be the "
                "token's company.",
                "schema": {"type": "integer", "minimum": 1},
            }
        )
    headers.append(
        {
            "name": "X-SALES-CHANNEL",
            "in": "header",
            "required": False,
            "description": "Where the call comes from, kept with the orders it makes.",
            "schema": {"type": "string", "enum": ["WEB_APP", "MOBILE_APP", "K2K", "ECOMMERCE_LITE"]},
        }
    )
    if spec.writes:
        headers.append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "description": "Repeat a write safely: the same key with the same parameters replays "
                "the first answer (kept 24 hours).",
                "schema": {"type": "string", "minLength": 1, "maxLength": 200},
            }
        )
    return headers


def _description(spec: MethodSpec) -> str:
    tokens = ", ".join(TOKEN_LABELS[t] for t in sorted(spec.tokens, key=list(TOKEN_LABELS).index))
    lines = [spec.summary or spec.name]
    lines.append(f"\n\nTokens: {tokens or 'none (no token needed)'}.")
    if spec.requires_account:
        lines.append(" Needs the X-ACCOUNT header.")
    if spec.writes:
        lines.append(" Writes; accepts an Idempotency-Key.")
    if not spec.envelope:
        lines.append(" Answers the payload alone, without status and message (as Komet).")
    return "".join(lines)


def _query_parameter(name: str, schema: dict[str, Any], required: bool) -> dict[str, Any]:
    parameter: dict[str, Any] = {
        "name": name,
        "in": "query",
        "required": required,
        "description": schema.get("description", ""),
        "schema": {key: value for key, value in schema.items() if key != "description"},
    }
    if any(part.get("type") == "array" for part in [schema, *schema.get("anyOf", [])]):
        parameter["style"] = "form"
        parameter["explode"] = False  # ids=12,13
    return parameter


def _operation(
    spec: MethodSpec, verb: str, params_schema: dict[str, Any], definitions: dict[str, Any], answer_ref: str
) -> dict[str, Any]:
    security: list[dict[str, list[str]]] = (
        [{"tokenHeader": []}, {"tokenQuery": []}] if spec.needs_token else []
    )
    operation: dict[str, Any] = {
        "operationId": _operation_id(verb, spec.name),
        "summary": (spec.summary or spec.name)[:200],
        "description": _description(spec),
        "tags": [spec.area],
        "security": security,
        "x-token-types": sorted(str(t) for t in spec.tokens),
        "parameters": list(_header_parameters(spec)),
        "responses": {
            "200": {
                "description": "Success",
                "headers": {name: {"$ref": f"#/components/headers/{name}"} for name in RATE_HEADERS},
                "content": {"application/json": {"schema": {"$ref": answer_ref}}},
            },
            **{code: {"$ref": f"#/components/responses/Failure{code}"} for code in FAILURE_STATUSES},
        },
    }
    if spec.deprecated:
        operation["deprecated"] = True
    flat = _flat(params_schema, definitions)
    if verb == "get":
        required = set(flat.get("required", []))
        for name, schema in flat["properties"].items():
            operation["parameters"].append(_query_parameter(name, schema, name in required))
    else:
        content: dict[str, Any] = {"application/json": {"schema": params_schema}}
        content["application/x-www-form-urlencoded"] = {"schema": flat}
        operation["requestBody"] = {"required": bool(params_schema.get("required")), "content": content}
    return operation


def _failure_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["status", "message", "errorCode"],
        "properties": {
            "status": {"type": "integer", "enum": [0]},
            "message": {"type": "string", "maxLength": 500},
            "errorCode": {"type": "string"},
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["field", "message"],
                    "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                },
            },
            "availableBoxes": {"type": "integer"},
            "currentPrice": {"type": "number"},
        },
    }


def component_name(spec: MethodSpec) -> str:
    """The name of the method's answer under `components.schemas`."""
    return "Answer_" + re.sub(r"[^A-Za-z0-9]+", "_", spec.name)


@lru_cache(maxsize=1)
def _document_for(names: tuple[str, ...]) -> dict[str, Any]:
    registry = load_all_methods()
    specs = [registry[name] for name in names]
    resolved, definitions = _schemas(specs)
    # The top-level params and answer models are written inline in each operation; the
    # definitions kept are the records and nested parameter objects they refer to.
    inline = [resolved[(spec.params, "validation")] for spec in specs]
    inline += [resolved[(spec.answer, "serialization")] for spec in specs]
    referenced = _referenced(inline, definitions)
    schemas: dict[str, Any] = {"Failure": _failure_schema()}
    for name in sorted(referenced):
        definition = definitions[name]
        if definition.get("type") == "object" and "properties" in definition:
            definition = {**definition, "properties": _described(name, definition["properties"])}
        schemas[name] = definition
    paths: dict[str, Any] = {}
    for spec in specs:
        answer_name = component_name(spec)
        schemas[answer_name] = _answer_schema(spec, resolved[(spec.answer, "serialization")])
        ref = f"#/components/schemas/{answer_name}"
        params_schema = _params_schema(spec, resolved[(spec.params, "validation")])
        paths[f"/{spec.name}"] = {
            "get": _operation(spec, "get", params_schema, definitions, ref),
            "post": _operation(spec, "post", params_schema, definitions, ref),
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Stemlink sales API",
            "version": "1.0",
            "description": "A Komet Sales-compatible API. Every method answers GET and POST at "
            "/api/<method> and, the same, at /api/v2/<method> (the two servers below). Parameters come "
            "from the query string, a form body or a JSON body; lists of lines (nested arrays) only "
            "from a JSON body. Answers carry `status` (1 or 0) and `message`; failures add "
            "`errorCode`. Money is written as the exact decimal held (a JSON number such as 12.50).",
        },
        "servers": [
            {"url": "/api", "description": "The API."},
            {"url": "/api/v2", "description": "The same methods at Komet's v2 addresses."},
        ],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "tokenHeader": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "authenticationToken",
                    "description": "The token; also accepted as the `authenticationToken` field of a "
                    "JSON or form body.",
                },
                "tokenQuery": {"type": "apiKey", "in": "query", "name": "authenticationToken"},
            },
            "headers": {
                name: {"description": text, "schema": {"type": "integer"}}
                for name, text in RATE_HEADERS.items()
            },
            "responses": {
                f"Failure{code}": {
                    "description": text,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Failure"}}},
                }
                for code, text in FAILURE_STATUSES.items()
            },
        },
    }


def _referenced(roots: list[Any], definitions: dict[str, Any]) -> set[str]:
    """The names of the definitions `roots` refer to, directly or through other definitions."""
    found: set[str] = set()
    todo = list(roots)
    while todo:
        names = set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(todo.pop()))) - found
        found |= names
        todo.extend(definitions[name] for name in names if name in definitions)
    return found


def _described(model_name: str, properties: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, prop in properties.items():
        prop = {key: value for key, value in prop.items() if key != "title"}
        if not prop.get("description") and parameter_notes.NOTES.get(name) and model_name.endswith("Params"):
            prop["description"] = parameter_notes.NOTES[name]
        out[name] = prop
    return out


def document() -> dict[str, Any]:
    """Return the OpenAPI 3.1 document for every registered method."""
    return _document_for(tuple(sorted(load_all_methods())))


def methods_by_area() -> list[tuple[str, list[dict[str, Any]]]]:
    """Return the methods grouped by area, each with what the docs page shows."""
    registry = load_all_methods()
    resolved, _ = _schemas(list(registry.values()))
    areas: dict[str, list[dict[str, Any]]] = {}
    for name in sorted(registry):
        spec = registry[name]
        schema = _params_schema(spec, resolved[(spec.params, "validation")])
        required = set(schema.get("required", []))
        params = []
        for pname, pschema in schema.get("properties", {}).items():
            params.append(
                {
                    "name": pname,
                    "type": _type_label(pschema),
                    "required": pname in required,
                    "description": _notes(pschema),
                }
            )
        areas.setdefault(spec.area, []).append(
            {
                "name": name,
                "anchor": re.sub(r"[^A-Za-z0-9]+", "-", name),
                "summary": spec.summary,
                "tokens": [TOKEN_LABELS[t] for t in sorted(spec.tokens, key=list(TOKEN_LABELS).index)],
                "needs_token": spec.needs_token,
                "params": params,
                "answer_key": spec.answer_key or "",
                "answer_fields": list(spec.answer_fields),
                "writes": spec.writes,
                "requires_account": spec.requires_account,
                "envelope": spec.envelope,
            }
        )
    return sorted(areas.items())


def _notes(schema: dict[str, Any]) -> str:
    """The description of a parameter plus its limits, in words."""
    notes = [schema["description"]] if schema.get("description") else []
    variants = [schema, *(s for s in schema.get("anyOf", []) if isinstance(s, dict))]
    for part in variants:
        if "maxLength" in part:
            notes.append(f"at most {part['maxLength']} characters")
        if "minimum" in part and part["minimum"] > -(2**61):
            notes.append(f"at least {part['minimum']}")
        if "enum" in part:
            notes.append("one of " + ", ".join(str(v) for v in part["enum"]))
        if "pattern" in part:
            notes.append(f"matching {part['pattern']}")
    if "default" in schema and schema["default"] not in (None, ""):
        default = schema["default"]
        notes.append(f"default {str(default).lower() if isinstance(default, bool) else default}")
    return "; ".join(dict.fromkeys(notes))


def _type_label(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        labels = [_type_label(s) for s in schema["anyOf"] if s.get("type") != "null"]
        return " or ".join(dict.fromkeys(labels)) or "any"
    kind = schema.get("type")
    if kind == "array":
        return f"list of {_type_label(schema.get('items', {}))}"
    if schema.get("format"):
        return f"{kind} ({schema['format']})"
    return str(kind or "any")
