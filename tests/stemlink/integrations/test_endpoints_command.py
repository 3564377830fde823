"""`stemlink endpoints`: the same services from the command line, with plain error messages."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from stemlink.integrations.models import Delivery, PartnerEndpoint
from stemlink.integrations.secret_box import open_secret
from stemlink.integrations.services import record_event


def run(*args: str, stdin: str | None = None, monkeypatch=None) -> str:
    out = io.StringIO()
    if stdin is not None and monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    call_command("endpoints", *args, stdout=out)
    return out.getvalue()


def test_adds_an_endpoint_and_prints_its_secret_once(world):
    company = str(world.company.pk)
    out = run(
        "add",
        "--company",
        company,
        "--url",
        "https://bloomnet.example/hooks",
        "--customer",
        str(world.customer.pk),
        "--description",
        "BloomNet",
    )
    endpoint = PartnerEndpoint.objects.get()
    secret = out.split("keep it safe): ")[1].strip()
    assert open_secret(endpoint.secret_encrypted) == secret
    assert endpoint.customer_id == world.customer.pk

    listing = run("list", "--company", company)
    assert "https://bloomnet.example/hooks" in listing and "BloomNet" in listing
    assert secret not in listing


def test_reads_a_chosen_secret_from_stdin(world, monkeypatch):
    run(
        "add",
        "--company",
        str(world.company.pk),
        "--url",
        "https://p.example/h",
        "--secret-stdin",
        stdin="my-own-secret-value-42\n",
        monkeypatch=monkeypatch,
    )
    assert open_secret(PartnerEndpoint.objects.get().secret_encrypted) == "my-own-secret-value-42"


def test_refuses_a_bad_url_with_the_reason(world):
    with pytest.raises(CommandError, match="must start with http:// or https://"):
        run("add", "--company", str(world.company.pk), "--url", "ftp://p.example/h")
    assert PartnerEndpoint.objects.count() == 0


def test_refuses_an_unknown_company(db):
    with pytest.raises(CommandError, match="Company 999999 does not exist"):
        run("list", "--company", "999999")


def test_disables_lists_deliveries_and_retries(world):
    company = str(world.company.pk)
    run("add", "--company", company, "--url", "https://p.example/h")
    endpoint = PartnerEndpoint.objects.get()
    record_event(world.company.pk, "invoice.confirmed", {"invoiceId": 3})
    delivery = Delivery.objects.get()

    log = run("deliveries", "--company", company, "--status", "pending")
    assert f"{delivery.pk}" in log and "invoice.confirmed" in log

    assert "Delivery" in run("retry", "--company", company, str(delivery.pk))
    assert "disabled" in run("disable", "--company", company, str(endpoint.pk))
    assert not PartnerEndpoint.objects.get().active
    with pytest.raises(CommandError, match="is disabled; enable it"):
        run("retry", "--company", company, str(delivery.pk))
    run("enable", "--company", company, str(endpoint.pk))
    assert PartnerEndpoint.objects.get().active
    assert "No deliveries match" in run("deliveries", "--company", company, "--status", "delivered")


def test_another_companys_delivery_cannot_be_retried(world, other_world):
    run("add", "--company", str(other_world.company.pk), "--url", "https://p.example/h")
    record_event(other_world.company.pk, "inventory.changed", {"lineId": 1})
    with pytest.raises(CommandError, match="does not exist in Sunrise Flowers"):
        run("retry", "--company", str(world.company.pk), str(Delivery.objects.get().pk))


def test_rotate_secret_prints_the_new_one(world):
    company = str(world.company.pk)
    out = run("add", "--company", company, "--url", "https://p.example/h")
    old = out.split("keep it safe): ")[1].strip()
    endpoint = PartnerEndpoint.objects.get()
    new = run("rotate-secret", "--company", company, str(endpoint.pk)).split("(shown only now): ")[1].strip()
    assert new != old
    endpoint.refresh_from_db()
    assert open_secret(endpoint.secret_encrypted) == new


def test_lists_a_paused_partner_as_paused(world):
    import datetime as dt

    from django.utils import timezone

    company = str(world.company.pk)
    run("add", "--company", company, "--url", "https://p.example/h")
    PartnerEndpoint.objects.update(
        paused_until=timezone.now() + dt.timedelta(minutes=5), consecutive_failures=3, last_error="timeout"
    )
    assert "PAUSED until" in run("list", "--company", company)
    assert "after 3 failures" in run("list", "--company", company)
