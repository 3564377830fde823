"""Inventory tests start with no remembered e-commerce totals (SQLite reuses ids between tests)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from stemlink.inventory.feed import forget_remembered_totals


@pytest.fixture(autouse=True)
def _fresh_totals() -> Iterator[None]:
    forget_remembered_totals()
    yield
    forget_remembered_totals()
