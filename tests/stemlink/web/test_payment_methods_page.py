"""Setup » Payment methods: what payment.method.list answers, kept from the back office."""

from __future__ import annotations

from stemlink.purchasing.models import PaymentMethod
from tests.api_helpers import api, issue_token


def test_payment_methods_are_added_stopped_and_listed_by_the_api(admin_client, rep_client, client, world):
    assert b"No payment methods yet." in admin_client.get("/setup/payment-methods/").content
    page = admin_client.post("/setup/payment-methods/", {"action": "add", "name": "  Check "}, follow=True)
    assert b"Check added" in page.content
    # Blank, or the same name again in another case: refused, nothing added.
    page = admin_client.post("/setup/payment-methods/", {"action": "add", "name": "CHECK"}, follow=True)
    assert b"already a payment method" in page.content
    page = admin_client.post("/setup/payment-methods/", {"action": "add", "name": ""}, follow=True)
    assert b"type the payment method" in page.content
    assert list(PaymentMethod.objects.filter(company=world.company).values_list("name", flat=True)) == [
        "Check"
    ]
    method = PaymentMethod.objects.get(company=world.company)
    admin_client.post("/setup/payment-methods/", {"action": "deactivate", "method": method.pk})
    page = admin_client.post("/setup/payment-methods/", {"action": "activate", "method": "x"}, follow=True)
    assert b"There is no such payment method." in page.content
    token = issue_token(world.company, "company")
    status, body = api(client, "payment.method.list", {}, token=token, verb="GET")
    assert status == 200 and body["paymentMethods"] == [{"id": method.pk, "name": "Check", "active": False}]
    # A rep sees the list but may not change it.
    assert b"Check" in rep_client.get("/setup/payment-methods/").content
    assert rep_client.post("/setup/payment-methods/", {"action": "add", "name": "Cash"}).status_code == 403
