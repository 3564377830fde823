"""bench/backoffice.py judges pages by the ratio to the demo, exports and API lists by a time of their own."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _bench():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location("bench_backoffice", BENCH / "backoffice.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCH))


def test_answers_that_hold_every_row_have_an_absolute_aim_and_pages_the_ratio() -> None:
    bench = _bench()
    assert bench.own_aim("Customers Excel export") == 5000.0
    assert bench.own_aim("Fees Excel export, one year") == 5000.0
    assert bench.own_aim("Fees CSV export, one year") == 5000.0
    assert bench.own_aim("API invoice.list, 6 months") == 1000.0
    assert bench.own_aim("API prebook.list, 6 months") == 1000.0
    assert bench.own_aim("API customer.list") == 1000.0
    for page in ("Home", "Fees, one year", "Fees, one year, last page", "Invoices, search by customer"):
        assert bench.own_aim(page) is None
