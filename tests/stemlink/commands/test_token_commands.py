"""`stemlink companies` and `stemlink tokens`."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from stemlink.api.models import ApiToken
from stemlink.api.services import authenticate_token
from stemlink.cli import main


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_companies_lists_company_ids(world, other_world):
    output = run("companies")
    assert "Company ID" in output
    assert f"{world.company.pk}" in output and "Sunrise Flowers" in output and "Other Wholesaler" in output


def test_create_prints_a_working_token_once_and_stores_only_its_digest(world):
    output = run(
        "tokens",
        "create",
        "--company",
        str(world.company.pk),
        "--type",
        "customer",
        "--customer",
        str(world.customer.pk),
        "--methods",
        "customer.details.get,customer.shipto.list",
        "--description",
        "BloomNet",
        "--transactional",
    )
    raw = output.splitlines()[1]
    token = authenticate_token(raw)
    assert token.customer == world.customer and token.description == "BloomNet" and token.transactional
    assert token.methods == ["customer.details.get", "customer.shipto.list"]
    listing = run("tokens", "list", "--company", str(world.company.pk))
    assert raw not in listing and raw[:6] in listing and "BloomNet" in listing


def test_all_methods_and_revoke(world):
    output = run(
        "tokens", "create", "--company", str(world.company.pk), "--type", "company", "--methods", "all"
    )
    raw = output.splitlines()[1]
    token = ApiToken.objects.get()
    assert "carrier.list" in token.methods
    run("tokens", "revoke", str(token.pk))
    assert "has no tokens" in run("tokens", "list", "--company", str(world.company.pk))
    assert "revoked" in run("tokens", "list", "--company", str(world.company.pk), "--all")
    with pytest.raises(Exception, match="revoked"):
        authenticate_token(raw)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--company", "999999", "--type", "company", "--methods", "all"], "no company 999999"),
        (["--type", "customer", "--methods", "all"], "customer token needs"),
        (["--type", "company", "--methods", "carrier.list,teleport"], "unknown method"),
        (["--type", "customer", "--customer", "999999", "--methods", "all"], "no customer 999999"),
        (["--type", "vendor", "--vendor", "999999", "--methods", "all"], "no vendor 999999"),
    ],
)
def test_bad_input_is_a_clear_error(world, args, message):
    if "--company" not in args:
        args = ["--company", str(world.company.pk), *args]
    with pytest.raises(CommandError, match=message):
        run("tokens", "create", *args)
    assert not ApiToken.objects.exists()


def test_a_second_token_for_the_same_customer_is_refused(world):
    args = ["tokens", "create", "--company", str(world.company.pk), "--type", "customer"]
    args += ["--customer", str(world.customer.pk), "--methods", "all"]
    run(*args)
    with pytest.raises(CommandError, match="already has a token"):
        run(*args)


def test_from_the_command_line_bad_input_exits_non_zero_without_a_traceback(world, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["stemlink", "tokens", "revoke", "424242"])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "no token 424242" in err and "Traceback" not in err
    with pytest.raises(SystemExit) as exit_info:
        main(["stemlink", "tokens", "create", "--company", "abc", "--type", "company", "--methods", "all"])
    assert exit_info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_disable_enable_and_regenerate(world):
    output = run(
        "tokens", "create", "--company", str(world.company.pk), "--type", "company", "--methods", "all"
    )
    old = output.splitlines()[1]
    token = ApiToken.objects.get()
    run("tokens", "disable", str(token.pk))
    assert "disabled" in run("tokens", "list", "--company", str(world.company.pk))
    run("tokens", "enable", str(token.pk))
    new = run("tokens", "regenerate", str(token.pk)).splitlines()[1]
    assert new != old and authenticate_token(new).pk == token.pk


def test_methods_lists_what_a_type_may_call():
    names = run("tokens", "methods", "--type", "vendor").split()
    assert "boxtype.list" in names and "customer.add" not in names
