"""Test set-up of the marketplace suite (run with --ds=marketplace.settings).

Every API call goes to a fake wholesaler (httpx.MockTransport); the network is off except loopback.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from marketplace.suppliers import client as api_client
from marketplace.suppliers import services as supplier_services
from marketplace.suppliers.models import Supplier
from tests_marketplace import fake_wholesaler as fw

_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: Any) -> Any:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and not (
        host.startswith("127.") or host in {"localhost", "::1"} or host.startswith("/")
    ):
        raise RuntimeError(f"tests may only reach loopback addresses, not {host!r}")
    return _real_connect(self, address)


@pytest.fixture(autouse=True, scope="session")
def _network_off() -> Iterator[None]:
    socket.socket.connect = _loopback_only  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _fast_settings(settings: Any) -> None:
    settings.API_RETRY_SECONDS = 0.0
    # A webhook's delta runs at once; the gap that spaces a burst's deltas is tested on its own.
    settings.SYNC_WAKE_MIN_GAP_SECONDS = 0.0
    # Real password hashing costs a quarter second per sign-up; the tests do not test PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def wholesaler(monkeypatch: pytest.MonkeyPatch) -> fw.FakeWholesaler:
    """A fake wholesaler every marketplace client talks to during the test."""
    fake = fw.FakeWholesaler()
    monkeypatch.setattr(api_client, "transport_override", fake.mock_transport())
    return fake


def connection(**overrides: Any) -> supplier_services.ConnectionDetails:
    fields: dict[str, Any] = {
        "name": "Sunrise Flowers",
        "base_url": "http://wholesaler.test",
        "company_id": fw.COMPANY_ID,
        "customer_id": fw.CUSTOMER_ID,
        "company_token": fw.COMPANY_TOKEN,
        "customer_token": fw.CUSTOMER_TOKEN,
        "carrier_id": fw.CARRIER_ID,
        "location_id": None,
    }
    fields.update(overrides)
    return supplier_services.ConnectionDetails(**fields)


@pytest.fixture
def supplier(db: Any, wholesaler: fw.FakeWholesaler) -> Supplier:
    """The fake wholesaler, connected."""
    return supplier_services.save_supplier(connection())
