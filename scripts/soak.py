"""Soak: feed syncs, checkouts, back-office pages and webhook deliveries at once, for SOAK_SECONDS.

    SOAK_SECONDS=300 .venv/bin/python scripts/soak.py sqlite       # or: postgresql

`make soak` runs it on SQLite, then on PostgreSQL: ten minutes with the default 300 s each.

Starts a real `stemlink serve` (gunicorn, 2 processes x 4 threads) and a `stemlink worker` on a
fresh database (a SQLite file, or a new database on SOAK_PG_URL's server, dropped afterwards),
and drives them with a small threaded load driver (httpx, one client per virtual user):

- buyers: web-order.create, web-order-item.add, web-order.checkout, each with an Idempotency-Key;
- feed syncers: a full sync of ecommerce/inventory.list page by page, then delta polls (updatedAsOf);
- a sales rep: the Home, Orders and Inventory pages of the back office;
- the worker: every stock change and checkout goes out as a webhook to a loopback partner.

Every 5 s it samples each process's RSS (/proc/<pid>/status) and the database connections
(pg_stat_activity; for SQLite, the open handles on the database file). It passes when there was no
5xx answer, every process's memory grew less than 10 % between the end of warm-up (the first
quarter, at least 30 s) and the end, the connections stayed within the processes' threads, every
event was delivered, and `stemlink check-integrity` passes. It prints the figures either way and
exits 1 on failure.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
STEMLINK = str(Path(sys.executable).with_name("stemlink"))
SECONDS = float(os.environ.get("SOAK_SECONDS", "300"))
PG_URL = os.environ.get("SOAK_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
WEB_WORKERS, WEB_THREADS = 2, 4
BUYERS, SYNCERS = 4, 2
SAMPLE_EVERY = 5.0
MAX_GROWTH = 0.10


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Partner:
    """A loopback webhook receiver that counts distinct events."""

    def __init__(self) -> None:
        self.events: set[str] = set()
        self.lock = threading.Lock()
        partner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with partner.lock:
                    partner.events.add(json.loads(body)["id"])
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.codes: Counter[tuple[str, int]] = Counter()
        self.latency: dict[str, list[float]] = {}
        self.errors: list[str] = []

    def note(self, kind: str, status: int, seconds: float, detail: str = "") -> None:
        with self.lock:
            self.codes[(kind, status)] += 1
            self.latency.setdefault(kind, []).append(seconds)
            if status >= 500 and len(self.errors) < 20:
                self.errors.append(f"{kind}: HTTP {status} {detail[:200]}")


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def sqlite_handles(pids: list[int], database: Path) -> int:
    count = 0
    for pid in pids:
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                try:
                    if os.readlink(fd) == str(database):
                        count += 1
                except OSError:
                    continue
        except OSError:
            continue
    return count


def main() -> int:
    kind = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    workdir = Path(tempfile.mkdtemp(prefix=f"soak-{kind}-"))
    pg_name = ""
    if kind == "postgresql":
        import psycopg

        pg_name = f"soak_{os.getpid()}_{secrets.token_hex(4)}"
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{pg_name}"')  # type: ignore[arg-type]
        parts = urlsplit(PG_URL)
        database_url = urlunsplit((parts.scheme, parts.netloc, f"/{pg_name}", "", ""))
    elif kind == "sqlite":
        database_url = f"sqlite:///{workdir / 'soak.sqlite3'}"
    else:
        print("usage: soak.py sqlite|postgresql", file=sys.stderr)
        return 2
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stemlink.settings")
    # The soak's partner is on loopback and is registered from this process: opt in, as the
    # processes it starts do (read when the settings load, below).
    os.environ["STEMLINK_WEBHOOK_ALLOW_PRIVATE_NETWORKS"] = "1"
    import django

    django.setup()
    from django.core.management import call_command

    try:
        call_command("migrate", verbosity=0, interactive=False)
        return soak(kind, database_url, workdir)
    finally:
        from django.db import connections

        connections.close_all()
        if pg_name:
            import psycopg

            with psycopg.connect(PG_URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')  # type: ignore[arg-type]


def soak(kind: str, database_url: str, workdir: Path) -> int:
    import logging

    import httpx
    from django.conf import settings
    from django.utils import timezone

    logging.getLogger("httpx").setLevel(logging.WARNING)
    from tests.api_helpers import issue_token
    from tests.factories import make_customer, make_line, make_product, make_user, make_world

    from stemlink.integrations.models import Delivery, OutboxEvent
    from stemlink.integrations.services import add_endpoint

    # A quota for a day of load; checkouts come confirmed, as a rep would confirm them during the
    # day (the Orders page lists every invoice waiting for confirmation, without a page limit: an
    # ever-growing list would measure that page, not the processes' memory).
    world = make_world("Soak Roses", paid_users=1000, autoconfirm_on_checkout=True)
    products = [world.product] + [make_product(world.company, world.roses) for _ in range(9)]
    lines = [make_line(world, product=p, boxes_on_hand=1_000_000) for p in products for _ in range(5)]
    buyers = [world.customer] + [
        make_customer(world.company, customer_type="marketplace") for _ in range(BUYERS)
    ]
    tokens = {c.pk: issue_token(world.company, "customer", customer=c) for c in buyers}
    make_user(world.company, username="soak", role="sales_rep", password="flowers-2026")
    partner = Partner()
    add_endpoint(world.company, url=partner.url)
    company_id, carrier_id = world.company.pk, world.carrier.pk

    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(REPO),
        "STEMLINK_VAR_DIR": str(workdir),
        "STEMLINK_WEB_WORKERS": str(WEB_WORKERS),
        "STEMLINK_WEB_THREADS": str(WEB_THREADS),
        "STEMLINK_WEBHOOK_ALLOW_PRIVATE_NETWORKS": "1",
        "STEMLINK_API_BURST_PER_MINUTE": "100000",
        # The tokens were made in this process: its servers must digest them with the same key,
        # whatever key their own var directory would generate.
        "STEMLINK_SECRET_KEY": settings.SECRET_KEY,
        "STEMLINK_TOKEN_KEY": settings.TOKEN_HASH_KEY,
    }
    logs = {name: open(workdir / f"{name}.log", "wb") for name in ("serve", "worker")}  # noqa: SIM115
    serve = subprocess.Popen(
        [STEMLINK, "serve", "--port", str(port), "--no-collectstatic"],
        env=env,
        stdout=logs["serve"],
        stderr=subprocess.STDOUT,
    )
    worker = subprocess.Popen(
        [STEMLINK, "worker", "--poll", "0.5"], env=env, stdout=logs["worker"], stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    stats = Stats()
    stop = threading.Event()
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{base}/login/", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or serve.poll() is not None:
                print((workdir / "serve.log").read_text(), file=sys.stderr)
                return 1
            time.sleep(0.3)
        today = timezone.now().date().isoformat()

        def timed(kind_: str, call: Any, *args: Any, **kwargs: Any) -> httpx.Response:
            started = time.monotonic()
            response = call(*args, **kwargs)
            stats.note(kind_, response.status_code, time.monotonic() - started, response.text)
            return response

        def buyer(n: int) -> None:
            customer = buyers[n % len(buyers)]
            headers = {"authenticationToken": tokens[customer.pk], "X-ACCOUNT": str(company_id)}
            with httpx.Client(base_url=base, timeout=60) as http:
                i = 0
                while not stop.is_set():

                    def post(method: str, params: dict[str, Any]) -> httpx.Response:
                        return http.post(
                            f"/api/{method}",
                            json=params,
                            headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
                        )

                    order = timed(
                        "checkout",
                        post,
                        "web-order.create",
                        {"customerId": customer.pk, "companyId": company_id},
                    )
                    if order.status_code != 200:
                        continue
                    order_id = order.json()["webOrderId"]
                    line = lines[(n * 7 + i) % len(lines)]
                    i += 1
                    added = timed(
                        "checkout",
                        post,
                        "web-order-item.add",
                        {
                            "customerId": customer.pk,
                            "webOrderId": order_id,
                            "inventoryIds": str(line.pk),
                            "inventoryOrigin": 1,
                            "price": "0.80",
                            "quantity": 1,
                            "carrierId": carrier_id,
                            "date": today,
                        },
                    )
                    if added.status_code == 200:
                        timed(
                            "checkout",
                            post,
                            "web-order.checkout",
                            {"customerId": customer.pk, "webOrderId": order_id},
                        )

        def syncer(n: int) -> None:
            customer = buyers[n % len(buyers)]
            headers = {"authenticationToken": tokens[customer.pk], "X-ACCOUNT": str(company_id)}
            with httpx.Client(base_url=base, timeout=60) as http:
                while not stop.is_set():
                    page, since = 1, None
                    while not stop.is_set():  # full sync, page by page
                        answer = timed(
                            "feed",
                            http.get,
                            "/api/ecommerce/inventory.list",
                            params={"customerId": customer.pk, "page": page, "rows": 20},
                            headers=headers,
                        )
                        if answer.status_code != 200:
                            break
                        body = answer.json()
                        since = body.get("nextUpdatedAsOf") or since
                        if page * 20 >= body["total"]:
                            break
                        page += 1
                    for _ in range(10):  # then delta polls
                        if stop.is_set():
                            break
                        params: dict[str, Any] = {"customerId": customer.pk, "rows": 100}
                        if since:
                            params["updatedAsOf"] = since
                        answer = timed(
                            "feed",
                            http.get,
                            "/api/ecommerce/inventory.list",
                            params=params,
                            headers=headers,
                        )
                        if answer.status_code == 200:
                            since = answer.json().get("nextUpdatedAsOf") or since
                        stop.wait(0.5)

        def rep() -> None:
            with httpx.Client(base_url=base, timeout=60) as http:
                http.get("/login/")
                http.post(
                    "/login/",
                    data={
                        "username": "soak",
                        "password": "flowers-2026",
                        "csrfmiddlewaretoken": http.cookies.get("csrftoken", ""),
                    },
                    headers={"Referer": f"{base}/login/"},
                )
                while not stop.is_set():
                    for path in ("/", "/orders/", "/inventory/"):
                        timed("pages", http.get, path)
                    stop.wait(0.5)

        threads = [threading.Thread(target=buyer, args=(n,)) for n in range(BUYERS)]
        threads += [threading.Thread(target=syncer, args=(n,)) for n in range(SYNCERS)]
        threads.append(threading.Thread(target=rep))
        for thread in threads:
            thread.start()

        samples: list[tuple[float, dict[str, int], int]] = []
        started = time.monotonic()
        db_file = Path(database_url.removeprefix("sqlite:///")) if kind == "sqlite" else None
        while time.monotonic() - started < SECONDS:
            time.sleep(min(SAMPLE_EVERY, max(0.0, SECONDS - (time.monotonic() - started))))
            pids = {"serve master": serve.pid, "worker": worker.pid}
            for index, child in enumerate(sorted(children(serve.pid))):
                pids[f"serve worker {index + 1}"] = child
            rss = {name: value for name, pid in pids.items() if (value := rss_kib(pid)) is not None}
            if db_file is not None:
                connections = sqlite_handles(list(pids.values()), db_file)
            else:
                from django.db import connection

                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                    connections = int(cursor.fetchone()[0])
            samples.append((time.monotonic() - started, rss, connections))
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
        events = {str(e) for e in OutboxEvent.objects.values_list("event_id", flat=True)}
        deadline = time.monotonic() + 180
        while not events <= partner.events and time.monotonic() < deadline:
            time.sleep(0.5)
        undelivered = Delivery.objects.exclude(status="delivered").count()
    finally:
        stop.set()
        for process in (serve, worker):
            if process.poll() is None:
                process.terminate()
        for process in (serve, worker):
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs.values():
            log.close()

    integrity = subprocess.run(
        [STEMLINK, "check-integrity"], env=env, capture_output=True, text=True, timeout=600
    )
    # Figures.
    warm_up = max(30.0, SECONDS / 4)
    after_warm = [s for s in samples if s[0] >= warm_up]
    failures: list[str] = []
    print(
        f"\n== soak on {kind}: {SECONDS:.0f} s, {BUYERS} buyers, {SYNCERS} feed syncers, 1 rep, 1 worker; "
        f"serve {WEB_WORKERS} processes x {WEB_THREADS} threads"
    )
    total = sum(stats.codes.values())
    print(f"requests: {total} ({total / SECONDS:.1f}/s)")
    for name in sorted(stats.latency):
        times = sorted(stats.latency[name])
        codes = {code: n for (k, code), n in sorted(stats.codes.items()) if k == name}
        p95 = times[int(len(times) * 0.95) - 1] if len(times) >= 20 else times[-1]
        print(
            f"  {name:9s} {len(times):6d} calls  p50 {statistics.median(times) * 1000:6.0f} ms  "
            f"p95 {p95 * 1000:6.0f} ms  codes {codes}"
        )
    server_errors = sum(n for (_, code), n in stats.codes.items() if code >= 500)
    print(f"5xx answers: {server_errors}")
    if server_errors:
        failures.append(f"{server_errors} answers were 5xx: {stats.errors[:5]}")
    if len(after_warm) < 2:
        failures.append("too few samples after warm-up to judge memory (SOAK_SECONDS too short)")
    else:
        head, tail = after_warm[: max(1, len(after_warm) // 5)], after_warm[-max(1, len(after_warm) // 5) :]
        print(f"memory (RSS, MiB), from the end of warm-up ({warm_up:.0f} s) to the end:")
        for name in sorted(after_warm[0][1]):
            first = statistics.median(s[1][name] for s in head if name in s[1])
            last = statistics.median(s[1][name] for s in tail if name in s[1])
            growth = (last - first) / first
            print(f"  {name:15s} {first / 1024:7.1f} -> {last / 1024:7.1f}  ({growth * 100:+.1f} %)")
            if growth > MAX_GROWTH:
                failures.append(f"{name} grew {growth * 100:.1f} % (limit {MAX_GROWTH * 100:.0f} %)")
    bound = WEB_WORKERS * WEB_THREADS + 2  # one per serving thread, the worker's, a spare
    peak = max(s[2] for s in samples) if samples else 0
    label = "open handles on the SQLite file" if kind == "sqlite" else "PostgreSQL connections"
    print(f"database: at most {peak} {label} (bound {bound if kind != 'sqlite' else bound * 3})")
    if peak > (
        bound if kind != "sqlite" else bound * 3
    ):  # SQLite: the file, its -wal and -shm per connection
        failures.append(f"database connections reached {peak}")
    print(
        f"webhooks: {len(events)} events, {len(partner.events)} received by the partner, "
        f"{undelivered} undelivered"
    )
    if undelivered or not events <= partner.events:
        failures.append(f"{undelivered} deliveries undelivered after the soak")
    print(f"check-integrity: {'OK' if integrity.returncode == 0 else 'FAILED'}")
    if integrity.returncode != 0:
        failures.append(integrity.stdout[-2000:] + integrity.stderr[-2000:])
    if failures:
        print("SOAK FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("soak passed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
