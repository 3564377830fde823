"""A writer process for the backup tests: checks out one-box carts until told to stop.

Run as `python -m tests.stemlink.commands.backup_writer STOP_FILE` with DATABASE_URL set; prints
the number of checkouts done after each one.
"""

from __future__ import annotations

import os
import sys
from decimal import Decimal
from pathlib import Path

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stemlink.settings")
    django.setup()
    from django.utils import timezone

    from stemlink.orders import weborders
    from stemlink.orders.weborders import ItemRequest
    from tests.factories import make_line, make_world

    stop = Path(sys.argv[1])
    world = make_world("Backup Roses")
    line = make_line(world, boxes_on_hand=100_000)
    done = 0
    while not stop.exists() and done < 100_000:
        added = weborders.add_web_order_item(
            world.company,
            world.customer,
            ItemRequest(
                origin=1,
                line_ids=[line.id],
                boxes=1,
                price=Decimal("0.80"),
                carrier_id=world.carrier.id,
                date=timezone.now().date(),
            ),
        )
        weborders.checkout_web_order(world.company, world.customer, added.web_order.id)
        done += 1
        print(done, flush=True)


if __name__ == "__main__":
    main()
