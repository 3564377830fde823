"""The PostgreSQL backup the README describes: pg_dump, then pg_restore into a new database."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from stemlink.orders import weborders
from stemlink.orders.models import Invoice
from stemlink.orders.weborders import ItemRequest
from tests.factories import make_line, make_world

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_pg_dump_and_pg_restore_bring_back_a_sound_database(tmp_path: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite uses `stemlink backup` (test_backup.py)")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not installed")
    world = make_world("Dumped Roses")
    line = make_line(world, boxes_on_hand=20)
    for _ in range(3):
        added = weborders.add_web_order_item(
            world.company,
            world.customer,
            ItemRequest(
                origin=1,
                line_ids=[line.id],
                boxes=2,
                price=Decimal("0.80"),
                carrier_id=world.carrier.id,
                date=timezone.now().date(),
            ),
        )
        weborders.checkout_web_order(world.company, world.customer, added.web_order.id)
    settings = connection.settings_dict
    server = ["-h", settings["HOST"] or "127.0.0.1", "-p", str(settings["PORT"] or 5432)]
    server += ["-U", settings["USER"] or "postgres"]
    env = {**os.environ, "PGPASSWORD": settings["PASSWORD"] or ""}
    dump = tmp_path / "stemlink.dump"
    # The README's steps: a custom-format dump, a new empty database, pg_restore into it.
    subprocess.run(
        ["pg_dump", *server, "-Fc", "-f", str(dump), settings["NAME"]], env=env, check=True, timeout=300
    )
    restored = f"test_stemlink_restore_{secrets.token_hex(4)}"
    subprocess.run(["createdb", *server, restored], env=env, check=True, timeout=120)
    try:
        subprocess.run(
            ["pg_restore", *server, "--no-owner", "-d", restored, str(dump)], env=env, check=True, timeout=300
        )
        user, host, port = server[5], server[1], server[3]
        password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
        child_env = {k: v for k, v in os.environ.items() if k != "STEMLINK_TEST_DB_NAME"}
        child_env["DATABASE_URL"] = f"postgresql://{user}{password}@{host}:{port}/{restored}"
        stemlink = str(Path(sys.executable).with_name("stemlink"))
        checked = subprocess.run(
            [stemlink, "check-integrity"],
            env=child_env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
        counted = subprocess.run(
            ["psql", *server, "-d", restored, "-tAc", "SELECT count(*) FROM orders_invoice"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        assert int(counted.stdout.strip()) == Invoice.objects.count() == 3
    finally:
        subprocess.run(["dropdb", *server, "--if-exists", restored], env=env, timeout=120)
