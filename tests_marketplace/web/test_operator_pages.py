import pytest
from django.contrib.auth import get_user_model

from marketplace.suppliers.models import Supplier
from marketplace.sync.models import SyncRun
from tests_marketplace import fake_wholesaler as fw

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    user = get_user_model().objects.create_user("operator", password="operator-pass-123", is_staff=True)
    client.force_login(user)
    return user


FORM = {
    "name": "Sunrise Flowers",
    "base_url": "http://wholesaler.test",
    "company_id": fw.COMPANY_ID,
    "customer_id": fw.CUSTOMER_ID,
    "company_token": fw.COMPANY_TOKEN,
    "customer_token": fw.CUSTOMER_TOKEN,
    "carrier_id": fw.CARRIER_ID,
    "location_id": "",
    "sync_interval_minutes": 5,
    "stale_after_minutes": 30,
}


def test_operator_pages_need_a_staff_login(client, db):
    get_user_model().objects.create_user("someone-else", password="operator-pass-123", is_staff=True)
    response = client.get("/operator/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_connecting_a_wholesaler_checks_and_saves_it(client, operator, wholesaler):
    response = client.post("/operator/suppliers/new/", FORM)
    supplier = Supplier.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/operator/suppliers/{supplier.pk}/"
    assert supplier.customer_token == fw.CUSTOMER_TOKEN
    page = client.get(response["Location"]).content.decode()
    assert fw.COMPANY_TOKEN not in page and fw.CUSTOMER_TOKEN not in page
    assert "stored encrypted (…000a)" in page


def test_a_wrong_customer_id_is_named_next_to_its_field_and_nothing_is_saved(client, operator, wholesaler):
    response = client.post("/operator/suppliers/new/", {**FORM, "customer_id": 41})
    assert response.status_code == 200
    assert Supplier.objects.count() == 0
    errors = response.context["form"].errors
    assert list(errors) == ["customer_id"]
    assert "not the customer the Customer token is bound to" in errors["customer_id"][0]


def test_the_edit_form_never_shows_the_tokens_and_keeps_them_when_left_blank(client, operator, supplier):
    page = client.get(f"/operator/suppliers/{supplier.pk}/edit/").content.decode()
    assert fw.COMPANY_TOKEN not in page and fw.CUSTOMER_TOKEN not in page
    response = client.post(
        f"/operator/suppliers/{supplier.pk}/edit/",
        {**FORM, "name": "Sunrise", "company_token": "", "customer_token": ""},
    )
    assert response.status_code == 302
    fresh = Supplier.objects.get(pk=supplier.pk)
    assert fresh.name == "Sunrise" and fresh.company_token == fw.COMPANY_TOKEN


def test_check_reports_a_token_revoked_since(client, operator, supplier, wholesaler, monkeypatch):
    monkeypatch.setattr(fw, "CUSTOMER_TOKEN", "revoked")
    response = client.post(f"/operator/suppliers/{supplier.pk}/check/", follow=True)
    text = response.content.decode()
    assert "Customer token: The Customer token was refused" in text


def test_sync_now_queues_a_full_sync(client, operator, supplier):
    Supplier.objects.filter(pk=supplier.pk).update(full_sync_requested=False)
    client.post(f"/operator/suppliers/{supplier.pk}/sync/")
    assert Supplier.objects.get(pk=supplier.pk).full_sync_requested


def test_disable_and_enable(client, operator, supplier):
    client.post(f"/operator/suppliers/{supplier.pk}/toggle/")
    assert not Supplier.objects.get(pk=supplier.pk).active
    client.post(f"/operator/suppliers/{supplier.pk}/toggle/")
    assert Supplier.objects.get(pk=supplier.pk).active


def test_the_detail_page_lists_sync_runs_with_counts(client, operator, supplier, wholesaler):
    from marketplace.sync.services import sync_supplier

    sync_supplier(supplier, full=True)
    page = client.get(f"/operator/suppliers/{supplier.pk}/").content.decode()
    run = SyncRun.objects.get()
    assert run.added == 3
    assert 'class="run"' in page and "full" in page
    assert f"/webhooks/{supplier.pk}/" in page


def test_the_webhook_secret_is_never_shown_back_but_can_be_set_or_made_anew(client, operator, supplier):
    page = client.get(f"/operator/suppliers/{supplier.pk}/").content.decode()
    assert supplier.webhook_secret not in page
    client.post(
        f"/operator/suppliers/{supplier.pk}/webhook-secret/", {"secret": "pasted-from-stemlink-0123456789"}
    )
    assert Supplier.objects.get(pk=supplier.pk).webhook_secret == "pasted-from-stemlink-0123456789"
    response = client.post(f"/operator/suppliers/{supplier.pk}/webhook-secret/", {"secret": ""}, follow=True)
    fresh = Supplier.objects.get(pk=supplier.pk).webhook_secret
    assert fresh.startswith("whsec_") and fresh in response.content.decode()
    assert fresh not in client.get(f"/operator/suppliers/{supplier.pk}/").content.decode()


def test_a_too_short_webhook_secret_is_refused(client, operator, supplier):
    before = supplier.webhook_secret
    response = client.post(
        f"/operator/suppliers/{supplier.pk}/webhook-secret/", {"secret": "short"}, follow=True
    )
    assert "at least 16 characters" in response.content.decode()
    assert Supplier.objects.get(pk=supplier.pk).webhook_secret == before
