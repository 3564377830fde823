"""The `marketplace` command line: connect a supplier non-interactively, run the worker once."""

import pytest
from django.core.management import CommandError, call_command

from marketplace.shop.models import Florist
from marketplace.suppliers.models import Supplier
from marketplace.sync.models import Offer
from tests_marketplace import fake_wholesaler as fw

pytestmark = pytest.mark.django_db

ARGS = [
    "--name", "Sunrise Flowers", "--base-url", "http://wholesaler.test", "--company-id", str(fw.COMPANY_ID),
    "--customer-id", str(fw.CUSTOMER_ID), "--company-token", fw.COMPANY_TOKEN,
    "--customer-token", fw.CUSTOMER_TOKEN, "--carrier-id", str(fw.CARRIER_ID),
]  # fmt: skip


def test_connect_supplier_checks_and_saves_the_connection(wholesaler, capsys):
    call_command("connect-supplier", *ARGS, "--webhook-secret", "shared-secret-123")
    supplier = Supplier.objects.get()
    assert supplier.customer_token == fw.CUSTOMER_TOKEN and supplier.webhook_secret == "shared-secret-123"
    assert supplier.full_sync_requested
    assert f"Supplier {supplier.pk} connected: Sunrise Flowers" in capsys.readouterr().out


def test_connect_supplier_twice_updates_the_same_supplier(wholesaler):
    call_command("connect-supplier", *ARGS)
    call_command("connect-supplier", *ARGS[:1], "Renamed", *ARGS[2:])
    assert list(Supplier.objects.values_list("name", flat=True)) == ["Renamed"]


def test_connect_supplier_names_the_wrong_credential_and_saves_nothing(wholesaler):
    bad = [*ARGS[:-1], "999"]
    with pytest.raises(CommandError, match="carrier_id: Carrier ID 999"):
        call_command("connect-supplier", *bad)
    assert Supplier.objects.count() == 0


def test_setup_demo_supplier_makes_the_operator_and_florist_logins(wholesaler):
    call_command(
        "setup-demo-supplier",
        *ARGS,
        "--operator-password",
        "operator-pass-1",
        "--florist-password",
        "florist-pass-1",
    )
    florist = Florist.objects.get()
    assert florist.user.username == "florist@example.com" and florist.user.check_password("florist-pass-1")
    call_command(
        "setup-demo-supplier",
        *ARGS,
        "--operator-password",
        "operator-pass-1",
        "--florist-password",
        "florist-pass-1",
    )
    assert Supplier.objects.count() == 1 and Florist.objects.count() == 1


def test_worker_once_syncs_what_is_due(wholesaler, capsys):
    call_command("connect-supplier", *ARGS)
    call_command("worker", "--once")
    assert Offer.objects.count() == 3
    assert "full sync of supplier" in capsys.readouterr().out


def test_connect_supplier_reads_the_secrets_from_stdin(wholesaler, monkeypatch):
    import io

    without_tokens = [
        a
        for i, a in enumerate(ARGS)
        if a not in ("--company-token", "--customer-token")
        and ARGS[i - 1] not in ("--company-token", "--customer-token")
    ]
    monkeypatch.setattr(
        "sys.stdin", io.StringIO(f"{fw.COMPANY_TOKEN}\n{fw.CUSTOMER_TOKEN}\nsigning-secret-0123456789\n")
    )
    call_command("connect-supplier", *without_tokens, "--secrets-stdin")
    supplier = Supplier.objects.get()
    assert supplier.company_token == fw.COMPANY_TOKEN and supplier.customer_token == fw.CUSTOMER_TOKEN
    assert supplier.webhook_secret == "signing-secret-0123456789"


def test_connect_supplier_without_tokens_says_how_to_give_them(wholesaler):
    without_tokens = [
        a
        for i, a in enumerate(ARGS)
        if a not in ("--company-token", "--customer-token")
        and ARGS[i - 1] not in ("--company-token", "--customer-token")
    ]
    with pytest.raises(CommandError, match="--company-token, --customer-token"):
        call_command("connect-supplier", *without_tokens)
    assert Supplier.objects.count() == 0


def test_the_launcher_can_hand_everything_over_in_the_environment(wholesaler, monkeypatch, capsys):
    without_tokens = [
        a
        for i, a in enumerate(ARGS)
        if a not in ("--company-token", "--customer-token")
        and ARGS[i - 1] not in ("--company-token", "--customer-token")
    ]
    monkeypatch.setenv("MARKETPLACE_COMPANY_TOKEN", fw.COMPANY_TOKEN)
    monkeypatch.setenv("MARKETPLACE_CUSTOMER_TOKEN", fw.CUSTOMER_TOKEN)
    monkeypatch.setenv("MARKETPLACE_WEBHOOK_SECRET", "from-the-environment-0123456789")
    monkeypatch.setenv("MARKETPLACE_DEMO_PASSWORD", "demo-password-1")
    call_command("setup-demo-supplier", *without_tokens, "--florist-email", "daisy@example.com")
    supplier = Supplier.objects.get()
    assert supplier.company_token == fw.COMPANY_TOKEN
    assert supplier.webhook_secret == "from-the-environment-0123456789"
    assert Florist.objects.get().user.check_password("demo-password-1")
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.get(username="operator").check_password("demo-password-1")
    first_line = capsys.readouterr().out.splitlines()[0]
    assert first_line.split()[:2] == ["Supplier", str(supplier.pk)]
