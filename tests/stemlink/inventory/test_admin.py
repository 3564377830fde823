"""The inventory admin shows lines but never edits a reservation or deletes a line."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests.factories import make_future_line, make_line

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, admin_enabled):
    user = get_user_model().objects.create_superuser("root", "root@example.com", "flowers-2026-admin")
    client.force_login(user)
    return client


def test_lists_and_shows_lines_without_a_delete_or_a_reservation_field(staff_client, world):
    line = make_line(world)
    future = make_future_line(world)
    for url in ("/admin/inventory/inventoryline/", "/admin/inventory/futureline/"):
        assert staff_client.get(url).status_code == 200
    page = staff_client.get(f"/admin/inventory/inventoryline/{line.pk}/change/")
    assert page.status_code == 200
    assert b'name="reserved_for"' not in page.content, "reservations are made with the service"
    assert f"/inventoryline/{line.pk}/delete/".encode() not in page.content
    assert staff_client.get(f"/admin/inventory/futureline/{future.pk}/delete/").status_code == 403
