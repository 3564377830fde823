"""Every parameter of the customer methods is stored or applied, and answered back (issue 12).

customer.add and the ship-to methods keep every field Komet declares for them; customer.details.get
and customer.shipto.list answer them where Komet answers them; the list filters narrow.
"""

from __future__ import annotations

from stemlink.customers.models import Customer, ShipTo
from tests.api_helpers import api, issue_token
from tests.factories import make_customer, make_ship_to, make_user


def test_customer_add_stores_every_komet_field_and_details_answer_them(client, world):
    rep = make_user(world.company, username="rep-ana")
    token = issue_token(world.company, "company")
    params = {
        "name": "Petal Pushers",
        "accountingCode": "4100",
        "salesPersonId": rep.pk,
        "email": "hello@petal.example",
        "fax": "+1 305 555 0101",
        "website": "https://petal.example",
        "emailForStatements": "ar@petal.example; owner@petal.example",
        "terms": "Net 30",
        "creditHold": "yes",
        "paymentMethod": "Check",
        "chargeFuelSurcharge": True,
        "chargeTax": "1",
        "sendInvoiceVia": "Email",
        "billAddress": "1 Bill Way",
        "billState": "FL",
        "billZipCode": "32801",
        "billCountry": "US",
        "shipAddress": "2 Ship Rd",
        "shipCity": "Tampa",
        "shipState": "FL",
        "shipCountry": "US",
    }
    status, body = api(client, "customer.add", params, token=token)
    assert status == 200, body
    customer = Customer.objects.get(pk=body["customerId"])
    assert customer.sales_rep == rep and customer.accounting_code == "4100"
    _, details = api(client, "customer.details.get", {"customerId": customer.pk}, token=token, verb="GET")
    answered = details["customer"]
    assert {k: answered[k] for k in params if k != "salesPersonId"} == {
        **{k: v for k, v in params.items() if k != "salesPersonId"},
        "creditHold": True,
        "chargeTax": True,
    }
    assert answered["salesPersonId"] == rep.pk
    # A customer made without them answers them blank (or false), never another customer's.
    _, plain = api(client, "customer.add", {"name": "Plain"}, token=token)
    _, details = api(client, "customer.details.get", {"customerId": plain["customerId"]}, token=token)
    assert (details["customer"]["fax"], details["customer"]["creditHold"], details["customer"]["terms"]) == (
        "",
        False,
        "",
    )


def test_customer_add_refuses_bad_komet_fields_by_name(client, world):
    token = issue_token(world.company, "company")
    before = Customer.objects.count()
    for field, value in [
        ("emailForStatements", "ar@petal.example;not-an-email"),
        ("creditHold", "maybe"),
        ("fax", "9" * 41),
    ]:
        status, body = api(client, "customer.add", {"name": "X", field: value}, token=token)
        assert status == 400 and body["errors"][0]["field"] == field, body
    status, body = api(client, "customer.add", {"name": "X", "salesPersonId": 999999}, token=token)
    assert status == 400 and body["errors"][0]["field"] == "salesPersonId"
    assert Customer.objects.count() == before


def test_customer_list_by_id(client, world):
    other = make_customer(world.company, name="Other")
    token = issue_token(world.company, "company")
    _, body = api(client, "customer.list", {"id": other.pk}, token=token, verb="GET")
    assert [c["id"] for c in body["customers"]] == [other.pk]
    _, body = api(client, "customer.list", {"id": 999999}, token=token, verb="GET")
    assert body["customers"] == []


def test_shipto_add_and_update_store_every_field_and_the_list_answers_them(client, world):
    token = issue_token(world.company, "company")
    status, body = api(
        client,
        "customer.shipto.add",
        {
            "customerId": world.customer.pk,
            "name": "Flowers on Main",
            "shipToCode": "MAIN",
            "fax": "512-555-0100",
            "salesPersonCodeForFlowers": "FL-7",
            "salesPersonCodeForPlants": "PL-2",
        },
        token=token,
    )
    assert status == 200, body
    ship_to = ShipTo.objects.get(pk=body["shipToId"])
    assert (
        ship_to.code,
        ship_to.fax,
        ship_to.sales_person_code_flowers,
        ship_to.sales_person_code_plants,
    ) == (
        "MAIN",
        "512-555-0100",
        "FL-7",
        "PL-2",
    )
    changes = {
        "shipToCode": "MAIN2",
        "address": "9 Elm St",
        "city": "Austin",
        "state": "TX",
        "zipcode": "73301",
        "country": "US",
        "phone": "512-555-0199",
        "fax": "512-555-0198",
        "carrierAccount": "ACC-1",
        "salesPersonCodeForFlowers": "FL-8",
        "salesPersonCodeForPlants": "PL-3",
    }
    status, body = api(
        client,
        "customer.shipto.update",
        {"shipToId": ship_to.pk, "customerId": world.customer.pk, **changes},
        token=token,
    )
    assert status == 200, body
    ship_to.refresh_from_db()
    assert (ship_to.sales_person_code_flowers, ship_to.sales_person_code_plants, ship_to.name) == (
        "FL-8",
        "PL-3",
        "Flowers on Main",
    )
    _, listed = api(client, "customer.shipto.list", {"id": ship_to.pk}, token=token, verb="GET")
    (record,) = listed["shiptos"]
    answered = {k: v for k, v in changes.items() if not k.startswith("salesPersonCode")}
    assert {k: record[k] for k in answered} == answered


def test_shipto_list_by_id_narrows(client, world):
    first = make_ship_to(world.customer, name="First")
    make_ship_to(world.customer, name="Second")
    token = issue_token(world.company, "company")
    _, body = api(
        client, "customer.shipto.list", {"customerId": world.customer.pk, "id": first.pk}, token=token
    )
    assert [s["id"] for s in body["shiptos"]] == [first.pk]
    _, body = api(client, "customer.shipto.list", {"id": 999999}, token=token)
    assert body["shiptos"] == []
