"""customer.list, customer.details.get, customer.add and customer.shipto.*."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from stemlink.catalog.models import Carrier
from stemlink.customers.models import Customer, ShipTo
from tests.api_helpers import api, covers, issue_token
from tests.factories import make_customer, make_ship_to, make_user


@covers("customer.list")
def test_customer_list_filters_and_hides_inactive_customers(client, world, other_world):
    rep = make_user(world.company, username="rep1")
    rep.first_name, rep.last_name = "Ana", "Rep"
    rep.save()
    florist = make_customer(
        world.company, name="Fleur de Lis", code="FLEUR", sales_rep=rep, accounting_code="4100"
    )
    make_customer(world.company, name="Closed Shop", code="CLOSED", active=False)
    token = issue_token(world.company, "company")
    status, body = api(client, "customer.list", token=token, verb="GET")
    assert status == 200 and body["message"] == "OK"
    assert [c["code"] for c in body["customers"]] == ["BLOOMNET", "FLEUR"]
    fleur = body["customers"][1]
    assert fleur == {
        "id": florist.pk,
        "accountingCode": "4100",
        "name": "Fleur de Lis",
        "code": "FLEUR",
        "active": True,
        "salesPerson": "Ana Rep",
        "salesPersonId": rep.pk,
        "customerType": "Florist",
        "updatedOn": florist.updated_on.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S"),
    }
    _, body = api(client, "customer.list", {"includeInactive": True}, token=token)
    assert [c["code"] for c in body["customers"]] == ["BLOOMNET", "CLOSED", "FLEUR"]
    _, body = api(client, "customer.list", {"name": "de li"}, token=token)
    assert [c["code"] for c in body["customers"]] == ["FLEUR"]
    _, body = api(client, "customer.list", {"code": "fleur"}, token=token)
    assert [c["code"] for c in body["customers"]] == ["FLEUR"]
    _, body = api(client, "customer.list", {"salesPersonId": rep.pk}, token=token)
    assert [c["code"] for c in body["customers"]] == ["FLEUR"]
    tomorrow = (timezone.now() + dt.timedelta(days=1)).date().isoformat()
    _, body = api(client, "customer.list", {"updateAsOf": tomorrow}, token=token)
    assert body["customers"] == []
    _, body = api(client, "customer.list", {"updateAsOf": "2020-01-01 00:00:00"}, token=token)
    assert len(body["customers"]) == 2


def test_customer_list_with_a_location_of_another_company_is_not_found(client, world, other_world):
    token = issue_token(world.company, "company")
    status, body = api(client, "customer.list", {"locationId": other_world.location.pk}, token=token)
    assert status == 404
    status, body = api(client, "customer.list", {"locationId": world.location.pk}, token=token)
    assert status == 200 and len(body["customers"]) == 1


@covers("customer.details.get")
def test_customer_details_answer_addresses_and_pricing_terms(client, world):
    Customer.objects.filter(pk=world.customer.pk).update(
        billing_city="Doral",
        shipping_city="Miami",
        default_price="B",
        price_b_markup=Decimal("12.500"),
        credit_limit=Decimal("5000.00"),
        email_for_invoices="ap@bloomnet.example",
    )
    token = issue_token(world.company, "customer", customer=world.customer)
    status, body = api(
        client, "customer.details.get", {"customerId": world.customer.pk}, token=token, verb="GET"
    )
    assert status == 200, body
    customer = body["customer"]
    assert customer["name"] == "BloomNet" and customer["code"] == "BLOOMNET"
    assert customer["billCity"] == "Doral" and customer["shipCity"] == "Miami"
    assert customer["defaultPrice"] == "B" and customer["priceBMarkup"] == 12.5
    assert customer["creditLimit"] == 5000 and customer["emailForInvoices"] == "ap@bloomnet.example"
    # Komet's fields held but not filled in are blank; the one Stemlink has no notion of is null.
    assert (customer["emailForStatements"], customer["fax"], customer["priceSellFastMarkup"]) == (
        "",
        "",
        None,
    )
    assert customer["customerType"] == "Marketplace"


def test_customer_details_of_another_customer_or_company_are_not_found(client, world, other_world):
    other = make_customer(world.company)
    customer_token = issue_token(world.company, "customer", customer=world.customer)
    status, body = api(client, "customer.details.get", {"customerId": other.pk}, token=customer_token)
    assert status == 404 and body["errorCode"] == "not_found"
    company_token = issue_token(world.company, "company")
    status, _ = api(client, "customer.details.get", {"customerId": other.pk}, token=company_token)
    assert status == 200
    status, _ = api(
        client, "customer.details.get", {"customerId": other_world.customer.pk}, token=company_token
    )
    assert status == 404


@covers("customer.add")
def test_customer_add_creates_a_customer_and_answers_its_id(client, world):
    token = issue_token(world.company, "company")
    params = {
        "name": "Petal Pushers",
        "code": "PETAL",
        "type": "Florist",
        "phone": "+1 305 555 0100",
        "emailForInvoices": "billing@petal.example",
        "creditLimit": "2500.50",
        "defaultPrice": "b",
        "billCity": "Orlando",
        "shipZipCode": "32801",
    }
    status, body = api(client, "customer.add", params, token=token)
    assert status == 200, body
    assert body["status"] == 1 and body["customerId"]
    customer = Customer.objects.get(pk=body["customerId"])
    assert customer.company == world.company and customer.code == "PETAL"
    assert customer.credit_limit == Decimal("2500.50") and customer.default_price == "B"
    assert customer.billing_city == "Orlando" and customer.shipping_zipcode == "32801"


def test_customer_add_makes_a_code_from_the_name_when_none_is_given(client, world):
    token = issue_token(world.company, "company")
    _, first = api(client, "customer.add", {"name": "Rosa's Shop"}, token=token)
    _, second = api(client, "customer.add", {"name": "Rosa's Shop"}, token=token)
    codes = set(
        Customer.objects.filter(pk__in=[first["customerId"], second["customerId"]]).values_list(
            "code", flat=True
        )
    )
    assert codes == {"ROSASSHOP", "ROSASSHOP2"}


def test_customer_add_refuses_a_code_in_use_and_bad_values_and_changes_nothing(client, world):
    token = issue_token(world.company, "company")
    before = Customer.objects.count()
    status, body = api(client, "customer.add", {"name": "Dup", "code": "bloomnet"}, token=token)
    assert status == 400 and body["errors"][0]["field"] == "code"
    status, body = api(client, "customer.add", {"name": "X", "emailForInvoices": "not-an-email"}, token=token)
    assert status == 400 and body["errors"][0]["field"] == "emailForInvoices"
    status, body = api(client, "customer.add", {"name": "X", "type": "spaceship"}, token=token)
    assert (
        status == 400 and body["errors"][0]["field"] == "type" and "florist" in body["errors"][0]["message"]
    )
    status, body = api(client, "customer.add", {"name": "   "}, token=token)
    assert status == 400 and body["errors"][0]["field"] == "name"
    status, body = api(client, "customer.add", {"name": "X", "creditLimit": "-5"}, token=token)
    assert status == 400 and body["errors"][0]["field"] == "creditLimit"
    assert Customer.objects.count() == before


@covers("customer.shipto.add")
def test_shipto_add_saves_a_ship_to_with_komets_message(client, world):
    token = issue_token(world.company, "customer", customer=world.customer)
    params = {
        "customerId": world.customer.pk,
        "name": "Flowers on Main",
        "address": "12 Main St",
        "city": "Austin",
        "state": "TX",
        "zipcode": "73301",
        "country": "US",
        "phone": "512-555-0199",
        "carrierId": world.carrier.pk,
        "carrierAccount": "ACC-99",
    }
    status, body = api(client, "customer.shipto.add", params, token=token, account=world.company.pk)
    assert status == 200, body
    assert body["status"] == 1 and body["message"] == "Ship to was successfully saved"
    ship_to = ShipTo.objects.get(pk=body["shipToId"])
    assert ship_to.customer == world.customer and ship_to.company == world.company
    assert (
        ship_to.carrier == world.carrier and ship_to.city == "Austin" and ship_to.carrier_account == "ACC-99"
    )


def test_shipto_add_refuses_a_carrier_of_another_company_and_a_foreign_customer(client, world, other_world):
    token = issue_token(world.company, "company")
    status, body = api(
        client,
        "customer.shipto.add",
        {"customerId": world.customer.pk, "name": "X", "carrierId": other_world.carrier.pk},
        token=token,
    )
    assert status == 404 and "Carrier" in body["message"]
    status, _ = api(
        client, "customer.shipto.add", {"customerId": other_world.customer.pk, "name": "X"}, token=token
    )
    assert status == 404
    assert not ShipTo.objects.filter(name="X").exists()


@covers("customer.shipto.update")
def test_shipto_update_changes_only_the_fields_sent(client, world):
    ship_to = make_ship_to(world.customer, name="Old Name", city="Miami", phone="111")
    token = issue_token(world.company, "company")
    status, body = api(
        client,
        "customer.shipto.update",
        {
            "shipToId": ship_to.pk,
            "customerId": world.customer.pk,
            "name": "New Name",
            "carrierId": world.carrier.pk,
        },
        token=token,
    )
    assert status == 200, body
    assert body == {"status": 1, "message": "Ship to was successfully saved", "shipToId": ship_to.pk}
    ship_to.refresh_from_db()
    assert ship_to.name == "New Name" and ship_to.city == "Miami" and ship_to.phone == "111"
    assert ship_to.carrier == world.carrier


def test_shipto_update_of_another_customers_ship_to_is_not_found(client, world, other_world):
    mine = make_ship_to(world.customer)
    someone_elses = make_ship_to(make_customer(world.company), name="Theirs")
    foreign = make_ship_to(other_world.customer, name="Foreign")
    token = issue_token(world.company, "customer", customer=world.customer)
    for ship_to, customer_id in [
        (someone_elses, world.customer.pk),
        (someone_elses, someone_elses.customer_id),
        (foreign, world.customer.pk),
        (foreign, other_world.customer.pk),
        (mine, other_world.customer.pk),
    ]:
        status, body = api(
            client,
            "customer.shipto.update",
            {"shipToId": ship_to.pk, "customerId": customer_id, "name": "Hijacked"},
            token=token,
        )
        assert status == 404, body
    assert not ShipTo.objects.filter(name="Hijacked").exists()


@covers("customer.shipto.delete")
def test_shipto_delete_removes_it_from_the_list(client, world, other_world):
    ship_to = make_ship_to(world.customer, name="Going away")
    foreign = make_ship_to(other_world.customer)
    token = issue_token(world.company, "company")
    status, body = api(client, "customer.shipto.delete", {"shipToId": foreign.pk}, token=token)
    assert status == 404
    status, body = api(client, "customer.shipto.delete", {"shipToId": ship_to.pk}, token=token)
    assert status == 200 and body == {"status": 1, "message": "Ship to removed."}
    _, body = api(client, "customer.shipto.list", {"customerId": world.customer.pk}, token=token)
    assert body["shiptos"] == []
    status, _ = api(client, "customer.shipto.delete", {"shipToId": ship_to.pk}, token=token)
    assert status == 404
    foreign.refresh_from_db()
    assert foreign.active


@covers("customer.shipto.list")
def test_shipto_list_needs_a_filter_and_answers_komet_fields(client, world, other_world):
    first = make_ship_to(
        world.customer, name="Alpha Florist", code="A1", carrier=world.carrier, carrier_account="X1"
    )
    make_ship_to(make_customer(world.company), name="Beta Florist")
    make_ship_to(other_world.customer, name="Alpha Foreign")
    token = issue_token(world.company, "company")
    status, body = api(client, "customer.shipto.list", token=token)
    assert status == 400 and "at least one" in body["message"]
    status, body = api(
        client, "customer.shipto.list", {"customerId": world.customer.pk}, token=token, verb="GET"
    )
    assert status == 200
    assert body["shiptos"] == [
        {
            "id": first.pk,
            "customerId": world.customer.pk,
            "shipToCode": "A1",
            "name": "Alpha Florist",
            "address": "",
            "city": "Miami",
            "state": "FL",
            "zipcode": "",
            "country": "US",
            "phone": "",
            "fax": "",
            "carrierId": world.carrier.pk,
            "carrierName": "Armellini Express",
            "carrierCode": "ARM",
            "carrierAccount": "X1",
            "updatedAsOf": first.updated_on.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S"),
        }
    ]
    _, body = api(client, "customer.shipto.list", {"name": "florist"}, token=token)
    assert [s["name"] for s in body["shiptos"]] == ["Alpha Florist", "Beta Florist"]
    _, body = api(client, "customer.shipto.list", {"updateAsOf": "2000-01-01"}, token=token)
    assert len(body["shiptos"]) == 2


def test_shipto_list_with_a_customer_token_shows_only_its_own_ship_tos(client, world):
    make_ship_to(world.customer, name="Mine")
    other = make_customer(world.company)
    make_ship_to(other, name="Not mine")
    token = issue_token(world.company, "customer", customer=world.customer)
    _, body = api(client, "customer.shipto.list", {"name": "mine"}, token=token)
    assert [s["name"] for s in body["shiptos"]] == ["Mine"]
    status, body = api(client, "customer.shipto.list", {"customerId": other.pk}, token=token)
    assert status == 404


def test_ship_to_carrier_change_is_checked_against_the_company(client, world, other_world):
    ship_to = make_ship_to(world.customer)
    token = issue_token(world.company, "company")
    status, _ = api(
        client,
        "customer.shipto.update",
        {"shipToId": ship_to.pk, "customerId": world.customer.pk, "carrierId": other_world.carrier.pk},
        token=token,
    )
    assert status == 404
    assert Carrier.objects.filter(pk=other_world.carrier.pk).exists()
    ship_to.refresh_from_db()
    assert ship_to.carrier is None
