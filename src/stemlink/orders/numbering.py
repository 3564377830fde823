"""Document numbers: one counter row per company, location and sequence, bumped atomically.

The bump is one `UPDATE … SET last_number = last_number + 1 … RETURNING last_number`: the row
stays locked until the caller's transaction ends, so two checkouts can never read the same
number, on SQLite (one writer at a time) and on PostgreSQL (the second waits for the row). The
first number of a sequence inserts its row; a racing insert loses on the unique constraint and
bumps instead.
"""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction

from stemlink.orders.models import DocumentCounter

INVOICE = "invoice"
PREBOOK = "prebook"
WEB_ORDER = "web_order"
STANDING_ORDER = "standing_order"


def next_number(company_id: int, location_id: int, sequence: str) -> int:
    """Hand out the next number of a sequence (1, 2, 3, …) inside the caller's transaction."""
    table = connection.ops.quote_name(DocumentCounter._meta.db_table)
    bump = (
        f"UPDATE {table} SET last_number = last_number + 1 "  # noqa: S608 -- document numbering, UPDATE … RETURNING the ORM cannot say
        "WHERE company_id = %s AND location_id = %s AND sequence = %s RETURNING last_number"
    )
    params: list[int | str] = [company_id, location_id, sequence]
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(bump, params)
        row = cursor.fetchone()
        if row is not None:
            return int(row[0])
        try:
            with transaction.atomic():
                DocumentCounter.objects.create(
                    company_id=company_id, location_id=location_id, sequence=sequence, last_number=1
                )
            return 1
        except IntegrityError:
            # Another transaction created the row first; it is committed now, so bump it.
            cursor.execute(bump, params)
            return int(cursor.fetchone()[0])
