from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.stemlink.worker.receiver import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as r:
        yield r


@pytest.fixture(autouse=True)
def _partners_on_loopback(settings) -> None:
    # These tests' partners listen on 127.0.0.1: they opt in to loopback, as only the demo does.
    # (The default, off, is tested in tests/stemlink/worker/test_outbound_guard.py.)
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
