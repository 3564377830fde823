"""Times told to people: a company's on its wall clock with the zone named, a process's in UTC, labelled.

A message about one company (`stemlink endpoints list|deliveries`, `stemlink tokens list`, the
worker's silence on that company's Home page) tells the company's wall-clock time and names its
zone; a message about no one company (`stemlink status`, a worker's row, the log lines of every
process) tells UTC and says "UTC". At 04:38 UTC on Monday it is 23:38 on Sunday in Miami.
"""

from __future__ import annotations

import io
import logging
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from projectkit.logs import UtcFormatter
from stemlink.api.models import ApiToken
from stemlink.integrations.models import Delivery, PartnerEndpoint
from stemlink.integrations.services import record_event
from stemlink.worker.heartbeat import beat, worker_status
from stemlink.worker.models import WorkerHeartbeat
from tests.clock import at, freeze
from tests.factories import make_user, make_world

MIAMI = "America/New_York"
NOW = at("2026-11-30T04:38")  # 23:38 on Sunday 29 November in Miami
LATER = at("2026-11-30T04:45")  # 23:45 in Miami


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_endpoint_pauses_and_deliveries_are_told_on_the_companys_clock(db, monkeypatch):
    world = make_world(time_zone=MIAMI)
    freeze(monkeypatch, NOW)
    company = str(world.company.pk)
    run("endpoints", "add", "--company", company, "--url", "https://p.example/h")
    PartnerEndpoint.objects.update(paused_until=LATER, consecutive_failures=3)
    listing = run("endpoints", "list", "--company", company)
    assert f"PAUSED until 2026-11-29 23:45:00 {MIAMI} after 3 failures" in listing
    record_event(world.company.pk, "invoice.confirmed", {"invoiceId": 3})
    Delivery.objects.update(next_attempt_at=LATER)
    log = run("endpoints", "deliveries", "--company", company)
    assert f"next 2026-11-29 23:45:00 {MIAMI}" in log and "UTC" not in log


def test_a_tokens_last_use_is_told_on_the_companys_clock(db):
    world = make_world(time_zone=MIAMI)
    run("tokens", "create", "--company", str(world.company.pk), "--type", "company", "--methods", "all")
    ApiToken.objects.update(last_used_on=NOW, last_used_ip="203.0.113.7")
    listing = run("tokens", "list", "--company", str(world.company.pk))
    assert f"2026-11-29 23:38 {MIAMI} from 203.0.113.7" in listing


def test_companies_lists_each_companys_zone(db):
    world = make_world(time_zone=MIAMI)
    listing = run("companies")
    assert "Time zone" in listing and MIAMI in listing and world.company.name in listing


def test_a_silent_worker_is_told_in_utc_by_status_and_on_the_companys_clock_on_home(db, monkeypatch):
    world = make_world(time_zone=MIAMI)
    beat("host:1:abc", started_on=NOW, passes=3, now=NOW)
    freeze(monkeypatch, at("2026-11-30T04:40"))
    out = io.StringIO()
    with pytest.raises(SystemExit):  # silent: exit status 1
        call_command("status", stdout=out)
    assert "has been silent since 2026-11-30 04:38:00 UTC (2 min ago)" in out.getvalue()
    assert str(WorkerHeartbeat.objects.get()) == "worker host:1:abc (last beat 2026-11-30 04:38:00 UTC)"
    assert "since 2026-11-29 23:38:00 America/New_York" in worker_status(company=world.company).describe()

    client = Client()
    client.force_login(make_user(world.company, role="sales_rep"))
    page = client.get(reverse("web:home")).content.decode()
    assert f"has been silent since 2026-11-29 23:38:00 {MIAMI}" in page
    assert "04:38:00 UTC" not in page


def test_process_log_lines_are_utc_and_say_so():
    record = logging.LogRecord("stemlink.worker", logging.INFO, __file__, 1, "worker started", None, None)
    record.created = NOW.timestamp()
    record.msecs = 0
    line = UtcFormatter("%(asctime)s %(levelname)s %(name)s %(message)s").format(record)
    assert line == "2026-11-30 04:38:00,000 UTC INFO stemlink.worker worker started"
    assert NOW.astimezone(ZoneInfo(MIAMI)).hour == 23  # the machine's or a company's zone plays no part
