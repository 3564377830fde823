"""The OpenAPI 3.1 description of the API, generated from the method registry.

The same pydantic schemas that validate requests describe the parameters here, so the document
cannot drift from what the gateway accepts.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

from pydantic.json_schema import models_json_schema

from stemlink.api.registry import MethodSpec, Params, TokenType, load_all_methods

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
}
RATE_HEADERS = {
    "X-RateLimit-Limit": "Calls allowed: today for the company (or this minute, for calls without a token).",
    "X-RateLimit-Remaining": "Calls left of that limit.",
    "X-RateLimit-Reset": "When the limit resets, in seconds since the epoch (UTC).",
}


def _operation_id(verb: str, name: str) -> str:
    return verb + "_" + re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_")


def _param_schemas(specs: list[MethodSpec]) -> tuple[dict[type[Params], dict[str, Any]], dict[str, Any]]:
    """Return each params model's JSON schema (inlined top level) and the shared definitions."""
    models = sorted({spec.params for spec in specs}, key=lambda m: f"{m.__module__}.{m.__qualname__}")
    try:
        key_map, top = models_json_schema(
            [(model, "validation") for model in models],
            by_alias=True,
            ref_template="#/components/schemas/{model}",
        )
    except Exception:
        logger.exception("could not generate the parameter schemas together; falling back one by one")
        schemas: dict[type[Params], dict[str, Any]] = {}
        definitions: dict[str, Any] = {}
        for model in models:
            try:
                schema = model.model_json_schema(by_alias=True, ref_template="#/components/schemas/{model}")
            except Exception:
                logger.exception("no schema for %s", model)
                schema = {"type": "object"}
            definitions.update(schema.pop("$defs", {}))
            schemas[model] = schema
        return schemas, definitions
    definitions = dict(top.get("$defs", {}))
    resolved: dict[type[Params], dict[str, Any]] = {}
    for model in models:
        ref = key_map[(model, "validation")]
        name = ref.get("$ref", "").rsplit("/", 1)[-1]
        resolved[model] = definitions.get(name, {"type": "object"})
    return resolved, definitions


def _answer_schema(spec: MethodSpec) -> dict[str, Any]:
    record: dict[str, Any] = {"type": "object"}
    if spec.answer_fields:
        record["properties"] = {name: {} for name in spec.answer_fields}
    properties: dict[str, Any] = {}
    key = spec.answer_key
    if key:
        if key.endswith("Id"):
            properties[key] = {"type": "integer"}
        elif spec.answer_fields and not re.search(r"(s|Result|Items|Dates)$", key):
            properties[key] = record
        else:
            properties[key] = {"type": "array", "items": record}
    if not spec.envelope:
        return {"type": "object", "properties": properties}
    return {
        "type": "object",
        "required": ["status", "message"],
        "properties": {
            "status": {"type": "integer", "enum": [1], "description": "1: success"},
            "message": {"type": "string", "maxLength": 500},
            **properties,
        },
    }


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
                "schema": {"type": "integer"},
            }
        )
    headers.append(
        {
            "name": "X-SALES-CHANNEL",
            "in": "header",
            "required": False,
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
                "schema": {"type": "string", "maxLength": 200},
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


def _operation(spec: MethodSpec, verb: str, params_schema: dict[str, Any], answer_ref: str) -> dict[str, Any]:
    security: list[dict[str, list[str]]] = (
        [{"tokenHeader": []}, {"tokenQuery": []}, {"tokenBody": []}] if spec.needs_token else []
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
    if verb == "get":
        required = set(params_schema.get("required", []))
        for name, schema in params_schema.get("properties", {}).items():
            operation["parameters"].append(
                {"name": name, "in": "query", "required": name in required, "schema": schema}
            )
    else:
        operation["requestBody"] = {
            "required": False,
            "content": {"application/json": {"schema": params_schema}},
        }
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
                    "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                },
            },
            "availableBoxes": {"type": "integer"},
            "currentPrice": {"type": "number"},
        },
    }


@lru_cache(maxsize=1)
def _document_for(names: tuple[str, ...]) -> dict[str, Any]:
    registry = load_all_methods()
    specs = [registry[name] for name in names]
    param_schemas, definitions = _param_schemas(specs)
    schemas: dict[str, Any] = {"Failure": _failure_schema(), **definitions}
    paths: dict[str, Any] = {}
    for spec in specs:
        answer_name = "Answer_" + re.sub(r"[^A-Za-z0-9]+", "_", spec.name)
        schemas[answer_name] = _answer_schema(spec)
        ref = f"#/components/schemas/{answer_name}"
        params_schema = param_schemas[spec.params]
        paths[f"/api/{spec.name}"] = {
            "get": _operation(spec, "get", params_schema, ref),
            "post": _operation(spec, "post", params_schema, ref),
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Stemlink sales API",
            "version": "1.0",
            "description": "A Komet Sales-compatible API. Every method answers GET and POST at "
            "/api/<method> (and /api/v2/<method>); parameters come from the query string, a form body "
            "or a JSON body. Answers carry `status` (1 or 0) and `message`; failures add `errorCode`.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "tokenHeader": {"type": "apiKey", "in": "header", "name": "authenticationToken"},
                "tokenQuery": {"type": "apiKey", "in": "query", "name": "authenticationToken"},
                # OpenAPI has no "in body" key; a JSON body field `authenticationToken` works too.
                "tokenBody": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "authenticationToken",
                    "description": "Also accepted as the `authenticationToken` field of the JSON body.",
                },
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


def document() -> dict[str, Any]:
    """Return the OpenAPI 3.1 document for every registered method."""
    return _document_for(tuple(sorted(load_all_methods())))


def methods_by_area() -> list[tuple[str, list[dict[str, Any]]]]:
    """Return the methods grouped by area, each with what the docs page shows."""
    registry = load_all_methods()
    param_schemas, _ = _param_schemas(list(registry.values()))
    areas: dict[str, list[dict[str, Any]]] = {}
    for name in sorted(registry):
        spec = registry[name]
        schema = param_schemas[spec.params]
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
