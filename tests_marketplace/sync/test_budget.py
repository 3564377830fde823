"""What a full sync costs against a wholesaler's daily quota: the rule and `marketplace sync-budget`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from marketplace.sync.rules import full_sync_budget
from marketplace.sync.services import sync_supplier


def test_a_300000_line_wholesaler_on_one_paid_user_affords_two_full_syncs_a_day():
    # 300,000 lines of which 208,920 are sellable (the catalogue): a full sync lists those.
    budget = full_sync_budget(208_920, 500, 1_000, reserve_share=0.05)
    assert (budget.calls_per_sync, budget.spare_calls, budget.syncs_per_day) == (418, 950, 2)
    assert budget.every == dt.timedelta(hours=12)
    # Deltas and the catalogue come first; an empty catalogue is still one call.
    assert full_sync_budget(300_000, 500, 1_000, reserve_share=0.05, other_calls=400).syncs_per_day == 0
    assert full_sync_budget(300_000, 500, 1_000, reserve_share=0.05, other_calls=400).every is None
    assert full_sync_budget(0, 500, 1_000, reserve_share=0).calls_per_sync == 1
    assert full_sync_budget(1_001, 500, 10_000, reserve_share=0).calls_per_sync == 3


@pytest.mark.django_db
def test_sync_budget_reports_the_last_full_sync_and_what_the_quota_allows(supplier, wholesaler, capsys):
    sync_supplier(supplier, full=True)
    call_command("sync-budget")
    out = capsys.readouterr().out
    # The fake wholesaler announces 3,000 calls a day; 3 offers fit in one call of 500.
    assert f"{supplier.name} (supplier {supplier.pk}), 3 offers: a full sync is 1 calls of 500 lines" in out
    assert (
        "the last took 5 calls" in out
        and "A quota of 3,000 calls a day (5% kept for orders) allows 2,850 a day" in out
    )
    call_command("sync-budget", "--lines", "300000")
    assert (
        "300,000 lines: a full sync is 600 calls of 500 lines. A quota of 1,000 calls a day"
        in capsys.readouterr().out
    )
    with pytest.raises(CommandError, match="supplier 999 not found"):
        call_command("sync-budget", "--supplier", "999")
