"""The reference marketplace as real processes, connected to a real `stemlink serve`, for the fault tests.

`RealMarketplace` starts Stemlink's server on the fault database, then the marketplace (its own
SQLite database in the test's directory, its own server and sync worker), connects the wholesaler
with a Company and a Customer token as an operator would (`marketplace connect-supplier`, which
checks both with live calls), and registers the marketplace's webhook URL as the wholesaler's
partner endpoint with a shared secret. Deltas are driven by webhooks only (the marketplace's own
delta poll and full syncs are pushed out of the test's reach), so what the marketplace ends up
offering is what the delivered events made it fetch.

`WebhookTap` sits between Stemlink's worker and the marketplace's webhook URL: it forwards every
delivery, notes the marketplace's answer per event id, and can hold one delivery open after the
marketplace has acted on it, so the sender never learns it arrived.
"""

from __future__ import annotations

import contextlib
import secrets
import sqlite3
import subprocess
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from tests_faults.conftest import STEMLINK, Processes, free_port, process_env, wait_until

MARKETPLACE = str(Path(STEMLINK).with_name("marketplace"))
HOUR = "3600"


class WebhookTap:
    """A forwarding hop in front of the marketplace's webhook receiver; it records what came back."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.lock = threading.Lock()
        self.sent: Counter[str] = Counter()  # event id -> deliveries forwarded
        self.answers: dict[str, list[dict[str, Any]]] = {}  # event id -> the marketplace's answers
        self.hold_after: int | None = None  # hold the n-th delivery open after forwarding it
        self.holding = threading.Event()
        self.release = threading.Event()
        tap = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {
                    name: value
                    for name, value in self.headers.items()
                    if name.lower() not in {"host", "content-length", "connection"}
                }
                event_id = self.headers.get("X-Stemlink-Event-Id", "")
                answer = httpx.post(tap.target, content=body, headers=headers, timeout=30)
                with tap.lock:
                    tap.sent[event_id] += 1
                    with contextlib.suppress(ValueError):
                        tap.answers.setdefault(event_id, []).append(answer.json())
                    hold = tap.hold_after is not None and sum(tap.sent.values()) == tap.hold_after
                if hold:
                    tap.holding.set()
                    tap.release.wait(timeout=300)
                    return  # the marketplace has acted on it; the sender never hears so
                self.send_response(answer.status_code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhooks/tap/"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def duplicates_dropped(self) -> list[str]:
        """Event ids the marketplace answered `duplicate: true` to (it received them before)."""
        with self.lock:
            return [eid for eid, answers in self.answers.items() if any(a.get("duplicate") for a in answers)]

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


class RealMarketplace:
    """Stemlink's server plus the reference marketplace (server and sync worker), connected."""

    def __init__(self, fault_db: str, processes: Processes, tmp: Path, world: Any) -> None:
        from stemlink.api.services import create_token

        self.processes = processes
        self.world = world
        self.stemlink_env = process_env(fault_db, STEMLINK_VAR_DIR=str(tmp / "stemlink"))
        self.stemlink_port = free_port()
        self.port = free_port()
        company, customer = world.company, world.customer
        _, self.company_token = create_token(
            company, token_type="company", description="marketplace company", methods="all"
        )
        _, self.customer_token = create_token(
            company, token_type="customer", customer=customer, description="marketplace", methods="all"
        )
        self.webhook_secret = "whsec-" + secrets.token_hex(24)
        self.database = tmp / "marketplace.sqlite3"
        self.env = {
            **{k: v for k, v in self.stemlink_env.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))},
            "MARKETPLACE_DATABASE_URL": f"sqlite:///{self.database}",
            "STEMLINK_VAR_DIR": str(tmp / "marketplace"),
            "MARKETPLACE_ALLOW_PRIVATE_NETWORKS": "1",
            # Only webhooks make it look: no delta poll within the test's time, no full sync.
            "MARKETPLACE_SYNC_DELTA_SECONDS": HOUR,
            "MARKETPLACE_ORDER_STATUS_REFRESH_SECONDS": "0",
            "MARKETPLACE_SYNC_WAKE_MIN_GAP_SECONDS": "0.2",
        }
        self.supplier_id = 0

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.stemlink_port}/api"

    @property
    def webhook_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks/{self.supplier_id}/"

    def _run(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            [MARKETPLACE, *args], env=self.env, input=stdin, capture_output=True, text=True, timeout=180
        )
        assert done.returncode == 0, f"marketplace {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def start(self) -> None:
        """Start everything, connect the wholesaler and wait for the first full sync."""
        self.start_stemlink()
        self._run("migrate", "--no-input")
        self._run(
            "connect-supplier",
            "--name", self.world.company.name,
            "--base-url", f"http://127.0.0.1:{self.stemlink_port}",
            "--company-id", str(self.world.company.id),
            "--customer-id", str(self.world.customer.id),
            "--carrier-id", str(self.world.carrier.id),
            "--sync-interval", "600",
            "--secrets-stdin",
            "--wait", "60",
            stdin=f"{self.company_token}\n{self.customer_token}\n{self.webhook_secret}\n",
        )  # fmt: skip
        self.supplier_id = int(self._query("SELECT id FROM marketplace_suppliers_supplier")[0][0])
        self.start_marketplace()
        wait_until(
            lambda: (
                self._query("SELECT count(*) FROM marketplace_sync_syncrun WHERE kind = 'full' AND ok")[0][0]
                > 0
            ),
            "the marketplace's first full sync",
            timeout=180,
        )

    def start_stemlink(self) -> None:
        self.processes.start(
            "stemlink-serve",
            [
                STEMLINK,
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.stemlink_port),
                "--no-collectstatic",
            ],
            self.stemlink_env,
        )
        wait_until(lambda: _answers(f"http://127.0.0.1:{self.stemlink_port}/login/"), "stemlink serve")

    def start_marketplace(self) -> None:
        """The marketplace's server and sync worker (again after `stop_marketplace`, on the same port)."""
        self.processes.start(
            "marketplace-serve",
            [MARKETPLACE, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", "1"],
            self.env,
        )
        self.processes.start("marketplace-worker", [MARKETPLACE, "worker", "--poll", "0.5"], self.env)
        wait_until(lambda: _answers(f"http://127.0.0.1:{self.port}/health/"), "marketplace serve")

    def stop_marketplace(self) -> None:
        """The partner goes away: its server and its worker stop, its port refuses connections."""
        for name in ("marketplace-serve", "marketplace-worker"):
            process = self.processes.running.pop(name)
            process.terminate()
            process.wait(timeout=60)

    def _query(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        with contextlib.closing(sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=30)) as db:
            return db.execute(sql, args).fetchall()

    def received_event_ids(self) -> list[str]:
        """Every event id the marketplace has acted on (its dedupe table), one row per id."""
        return [row[0] for row in self._query("SELECT event_id FROM marketplace_sync_receivedwebhook")]

    def offers(self) -> dict[tuple[int, str], int]:
        """What the marketplace offers now: (origin, inventory ids) -> boxes, empty offers left out."""
        rows = self._query(
            "SELECT inventory_origin, inventory_ids, boxes_available FROM marketplace_sync_offer"
            " WHERE boxes_available > 0"
        )
        return {(int(origin), str(ids)): int(boxes) for origin, ids, boxes in rows}

    def full_list(self) -> dict[tuple[int, str], int]:
        """A fresh full sync, as the marketplace's customer token reads it from Stemlink now."""
        found: dict[tuple[int, str], int] = {}
        headers = {"authenticationToken": self.customer_token, "X-ACCOUNT": str(self.world.company.id)}
        page = 1
        while True:
            answer = httpx.post(
                f"{self.api}/ecommerce/inventory.list",
                json={"customerId": self.world.customer.id, "page": page, "rows": 500},
                headers=headers,
                timeout=30,
            ).json()
            assert answer["status"] == 1, answer
            for item in answer["inventoryItems"]:
                if int(item["quantity"]) > 0:
                    found[(int(item["inventoryOrigin"]), str(item["inventoryIds"]))] = int(item["quantity"])
            if page * 500 >= int(answer["total"]):
                return found
            page += 1


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=5).status_code == 200
    except httpx.TransportError:
        return False
