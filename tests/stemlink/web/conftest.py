"""Signed-in clients for the back-office tests: an administrator and a sales rep of `world`."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.factories import World, make_user


@pytest.fixture
def admin_user(world: World) -> Any:
    return make_user(world.company, username="ana", role="admin")


@pytest.fixture
def admin_client(admin_user: Any) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def rep_client(world: World) -> Client:
    client = Client()
    client.force_login(make_user(world.company, username="rick", role="sales_rep"))
    return client


@pytest.fixture
def other_admin_client(other_world: World) -> Client:
    client = Client()
    client.force_login(make_user(other_world.company, username="otto", role="admin"))
    return client
