"""Wake a worker when a transaction commits, instead of leaving it to find the work at its next poll.

Shared by Stemlink (its outbox) and the marketplace (its sync requests); it imports neither. The
database stays the only source of truth: a wake-up carries nothing but "look now", a lost one costs
at most a poll interval, and several workers still share the work by their leases.

- PostgreSQL: `pg_notify(channel)` on the same connection once the transaction has committed
  (`transaction.on_commit`; nothing on rollback). The server delivers it to every listening
  session. The listener is a dedicated psycopg connection (opened from Django's settings,
  autocommit, `LISTEN`), never the ORM's own.
- SQLite: every listening worker binds a unix datagram socket in a directory beside the database
  file (`<database>.wake/<channel>/`); a commit sends one empty datagram to each, non-blocking and
  best-effort (a full or dead socket is skipped; a dead one is removed).

Raw SQL here (`SELECT pg_notify`, `LISTEN`) is there because the ORM cannot say it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import select
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import connection, connections, transaction

log = logging.getLogger(__name__)

# A unix socket path longer than this cannot be bound (sun_path is 108 bytes on Linux).
_MAX_SOCKET_PATH = 100
# Options of Django's PostgreSQL backend that are not libpq connection parameters.
_DJANGO_ONLY_OPTIONS = {"isolation_level", "server_side_binding", "pool", "assume_role", "cursor_factory"}
# How long a listener that lost its PostgreSQL connection waits before trying again.
_RECONNECT_SECONDS = 5.0


def wake_dir(database_name: Any) -> Path | None:
    """Return the directory of a SQLite database's wake sockets, or None for an in-memory database."""
    name = str(database_name or "")
    if not name or name == ":memory:" or "mode=memory" in name or name.startswith("file:"):
        return None
    return Path(name + ".wake")


def notify_on_commit(channel: str) -> None:
    """Send a wake-up on `channel` when the current transaction commits; best-effort, never blocking."""
    if connection.vendor == "postgresql":
        # After the commit, not inside the transaction: the writing transaction stays as short
        # as it was (a NOTIFY in it would queue on the server's notify lock at commit) and a
        # rollback sends nothing. Robust: a wake-up that fails must not fail a committed change.
        transaction.on_commit(lambda: _pg_notify(channel), robust=True)
        return
    if connection.vendor == "sqlite":
        directory = wake_dir(connection.settings_dict.get("NAME"))
        if directory is not None:
            transaction.on_commit(lambda: nudge(directory / channel), robust=True)


def _pg_notify(channel: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_notify(%s, '')", [channel])


def nudge(directory: Path) -> int:
    """Send one empty datagram to every socket in `directory`; return how many took it. Never raises."""
    try:
        entries = [entry.path for entry in os.scandir(directory) if entry.name.endswith(".sock")]
    except OSError:
        return 0
    sent = 0
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.setblocking(False)
        for path in entries:
            try:
                sock.sendto(b"", path)
                sent += 1
            except BlockingIOError:
                sent += 1  # its queue is full of wake-ups already: it will look anyway
            except ConnectionRefusedError:
                # Nobody reads it any more (a worker that was killed): tidy it away.
                with contextlib.suppress(OSError):
                    os.unlink(path)
            except OSError:
                continue
    return sent


def _libpq_params(settings_dict: dict[str, Any], channel: str) -> dict[str, Any]:
    params: dict[str, Any] = {
        "dbname": settings_dict.get("NAME") or "postgres",
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        "host": settings_dict.get("HOST") or None,
        "port": str(settings_dict["PORT"]) if settings_dict.get("PORT") else None,
        "application_name": f"{channel}-wake-listener"[:63],
        "connect_timeout": 10,
    }
    for key, value in (settings_dict.get("OPTIONS") or {}).items():
        if key not in _DJANGO_ONLY_OPTIONS and isinstance(value, str | int):
            params[key] = value
    return {key: value for key, value in params.items() if value is not None}


class Listener:
    """Wait for a wake-up on one channel, or until a timeout; `wait` tells whether one came.

    Start it before the first look at the database (what commits after `start` is never missed)
    and call `wait` between looks. Without a way to listen (the PostgreSQL listener cannot
    connect, the socket path is too long), `wait` simply sleeps: the caller polls as before.
    """

    def __init__(self, channel: str, *, alias: str = "default") -> None:
        self.channel = channel
        self.alias = alias
        self.vendor = connections[alias].vendor
        self._pg: Any = None
        self._pg_retry_at = 0.0
        self._sock: socket.socket | None = None
        self._sock_path: Path | None = None
        self._warned = False

    @property
    def listening(self) -> bool:
        """Whether a wake-up can reach this listener now (else `wait` is a plain sleep)."""
        return self._pg is not None or self._sock is not None

    def start(self) -> bool:
        """Begin listening; return whether it could (False: `wait` falls back to sleeping)."""
        if self.vendor == "postgresql":
            return self._connect_pg()
        if self.vendor == "sqlite":
            return self._bind_socket()
        return False

    def _connect_pg(self) -> bool:
        import psycopg
        from psycopg import sql

        self._pg_retry_at = time.monotonic() + _RECONNECT_SECONDS
        try:
            conn = psycopg.connect(
                **_libpq_params(connections[self.alias].settings_dict, self.channel), autocommit=True
            )
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
        except psycopg.Error as exc:
            self._warn(f"cannot LISTEN on PostgreSQL ({exc.__class__.__name__}: {exc})")
            return False
        self._pg = conn
        return True

    def _bind_socket(self) -> bool:
        directory = wake_dir(connections[self.alias].settings_dict.get("NAME"))
        if directory is None:
            return False
        directory = directory / self.channel
        path = directory / f"{os.getpid()}-{secrets.token_hex(4)}.sock"
        if len(os.fsencode(path)) > _MAX_SOCKET_PATH:
            self._warn(f"the wake socket path would be too long ({path})")
            return False
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            directory.mkdir(parents=True, exist_ok=True)
            sock.bind(str(path))
        except OSError as exc:
            sock.close()
            self._warn(f"cannot bind a wake socket at {path} ({exc})")
            return False
        sock.setblocking(False)
        self._sock, self._sock_path = sock, path
        return True

    def _warn(self, problem: str) -> None:
        if not self._warned:
            log.warning("%s; falling back to polling (wake-ups on commit are off)", problem)
            self._warned = True

    def wait(self, timeout: float, *, stopping: Callable[[], bool] | None = None) -> bool:
        """Wait up to `timeout` seconds for a wake-up; return True when one came (all pending are drained).

        Checks `stopping` at least every 0.2 s so a stop request is not held up by the wait.
        """
        deadline = time.monotonic() + max(0.0, timeout)
        while True:
            remaining = deadline - time.monotonic()
            if stopping is not None and stopping():
                return False
            if remaining <= 0:
                return self.drain()
            step = min(remaining, 0.2)
            reconnect = self.vendor == "postgresql" and self._pg is None
            if reconnect and time.monotonic() >= self._pg_retry_at and self._connect_pg():
                return True  # notifications may have been missed while disconnected: look now
            if self._pg is not None:
                if self._wait_pg(step):
                    return True
            elif self._sock is not None:
                ready, _, _ = select.select([self._sock], [], [], step)
                if ready and self.drain():
                    return True
            else:
                time.sleep(step)

    def _wait_pg(self, seconds: float) -> bool:
        import psycopg

        woke = False
        try:
            # The generator holds the connection's lock: leave it before draining the rest.
            for _ in self._pg.notifies(timeout=seconds, stop_after=1):
                woke = True
                break
        except psycopg.Error as exc:
            self._warn(f"the PostgreSQL listener lost its connection ({exc.__class__.__name__})")
            self._close_pg()
            return True  # look now rather than trust what may have been missed
        if woke:
            self.drain()
        return woke

    def drain(self) -> bool:
        """Take every wake-up already waiting, without blocking; return whether there was any."""
        woke = False
        if self._pg is not None:
            import psycopg

            try:
                for _ in self._pg.notifies(timeout=0):
                    woke = True
            except psycopg.Error:
                self._close_pg()
                return True
        if self._sock is not None:
            while True:
                try:
                    self._sock.recv(64)
                except (BlockingIOError, InterruptedError):
                    break
                except OSError:
                    break
                woke = True
        return woke

    def _close_pg(self) -> None:
        with contextlib.suppress(Exception):
            self._pg.close()
        self._pg = None
        self._pg_retry_at = time.monotonic() + _RECONNECT_SECONDS

    def close(self) -> None:
        """Stop listening and remove this listener's socket."""
        if self._pg is not None:
            self._close_pg()
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        if self._sock_path is not None:
            with contextlib.suppress(OSError):
                self._sock_path.unlink()
            self._sock_path = None
