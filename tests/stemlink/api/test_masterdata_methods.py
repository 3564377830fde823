"""boxtype.list, carrier.list, category.list, product.list, vendor.list."""

from __future__ import annotations

from stemlink.catalog.models import BoxType, Carrier, Vendor
from tests.api_helpers import api, covers, issue_token
from tests.factories import make_product


@covers("boxtype.list")
def test_boxtype_list_answers_box_types_by_code_with_exact_fbe(client, world, other_world):
    BoxType.objects.filter(pk=world.qb.pk).update(komet_network_id=7, komet_network_name="Quarter")
    token = issue_token(world.company, "company")
    status, body = api(client, "boxtype.list", token=token, verb="GET")
    assert status == 200 and body["status"] == 1 and body["message"] == "OK"
    assert [(b["code"], b["fbe"]) for b in body["boxtypes"]] == [("FB", 1), ("HB", 0.5), ("QB", 0.25)]
    assert body["boxtypes"][2] == {
        "id": world.qb.pk,
        "code": "QB",
        "fbe": 0.25,
        "kometNetworkId": 7,
        "kometNetworkName": "Quarter",
    }
    _, body = api(client, "boxtype.list", {"code": "hb"}, token=token)
    assert [b["id"] for b in body["boxtypes"]] == [world.hb.pk]
    _, body = api(client, "boxtype.list", {"id": other_world.hb.pk}, token=token)
    assert body["boxtypes"] == []


def test_boxtype_list_renders_fbe_as_an_exact_json_number(client, world):
    token = issue_token(world.company, "vendor", vendor=world.vendor)
    response = client.get("/api/boxtype.list", {"authenticationToken": token, "code": "HB"})
    assert b'"fbe":0.500' in response.content


@covers("carrier.list")
def test_carrier_list_filters_by_name_part_code_and_active(client, world, other_world):
    Carrier.objects.create(
        company=world.company, code="FDX", name="FedEx Ground", city="Memphis", active=False
    )
    token = issue_token(world.company, "company")
    status, body = api(client, "carrier.list", token=token, verb="GET")
    assert status == 200
    assert [c["code"] for c in body["carriers"]] == ["ARM", "FDX"]
    fedex = body["carriers"][1]
    assert set(fedex) == {
        "id",
        "code",
        "name",
        "active",
        "street",
        "city",
        "state",
        "zipCode",
        "country",
        "phone",
        "kometNetworkName",
        "kometNetworkId",
    }
    assert fedex["kometNetworkId"] is None and fedex["kometNetworkName"] is None
    assert fedex["city"] == "Memphis" and fedex["active"] is False
    _, body = api(client, "carrier.list", {"name": "fedex"}, token=token)
    assert [c["code"] for c in body["carriers"]] == ["FDX"]
    _, body = api(client, "carrier.list", {"active": "1"}, token=token)
    assert [c["code"] for c in body["carriers"]] == ["ARM"]
    _, body = api(client, "carrier.list", {"active": False}, token=token)
    assert [c["code"] for c in body["carriers"]] == ["FDX"]
    _, body = api(client, "carrier.list", {"code": "arm"}, token=token)
    assert [c["code"] for c in body["carriers"]] == ["ARM"]
    _, body = api(client, "carrier.list", {"id": other_world.carrier.pk}, token=token)
    assert body["carriers"] == []


@covers("category.list")
def test_category_list_answers_the_company_categories(client, world, other_world):
    token = issue_token(world.company, "company")
    status, body = api(client, "category.list", token=token, verb="GET")
    assert status == 200
    assert body["categoryItems"] == [
        {
            "categoryId": world.greens.pk,
            "categoryName": "Greens",
            "kometNetworkId": None,
            "kometNetworkName": None,
            "active": True,
        },
        {
            "categoryId": world.roses.pk,
            "categoryName": "Roses",
            "kometNetworkId": None,
            "kometNetworkName": None,
            "active": True,
        },
    ]


@covers("product.list")
def test_product_list_filters_by_description_part_and_legacy_code(client, world, other_world):
    make_product(
        world.company,
        world.greens,
        description="Eucalyptus Baby Blue",
        legacy_code="EUC-BB",
        tags="green,filler",
    )
    token = issue_token(world.company, "company")
    status, body = api(client, "product.list", token=token, verb="GET")
    assert status == 200
    assert [p["description"] for p in body["products"]] == ["Eucalyptus Baby Blue", "Rose Freedom 50cm"]
    euc = body["products"][0]
    assert euc["category"] == "Greens" and euc["legacyCode"] == "EUC-BB" and euc["tags"] == "green,filler"
    assert {"id", "active", "variety", "color", "grade", "divisionId", "divisionDescription"} <= set(euc)
    _, body = api(client, "product.list", {"description": "FREEDOM"}, token=token)
    assert [p["id"] for p in body["products"]] == [world.product.pk]
    _, body = api(client, "product.list", {"legacyCode": "euc-bb"}, token=token)
    assert [p["description"] for p in body["products"]] == ["Eucalyptus Baby Blue"]
    _, body = api(client, "product.list", {"id": other_world.product.pk}, token=token)
    assert body["products"] == []


@covers("vendor.list")
def test_vendor_list_hides_inactive_vendors_unless_asked(client, world, other_world):
    Vendor.objects.create(
        company=world.company, code="OLDF", name="Old Farm", port_origin="BOG", active=False
    )
    token = issue_token(world.company, "company")
    status, body = api(client, "vendor.list", token=token, verb="GET")
    assert status == 200
    assert body["vendors"] == [
        {
            "id": world.vendor.pk,
            "name": "Rosas del Ecuador",
            "code": "ROSAS",
            "portOrigin": "UIO",
            "cargoMasterCode": None,
            "active": True,
        }
    ]
    _, body = api(client, "vendor.list", {"includeInactive": "true"}, token=token)
    assert [v["code"] for v in body["vendors"]] == ["OLDF", "ROSAS"]
    _, body = api(client, "vendor.list", {"includeInactive": 1, "name": "old"}, token=token)
    assert [v["code"] for v in body["vendors"]] == ["OLDF"]
    _, body = api(client, "vendor.list", {"portOrigin": "uio"}, token=token)
    assert [v["code"] for v in body["vendors"]] == ["ROSAS"]


def test_master_data_of_another_company_never_shows(client, world, other_world):
    token = issue_token(world.company, "company")
    other_ids = {
        "boxtype.list": ("boxtypes", {other_world.fb.pk, other_world.hb.pk, other_world.qb.pk}),
        "carrier.list": ("carriers", {other_world.carrier.pk}),
        "category.list": ("categoryItems", {other_world.roses.pk, other_world.greens.pk}),
        "product.list": ("products", {other_world.product.pk}),
        "vendor.list": ("vendors", {other_world.vendor.pk}),
    }
    for method, (key, ids) in other_ids.items():
        _, body = api(client, method, {"includeInactive": True}, token=token)
        seen = {row.get("id", row.get("categoryId")) for row in body[key]}
        assert seen and not seen & ids, method


def test_bad_filter_values_are_named_in_the_answer(client, world):
    token = issue_token(world.company, "company")
    status, body = api(client, "carrier.list", {"id": "abc", "active": "maybe"}, token=token)
    assert status == 400 and body["errorCode"] == "validation_error"
    fields = {e["field"] for e in body["errors"]}
    assert fields == {"id", "active"}
    assert "whole number" in body["message"]
