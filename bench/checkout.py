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
    print(
        json.dumps(
            {
                "companyId": world.company.pk,
                "locationId": world.location.pk,
                "carrierId": world.carrier.pk,
                "lineIds": [line.pk for line in lines],
                "productId": world.product.pk,
                "boxTypeId": world.hb.pk,
                "vendorId": world.vendor.pk,
                "buyers": buyers,
            }
        )
    )


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
        customer_id = state["customerId"]
        order_id = call(
            state, "web-order.create", {"customerId": customer_id, "companyId": seed["companyId"]}
        )["webOrderId"]
        for line_id in rng.sample(seed["lineIds"], 3):
            call(
                state,
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
        answer = call(state, "web-order.checkout", {"customerId": customer_id, "webOrderId": order_id})
        if len(answer["invoices"]) != 1:
            raise RuntimeError(f"checkout made no invoice: {answer}")

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
                " origin, status, number, customer_po, sales_channel, expires_at, created_on, updated_on)"
                " VALUES (%s, %s, %s, %s, %s, 1, 1, %s, '', '', %s, %s, %s) RETURNING id",
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
                " total, created_on, updated_on)"
                " VALUES (%s, %s, %s, 'W', %s, %s, %s, 0, '', '', '', '', true, '', %s, '', %s, 0, %s,"
                " %s, %s)"
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
