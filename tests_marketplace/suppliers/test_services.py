import pytest
from django.db import connection as db_connection

from marketplace.suppliers import services
from marketplace.suppliers.models import Supplier
from marketplace.suppliers.vault import SecretUnreadable
from tests_marketplace import fake_wholesaler as fw
from tests_marketplace.conftest import connection

pytestmark = pytest.mark.django_db


def test_a_correct_connection_passes_every_check(wholesaler):
    result = services.check_connection(connection())
    assert result.ok, result.problems
    assert result.customer_name == "BloomNet"
    assert result.carrier_name == "Armellini Express"
    assert wholesaler.count("carrier.list") == 1
    assert wholesaler.count("customer.details.get") == 1


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"company_token": "wrong"}, "company_token", "Company token was refused"),
        ({"customer_token": "wrong"}, "customer_token", "Customer token was refused"),
        ({"customer_id": 99}, "customer_id", "not the customer"),
        ({"company_id": 8}, "company_id", "Company ID does not match"),
        ({"carrier_id": 77}, "carrier_id", "not one of the wholesaler's carriers"),
        ({"location_id": 5}, "location_id", "not one of the wholesaler's locations"),
        ({"company_token": fw.CUSTOMER_TOKEN}, "company_token", "may not call carrier.list"),
    ],
)
def test_names_the_credential_that_is_wrong(wholesaler, overrides, field, words):
    result = services.check_connection(connection(**overrides))
    assert set(result.problems) == {field}
    assert words in result.problems[field]


def test_an_unreachable_api_blames_the_base_url(wholesaler):
    wholesaler.down = True
    result = services.check_connection(connection())
    assert set(result.problems) == {"base_url"}
    assert "Could not reach" in result.problems["base_url"]


def test_tokens_are_encrypted_at_rest_and_readable_back(wholesaler):
    supplier = services.save_supplier(connection())
    with db_connection.cursor() as cursor:
        cursor.execute(
            "SELECT company_token_sealed, customer_token_sealed"
            " FROM marketplace_suppliers_supplier WHERE id = %s",
            [supplier.pk],
        )
        row = cursor.fetchone()
    assert fw.COMPANY_TOKEN not in "".join(row)
    assert fw.CUSTOMER_TOKEN not in "".join(row)
    fresh = Supplier.objects.get(pk=supplier.pk)
    assert fresh.company_token == fw.COMPANY_TOKEN
    assert fresh.customer_token == fw.CUSTOMER_TOKEN
    assert fresh.company_token_hint == "…000a"
    assert fresh.webhook_secret


def test_tokens_sealed_under_another_key_are_reported_unreadable(wholesaler, settings):
    supplier = services.save_supplier(connection())
    settings.VAULT_KEYS = ["another-key-entirely-0000000000000000000-abcdefghijklmn"]
    with pytest.raises(SecretUnreadable):
        _ = Supplier.objects.get(pk=supplier.pk).company_token


def test_an_update_without_tokens_keeps_the_stored_ones(wholesaler):
    supplier = services.save_supplier(connection())
    services.save_supplier(connection(name="Renamed", company_token="", customer_token=""), supplier=supplier)
    fresh = Supplier.objects.get(pk=supplier.pk)
    assert fresh.name == "Renamed"
    assert fresh.company_token == fw.COMPANY_TOKEN


def test_a_new_supplier_is_due_for_a_full_sync(wholesaler):
    assert services.save_supplier(connection()).full_sync_requested


def test_disabling_marks_the_supplier_and_enabling_requests_a_sync(supplier):
    services.set_supplier_active(supplier, False)
    assert Supplier.objects.get(pk=supplier.pk).last_sync_status == "disabled"
    Supplier.objects.filter(pk=supplier.pk).update(full_sync_requested=False)
    supplier.refresh_from_db()
    services.set_supplier_active(supplier, True)
    fresh = Supplier.objects.get(pk=supplier.pk)
    assert fresh.active and fresh.full_sync_requested
