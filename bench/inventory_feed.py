"""Benchmark: the e-commerce feed's cost per page as the catalogue grows beside one raw query, both databases.

For each size (`--sizes`, default 5,000 and 50,000 lines; the issue's closing run adds 500,000) it
loads that many lines (on hand and future, some held, sold, sold out or reserved for someone else)
into a fresh database, raises the company's daily quota and the token's burst limit so the run
itself is never refused, then times a full sync at 500 rows a page:

- raw: one raw SQL SELECT of the same rows and columns, turned into dicts and written with orjson
  (per page: its time over the number of pages);
- handler: every page by number through the API method's own handler (parameters validated by its
  schema, customer scoped, priced, the envelope rendered with the gateway's orjson writer);
- http: the same pages by number through Django's test client with a real Customer token (the
  whole gateway: token check, quota, audit), as a Komet client reads them; the client's own
  parse of each answer (orjson.loads) is timed apart and left out, as the handler's answers are
  not parsed either;
- cursor: through HTTP, each page asked for by the last answer's nextCursor, as the reference
  marketplace reads them;
- busy: through the handler by cursor, a line changed just before the sync and nothing remembered
  (a feed whose stock changes every few seconds): the total counted on the first page, then carried
  with the fingerprint of the last seconds' changes (`feed._Window`).

It prints, per database, the milliseconds per page at each size side by side, the full sync through
the handler over the raw query, and the per-page cost at the largest size over the smallest; and
what a full sync by cursor costs a marketplace (calls, seconds) and how many fit in a day of the
quota of one paid user (`marketplace.sync.rules.full_sync_budget`).
Run: `.venv/bin/python bench/inventory_feed.py --sizes 5000,50000,500000`
(`--only sqlite|postgresql`, `PG_URL` for the server, default the local one; `BENCH_REPEATS`,
default 5; `BENCH_INACTIVE_SHARE=0.1` deactivates a tenth of the products first; `BENCH_KEEP=<dir>`
keeps the loaded databases and reuses them in the next run, which then skips the load;
`BENCH_CLOCK=cpu` times by CPU time, the whole cost on SQLite, steady on a loaded machine).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
ROWS = 500
RESULT = "RESULT "  # the child's last line: its figures as JSON, for the parent's table
# The quota of one paid user: what a wholesaler on the smallest plan gives a marketplace per day.
ONE_USER_QUOTA = 1_000
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
# Share of products the wholesaler has deactivated (a catalogue in service keeps old varieties):
# their lines are left out of the feed, and of the baseline, which then also reads `active`.
INACTIVE_SHARE = float(os.environ.get("BENCH_INACTIVE_SHARE", "0"))
# A folder to keep the loaded databases in (SQLite files there, PostgreSQL databases named
# stemlink_bench_kept_<lines>): a later run reuses them and skips the load. Unset: fresh, then dropped.
KEEP = os.environ.get("BENCH_KEEP", "")
# BENCH_CLOCK=cpu times each run by the process's CPU time instead of the wall clock: on SQLite
# (the database inside the process) that is the whole cost, and a loaded machine barely moves it.
# Not for PostgreSQL, whose work is done by its own server process.
CPU_CLOCK = os.environ.get("BENCH_CLOCK", "wall") == "cpu"


def _child(lines: int) -> None:
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stemlink.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from stemlink.customers.models import Customer

    call_command("migrate", verbosity=0)

    # A database kept from an earlier run (BENCH_KEEP) already holds its lines: reuse it as it is.
    loaded_before = Customer.objects.filter(company__name="Bench Wholesaler", code="BLOOMNET").first()
    if loaded_before is not None:
        world_company, customer = loaded_before.company, loaded_before
        print(f"  reused the {lines:,} lines loaded by an earlier run", flush=True)
        loaded_at = time.perf_counter() - 3600.0
    else:
        world_company, customer, loaded_at = _load(lines)
    _measure(lines, world_company, customer, loaded_at)


def _load(lines: int) -> tuple:
    """Load the catalogue, in one transaction: one commit, not one a statement."""
    import random
    from decimal import Decimal

    from django.db import connection, transaction
    from django.utils import timezone
    from tests.factories import make_customer, make_product, make_world

    rng = random.Random(20261128)
    world = make_world("Bench Wholesaler")
    # The run's own quota: a few thousand calls a size must never stop with quota_exceeded.
    type(world.company).objects.filter(pk=world.company.pk).update(paid_users=100_000)
    world.company.refresh_from_db()
    customer = world.customer
    customer.default_price = "B"
    customer.price_b_markup = Decimal("10")
    customer.ecommerce_markup_kind = "amount"
    customer.ecommerce_markup = Decimal("0.05")
    customer.save()
    someone_else = make_customer(world.company)
    products = [make_product(world.company, rng.choice([world.roses, world.greens])) for _ in range(300)]
    boxes = [world.fb, world.hb, world.qb]
    prices = [None, *[Decimal(f"0.{n:02d}") for n in range(40, 95, 5)]]
    today = timezone.now().date()

    def pack() -> dict:
        bunches, stems = rng.choice([(10, 25), (12, 10), (8, 20)])
        return {
            "company_id": world.company.pk,
            "location_id": world.location.pk,
            "product_id": rng.choice(products).pk,
            "vendor_id": world.vendor.pk,
            "box_type_id": rng.choice(boxes).pk,
            "unit_type": "Stem",
            "bunches": bunches,
            "stems_bunch": stems,
            "units_per_box": bunches * stems,
            "unit_cost": Decimal(f"0.{rng.randint(200, 600)}"),
            "price": rng.choice(prices),
            "reserved_for_id": someone_else.pk if rng.random() < 0.05 else None,
        }

    def insert(model: type, rows: list[dict]) -> None:
        """Insert lines as bulk_create would, without a model object per row: 500,000 of those take
        the load from minutes to hours on a busy machine, and the load is not what is measured."""
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        template = model(**rows[0])
        # Every column as bulk_create writes it (defaults, auto_now), then each row's own values.
        base = [f.get_db_prep_save(f.pre_save(template, True), connection) for f in fields]
        where = {f.attname: (i, f) for i, f in enumerate(fields)}
        prepared: dict[tuple, object] = {}
        qn = connection.ops.quote_name
        sql = (
            f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)})"
            f" VALUES ({', '.join(['%s'] * len(fields))})"
        )
        values = []
        for row in rows:
            record = list(base)
            for name, value in row.items():
                i, field = where[name]
                found = prepared.get((name, value), prepared)
                if found is prepared:
                    found = prepared[(name, value)] = field.get_db_prep_save(value, connection)
                record[i] = found
            values.append(record)
        with connection.cursor() as cursor:
            for start in range(0, len(values), 5000):
                cursor.executemany(sql, values[start : start + 5000])

    started = time.perf_counter()
    with transaction.atomic():
        _load_lines(lines, rng, pack, insert, today)
    if INACTIVE_SHARE:
        from stemlink.catalog.models import Product

        hidden = products[: int(len(products) * INACTIVE_SHARE)]
        Product.objects.filter(pk__in=[p.pk for p in hidden]).update(active=False)
    # A database in service has its statistics (PostgreSQL's autovacuum, SQLite's `PRAGMA optimize`):
    # give the fresh one the same, so both the baseline and the sync are planned as in production.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")
    loaded_at = time.perf_counter()
    print(f"  loaded {lines:,} lines in {loaded_at - started:.1f}s", flush=True)
    return world.company, customer, loaded_at


def _load_lines(lines: int, rng, pack, insert, today) -> None:
    import datetime as dt

    from stemlink.inventory.models import FutureLine, InventoryLine

    on_hand_count = lines * 4 // 5
    batch: list = []
    for _ in range(on_hand_count):
        on_hand = rng.randint(1, 40)
        sold = rng.choice([0, 0, 0, on_hand, rng.randint(0, on_hand)])
        held = rng.randint(0, on_hand - sold) if rng.random() < 0.2 else 0
        batch.append(
            {
                **pack(),
                "boxes_on_hand": on_hand,
                "boxes_sold": sold,
                "boxes_held": held,
                "arrival_date": today,
                "awb": "X",
            }
        )
    insert(InventoryLine, batch)
    batch = []
    for _ in range(lines - on_hand_count):
        start = today + dt.timedelta(days=rng.randint(-3, 75))
        total = rng.randint(1, 60)
        sold = rng.choice([0, 0, total, rng.randint(0, total)])
        batch.append(
            {
                **pack(),
                "boxes": total,
                "boxes_sold": sold,
                "available_from": start,
                "available_to": start + dt.timedelta(days=rng.randint(0, 10)),
            }
        )
    insert(FutureLine, batch)


def _measure(lines: int, company, customer, loaded_at: float) -> None:

    import orjson
    from django.db import connection
    from django.test import Client
    from django.utils import timezone
    from tests.api_helpers import issue_token

    from stemlink.api import envelope
    from stemlink.api.registry import CU, CallContext, load_all_methods
    from stemlink.inventory.models import FutureLine, InventoryLine

    today = timezone.now().date()

    spec = load_all_methods()["ecommerce/inventory.list"]
    ctx = CallContext(company=company, token_type=CU, customer=customer, method=spec.name)

    def sync_through_handler() -> int:
        seen, page = 0, 1
        while True:
            params = spec.params.model_validate({"customerId": customer.pk, "page": page, "rows": ROWS})
            payload = spec.handler(ctx, params)
            envelope.dumps(envelope.success(spec, payload))
            seen += len(payload["inventoryItems"])
            if page * ROWS >= payload["total"]:
                return seen
            page += 1

    def sync_by_cursor_through_handler() -> int:
        seen, cursor = 0, None
        while True:
            sent = {"customerId": customer.pk, "rows": ROWS, **({"cursor": cursor} if cursor else {})}
            payload = spec.handler(ctx, spec.params.model_validate(sent))
            envelope.dumps(envelope.success(spec, payload))
            seen += len(payload["inventoryItems"])
            cursor = payload["nextCursor"]
            if cursor is None or seen >= payload["total"]:
                return seen

    client = Client()
    from stemlink.api.models import ApiToken
    from stemlink.api.services import regenerate_token

    # One token a customer: a database kept from an earlier run has its token, given a new secret.
    kept_token = ApiToken.objects.filter(company=company, customer=customer).first()
    if kept_token is not None:
        token = regenerate_token(kept_token)[1]
    else:
        token = issue_token(company, "customer", customer=customer, description="bench")
    headers = {"authenticationToken": token, "X-ACCOUNT": str(company.pk)}

    clock = time.process_time if CPU_CLOCK else time.perf_counter
    # The client's own work of reading each answer (orjson.loads of the page) is the client's, not
    # the server's: timed apart and left out of the HTTP figures, as the handler's are not parsed.
    client_parse = [0.0]

    def sync_through_http(by_cursor: bool) -> int:
        seen, page, cursor = 0, 1, None
        while True:
            # The call as a client makes it, without the tests' check of every answer against the
            # OpenAPI schema (`tests.api_helpers.api`): that check cost 9x the gateway itself.
            sent: dict = {"customerId": customer.pk, "rows": ROWS}
            sent.update({"cursor": cursor} if cursor else {"page": page})
            response = client.get(f"/api/{spec.name}", sent, headers=headers)
            parse_started = clock()
            answer = orjson.loads(response.content)
            client_parse[0] += clock() - parse_started
            assert response.status_code == 200, answer
            seen += len(answer["inventoryItems"])
            if seen >= answer["total"] or not answer["inventoryItems"]:
                return seen
            page, cursor = page + 1, (answer["nextCursor"] if by_cursor else None)

    on_hand, future = InventoryLine._meta.db_table, FutureLine._meta.db_table
    columns = (
        "{origin}, l.id, l.product_id, p.code, p.description, c.name, p.variety, p.color, p.grade,"
        " l.box_type_id, b.code, l.unit_type, l.bunches, l.stems_bunch, l.units_per_box,"
        " {boxes} - l.boxes_held - l.boxes_sold, l.price, {dates}, v.name, l.location_id, l.updated_on"
    )
    joins = (
        "JOIN catalog_product p ON p.id = l.product_id JOIN catalog_category c ON c.id = p.category_id"
        " JOIN catalog_boxtype b ON b.id = l.box_type_id LEFT JOIN catalog_vendor v ON v.id = l.vendor_id"
    )
    listed = " AND p.active AND c.active" if INACTIVE_SHARE else ""
    on_hand_columns = columns.format(origin=1, boxes="l.boxes_on_hand", dates="NULL, NULL")
    future_columns = columns.format(origin=2, boxes="l.boxes", dates="l.available_from, l.available_to")
    baseline_sql = (
        f"SELECT {on_hand_columns} FROM {on_hand} l {joins}"
        f" WHERE l.company_id = %s AND l.reserved_for_id IS NULL AND l.inventory_type = 'M'{listed}"
        " AND l.boxes_on_hand - l.boxes_held - l.boxes_sold > 0"
        f" UNION ALL SELECT {future_columns} FROM {future} l {joins}"
        f" WHERE l.company_id = %s AND l.reserved_for_id IS NULL{listed}"
        " AND l.boxes - l.boxes_held - l.boxes_sold > 0"
        " AND l.available_to >= %s AND l.available_from <= %s ORDER BY 1, 2"
    )
    keys = (
        "inventoryOrigin",
        "inventoryIds",
        "companyProductId",
        "productCode",
        "productDescription",
        "category",
        "variety",
        "color",
        "grade",
        "boxTypeId",
        "boxTypeCode",
        "unitType",
        "bunches",
        "stemsBunch",
        "unitsPerBox",
        "quantity",
        "price",
        "availableFrom",
        "availableTo",
        "vendorName",
        "locationId",
        "updatedOn",
    )
    from stemlink.inventory.rules import ecommerce_horizon

    def baseline() -> int:
        ops = connection.ops
        params = [
            company.pk,
            company.pk,
            ops.adapt_datefield_value(today),
            ops.adapt_datefield_value(ecommerce_horizon(today)),
        ]
        with connection.cursor() as cursor:
            cursor.execute(baseline_sql, params)
            records = [dict(zip(keys, row, strict=True)) for row in cursor.fetchall()]
        orjson.dumps(
            {"status": 1, "message": "OK", "total": len(records), "inventoryItems": records}, default=str
        )
        return len(records)

    from stemlink.inventory import feed

    busy_line = InventoryLine.objects.filter(company=company).order_by("pk").values_list("pk", flat=True)[:1]

    def sync_busy() -> int:
        # A feed whose stock changed within the last seconds (a line just now), nothing remembered:
        # its total is counted on the first page and carried with the state of those seconds.
        InventoryLine.objects.filter(pk__in=list(busy_line)).update(updated_on=timezone.now())
        feed.forget_remembered_totals()
        return sync_by_cursor_through_handler()

    if os.environ.get("BENCH_EXPLAIN"):
        # How the database finds a page by cursor: the plan of its (first) statement.
        from django.test.utils import CaptureQueriesContext

        first = spec.handler(ctx, spec.params.model_validate({"customerId": customer.pk, "rows": ROWS}))
        with CaptureQueriesContext(connection) as captured:
            spec.handler(
                ctx,
                spec.params.model_validate(
                    {"customerId": customer.pk, "rows": ROWS, "cursor": first["nextCursor"]}
                ),
            )
        for query in captured.captured_queries[:1]:
            sql = query["sql"]
            with connection.cursor() as cursor:
                explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
                cursor.execute(explain + sql)
                print("\n".join("    " + " ".join(str(c) for c in row) for row in cursor.fetchall()))

    # A quiet feed's state needs no fingerprint of its last seconds: let the load settle past them.
    settle = feed.COMMIT_LAG.total_seconds() - (time.perf_counter() - loaded_at)
    time.sleep(max(0.0, settle) + 0.5)
    runs = {
        "raw": baseline,
        "handler": sync_through_handler,
        "http": lambda: sync_through_http(by_cursor=False),
        "cursor": lambda: sync_through_http(by_cursor=True),
        "busy": sync_busy,
    }
    # One call of each kind first: the first call of a process pays for imports and warm caches.
    spec.handler(ctx, spec.params.model_validate({"customerId": customer.pk, "rows": ROWS}))
    client.get(f"/api/{spec.name}", {"customerId": customer.pk, "rows": ROWS}, headers=headers)
    spent: dict[str, float] = {name: float("inf") for name in runs}
    found: dict[str, int] = {}
    # Round robin, best of each: the machine's load drifts, and so every variant sees the same drift.
    parsed: dict[str, float] = {}
    for _ in range(REPEATS):
        for name, run in runs.items():
            parsed_before = client_parse[0]
            t0 = clock()
            found[name] = run()
            elapsed, parse = clock() - t0, client_parse[0] - parsed_before
            if elapsed - parse < spent[name]:
                spent[name], parsed[name] = elapsed - parse, parse
    assert len(set(found.values())) == 1, found
    pages = -(-found["handler"] // ROWS)
    print(
        f"  rows sellable: {found['handler']:,} ({pages} pages of {ROWS}); best of {REPEATS} rounds",
        flush=True,
    )
    print(
        RESULT
        + json.dumps(
            {"lines": lines, "sellable": found["handler"], "pages": pages, "seconds": spent, "parsed": parsed}
        )
    )


def _run(label: str, database_url: str, lines: int, var_dir: str) -> dict | None:
    print(f"{label}, {lines:,} lines:", flush=True)
    env = dict(os.environ, DATABASE_URL=database_url, STEMLINK_VAR_DIR=var_dir, STEMLINK_LOG_LEVEL="WARNING")
    # Django's test client calls itself "testserver"; the settings answer loopback names only.
    env["STEMLINK_ALLOWED_HOSTS"] = "testserver"
    # The run's own burst limit: a full sync of 500,000 lines is a thousand calls in well under a minute.
    env["STEMLINK_API_BURST_PER_MINUTE"] = "1000000"
    child = subprocess.run(
        [sys.executable, __file__, "--child", "--lines", str(lines)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    result = None
    for line in child.stdout.splitlines():
        if line.startswith(RESULT):
            result = json.loads(line[len(RESULT) :])
        else:
            print(line, flush=True)
    return result if child.returncode == 0 else None


def _database(label: str, url_for: dict, sizes: list[int], tmp: str) -> list[dict] | None:
    results = []
    for lines in sizes:
        with url_for[label](lines) as url:
            result = _run(label, url, lines, tmp)
        if result is None:
            return None
        results.append(result)
        _report(label, results)  # so far: a long run interrupted keeps what it measured
    return results


def _report(label: str, results: list[dict]) -> None:
    from marketplace.sync.rules import full_sync_budget

    columns = (
        ("raw", "raw query + orjson"),
        ("handler", "handler, by page"),
        ("http", "HTTP, by page"),
        ("cursor", "HTTP, by cursor"),
        ("busy", "busy feed, by cursor"),
    )
    clock = "CPU time" if CPU_CLOCK else "wall clock"
    print(f"\n{label}: milliseconds per page of {ROWS} (best of {REPEATS}, {clock})")
    print(
        f"  {'lines (sellable)':>22} | "
        + " | ".join(f"{title:>20}" for _, title in columns)
        + " | handler / raw"
    )
    for r in results:
        per_page = {name: r["seconds"][name] * 1000 / r["pages"] for name, _ in columns}
        ratio = r["seconds"]["handler"] / r["seconds"]["raw"]
        size = f"{r['lines']:,} ({r['sellable']:,})"
        print(
            f"  {size:>22} | "
            + " | ".join(f"{per_page[n]:>20.2f}" for n, _ in columns)
            + f" | {ratio:>8.2f}x"
        )
    if len(results) > 1:
        small, large = results[0], results[-1]
        growth = ", ".join(
            f"{title} {(large['seconds'][n] / large['pages']) / (small['seconds'][n] / small['pages']):.2f}x"
            for n, title in columns
        )
        print(f"  per page at {large['lines']:,} over {small['lines']:,} lines: {growth}")
    for r in results:
        # The gateway's fixed cost: the same pages through HTTP over through the handler alone.
        overhead = (r["seconds"]["http"] - r["seconds"]["handler"]) * 1000 / r["pages"]
        ratio = r["seconds"]["http"] / r["seconds"]["handler"]
        parse = r.get("parsed", {}).get("http", 0.0) * 1000 / r["pages"]
        print(
            f"  gateway at {r['lines']:,} lines: HTTP / handler {ratio:.2f}x,"
            f" {overhead:.2f} ms per call beyond the handler"
            f" (the client's own parse of each answer, {parse:.2f} ms a page, left out)"
        )
    for r in results:
        budget = full_sync_budget(r["sellable"], ROWS, ONE_USER_QUOTA, reserve_share=0.05)
        print(
            f"  marketplace full sync of {r['lines']:,} lines: {budget.calls_per_sync} calls,"
            f" {r['seconds']['cursor']:.1f} s by cursor through HTTP; a day of one paid user's quota"
            f" ({ONE_USER_QUOTA:,} calls, 5% kept for orders) affords {budget.syncs_per_day} a day"
            + (f", one every {budget.every.total_seconds() / 60:.0f} minutes" if budget.every else "")
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="5000,50000",
        help="comma-separated catalogue sizes in lines (the closing run: 5000,50000,500000)",
    )
    parser.add_argument("--lines", type=int, help=argparse.SUPPRESS)  # one size: the child, or old habits
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.lines)
        return 0
    sizes = (
        [args.lines] if args.lines else [int(n.replace("_", "")) for n in args.sizes.split(",") if n.strip()]
    )
    sys.path[:0] = [str(ROOT / "src")]
    failures = 0
    with tempfile.TemporaryDirectory(prefix="stemlink-bench-") as tmp:

        @contextlib.contextmanager
        def sqlite(lines: int) -> Iterator[str]:
            path = Path(KEEP or tmp) / f"bench-{lines}.sqlite3"
            try:
                yield f"sqlite:///{path}"
            finally:
                if not KEEP:
                    path.unlink(missing_ok=True)

        @contextlib.contextmanager
        def postgresql(lines: int) -> Iterator[str]:
            import psycopg

            name = f"stemlink_bench_kept_{lines}" if KEEP else f"stemlink_bench_{os.getpid()}_{lines}"
            with psycopg.connect(PG_URL, autocommit=True) as admin:
                exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
                if not exists:
                    admin.execute(f'CREATE DATABASE "{name}"')
            try:
                yield PG_URL.rsplit("/", 1)[0] + f"/{name}"
            finally:
                if not KEEP:
                    with psycopg.connect(PG_URL, autocommit=True) as admin:
                        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        url_for = {"SQLite": sqlite, "PostgreSQL": postgresql}
        for label, only in (("SQLite", "sqlite"), ("PostgreSQL", "postgresql")):
            if args.only in (None, only):
                failures += _database(label, url_for, sizes, tmp) is None
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
