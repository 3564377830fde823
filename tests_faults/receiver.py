"""A loopback partner that receives webhooks the way a marketplace must: it drops duplicates by event id.

It can be taken down (its port closed: connection refused) and brought back on the same port,
hold one request in flight on purpose, and it keeps the offers the `inventory.changed` events
describe, newest change per line winning.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class DedupReceiver:
    def __init__(self, port: int = 0) -> None:
        self.lock = threading.Lock()
        self.deliveries: Counter[str] = Counter()  # event id -> times received
        self.applied: list[str] = []  # event ids processed, each once
        self.offers: dict[int, tuple[str, int]] = {}  # line id -> (event time, quantity)
        self.hold_after: int | None = None  # hold the n-th request open until released
        self.holding = threading.Event()
        self.release = threading.Event()
        self._port = port
        self._server: ThreadingHTTPServer | None = None
        self.start()

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                event = json.loads(body)
                with receiver.lock:
                    receiver.deliveries[event["id"]] += 1
                    duplicate = receiver.deliveries[event["id"]] > 1
                    if not duplicate:
                        receiver.applied.append(event["id"])
                        receiver._apply(event)
                    hold = (
                        receiver.hold_after is not None
                        and sum(receiver.deliveries.values()) == receiver.hold_after
                    )
                if hold:
                    receiver.holding.set()
                    receiver.release.wait(timeout=300)
                    return  # never answered: the sender dies meanwhile
                payload = b'{"received": true, "duplicate": ' + (b"true" if duplicate else b"false") + b"}"
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self._port), Handler)
        self._server.daemon_threads = True
        self._port = int(self._server.server_address[1])
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def _apply(self, event: dict[str, Any]) -> None:
        if event["type"] != "inventory.changed" or event["data"].get("inventoryOrigin") != 1:
            return
        line_id, quantity = int(event["data"]["inventoryId"]), int(event["data"]["quantity"])
        known = self.offers.get(line_id)
        if known is None or event["created"] >= known[0]:
            self.offers[line_id] = (event["created"], quantity)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}/hooks/stemlink"

    def event_ids(self) -> set[str]:
        with self.lock:
            return set(self.deliveries)

    def duplicates(self) -> int:
        with self.lock:
            return sum(times - 1 for times in self.deliveries.values())

    def down(self) -> None:
        """Close the port: the partner is gone (connection refused)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def close(self) -> None:
        self.release.set()
        self.down()
