"""Webhooks go only where they may: every spelling of an internal address refused, deadline, no redirect.

These tests run with the server's default (no private networks) unless they opt in themselves.
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings as django_settings

from stemlink.errors import ValidationFailed
from stemlink.integrations.models import Delivery
from stemlink.integrations.services import add_endpoint, record_event
from stemlink.worker.loop import Worker
from tests.safeguards.servers import HostileServer, answer, dribble


def _worker(timeout: float = 3.0) -> Worker:
    return Worker(name="guard-test", timeout_seconds=timeout, jobs=[])


@pytest.mark.skipif(
    "STEMLINK_WEBHOOK_ALLOW_PRIVATE_NETWORKS" in os.environ, reason="the environment sets the opt-in"
)
def test_private_networks_are_off_unless_the_server_opts_in():
    assert django_settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS is False


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8001/hook",
        "http://[::ffff:127.0.0.1]:8001/",
        "http://[::1]/",
        "http://2130706433/",
        "http://0177.0.0.1/",
        "http://0x7f.1/",
        "http://127.1/",
        "http://0.0.0.0/",
        "http://0/",
        "http://10.0.0.1/",
        "http://[64:ff9b::7f00:1]/",
        "http://[2002:7f00:1::]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/",
        "http://[fe80::1%25eth0]/",
        "http://localhost:8001/",
        "http://localhost.:8001/",
    ],
)
def test_an_internal_address_is_refused_as_an_endpoint_in_every_spelling(world, url):
    with pytest.raises(ValidationFailed) as raised:
        add_endpoint(world.company, url=url)
    assert raised.value.errors[0].field == "url"


def test_link_local_is_refused_even_with_the_opt_in(world, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    for url in ("http://169.254.169.254/", "http://[::ffff:a9fe:a9fe]/", "http://0.0.0.0:8001/"):
        with pytest.raises(ValidationFailed, match="never calls"):
            add_endpoint(world.company, url=url)


def test_an_endpoint_saved_under_the_opt_in_is_not_called_once_it_is_off(world, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    with HostileServer(answer("200 OK")) as server:
        add_endpoint(world.company, url=f"http://127.0.0.1:{server.port}/hook")
        record_event(world.company.pk, "inventory.changed", {"lineId": 1})
        settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
        report = _worker().run_once()
        assert report.failed == 1
        assert server.seen.connections == 0
    assert Delivery.objects.get().last_error.startswith("not sent:")


def test_a_slow_loris_partner_is_cut_at_the_delivery_deadline(world, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True  # the partner is on loopback
    with HostileServer(dribble(0.25)) as server:
        add_endpoint(world.company, url=f"http://127.0.0.1:{server.port}/hook")
        record_event(world.company.pk, "inventory.changed", {"lineId": 1})
        report = _worker(timeout=1.0).run_once()
    assert report.failed == 1
    delivery = Delivery.objects.get()
    assert delivery.status == "pending" and delivery.last_status_code is None
    assert delivery.last_error.startswith("DeadlineExceeded")


def test_a_redirect_is_a_failed_delivery_and_is_not_followed(world, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    with HostileServer(answer("200 OK")) as inside:
        redirect = answer("307 Temporary Redirect", headers={"Location": f"http://127.0.0.1:{inside.port}/"})
        with HostileServer(redirect) as server:
            add_endpoint(world.company, url=f"http://127.0.0.1:{server.port}/hook")
            record_event(world.company.pk, "inventory.changed", {"lineId": 1})
            assert _worker().run_once().failed == 1
        assert inside.seen.connections == 0
    delivery = Delivery.objects.get()
    assert (delivery.last_status_code, delivery.last_error) == (307, "HTTP 307 Temporary Redirect")


def test_only_the_status_and_a_sanitised_reason_are_kept_never_the_partners_body(world, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    body = b'{"internal": "db-password=hunter2", "rows": [1, 2, 3]}'
    with HostileServer(answer("500 Oops\x07<script>", body)) as server:
        add_endpoint(world.company, url=f"http://127.0.0.1:{server.port}/hook")
        record_event(world.company.pk, "inventory.changed", {"lineId": 1})
        assert _worker().run_once().failed == 1
    delivery = Delivery.objects.get()
    assert delivery.last_status_code == 500
    assert "hunter2" not in delivery.last_error and "internal" not in delivery.last_error
    assert delivery.last_error.startswith("HTTP 500 Oops")
    assert "\x07" not in delivery.last_error and len(delivery.last_error) <= 80


def test_a_proxy_in_the_environment_does_not_bypass_the_address_checks(world, settings, monkeypatch):
    # An HTTP_PROXY pointing at some internal service must not become a way around the checked,
    # pinned connection: the worker ignores proxies from the environment.
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True  # both servers are on loopback
    with HostileServer(answer("200 OK")) as proxy, HostileServer(answer("200 OK")) as partner:
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
            monkeypatch.setenv(name, f"http://127.0.0.1:{proxy.port}")
        add_endpoint(world.company, url=f"http://127.0.0.1:{partner.port}/hook")
        record_event(world.company.pk, "inventory.changed", {"lineId": 1})
        assert _worker().run_once().delivered == 1
        assert (proxy.seen.connections, partner.seen.connections) == (0, 1)
