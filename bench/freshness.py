"""Benchmark: how long a change in Stemlink takes to show on the marketplace's offers (SQLite, PostgreSQL).

For each database it starts, as real processes on fresh databases and free ports, Stemlink
(`stemlink serve` and `stemlink worker`) with the demo wholesaler and the reference marketplace
(`marketplace serve` and `marketplace worker`) connected to it, webhooks registered, as `make demo`
does. Then it makes N changes of each kind, one after the other (`--gap` 0.6 s after the previous one
showed: the marketplace starts a webhook's delta at once unless its last sync ended less than
MARKETPLACE_SYNC_WAKE_MIN_GAP_SECONDS, 0.5 s, ago; closer changes coalesce into the next delta), and
times each from just before the change is made until the marketplace's database shows it on the offer:

- new: a new on-hand line (`inventory.add` through the API);
- sale: one box of a line sold elsewhere (`invoice.create` for another customer, through the API);
- hold: one box held by another buyer (`web-order-item.add` with that buyer's token, through the API);
- price: a line's price changed (the back office's service, `edit_line`);
- hidden: a product deactivated (the admin's save of the product).

It prints p50, p95 and max per kind and how many times faster than Komet's 5-minute sync that is;
then a burst of `--burst` price changes made as fast as one process can commit them (a flash sale)
and how many delta syncs and API calls the marketplace spent on it; then the same changes with
the webhook endpoint switched off, the marketplace polling deltas every `--poll-interval` seconds.

Run: `.venv/bin/python bench/freshness.py` (`--changes N`, `--burst N`, `--only sqlite|postgresql`,
`PG_URL` for the PostgreSQL server; default the local one).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_URL = os.environ.get("PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
KOMET_SECONDS = 300.0
KINDS = ("new", "sale", "hold", "price", "hidden")
WEBHOOK_SECRET = "whsec-bench-freshness-0123456789abcdef"
CHANGE_DEADLINE = 60.0
STEADY_AFTER_SECONDS = 70.0


# --- the parent: one child per database, then the summary side by side ---------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--changes", type=int, default=10, help="changes of each kind (default 10)")
    parser.add_argument("--burst", type=int, default=1000, help="changes in the flash-sale burst (0: none)")
    parser.add_argument(
        "--poll-interval", type=float, default=2.0, help="the delta poll of the run without webhooks (s)"
    )
    parser.add_argument(
        "--gap", type=float, default=0.6, help="pause after a change showed (s); closer changes coalesce"
    )
    parser.add_argument("--only", choices=("sqlite", "postgresql"), default=None)
    parser.add_argument("--child", choices=("sqlite", "postgresql"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args)
        return
    results: dict[str, dict[str, Any]] = {}
    began = time.perf_counter()
    for db in ("sqlite", "postgresql"):
        if args.only and db != args.only:
            continue
        command = [sys.executable, __file__, "--child", db, "--changes", str(args.changes)]
        command += ["--burst", str(args.burst), "--poll-interval", str(args.poll_interval)]
        command += ["--gap", str(args.gap)]
        done = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)
        for line in done.stdout.splitlines():
            if line.startswith("RESULT "):
                results[db] = json.loads(line[len("RESULT ") :])
            else:
                print(line, flush=True)
        if done.returncode != 0:
            print(f"{db}: the run failed (exit {done.returncode})", flush=True)
    if len(results) > 1:
        _print_side_by_side(results)
    print(f"total run time {time.perf_counter() - began:.0f}s", flush=True)


def _print_side_by_side(results: dict[str, dict[str, Any]]) -> None:
    print("\nside by side (webhooks on): p50 / p95 / max in seconds", flush=True)
    dbs = list(results)
    print("  kind    " + "".join(f"{db:>30}" for db in dbs))
    for kind in KINDS:
        cells = []
        for db in dbs:
            s = results[db]["webhooks"][kind]
            cells.append(f"{s['p50']:.3f} / {s['p95']:.3f} / {s['max']:.3f}")
        print(f"  {kind:<8}" + "".join(f"{c:>30}" for c in cells))
    cells = [f"{results[db]['webhooks_all']['p95']:.3f}" for db in dbs]
    print("  p95 all " + "".join(f"{c:>30}" for c in cells) + "   (aim <= 0.5 s)", flush=True)


# --- the child: one database --------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, procs: list[subprocess.Popen], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for proc in procs:
            if proc.poll() is not None:
                raise RuntimeError(f"a process exited with {proc.returncode} while starting")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port} after {timeout}s")


def _run(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [str(BIN / args[0]), *args[1:]],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def _stats(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": statistics.median(values),
        "p95": _percentile(values, 0.95),
        "max": max(values),
    }


class Offers:
    """Reads the marketplace's offers straight from its database (what its storefront shows)."""

    def __init__(self, db: str, url: str) -> None:
        self.db = db
        if db == "sqlite":
            import sqlite3

            path = url.removeprefix("sqlite:///")
            if not path.startswith("/"):
                path = "/" + path
            self.conn: Any = sqlite3.connect(path, isolation_level=None, timeout=30)
            self.mark = "?"
        else:
            import psycopg

            self.conn = psycopg.connect(url, autocommit=True)
            self.mark = "%s"

    def get(self, line_id: int) -> tuple[int, float] | None:
        """Return (boxes, price per unit) of an on-hand line's offer, or None when it is not offered."""
        sql = (
            "SELECT boxes_available, price_per_unit FROM marketplace_sync_offer"
            f" WHERE inventory_origin = 1 AND inventory_ids = {self.mark}"
        )
        row = self.conn.execute(sql, (str(line_id),)).fetchone()
        return None if row is None else (int(row[0]), float(row[1]))

    def poll_deltas_from_now(self) -> None:
        """Poll deltas from now on, not from when the last delta before webhooks went off said."""
        if self.db == "sqlite":
            self.conn.execute("UPDATE marketplace_suppliers_supplier SET next_delta_at = datetime('now')")
        else:
            self.conn.execute("UPDATE marketplace_suppliers_supplier SET next_delta_at = now()")

    def delta_seconds_since(self, started: str) -> list[float]:
        """Return how long each delta sync started at or after `started` (ISO text) took."""
        sql = (
            "SELECT started_at, finished_at FROM marketplace_sync_syncrun"
            f" WHERE kind = 'delta' AND started_at >= {self.mark} AND finished_at IS NOT NULL"
        )
        param: Any = started
        if self.db == "sqlite":
            import datetime as dt

            param = started.replace("T", " ").removesuffix("+00:00")
            rows = self.conn.execute(sql, (param,)).fetchall()
            return [
                (dt.datetime.fromisoformat(b) - dt.datetime.fromisoformat(a)).total_seconds() for a, b in rows
            ]
        return [(b - a).total_seconds() for a, b in self.conn.execute(sql, (param,)).fetchall()]

    def delta_runs_since(self, started: str) -> tuple[int, int]:
        """Return (delta syncs, API calls they made) started at or after `started` (ISO text)."""
        sql = (
            "SELECT COUNT(*), COALESCE(SUM(calls), 0) FROM marketplace_sync_syncrun"
            f" WHERE kind = 'delta' AND started_at >= {self.mark}"
        )
        param: Any = started
        if self.db == "sqlite":
            param = started.replace("T", " ").removesuffix("+00:00")
        row = self.conn.execute(sql, (param,)).fetchone()
        return int(row[0]), int(row[1])


def _wait_until(check: Callable[[], bool], what: str, timeout: float = CHANGE_DEADLINE) -> float:
    """Poll `check` every few milliseconds; return when it held (perf_counter), or fail after `timeout`."""
    deadline = time.perf_counter() + timeout
    while True:
        if check():
            return time.perf_counter()
        if time.perf_counter() > deadline:
            raise RuntimeError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.004)


def _child(args: argparse.Namespace) -> None:
    db = args.child
    tmp = Path(tempfile.mkdtemp(prefix="fresh-"))
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "MARKETPLACE_"))
    }
    env.update(
        {
            "STEMLINK_VAR_DIR": str(tmp),
            "STEMLINK_API_BURST_PER_MINUTE": "1000000",
            "STEMLINK_LOG_LEVEL": "WARNING",
            "MARKETPLACE_LOG_LEVEL": "WARNING",
            # Webhooks go to the marketplace on loopback.
            "STEMLINK_WEBHOOK_ALLOW_PRIVATE_NETWORKS": "1",
            "MARKETPLACE_SYNC_PAGE_ROWS": "500",
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        }
    )
    admin: Any = None
    names: list[str] = []
    if db == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp / 'stemlink.sqlite3'}"
        env["MARKETPLACE_DATABASE_URL"] = f"sqlite:///{tmp / 'marketplace.sqlite3'}"
    else:
        import psycopg

        admin = psycopg.connect(PG_URL, autocommit=True)
        base = PG_URL.rpartition("/")[0]
        names = [f"bench_fresh_{os.getpid()}_s", f"bench_fresh_{os.getpid()}_m"]
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"{base}/{names[0]}"
        env["MARKETPLACE_DATABASE_URL"] = f"{base}/{names[1]}"
    procs: dict[str, subprocess.Popen] = {}
    try:
        _bench(db, args, env, tmp, procs)
    except BaseException:
        for log in sorted(tmp.glob("*.log")):
            print(f"--- the end of {log.name}:\n" + "\n".join(log.read_text().splitlines()[-15:]), flush=True)
        raise
    finally:
        for proc in procs.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
        if admin is not None:
            from django.db import connections

            connections.close_all()
            for name in names:
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> pg_backend_pid()",
                    (name,),
                )
                admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.close()
        shutil.rmtree(tmp, ignore_errors=True)


def _start(procs: dict[str, subprocess.Popen], tmp: Path, env: dict[str, str], name: str, *args: str) -> None:
    log = (tmp / f"{name}.log").open("ab")
    procs[name] = subprocess.Popen(
        [str(BIN / args[0]), *args[1:]],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop(procs: dict[str, subprocess.Popen], name: str) -> None:
    proc = procs.pop(name)
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


def _bench(db: str, args: argparse.Namespace, env: dict[str, str], tmp: Path, procs: dict) -> None:
    began = time.perf_counter()
    _run(env, "stemlink", "migrate", "--no-input", "-v", "0")
    _run(env, "stemlink", "demo-data")
    demo_loaded = time.perf_counter()
    _run(env, "marketplace", "migrate", "--no-input", "-v", "0")
    stemlink_port, marketplace_port = _free_port(), _free_port()
    _start(
        procs,
        tmp,
        env,
        "stemlink-serve",
        "stemlink",
        "serve",
        "--port",
        str(stemlink_port),
        "--no-collectstatic",
    )
    _wait_for_port(stemlink_port, list(procs.values()))
    handover = json.loads(_run(env, "stemlink", "demo-handover").strip().splitlines()[-1])
    supplier_out = _run(
        {
            **env,
            "MARKETPLACE_COMPANY_TOKEN": handover["companyToken"],
            "MARKETPLACE_CUSTOMER_TOKEN": handover["customerToken"],
            "MARKETPLACE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        },
        "marketplace", "setup-demo-supplier",
        "--name", "Sunrise Flowers Miami",
        "--base-url", f"http://127.0.0.1:{stemlink_port}",
        "--company-id", str(handover["companyId"]),
        "--customer-id", str(handover["customerId"]),
        "--carrier-id", str(handover["carrierId"]),
        *(["--location-id", str(handover["locationId"])] if handover.get("locationId") else []),
        "--sync-interval", "600",
        "--operator-password", "",
        "--florist-password", "",
        "--wait", "30",
    )  # fmt: skip
    supplier_id = re.search(r"^Supplier (\d+)", supplier_out, re.M)
    if supplier_id is None:
        raise RuntimeError(f"setup-demo-supplier did not name the supplier:\n{supplier_out}")
    _run(
        {**env, "DEMO_WEBHOOK_SECRET": WEBHOOK_SECRET},
        "stemlink", "demo-handover", "--skip-tokens",
        "--webhook-url", f"http://127.0.0.1:{marketplace_port}/webhooks/{supplier_id.group(1)}/",
    )  # fmt: skip
    _start(procs, tmp, env, "stemlink-worker", "stemlink", "worker")
    _start(procs, tmp, env, "marketplace-serve", "marketplace", "serve", "--port", str(marketplace_port))
    _start(procs, tmp, env, "marketplace-worker", "marketplace", "worker")
    _wait_for_port(marketplace_port, list(procs.values()))

    # This process makes the changes a person makes in the back office, with Stemlink's own code.
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "stemlink.settings"
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    import django

    django.setup()
    world = _World(db, env, stemlink_port, handover)
    offers = Offers(db, env["MARKETPLACE_DATABASE_URL"])
    n = args.changes
    world.prepare(
        offers, lines=3 * n + 2 * n, burst_lines=min(100, max(1, args.burst // 10)) if args.burst else 0
    )
    # A delta answers every line changed in the minute before its cursor (Stemlink's safety margin
    # for late commits), and the demo data is all new: measure in the steady state after that.
    time.sleep(max(0.0, demo_loaded + STEADY_AFTER_SECONDS - time.perf_counter()))
    print(
        f"\n{db}: both applications and workers up, {n} changes of each kind "
        f"(set-up took {time.perf_counter() - began:.0f}s)",
        flush=True,
    )

    measured_from = _now()
    webhooks = _measure(world, offers, n, args.gap, run=0)
    summary: dict[str, Any] = {"webhooks": {k: _stats(v) for k, v in webhooks.items()}}
    summary["webhooks_all"] = _stats([t for v in webhooks.values() for t in v])
    _report(f"{db}, webhooks on (wake on commit)", summary["webhooks"], summary["webhooks_all"])
    summary["stages"] = _stages(offers, measured_from)

    if args.burst:
        summary["burst"] = _burst(world, offers, args.burst)

    # Webhooks off: the endpoint disabled, the marketplace polling deltas on its clock alone.
    world.set_endpoint_active(False)
    _stop(procs, "marketplace-worker")
    _start(
        procs,
        tmp,
        {**env, "MARKETPLACE_SYNC_DELTA_SECONDS": str(args.poll_interval)},
        "marketplace-worker",
        "marketplace",
        "worker",
    )
    offers.poll_deltas_from_now()
    polled = _measure(world, offers, n, args.gap, run=1, deadline=3 * args.poll_interval + 30)
    summary["polls"] = {k: _stats(v) for k, v in polled.items()}
    summary["polls_all"] = _stats([t for v in polled.values() for t in v])
    _report(
        f"{db}, webhooks off (delta poll every {args.poll_interval:g}s)",
        summary["polls"],
        summary["polls_all"],
    )
    worst = summary["polls_all"]["max"]
    print(
        f"  every change showed within {worst:.2f}s (poll interval {args.poll_interval:g}s"
        f" + one delta): {'yes' if worst <= args.poll_interval + 1.0 else 'NO'}",
        flush=True,
    )
    summary["seconds"] = time.perf_counter() - began
    print("RESULT " + json.dumps(summary), flush=True)


def _report(title: str, per_kind: dict[str, dict[str, float]], overall: dict[str, float]) -> None:
    print(f"  {title}: seconds until the marketplace's offer shows the change", flush=True)
    print(f"    {'kind':<8}{'n':>4}{'p50':>9}{'p95':>9}{'max':>9}   vs Komet's 300s (p95)")
    for kind, s in [*per_kind.items(), ("all", overall)]:
        print(
            f"    {kind:<8}{s['n']:>4}{s['p50']:>9.3f}{s['p95']:>9.3f}{s['max']:>9.3f}"
            f"   {KOMET_SECONDS / s['p95']:>7.0f}x faster",
            flush=True,
        )


class _World:
    """The demo wholesaler as seen from the back office and its API, with what the changes need."""

    def __init__(self, db: str, env: dict[str, str], port: int, handover: dict[str, Any]) -> None:
        import httpx

        from stemlink.api.services import create_token
        from stemlink.catalog.models import Product
        from stemlink.customers.models import Customer
        from stemlink.tenancy.models import Company

        self.company = Company.objects.get(pk=handover["companyId"])
        self.customer_id = int(handover["customerId"])
        self.carrier_id = int(handover["carrierId"])
        self.location_id = handover.get("locationId")
        self.other = (
            Customer.objects.filter(company=self.company, active=True)
            .exclude(pk=self.customer_id)
            .order_by("id")
            .first()
        )
        if self.other is None:
            raise RuntimeError("the demo data has no second customer")
        self.product = (
            Product.objects.filter(company=self.company, active=True, category__active=True)
            .order_by("id")
            .first()
        )
        _, company_token = create_token(
            self.company, token_type="company", description="bench", methods="all"
        )
        _, buyer_token = create_token(
            self.company, token_type="customer", description="bench buyer", methods="all", customer=self.other
        )
        account = {"X-ACCOUNT": str(self.company.pk)}
        base = f"http://127.0.0.1:{port}/api/"
        self.http = httpx.Client(
            base_url=base, headers={**account, "authenticationToken": company_token}, timeout=60
        )
        self.buyer = httpx.Client(
            base_url=base, headers={**account, "authenticationToken": buyer_token}, timeout=60
        )
        self.marketplace = httpx.Client(
            base_url=base, headers={**account, "authenticationToken": handover["customerToken"]}, timeout=60
        )
        self.sale_lines: list[int] = []
        self.hold_lines: list[int] = []
        self.price_lines: list[int] = []
        self.hidden_products: list[tuple[Any, int]] = []
        self.burst_lines: list[int] = []
        self.serial = 0

    def call(self, client: Any, method: str, params: dict[str, Any]) -> dict[str, Any]:
        answer = client.post(method, json=params)
        body: dict[str, Any] = answer.json()
        if body.get("status") != 1:
            raise RuntimeError(f"{method} failed: {body}")
        return body

    def pack(self, product_id: int) -> dict[str, Any]:
        from decimal import Decimal

        from django.utils import timezone

        from stemlink.catalog.models import BoxType, Vendor

        self.serial += 1
        return {
            "awb": f"369-{self.serial:04d} 0000",
            "ship_date": timezone.now().date(),
            "quantity": 20,
            "unit_type": "Stem",
            "stems_bunch": 25,
            "bunches": 10,
            "unit_cost": Decimal("0.40"),
            "price": Decimal("0.80"),
            "product_id": product_id,
            "box_type_id": BoxType.objects.filter(company=self.company).order_by("id").first().pk,  # type: ignore[union-attr]
            "vendor_id": Vendor.objects.filter(company=self.company).order_by("id").first().pk,  # type: ignore[union-attr]
            "location_id": self.location_id,
        }

    def add_line(self, product_id: int) -> int:
        from stemlink.inventory.services import add_on_hand_lines

        return add_on_hand_lines(self.company, **self.pack(product_id))[0]

    def prepare(self, offers: Offers, *, lines: int, burst_lines: int) -> None:
        """Make the lines the changes act on and wait until the marketplace offers every one."""
        from stemlink.catalog.models import Product

        n = lines // 5
        self.sale_lines = [self.add_line(self.product.pk) for _ in range(n)]
        self.hold_lines = [self.add_line(self.product.pk) for _ in range(n)]
        self.price_lines = [self.add_line(self.product.pk) for _ in range(n)]
        for i in range(n):
            product = Product.objects.get(pk=self.product.pk)
            product.pk = None
            product.code = f"FRESH{i:03d}"
            product.description = f"{self.product.description} (bench {i})"
            product.save()
            self.hidden_products.append((product, self.add_line(product.pk)))
        self.burst_lines = [self.add_line(self.product.pk) for _ in range(burst_lines)]
        wanted = [*self.sale_lines, *self.hold_lines, *self.price_lines]
        wanted += [line for _, line in self.hidden_products] + self.burst_lines
        _wait_until(lambda: all(offers.get(line) is not None for line in wanted), "the prepared lines", 180)

    def new_line(self) -> Callable[[Offers], bool]:
        from django.utils import timezone

        self.serial += 1
        params = {
            "awb": f"369-{self.serial:04d} 1111",
            "shipDate": timezone.now().date().isoformat(),
            "productId": self.product.pk,
            "quantity": 5,
            "boxTypeId": self.pack(self.product.pk)["box_type_id"],
            "unitType": "Stem",
            "stemsBunch": 25,
            "bunches": 10,
            "unitCost": 0.4,
            "price": 0.8,
        }
        if self.location_id:
            params["locationId"] = self.location_id
        line = int(str(self.call(self.http, "inventory.add", params)["inventoryIds"][0]))
        return lambda offers: offers.get(line) is not None

    def sale(self, line: int, before: int) -> Callable[[Offers], bool]:
        from django.utils import timezone

        self.call(
            self.http,
            "invoice.create",
            {
                "customerId": self.other.pk,  # type: ignore[union-attr]
                "carrierId": self.carrier_id,
                "shipDate": timezone.now().date().isoformat(),
                "items": [{"orderItemId": line, "boxes": 1, "price": 0.8}],
            },
        )
        return lambda offers: (offers.get(line) or (None, 0))[0] == before - 1

    def hold(self, line: int, before: int) -> Callable[[Offers], bool]:
        from django.utils import timezone

        params = {
            "customerId": self.other.pk,  # type: ignore[union-attr]
            "inventoryIds": str(line),
            "inventoryOrigin": 1,
            "price": 0.8,
            "quantity": 1,
            "carrierId": self.carrier_id,
            "date": timezone.now().date().isoformat(),
        }
        answer = self.buyer.post("web-order-item.add", json=params).json()
        if answer.get("status") != 1 and answer.get("errorCode") == "price_changed":
            # The buyer's own price list: the refusal changed nothing; add again at that price.
            answer = self.call(self.buyer, "web-order-item.add", {**params, "price": answer["currentPrice"]})
        elif answer.get("status") != 1:
            raise RuntimeError(f"web-order-item.add failed: {answer}")
        return lambda offers: (offers.get(line) or (None, 0))[0] == before - 1

    def price(self, line: int, before: float, cents: int) -> Callable[[Offers], bool]:
        from decimal import Decimal

        from stemlink.inventory.services import edit_line

        edit_line(self.company, 1, line, price=Decimal("0.80") + Decimal(cents) / 100)
        return lambda offers: (offers.get(line) or (0, before))[1] != before

    def hide(self, product: Any, line: int) -> Callable[[Offers], bool]:
        product.active = False
        product.save()
        return lambda offers: offers.get(line) is None

    def ecommerce_prices(self, lines: set[int]) -> dict[int, float]:
        """Return the marketplace customer's price of each on-hand line, as the e-commerce view answers."""
        prices: dict[int, float] = {}
        for page in range(1, 1000):
            items = (
                self.call(
                    self.marketplace,
                    "ecommerce/inventory.list",
                    {"customerId": self.customer_id, "rows": 500, "page": page},
                ).get("inventoryItems")
                or []
            )
            for item in items:
                if str(item.get("inventoryOrigin")) == "1" and int(str(item["inventoryIds"])) in lines:
                    prices[int(str(item["inventoryIds"]))] = round(float(item["price"]), 3)
            if len(items) < 500:
                break
        return prices

    def set_endpoint_active(self, active: bool) -> None:
        from stemlink.integrations import services as webhooks
        from stemlink.integrations.models import PartnerEndpoint

        for endpoint in PartnerEndpoint.objects.filter(company=self.company):
            webhooks.set_endpoint_active(self.company, endpoint.pk, active)


def _measure(
    world: _World, offers: Offers, n: int, gap: float, *, run: int, deadline: float = CHANGE_DEADLINE
) -> dict[str, list[float]]:
    """Make n changes of each kind, kinds taking turns; return the seconds each took to show."""
    from stemlink.catalog.models import Product

    times: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for i in range(n):
        for kind in KINDS:
            if kind == "new":
                start = time.perf_counter()
                done = world.new_line()
            elif kind == "sale":
                line = world.sale_lines[i]
                before = offers.get(line)
                assert before is not None
                start = time.perf_counter()
                done = world.sale(line, before[0])
            elif kind == "hold":
                line = world.hold_lines[i]
                before = offers.get(line)
                assert before is not None
                start = time.perf_counter()
                done = world.hold(line, before[0])
            elif kind == "price":
                line = world.price_lines[i]
                before = offers.get(line)
                assert before is not None
                start = time.perf_counter()
                done = world.price(line, before[1], 1 + i + run * (n + 1))
            else:
                product, line = world.hidden_products[i]
                product = Product.objects.get(pk=product.pk)
                if not product.active:  # the second run shows it again first, untimed
                    product.active = True
                    product.save()
                    _wait_until(
                        lambda line=line: offers.get(line) is not None, "a product shown again", deadline
                    )
                start = time.perf_counter()
                done = world.hide(product, line)
            seen = _wait_until(lambda done=done: done(offers), f"a {kind} change", deadline)
            times[kind].append(seen - start)
            time.sleep(gap)
    return times


def _now() -> Any:
    from django.utils import timezone

    return timezone.now()


def _stages(offers: Offers, since: Any) -> dict[str, float]:
    """Print where the time went (medians): commit to webhook sent, the webhook's call, a delta sync."""
    import datetime as dt

    from stemlink.integrations.models import DeliveryAttempt

    to_send, posts = [], []
    for attempt in DeliveryAttempt.objects.filter(attempted_at__gte=since).select_related("delivery__event"):
        sent = attempt.attempted_at - dt.timedelta(milliseconds=attempt.duration_ms)
        to_send.append((sent - attempt.delivery.event.created_on).total_seconds())
        posts.append(attempt.duration_ms / 1000)
    deltas = offers.delta_seconds_since(since.isoformat())
    stages = {
        "commit_to_webhook_s": statistics.median(to_send) if to_send else float("nan"),
        "webhook_call_s": statistics.median(posts) if posts else float("nan"),
        "delta_sync_s": statistics.median(deltas) if deltas else float("nan"),
    }
    print(
        "    where the time goes (medians): outbox commit to webhook sent "
        f"{stages['commit_to_webhook_s']:.3f}s, webhook call {stages['webhook_call_s']:.3f}s, "
        f"delta sync {stages['delta_sync_s']:.3f}s ({len(deltas)} deltas for {len(posts)} webhooks)",
        flush=True,
    )
    return stages


def _burst(world: _World, offers: Offers, changes: int) -> dict[str, Any]:
    """Make `changes` price changes as fast as possible; count what the marketplace spent to catch up."""
    from decimal import Decimal

    from django.utils import timezone

    from stemlink.integrations.models import Delivery
    from stemlink.inventory.services import edit_line

    lines = world.burst_lines
    started_at = timezone.now()
    webhooks_before = Delivery.objects.count()
    start = time.perf_counter()
    final: dict[int, Decimal] = {}
    for i in range(changes):
        line = lines[i % len(lines)]
        final[line] = Decimal("1.00") + Decimal(i) / 100
        edit_line(world.company, 1, line, price=final[line])
    made = time.perf_counter() - start
    # What the marketplace must end up with: the buyer's prices as the API answers them now.
    expected = world.ecommerce_prices(set(final))
    seen = _wait_until(
        lambda: all((offers.get(line) or (0, -1.0))[1] == price for line, price in expected.items()),
        "the burst",
        300,
    )
    time.sleep(2.0)  # a delta still running when the last change showed is counted too
    deltas, calls = offers.delta_runs_since(started_at.isoformat())
    webhooks = Delivery.objects.count() - webhooks_before
    print(
        f"  burst: {changes} price changes on {len(lines)} lines committed in {made:.1f}s "
        f"({webhooks} webhooks); all on the marketplace {seen - start:.1f}s after the first; "
        f"the marketplace spent {deltas} delta syncs ({calls} API calls) on it",
        flush=True,
    )
    return {"changes": changes, "made_s": made, "visible_s": seen - start, "deltas": deltas, "calls": calls}


if __name__ == "__main__":
    main()
