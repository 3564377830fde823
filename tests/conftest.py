"""Test set-up shared by the whole suite.

The suite runs on SQLite by default and on PostgreSQL when DATABASE_URL names one
(`make test-pg`). The network is off for tests except loopback.
"""

from __future__ import annotations

import socket
from typing import Any

import pytest

from tests.factories import World, make_world

_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: Any) -> Any:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and not (
        host.startswith("127.") or host in {"localhost", "::1"} or host.startswith("/")
    ):
        raise RuntimeError(f"tests may only reach loopback addresses, not {host!r}")
    return _real_connect(self, address)


@pytest.fixture(autouse=True, scope="session")
def _network_off() -> Any:
    socket.socket.connect = _loopback_only  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]


@pytest.fixture
def world(db: Any) -> World:
    """A wholesaler with master data, a product and the BloomNet customer."""
    return make_world("Sunrise Flowers")


@pytest.fixture
def other_world(db: Any) -> World:
    """A second, unrelated wholesaler: tests check nothing crosses to it."""
    return make_world("Other Wholesaler")


@pytest.fixture
def admin_enabled(settings: Any) -> None:
    """Turn the Django admin on, as the platform operator does with STEMLINK_ADMIN_ENABLED."""
    settings.ADMIN_ENABLED = True
