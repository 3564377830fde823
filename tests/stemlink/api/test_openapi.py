"""The OpenAPI 3.1 document and the docs page, generated from the registry."""

from __future__ import annotations

from openapi_spec_validator import validate

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
    assert {path.removeprefix("/api/") for path in document["paths"]} == set(registry)
    carrier = document["paths"]["/api/carrier.list"]["get"]
    assert carrier["x-token-types"] == ["company", "vendor"]
    assert {p["name"] for p in carrier["parameters"]} >= {"id", "name", "code", "active", "X-ACCOUNT"}
    add = document["paths"]["/api/customer.shipto.add"]["post"]
    body = add["requestBody"]["content"]["application/json"]["schema"]
    assert set(body["required"]) == {"customerId", "name"}
    assert "Idempotency-Key" in {p["name"] for p in add["parameters"]}
    answer = document["components"]["schemas"]["Answer_carrier_list"]
    assert "zipCode" in answer["properties"]["carriers"]["items"]["properties"]
    login = document["paths"]["/api/login"]["post"]
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
