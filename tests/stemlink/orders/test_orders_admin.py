"""The orders admin shows documents and the fee ledger, and lets nobody edit them there."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from stemlink.orders import weborders
from stemlink.orders.models import FeeEntry, Invoice, WebOrder
from tests.factories import World, make_line
from tests.stemlink.orders.test_web_order_services import on_hand


@pytest.fixture
def admin_client(client, world: World, admin_enabled):
    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw-2026-admin")
    client.force_login(user)
    return client


def test_lists_and_shows_web_orders_invoices_and_fees_read_only(admin_client, world: World) -> None:
    result = weborders.add_web_order_item(world.company, world.customer, on_hand(world, make_line(world), 2))
    invoice = weborders.checkout_web_order(world.company, world.customer, result.web_order.id).invoices[0]
    for model, obj in ((WebOrder, result.web_order), (Invoice, invoice), (FeeEntry, FeeEntry.objects.get())):
        meta = model._meta
        listing = admin_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        assert listing.status_code == 200
        detail = admin_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]))
        assert detail.status_code == 200
        assert b'name="_save"' not in detail.content
        assert admin_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add")).status_code == 403
