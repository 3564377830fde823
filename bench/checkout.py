"""Benchmark: marketplace checkouts through a real Stemlink server against raw psycopg, on PostgreSQL.

One run:
1. creates a fresh PostgreSQL database and migrates it (`stemlink migrate`);
2. seeds a wholesaler with 64 on-hand lines (plenty of boxes) and one marketplace customer and
   Customer token per client;
3. starts `stemlink serve` (gunicorn) on a free port against that database;
4. **http**: 16 concurrent clients (threads, one httpx client each) each place orders:
   `web-order.create`, three `web-order-item.add` (one box of three random lines), `web-order.checkout`
   — five API calls through the whole gateway (token, quota, audit, envelope);
5. **baseline**: the same 16 clients with one psycopg connection each perform the same domain
   inserts and updates in one transaction per order: number the web order, insert it, hold three
   boxes with the conditional update, insert the items, sell the boxes, number and insert the
   invoice and its items, the fee entry, close the web order, and the outbox events the
   application writes;
6. prints orders per second for both and their ratio, then drops the database.

Run: `.venv/bin/python bench/checkout.py` (`--clients 16 --orders 12` per client; `PG_URL` names the
server, default the local one). Keeps well under two minutes.

`--in-process`: no server and no baseline; one client places `--orders` orders one after another
through Django's test client in this process (the whole WSGI stack and gateway) and the bench prints
min/p50 per call, the statements of each call, per order the wall time and this process's CPU time,
and with `--profile N` the Python function calls per order (a count the machine's load does not
change) and cProfile's top N (`BENCH_PROFILE_FILE` keeps the stats).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
LINES = 64


def _db_url(name: str) -> str:
    base, _, _ = PG_URL.rpartition("/")
    return f"{base}/{name}"


def _env(db_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": db_url,
            "STEMLINK_VAR_DIR": str(ROOT / "var" / "bench"),
            "STEMLINK_API_BURST_PER_MINUTE": "1000000",
            "STEMLINK_LOG_LEVEL": "WARNING",
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        }
    )
    return env


# --------------------------------------------------------------------------------------------
# Seeding (runs in a child process with Django set up against the bench database)
# --------------------------------------------------------------------------------------------


def _seed(clients: int) -> None:
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stemlink.settings")
    import django

    django.setup()
    print(json.dumps(_seed_data(clients)))


def _seed_data(clients: int) -> dict:
    from decimal import Decimal

    from tests.api_helpers import issue_token
    from tests.factories import make_customer, make_line, make_world

    from stemlink.orders.models import DocumentCounter

    world = make_world("Bench Checkout Wholesaler", paid_users=10_000)
    lines = [make_line(world, boxes_on_hand=100_000, price=Decimal("0.80")) for _ in range(LINES)]
    buyers = []
    for n in range(clients):
        customer = make_customer(world.company, customer_type="marketplace", name=f"Marketplace {n}")
        buyers.append(
            {"customerId": customer.pk, "token": issue_token(world.company, "customer", customer=customer)}
        )
    for sequence in ("web_order", "invoice"):
        DocumentCounter.objects.get_or_create(
            company=world.company, location=world.location, sequence=sequence, defaults={"last_number": 0}
        )
    return {
        "companyId": world.company.pk,
        "locationId": world.location.pk,
        "carrierId": world.carrier.pk,
        "lineIds": [line.pk for line in lines],
        "productId": world.product.pk,
        "boxTypeId": world.hb.pk,
        "vendorId": world.vendor.pk,
        "buyers": buyers,
    }


# --------------------------------------------------------------------------------------------
# The two sides
# --------------------------------------------------------------------------------------------


def _run_clients(clients: int, orders: int, one_order: Any, setup: Any, teardown: Any) -> float:
    """Run `orders` orders on each of `clients` threads after one warm-up order each; return orders/s."""
    ready = threading.Barrier(clients + 1)
    go = threading.Barrier(clients + 1)
    done = threading.Barrier(clients + 1)
    errors: list[BaseException] = []

    def client(n: int) -> None:
        state = setup(n)
        try:
            rng = random.Random(n)
            one_order(state, rng)  # warm-up: connections, caches
            ready.wait()
            go.wait()
            for _ in range(orders):
                one_order(state, rng)
        except BaseException as exc:
            errors.append(exc)
            ready.abort()
            go.abort()
        finally:
            with contextlib.suppress(threading.BrokenBarrierError):
                done.wait()
            teardown(state)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    try:
        ready.wait()
        started = time.perf_counter()
        go.wait()
        done.wait()
        elapsed = time.perf_counter() - started
    except threading.BrokenBarrierError:
        elapsed = 0.0
    for thread in threads:
        thread.join(timeout=30)
    if errors:
        raise errors[0]
    return clients * orders / elapsed


def _place_order(call: Any, seed: dict, customer_id: int, rng: random.Random, today: str) -> None:
    """One order as a marketplace places it: create, three item adds, checkout (five API calls)."""
    order_id = call("web-order.create", {"customerId": customer_id, "companyId": seed["companyId"]})[
        "webOrderId"
    ]
    for line_id in rng.sample(seed["lineIds"], 3):
        call(
            "web-order-item.add",
            {
                "customerId": customer_id,
                "webOrderId": order_id,
                "inventoryIds": str(line_id),
                "inventoryOrigin": 1,
                "price": "0.80",
                "quantity": 1,
                "carrierId": seed["carrierId"],
                "date": today,
            },
        )
    answer = call("web-order.checkout", {"customerId": customer_id, "webOrderId": order_id})
    if len(answer["invoices"]) != 1:
        raise RuntimeError(f"checkout made no invoice: {answer}")


def _http_side(base_url: str, seed: dict, clients: int, orders: int) -> float:
    import httpx

    today = dt.datetime.now(dt.UTC).date().isoformat()
    company = str(seed["companyId"])

    def setup(n: int) -> dict:
        buyer = seed["buyers"][n]
        headers = {"authenticationToken": buyer["token"], "X-ACCOUNT": company}
        state = {
            "http": httpx.Client(base_url=base_url, headers=headers, timeout=60),
            "customerId": buyer["customerId"],
            "times": {},
        }
        states.append(state)
        return state

    def call(state: dict, method: str, params: dict) -> dict:
        began = time.perf_counter()
        response = state["http"].post(f"/api/{method}", json=params)
        state["times"].setdefault(method, []).append(time.perf_counter() - began)
        body = response.json()
        if response.status_code != 200:
            raise RuntimeError(f"{method} answered {response.status_code}: {body}")
        return body

    def one_order(state: dict, rng: random.Random) -> None:
        _place_order(
            lambda method, params: call(state, method, params), seed, state["customerId"], rng, today
        )

    states: list[dict] = []
    rate = _run_clients(clients, orders, one_order, setup, lambda state: state["http"].close())
    for method in ("web-order.create", "web-order-item.add", "web-order.checkout"):
        times = sorted(t for state in states for t in state["times"].get(method, []))
        if times:
            print(
                f"    {method:20s} p50 {times[len(times) // 2] * 1000:6.0f} ms"
                f"  p90 {times[int(len(times) * 0.9)] * 1000:6.0f} ms"
                f"  p95 {times[min(len(times) - 1, int(len(times) * 0.95))] * 1000:6.0f} ms per call",
                flush=True,
            )
    return rate


def _baseline_side(db_url: str, seed: dict, clients: int, orders: int) -> float:
    import psycopg
    from psycopg.types.json import Jsonb

    company, location, carrier = seed["companyId"], seed["locationId"], seed["carrierId"]
    product, box_type, vendor = seed["productId"], seed["boxTypeId"], seed["vendorId"]
    price, units = 0.80, 250

    def setup(n: int) -> dict:
        return {"conn": psycopg.connect(db_url), "customerId": seed["buyers"][n]["customerId"]}

    def event(cur: Any, kind: str, customer_id: int | None, payload: dict, now: dt.datetime) -> None:
        cur.execute(
            "INSERT INTO integrations_outboxevent"
            " (event_id, company_id, event_type, customer_id, payload, created_on)"
            " VALUES (%s, %s, %s, %s, %s, %s)",
            (uuid.uuid4(), company, kind, customer_id, Jsonb(payload), now),
        )

    def one_order(state: dict, rng: random.Random) -> None:
        conn, customer_id = state["conn"], state["customerId"]
        lines = sorted(rng.sample(seed["lineIds"], 3))
        now = dt.datetime.now(dt.UTC)
        with conn.transaction(), conn.cursor() as cur:
            cur.execute(
                "UPDATE orders_documentcounter SET last_number = last_number + 1"
                " WHERE company_id = %s AND location_id = %s AND sequence = 'web_order'"
                " RETURNING last_number",
                (company, location),
            )
            number = cur.fetchone()[0]
            cur.execute(
                "INSERT INTO orders_weborder (company_id, location_id, customer_id, carrier_id, ship_date,"
                " origin, status, number, customer_po, sales_channel, expires_at, created_on, updated_on,"
                " rep_entered)"
                " VALUES (%s, %s, %s, %s, %s, 1, 1, %s, '', '', %s, %s, %s, false) RETURNING id",
                (
                    company,
                    location,
                    customer_id,
                    carrier,
                    now.date(),
                    number,
                    now + dt.timedelta(minutes=30),
                    now,
                    now,
                ),
            )
            order_id = cur.fetchone()[0]
            items = []
            for line_id in lines:
                cur.execute(
                    "UPDATE inventory_inventoryline SET boxes_held = boxes_held + 1, updated_on = %s"
                    " WHERE id = %s AND company_id = %s AND boxes_on_hand - boxes_held - boxes_sold >= 1"
                    " RETURNING boxes_on_hand - boxes_held - boxes_sold",
                    (now, line_id, company),
                )
                free = cur.fetchone()[0]
                event(
                    cur,
                    "inventory.changed",
                    None,
                    {"inventoryOrigin": 1, "inventoryId": line_id, "quantity": free},
                    now,
                )
                cur.execute(
                    "INSERT INTO orders_weborderitem (company_id, web_order_id, origin, inventory_line_id,"
                    " product_id, box_type_id, vendor_id, unit_type, bunches, stems_bunch, units_per_box,"
                    " boxes, unit_price, total, mark_code, date, holding, created_on)"
                    " VALUES (%s, %s, 1, %s, %s, %s, %s, 'Stem', 10, 25, %s, 1, %s, %s, '', %s, true, %s)"
                    " RETURNING id",
                    (
                        company,
                        order_id,
                        line_id,
                        product,
                        box_type,
                        vendor,
                        units,
                        price,
                        price * units,
                        now.date(),
                        now,
                    ),
                )
                items.append((line_id, cur.fetchone()[0]))
            for line_id, _ in items:
                cur.execute(
                    "UPDATE inventory_inventoryline SET boxes_held = boxes_held - 1,"
                    " boxes_sold = boxes_sold + 1, updated_on = %s"
                    " WHERE id = %s AND company_id = %s AND boxes_held >= 1"
                    " RETURNING boxes_on_hand - boxes_held - boxes_sold",
                    (now, line_id, company),
                )
                free = cur.fetchone()[0]
                event(
                    cur,
                    "inventory.changed",
                    None,
                    {"inventoryOrigin": 1, "inventoryId": line_id, "quantity": free},
                    now,
                )
            cur.execute(
                "UPDATE orders_documentcounter SET last_number = last_number + 1"
                " WHERE company_id = %s AND location_id = %s AND sequence = 'invoice' RETURNING last_number",
                (company, location),
            )
            invoice_number = cur.fetchone()[0]
            total = round(price * units * 3, 2)
            cur.execute(
                "INSERT INTO orders_invoice (company_id, location_id, number, prefix, customer_id,"
                " carrier_id, ship_date, status, po_number, reference, notes, warehouse_instructions,"
                " is_ecommerce, sales_channel, web_order_id, void_reason, subtotal, additional_charges,"
                " total, created_on, updated_on, rep_entered)"
                " VALUES (%s, %s, %s, 'W', %s, %s, %s, 0, '', '', '', '', true, '', %s, '', %s, 0, %s,"
                " %s, %s, false)"
                " RETURNING id",
                (
                    company,
                    location,
                    invoice_number,
                    customer_id,
                    carrier,
                    now.date(),
                    order_id,
                    total,
                    total,
                    now,
                    now,
                ),
            )
            invoice_id = cur.fetchone()[0]
            cur.executemany(
                "INSERT INTO orders_invoiceitem (company_id, invoice_id, inventory_line_id,"
                " web_order_item_id, product_id, box_type_id, vendor_id, unit_type, bunches, stems_bunch,"
                " units_per_box, boxes, unit_price, discount_percent, total, mark_code, product_alias, notes,"
                " created_on, updated_on)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, 'Stem', 10, 25, %s, 1, %s, 0, %s, '', '', '', %s, %s)",
                [
                    (
                        company,
                        invoice_id,
                        line_id,
                        item_id,
                        product,
                        box_type,
                        vendor,
                        units,
                        price,
                        price * units,
                        now,
                        now,
                    )
                    for line_id, item_id in items
                ],
            )
            cur.execute(
                "INSERT INTO orders_feeentry (company_id, entry_type, document_kind, invoice_id,"
                " document_number, customer_id, base_amount, rate_percent, amount, created_on)"
                " VALUES (%s, 'charge', 'invoice', %s, %s, %s, %s, 1.50, %s, %s)",
                (company, invoice_id, f"W{invoice_number}", customer_id, total, round(total * 0.015, 2), now),
            )
            cur.execute("UPDATE orders_weborderitem SET holding = false WHERE web_order_id = %s", (order_id,))
            cur.execute(
                "UPDATE orders_weborder SET status = 2, checked_out_on = %s, updated_on = %s WHERE id = %s",
                (now, now, order_id),
            )
            event(
                cur,
                "web_order.checked_out",
                customer_id,
                {"webOrderId": order_id, "invoiceId": invoice_id},
                now,
            )

    return _run_clients(clients, orders, one_order, setup, lambda state: state["conn"].close())


# --------------------------------------------------------------------------------------------
# Orchestration
# --------------------------------------------------------------------------------------------


def _in_process(db_url: str, orders: int, profile_top: int) -> None:
    """Place `orders` orders one after another through Django's test client in this process.

    The whole WSGI stack and gateway run, without gunicorn, the network or other clients: a
    steadier figure of what the application itself spends per call on a busy machine.
    """
    os.environ.update(_env(db_url))
    os.environ["STEMLINK_ALLOWED_HOSTS"] = "testserver"  # the test client's host name
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stemlink.settings")
    import django

    django.setup()
    import cProfile
    import pstats

    import orjson
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    seed = _seed_data(1)
    buyer = seed["buyers"][0]
    client = Client(headers={"authenticationToken": buyer["token"], "X-ACCOUNT": str(seed["companyId"])})
    today = dt.datetime.now(dt.UTC).date().isoformat()
    times: dict[str, list[float]] = {}
    counts: dict[str, int] = {}
    counting: list[int] = []
    wrapped: list[bool] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if counting and not sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT")):
            counting[0] += 1
        return execute(sql, params, many, context)

    def call(method: str, params: dict) -> dict:
        counting[:] = [0]
        began = time.perf_counter()
        response = client.post(f"/api/{method}", data=params, content_type="application/json")
        times.setdefault(method, []).append(time.perf_counter() - began)
        if wrapped:
            counts[method] = counting[0]
        body = orjson.loads(response.content)
        if response.status_code != 200:
            raise RuntimeError(f"{method} answered {response.status_code}: {body}")
        return body

    rng = random.Random(0)
    with connection.execute_wrapper(count):
        wrapped.append(True)
        for _ in range(3):  # warm-up: imports, the method registry, the connection
            _place_order(call, seed, buyer["customerId"], rng, today)
        wrapped.clear()
    times.clear()
    per_order, cpu_per_order = [], []
    profiler = cProfile.Profile() if profile_top else None
    for _ in range(orders):
        began, cpu_began = time.perf_counter(), time.process_time()
        if profiler is not None:
            profiler.enable()
        _place_order(call, seed, buyer["customerId"], rng, today)
        if profiler is not None:
            profiler.disable()
        per_order.append(time.perf_counter() - began)
        cpu_per_order.append(time.process_time() - cpu_began)
    print(f"in-process checkout: {orders} orders, one after another, {connection.vendor}", flush=True)
    for method, spent in times.items():
        spent.sort()
        print(
            f"    {method:20s} min {spent[0] * 1000:6.1f} ms  p50 {spent[len(spent) // 2] * 1000:6.1f} ms"
            f"  {counts[method]:3d} statements",
            flush=True,
        )
    per_order.sort()
    cpu_per_order.sort()
    print(
        f"  one order (5 calls): min {per_order[0] * 1000:.1f} ms"
        f"  p50 {per_order[len(per_order) // 2] * 1000:.1f} ms;"
        f" this process's CPU: min {cpu_per_order[0] * 1000:.1f} ms"
        f"  p50 {cpu_per_order[len(cpu_per_order) // 2] * 1000:.1f} ms",
        flush=True,
    )
    if profiler is not None:
        stats = pstats.Stats(profiler)
        print(f"  profiled: {stats.total_calls / orders:,.0f} Python function calls per order", flush=True)  # type: ignore[attr-defined]
        if os.environ.get("BENCH_PROFILE_FILE"):
            stats.dump_stats(os.environ["BENCH_PROFILE_FILE"])
        stats.sort_stats("cumulative").print_stats(profile_top)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError("the server did not answer within a minute")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--orders", type=int, default=12, help="timed orders per client (after one warm-up)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    parser.add_argument(
        "--async-commit",
        action="store_true",
        help="diagnosis: run the bench database with synchronous_commit=off (both sides): what commits cost",
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="no server: place --orders orders one after another through Django's test client in this "
        "process and print min/p50 per call and per order (the application's own cost, steadier)",
    )
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="with --in-process: cProfile's top N functions"
    )
    parser.add_argument("--seed-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed_child:
        _seed(args.clients)
        return

    import psycopg

    name = f"bench_checkout_{os.getpid()}"
    db_url = _db_url(name)
    env = _env(db_url)
    admin = psycopg.connect(PG_URL, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    if args.async_commit:
        admin.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    server: subprocess.Popen | None = None
    began = time.perf_counter()
    try:
        if args.in_process:
            _in_process(db_url, args.orders, args.profile)
            return
        stemlink = (
            [sys.executable, "-m", "stemlink.cli"]
            if not (ROOT / ".venv/bin/stemlink").exists()
            else [str(ROOT / ".venv/bin/stemlink")]
        )
        subprocess.run([*stemlink, "migrate", "--no-input", "-v", "0"], env=env, check=True, cwd=ROOT)
        seeded = subprocess.run(
            [sys.executable, __file__, "--seed-child", "--clients", str(args.clients)],
            env=env,
            check=True,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        seed = json.loads(seeded.stdout.strip().splitlines()[-1])
        port = _free_port()
        server = subprocess.Popen(
            [
                *stemlink,
                "serve",
                "--port",
                str(port),
                "--workers",
                str(args.workers),
                "--threads",
                str(args.threads),
                "--no-collectstatic",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        base_url = f"http://127.0.0.1:{port}"
        _wait_for(f"{base_url}/api/carrier.list", server)
        print(
            f"checkout benchmark: {args.clients} clients x {args.orders} orders "
            f"(create + 3 item adds + checkout), PostgreSQL, gunicorn {args.workers}x{args.threads}",
            flush=True,
        )
        http_rate = _http_side(base_url, seed, args.clients, args.orders)
        print(f"  http     {http_rate:8.1f} orders/s  (5 API calls each)", flush=True)
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        server = None
        base_rate = _baseline_side(db_url, seed, args.clients, args.orders)
        print(f"  baseline {base_rate:8.1f} orders/s  (raw psycopg, one transaction per order)", flush=True)
        print(f"  ratio    {http_rate / base_rate:8.2f}  (http / baseline; aim >= 0.5)", flush=True)
        print(f"  total run time {time.perf_counter() - began:.0f}s", flush=True)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


if __name__ == "__main__":
    main()
