"""Document numbers: one counter row per company, location and sequence, bumped atomically.

The bump is a single `UPDATE … SET last_number = last_number + 1`: the row stays locked until
the caller's transaction ends, so two checkouts can never read the same number, on SQLite
(one writer at a time) and on PostgreSQL (the second waits for the row). The first number of a
sequence inserts its row; a racing insert loses on the unique constraint and bumps instead.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from stemlink.orders.models import DocumentCounter

INVOICE = "invoice"
PREBOOK = "prebook"
WEB_ORDER = "web_order"
STANDING_ORDER = "standing_order"


def next_number(company_id: int, location_id: int, sequence: str) -> int:
    """Hand out the next number of a sequence (1, 2, 3, …) inside the caller's transaction."""
    counters = DocumentCounter.objects.filter(
        company_id=company_id, location_id=location_id, sequence=sequence
    )
    with transaction.atomic():
        if counters.update(last_number=F("last_number") + 1) == 0:
            try:
                with transaction.atomic():
                    DocumentCounter.objects.create(
                        company_id=company_id, location_id=location_id, sequence=sequence, last_number=1
                    )
                return 1
            except IntegrityError:
                # Another transaction created the row first; it is committed now, so bump it.
                counters.update(last_number=F("last_number") + 1)
        return int(counters.values_list("last_number", flat=True).get())
