"""Tiny hostile HTTP servers on loopback for the outbound-call tests (free ports from the OS)."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Seen:
    """What a server saw: connections, raw requests, the TLS server name asked for."""

    connections: int = 0
    requests: list[bytes] = field(default_factory=list)
    server_names: list[str | None] = field(default_factory=list)
    sent_bytes: int = 0


class HostileServer:
    """Accept connections on 127.0.0.1 and answer each with `behaviour(conn, seen)` in a thread."""

    def __init__(
        self, behaviour: Callable[[socket.socket, Seen], None], ssl_context: ssl.SSLContext | None = None
    ):
        self.behaviour = behaviour
        self.ssl_context = ssl_context
        self.seen = Seen()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._accepting = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self) -> HostileServer:
        self._accepting.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._accepting.join(timeout=10)
        self._sock.close()
        for thread in self._threads:
            thread.join(timeout=10)

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.seen.connections += 1
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(10)
            if self.ssl_context is not None:
                conn = self.ssl_context.wrap_socket(conn, server_side=True)
            self.seen.requests.append(read_request(conn))
            self.behaviour(conn, self.seen)
        except OSError:
            pass  # the client hung up (what the deadline and the cap are for)
        finally:
            conn.close()


def read_request(conn: socket.socket) -> bytes:
    """Read one request: the head, then the body its Content-Length announces."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def host_header(request: bytes) -> str:
    for line in request.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"host":
            return value.strip().decode()
    return ""


def answer(status: str, body: bytes = b"", headers: dict[str, str] | None = None):
    """A behaviour that answers at once."""

    def behave(conn: socket.socket, seen: Seen) -> None:
        lines = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", "Connection: close"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)

    return behave


def dribble(every_seconds: float):
    """A slow-loris partner: a complete, valid 200 answer, one byte at a time (about 60 bytes)."""
    payload = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"

    def behave(conn: socket.socket, seen: Seen) -> None:
        for byte in payload:
            conn.sendall(bytes([byte]))
            seen.sent_bytes += 1
            time.sleep(every_seconds)

    return behave


def flood(total_bytes: int):
    """A partner answering 200 with a body of `total_bytes`, as fast as the client reads."""

    def behave(conn: socket.socket, seen: Seen) -> None:
        conn.sendall(f"HTTP/1.1 200 OK\r\nContent-Length: {total_bytes}\r\n\r\n".encode())
        block = b"x" * 65536
        left = total_bytes
        while left > 0:
            part = block[: min(left, len(block))]
            conn.sendall(part)
            seen.sent_bytes += len(part)
            left -= len(part)

    return behave
