"""`stemlink worker`: one pass with --once, periodic jobs that may be missing or broken, clean stop."""

from __future__ import annotations

import io
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.management import call_command

from stemlink.integrations import rules
from stemlink.integrations.models import Delivery
from stemlink.integrations.services import add_endpoint, record_event
from stemlink.worker.loop import PassReport, PeriodicJob, Worker, default_jobs
from tests.stemlink.worker import periodic_jobs_for_tests as fake_jobs
from tests.stemlink.worker.receiver import Receiver

FAKE = "tests.stemlink.worker.periodic_jobs_for_tests"


def test_worker_once_delivers_what_is_due_and_says_so(world, receiver: Receiver):
    add_endpoint(world.company, url=receiver.url)
    record_event(world.company.pk, "inventory.changed", {"lineId": 1})
    record_event(world.company.pk, "invoice.confirmed", {"invoiceId": 2})
    out = io.StringIO()
    call_command("worker", "--once", stdout=out)
    assert "2 delivered, 0 failed" in out.getvalue()
    assert Delivery.objects.filter(status="delivered").count() == 2
    assert len(receiver.received) == 2


def test_the_default_jobs_are_cart_expiry_standing_orders_and_the_two_sweeps():
    targets = {job.target for job in default_jobs()}
    assert targets == {
        "stemlink.orders.weborders:expire_overdue_web_orders",
        "stemlink.orders.standing:generate_standing_order_prebooks",
        "stemlink.integrations.services:prune_outbox",
        "stemlink.api.services:sweep_gateway_records",
    }
    for job in default_jobs():
        assert job.resolve() is not None, f"{job.target} cannot be imported"


def test_runs_due_jobs_and_skips_them_until_their_interval_passes(db):
    fake_jobs.calls.clear()
    job = PeriodicJob("counter", f"{FAKE}:count_call", interval_seconds=3600)
    worker = Worker(jobs=[job])
    first = worker.run_once(force_jobs=False)
    assert first.jobs_run == ["counter"]
    assert first.job_results == {"counter": 1}
    assert worker.run_once(force_jobs=False).jobs_run == []
    assert worker.run_once(force_jobs=True).jobs_run == ["counter"]
    assert fake_jobs.calls == ["count_call", "count_call"]
    worker.close()


def test_a_missing_job_is_warned_about_once_and_the_others_still_run(db, caplog):
    fake_jobs.calls.clear()
    jobs = [
        PeriodicJob("not written yet", "stemlink.nowhere.services:does_not_exist", 0),
        PeriodicJob("missing function", f"{FAKE}:no_such_function", 0),
        PeriodicJob("counter", f"{FAKE}:count_call", 0),
    ]
    worker = Worker(jobs=jobs)
    with caplog.at_level(logging.WARNING, logger="stemlink.worker"):
        for _ in range(3):
            report = worker.run_once()
    assert report.jobs_run == ["counter"]
    assert len(fake_jobs.calls) == 3
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len([w for w in warnings if "not written yet" in w]) == 1
    assert len([w for w in warnings if "missing function" in w]) == 1
    assert "stemlink.nowhere.services:does_not_exist cannot be imported" in caplog.text
    worker.close()


def test_a_failing_job_is_logged_and_does_not_stop_the_worker(world, receiver: Receiver, caplog):
    add_endpoint(world.company, url=receiver.url)
    record_event(world.company.pk, "inventory.changed", {"lineId": 1})
    worker = Worker(jobs=[PeriodicJob("broken", f"{FAKE}:explode", 0)])
    with caplog.at_level(logging.ERROR, logger="stemlink.worker"):
        report = worker.run_once()
    assert isinstance(report, PassReport)
    assert report.delivered == 1
    assert "periodic job broken failed" in caplog.text
    worker.close()


def test_run_forever_stops_when_asked(db):
    worker = Worker(jobs=[], poll_seconds=0.05)
    worker.stop()
    started = time.monotonic()
    worker.run_forever()
    # It returns at once; the bound only tells "returned" from "looped on", even on a busy machine.
    assert time.monotonic() - started < 30


SETUP = """
from stemlink.tenancy.models import Company
from stemlink.integrations.services import add_endpoint, record_event
company = Company.objects.create(name="Process Flowers")
_, secret = add_endpoint(company, url={url!r})
for n in range({n}):
    record_event(company.pk, "inventory.changed", {{"lineId": n}})
print(secret)
"""


@pytest.fixture
def process_database_url(tmp_path: Path) -> Iterator[str]:
    """A database of its own for real processes: a SQLite file, or a fresh PostgreSQL database."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'worker.sqlite3'}"
        return
    import psycopg

    name = f"stemlink_workers_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.slow
def test_two_worker_processes_share_the_outbox_and_stop_cleanly_on_sigterm(
    process_database_url: str, receiver: Receiver
):
    events = 30
    env = {
        **os.environ,
        "DATABASE_URL": process_database_url,
        "STEMLINK_WORKER_POLL_SECONDS": "0.2",
        # The partner below listens on 127.0.0.1: opt in to loopback, as the demo does.
        "STEMLINK_WEBHOOK_ALLOW_PRIVATE_NETWORKS": "1",
    }
    stemlink = str(Path(sys.executable).with_name("stemlink"))
    subprocess.run([stemlink, "migrate", "--no-input", "-v", "0"], env=env, check=True, timeout=180)
    setup = subprocess.run(
        [stemlink, "shell", "-c", SETUP.format(url=receiver.url, n=events)],
        env=env,
        check=True,
        timeout=60,
        capture_output=True,
        text=True,
    )
    secret = setup.stdout.strip().splitlines()[-1]
    receiver.delay_seconds = 0.01
    procs = [
        subprocess.Popen(
            [stemlink, "worker", "--name", f"proc{i}", "--batch-size", "3"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in (1, 2)
    ]
    outputs = []
    try:
        deadline = time.monotonic() + 60
        while len(receiver.received) < events and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)  # room for a duplicate to show up, if there were one
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        outputs = [proc.communicate(timeout=20) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()

    ids = [r.headers["X-Stemlink-Event-Id"] for r in receiver.received]
    assert len(ids) == events
    assert len(set(ids)) == events
    now = int(time.time())
    assert all(
        rules.verify_signature(secret, r.headers["X-Stemlink-Signature"], r.body, now=now).ok
        for r in receiver.received
    )
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert "Stemlink worker stopped." in out
        assert "received SIGTERM" in err
        assert secret not in out + err
