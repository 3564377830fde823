"""A large catalogue still syncs exactly and quickly (prints the times: `pytest -s -m slow`)."""

import time
from decimal import Decimal

import pytest

from marketplace.suppliers.models import Supplier
from marketplace.sync.models import Offer
from marketplace.sync.services import sync_supplier

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_ten_thousand_lines_sync_exactly_in_pages_of_500(supplier, wholesaler):
    for n in range(10_000):
        wholesaler.add_line(
            1, f"L{n}", 100 + n % 50, f"Carnation {n % 50}", "Carnations", "Pink", "Fancy", "FB",
            20, 20, 3 + n % 7, Decimal("0.20"),
        )  # fmt: skip
    started = time.perf_counter()
    first = sync_supplier(supplier, full=True)
    first_seconds = time.perf_counter() - started
    for n in range(0, 10_000, 100):
        wholesaler.touch(1, f"L{n}", quantity=0)
    for n in range(1, 10_000, 10):
        wholesaler.touch(1, f"L{n}", quantity=1)
    started = time.perf_counter()
    second = sync_supplier(Supplier.objects.get(pk=supplier.pk), full=True)
    second_seconds = time.perf_counter() - started
    print(
        f"\n10,003 lines: first full sync {first_seconds:.2f}s; "
        f"second (100 gone, 1,000 changed) {second_seconds:.2f}s"
    )
    assert (first.added, first.calls) == (10_003, 4 + 21)
    assert (second.added, second.changed, second.removed) == (0, 1_000, 100)
    assert Offer.objects.count() == 9_903
    assert Offer.objects.get(inventory_ids="L1").boxes_available == 1
