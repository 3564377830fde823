"""The OpenAPI 3.1 document and the docs page, generated from the registry."""

from __future__ import annotations

from openapi_spec_validator import validate

from stemlink.api import openapi
from stemlink.api.registry import load_all_methods


def test_the_openapi_document_is_valid_openapi_3_1(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    document = response.json()
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_registered_method_is_in_the_document_with_its_tokens_and_parameters(client, db):
    document = client.get("/api/openapi.json").json()
    registry = load_all_methods()
    assert {path.removeprefix("/") for path in document["paths"]} == set(registry)
    assert [server["url"] for server in document["servers"]] == ["/api", "/api/v2"]
    carrier = document["paths"]["/carrier.list"]["get"]
    assert carrier["x-token-types"] == ["company", "vendor"]
    assert {p["name"] for p in carrier["parameters"]} >= {"id", "name", "code", "active", "X-ACCOUNT"}
    add = document["paths"]["/customer.shipto.add"]["post"]
    body = add["requestBody"]["content"]["application/json"]["schema"]
    assert set(body["required"]) == {"customerId", "name"}
    assert "Idempotency-Key" in {p["name"] for p in add["parameters"]}
    answer = document["components"]["schemas"]["Answer_carrier_list"]
    record = document["components"]["schemas"]["CarrierRecord"]
    assert answer["properties"]["carriers"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/CarrierRecord"},
    }
    assert record["properties"]["zipCode"] == {"type": "string"}
    login = document["paths"]["/login"]["post"]
    assert login["security"] == []


def test_the_docs_page_lists_every_method_without_external_scripts(client, db):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    for name in load_all_methods():
        assert f">{name}<" in html
    assert "<script" not in html and "http://" not in html and "https://" not in html
    shipto = html.split('id="customer-shipto-add"', 1)[1].split("</section>", 1)[0]
    assert "customerId" in shipto and "required" in shipto and "Customer</span>" in shipto


def _walk(node, path=()):
    """Every (path, schema) pair under `node`."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, (*path, index))


def test_every_answer_field_is_typed_and_every_record_closed(client, db):
    document = client.get("/api/openapi.json").json()
    schemas = document["components"]["schemas"]
    answers = {name: schema for name, schema in schemas.items() if name != "Failure"}
    untyped = []
    for name, schema in answers.items():
        if "properties" in schema and not name.endswith("Params"):
            assert schema["additionalProperties"] is False, name
            # Every field is always there (null when empty) but the boxes asked for by returnAvailableBoxes.
            assert set(schema["properties"]) - set(schema.get("required", [])) <= {"availableBoxes"}, name
        for path, node in _walk(schema.get("properties", {})):
            if len(path) == 1 and not ({"type", "$ref", "anyOf"} & set(node)):
                untyped.append(f"{name}.{path[0]}")
    assert not untyped, f"answer fields without a type: {untyped}"
    # Money is a JSON number, nullability is said: the invoice row's carrier may be null, its total not.
    invoice = schemas["InvoiceRecord"]["properties"]
    assert invoice["total"]["type"] == "number"
    assert invoice["carrierId"] == {"anyOf": [{"type": "integer"}, {"type": "null"}]}


def test_limits_are_json_schema_keywords_and_every_parameter_is_described(client, db):
    document = client.get("/api/openapi.json").json()
    for path, node in _walk(document):
        assert not ({"ge", "le", "gt", "lt"} & set(node)), f"pydantic keyword at {path}"
    for name, item in document["paths"].items():
        for verb, operation in item.items():
            for parameter in operation["parameters"]:
                assert parameter.get("description"), f"{verb} {name} {parameter['name']}"
            for body in operation.get("requestBody", {}).get("content", {}).values():
                for field, schema in body["schema"]["properties"].items():
                    assert schema.get("description"), f"{verb} {name} body {field}"
    get = document["paths"]["/web-order-item.add"]["get"]
    customer_id = next(p for p in get["parameters"] if p["name"] == "customerId")
    assert customer_id["schema"]["anyOf"][0] == {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
    ids = next(p for p in get["parameters"] if p["name"] == "inventoryIds")
    assert ids["style"] == "form" and ids["explode"] is False


def test_nested_arrays_only_in_a_json_body_and_form_bodies_are_described(client, db):
    document = client.get("/api/openapi.json").json()
    create = document["paths"]["/invoice.create"]
    assert "items" not in {p["name"] for p in create["get"]["parameters"]}
    content = create["post"]["requestBody"]["content"]
    assert content["application/json"]["schema"]["properties"]["items"]["type"] == "array"
    assert "items" not in content["application/x-www-form-urlencoded"]["schema"]["properties"]
    assert "customerId" in content["application/x-www-form-urlencoded"]["schema"]["properties"]
    for name, item in document["paths"].items():
        for parameter in item["get"]["parameters"]:
            schema = parameter["schema"]
            for part in [schema, *schema.get("anyOf", [])]:
                assert part.get("type") != "object" and "$ref" not in part, (name, parameter["name"])
                assert "$ref" not in part.get("items", {}), (name, parameter["name"])


def test_the_served_document_matches_the_declared_answer_models():
    """The answer models are the single declaration: the document's answers are generated from them."""
    registry = load_all_methods()
    document = openapi.document()
    schema = document["components"]["schemas"][openapi.component_name(registry["web-order.checkout"])]
    assert set(schema["properties"]) == {
        "status",
        "message",
        *registry["web-order.checkout"].answer.model_fields,
    }


def test_the_answer_tables_in_docs_are_the_declared_answers():
    from pathlib import Path

    from stemlink.api import answer_tables

    committed = (Path(__file__).resolve().parents[3] / "docs" / "api-answers.md").read_text(encoding="utf-8")
    assert committed == answer_tables.render(), (
        "docs/api-answers.md is stale: run "
        "DJANGO_SETTINGS_MODULE=stemlink.settings python -m stemlink.api.answer_tables > docs/api-answers.md"
    )
    assert "| `shipvia` | integer |" in committed and "| `shipVia`" not in committed
