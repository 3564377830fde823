"""Supplier tokens go only to the base URL they were entered for, and only to addresses allowed."""

from __future__ import annotations

import httpx
import pytest
from django.contrib.auth import get_user_model

from marketplace.suppliers import client as api_client
from marketplace.suppliers import services, vault
from marketplace.suppliers.models import Supplier
from marketplace.sync.services import sync_supplier
from tests_marketplace import fake_wholesaler as fw
from tests_marketplace.conftest import connection

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch, wholesaler) -> list[tuple[str, str]]:
    """Every request any client makes, as (host, token sent): the fake wholesaler answers them all."""
    inner = wholesaler.mock_transport()
    seen: list[tuple[str, str]] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.host, request.headers.get("authenticationToken", "")))
        return inner.handle_request(request)

    monkeypatch.setattr(api_client, "transport_override", httpx.MockTransport(record))
    return seen


@pytest.fixture
def operator(client):
    user = get_user_model().objects.create_user("operator", password="operator-pass-123", is_staff=True)
    client.force_login(user)
    return user


def _form(supplier: Supplier, **changes) -> dict:
    form = {
        "name": supplier.name,
        "base_url": supplier.base_url,
        "company_id": supplier.company_id,
        "customer_id": supplier.customer_id,
        "company_token": "",
        "customer_token": "",
        "carrier_id": supplier.carrier_id,
        "location_id": "",
        "sync_interval_minutes": 5,
        "stale_after_minutes": 30,
    }
    form.update(changes)
    return form


def test_a_new_base_url_asks_for_both_tokens_again_and_sends_the_stored_ones_nowhere(client, operator, sent):
    supplier = services.save_supplier(connection())
    sent.clear()
    response = client.post(
        f"/operator/suppliers/{supplier.pk}/edit/", _form(supplier, base_url="http://elsewhere.test")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "base URL changed" in errors["company_token"][0]
    assert "base URL changed" in errors["customer_token"][0]
    assert sent == []
    assert Supplier.objects.get(pk=supplier.pk).base_url == "http://wholesaler.test"
    assert "no-store" in response["Cache-Control"]


def test_the_new_base_url_is_saved_with_tokens_typed_for_it(client, operator, sent):
    supplier = services.save_supplier(connection())
    response = client.post(
        f"/operator/suppliers/{supplier.pk}/edit/",
        _form(
            supplier,
            base_url="http://moved.test/",
            company_token=fw.COMPANY_TOKEN,
            customer_token=fw.CUSTOMER_TOKEN,
        ),
    )
    assert response.status_code == 302
    fresh = Supplier.objects.get(pk=supplier.pk)
    assert (fresh.base_url, fresh.tokens_base_url) == ("http://moved.test", "http://moved.test")
    # The typed tokens were checked against the new address, and went nowhere else.
    assert sent and all(host == "moved.test" for host, _ in sent)


def test_saving_a_new_base_url_without_tokens_is_refused_by_the_service(wholesaler):
    supplier = services.save_supplier(connection())
    with pytest.raises(services.TokensRequired):
        services.save_supplier(
            connection(base_url="http://elsewhere.test", company_token="", customer_token=""),
            supplier=supplier,
        )
    assert Supplier.objects.get(pk=supplier.pk).base_url == "http://wholesaler.test"


def test_a_base_url_changed_behind_the_marketplaces_back_gets_no_token(sent):
    supplier = services.save_supplier(connection())
    sent.clear()
    Supplier.objects.filter(pk=supplier.pk).update(base_url="http://attacker.test")
    run = sync_supplier(Supplier.objects.get(pk=supplier.pk), full=True)
    assert run is not None and not run.ok
    assert "entered for http://wholesaler.test" in run.errors
    assert sent == []
    details = services.details_of(Supplier.objects.get(pk=supplier.pk))
    assert (details.company_token, details.customer_token) == ("", "")


@pytest.mark.parametrize(
    "base_url",
    [
        "http://127.0.0.1:8000",
        "http://[::ffff:127.0.0.1]:8000",
        "http://2130706433:8000",
        "http://0x7f.1:8000",
        "http://localhost:8000",
        "http://10.0.0.1",
        "http://169.254.169.254",
        "http://[fe80::1]",
        "http://0.0.0.0:8000",
    ],
)
def test_an_internal_base_url_is_refused_by_default_and_nothing_is_sent(client, operator, sent, base_url):
    form = _form(
        Supplier(
            name="Inside",
            base_url=base_url,
            company_id=fw.COMPANY_ID,
            customer_id=fw.CUSTOMER_ID,
            carrier_id=1,
        ),
        company_token=fw.COMPANY_TOKEN,
        customer_token=fw.CUSTOMER_TOKEN,
    )
    response = client.post("/operator/suppliers/new/", form)
    assert response.status_code == 200
    assert "base_url" in response.context["form"].errors
    assert sent == []
    assert Supplier.objects.count() == 0


def test_loopback_is_allowed_only_with_the_opt_in(settings, wholesaler):
    assert services.base_url_problem("http://127.0.0.1:8000")
    settings.ALLOW_PRIVATE_NETWORKS = True
    assert services.base_url_problem("http://127.0.0.1:8000") is None
    assert services.base_url_problem("http://169.254.169.254")  # never, opt-in or not


def test_the_real_client_refuses_an_internal_address_at_call_time_without_retrying(monkeypatch, settings):
    monkeypatch.setattr(api_client, "transport_override", None)
    settings.ALLOW_PRIVATE_NETWORKS = False
    with api_client.WholesalerClient("http://[::ffff:127.0.0.1]:9", "some-token", attempts=3) as wholesaler:
        with pytest.raises(api_client.DestinationNotAllowed):
            wholesaler.call("carrier.list")
        assert wholesaler.calls == 1


def test_vault_keys_rotate_without_losing_a_token(settings):
    old = "old-vault-key-0123456789-abcdefghijklmnopqrstuvwxyzABCDEF"
    new = "new-vault-key-9876543210-ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvu"
    settings.VAULT_KEYS = [old]
    sealed = vault.seal("company-token-sealed-before")
    settings.VAULT_KEYS = [new, old]
    assert vault.unseal(sealed) == "company-token-sealed-before"
    resealed = vault.reseal(sealed)
    settings.VAULT_KEYS = [new]
    assert vault.unseal(resealed) == "company-token-sealed-before"
    with pytest.raises(vault.SecretUnreadable):
        vault.unseal(sealed)
