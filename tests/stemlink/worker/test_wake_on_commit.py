"""A commit that writes outbox rows wakes the workers at once; a rollback wakes nobody.

PostgreSQL wakes them by NOTIFY (sent in the writing transaction, delivered on commit), SQLite by a
datagram to each listener's socket beside the database file. Every wait has a generous deadline
and returns as soon as the wake-up arrives; no test asserts how fast.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from django.db import connection, transaction

from stemlink.integrations import wake
from stemlink.integrations.models import Delivery
from stemlink.integrations.rules import DeliveryStatus
from stemlink.integrations.services import add_endpoint, record_event
from stemlink.worker.loop import Worker
from tests.factories import make_world
from tests.stemlink.worker.receiver import Receiver

pytestmark = pytest.mark.django_db(transaction=True)

# Long enough that no poll can explain a delivery within a test's run: only a wake-up can.
NEVER = 3600.0
DEADLINE = 60.0


class _RolledBack(Exception):
    pass


@pytest.fixture
def listener() -> Iterator[wake.Listener]:
    found = wake.Listener()
    assert found.start(), "the listener could not start"
    yield found
    found.close()


def _record(company_id: int, *, commit: bool) -> None:
    try:
        with transaction.atomic():
            record_event(company_id, "inventory.changed", {"inventoryId": 1})
            if not commit:
                raise _RolledBack
    except _RolledBack:
        pass


def _assert_woken_on_commit_only(listener: wake.Listener) -> None:
    world = make_world("Wake Flowers")
    listener.drain()  # whatever the set-up itself committed
    _record(world.company.pk, commit=False)
    # Nothing can arrive later for a rolled-back transaction, so a short look proves it.
    assert listener.wait(0.5) is False, "a rolled-back outbox row woke the worker"
    _record(world.company.pk, commit=True)
    assert listener.wait(DEADLINE) is True, "a committed outbox row did not wake the worker"
    assert listener.wait(0.2) is False, "one commit woke the worker more than once"


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="LISTEN/NOTIFY is PostgreSQL's")
def test_a_notify_reaches_a_listening_worker_on_commit_and_not_on_rollback(listener: wake.Listener):
    assert listener.vendor == "postgresql" and listener.listening
    _assert_woken_on_commit_only(listener)


@pytest.mark.skipif(
    "connection.vendor != 'sqlite'", reason="the socket nudge is SQLite's (PostgreSQL uses NOTIFY)"
)
def test_the_sqlite_nudge_wakes_a_listening_worker_on_commit_and_not_on_rollback(listener: wake.Listener):
    assert listener.vendor == "sqlite" and listener.listening
    _assert_woken_on_commit_only(listener)


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="the wake sockets are SQLite's")
def test_a_dead_listeners_socket_is_skipped_and_removed(tmp_path):
    import socket

    directory = tmp_path / "wake"
    directory.mkdir()
    dead = directory / "dead.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(dead))
    sock.close()  # bound, then gone: what a killed worker leaves behind
    alive = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    alive.bind(str(directory / "alive.sock"))
    try:
        assert wake.nudge(directory) == 1
        assert not dead.exists()
        assert alive.recv(16) == b""
    finally:
        alive.close()


def test_a_worker_polling_once_an_hour_delivers_a_committed_event_at_once(receiver: Receiver):
    world = make_world("Wake Worker Flowers")
    add_endpoint(world.company, url=receiver.url)
    stop = threading.Event()
    worker = Worker(name="wake-test", poll_seconds=NEVER, timeout_seconds=5.0, jobs=[], stop_event=stop)

    def run() -> None:
        try:
            worker.run_forever()
        finally:
            connection.close()  # this thread's own connection, or the test database cannot be dropped

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        for n in range(3):
            record_event(world.company.pk, "inventory.changed", {"inventoryId": n})
            deadline = time.monotonic() + DEADLINE
            while len(receiver.received) < n + 1:
                assert time.monotonic() < deadline, f"event {n} was not delivered: the worker was not woken"
                time.sleep(0.02)
    finally:
        stop.set()
        thread.join(timeout=DEADLINE)
    assert not thread.is_alive()
    assert Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 3
