"""The worker's heartbeat: `stemlink status` and the Home page say when it has been silent."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from stemlink.worker.heartbeat import beat, worker_status
from stemlink.worker.loop import Worker
from stemlink.worker.models import WorkerHeartbeat
from tests.factories import make_user


def status() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("status", stdout=out)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


def home(world) -> str:
    client = Client()
    client.force_login(make_user(world.company, role="sales_rep"))
    response = client.get(reverse("web:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_no_worker_ever_is_reported(world):
    code, output = status()
    assert code == 1 and "worker: SILENT" in output and "No worker has ever run" in output
    assert 'id="worker-silent"' in home(world)


def test_a_worker_pass_beats_and_status_says_running(world):
    worker = Worker(jobs=[])
    worker.beat()
    worker.run_once()
    row = WorkerHeartbeat.objects.get(name=worker.name)
    assert row.stopped_on is None and row.passes == 1
    code, output = status()
    assert code == 0 and "worker: running" in output and "1 worker running" in output
    assert "webhook deliveries waiting: 0" in output
    assert 'id="worker-silent"' not in home(world)


def test_silent_for_over_a_minute_is_reported_with_when(world):
    long_ago = timezone.now() - dt.timedelta(seconds=75)
    beat("host:1:abc", started_on=long_ago, passes=3, now=long_ago)
    code, output = status()
    assert code == 1 and "has been silent since" in output and "75 s ago" in output
    page = home(world)
    assert 'id="worker-silent"' in page and "has been silent since" in page
    # Within the minute it is not silent.
    beat("host:1:abc", started_on=long_ago, passes=4, now=timezone.now() - dt.timedelta(seconds=50))
    assert status()[0] == 0


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_that_stops_says_so(settings):
    settings.WORKER_HEARTBEAT_SECONDS = 0.0
    stop = threading.Event()
    worker = Worker(jobs=[], poll_seconds=0.05, stop_event=stop)

    def run() -> None:
        try:
            worker.run_forever()
        finally:
            connection.close()

    runner = threading.Thread(target=run)
    runner.start()
    deadline = timezone.now() + dt.timedelta(seconds=60)
    while not WorkerHeartbeat.objects.filter(name=worker.name, passes__gte=2).exists():
        assert timezone.now() < deadline, "the worker never beat twice"
        stop.wait(0.05)
    assert not worker_status().silent
    stop.set()
    runner.join(timeout=60)
    assert WorkerHeartbeat.objects.get(name=worker.name).stopped_on is not None
    code, output = status()
    assert code == 1 and "The worker stopped since" in output


@pytest.mark.parametrize("seconds", [10.0])
def test_beats_are_throttled(db, settings, seconds):
    settings.WORKER_HEARTBEAT_SECONDS = seconds
    worker = Worker(jobs=[])
    worker.beat()
    first = WorkerHeartbeat.objects.get(name=worker.name).beat_on
    worker.beat()
    assert WorkerHeartbeat.objects.get(name=worker.name).beat_on == first
