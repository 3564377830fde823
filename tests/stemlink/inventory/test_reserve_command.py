"""`stemlink reserve`: reserve boxes for one customer from the command line."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from stemlink.inventory.models import InventoryLine
from tests.factories import make_line

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("reserve", *args, stdout=out)
    return out.getvalue()


def test_reserves_lists_and_releases_boxes_for_a_customer(world):
    line = make_line(world, boxes_on_hand=10)
    company, customer = str(world.company.pk), str(world.customer.pk)
    said = run("add", "--company", company, "--line", str(line.pk), "--customer", customer, "--boxes", "4")
    reserved = InventoryLine.objects.get(reserved_for=world.customer)
    assert f"as line {reserved.pk}" in said and reserved.boxes_on_hand == 4
    assert f"line {reserved.pk}: Rose Freedom 50cm" in run(
        "list", "--company", company, "--customer", customer
    )
    said = run("release", "--company", company, "--line", str(reserved.pk))
    assert "Released 4 box(es)" in said
    assert "Nothing is reserved" in run("list", "--company", company, "--customer", customer)


def test_says_why_a_reservation_is_refused(world, other_world):
    line = make_line(world, boxes_on_hand=2)
    with pytest.raises(CommandError, match="only 2 free box"):
        run(
            "add",
            "--company",
            str(world.company.pk),
            "--line",
            str(line.pk),
            "--customer",
            str(world.customer.pk),
            "--boxes",
            "5",
        )
    with pytest.raises(CommandError, match="not found"):
        run(
            "add",
            "--company",
            str(other_world.company.pk),
            "--line",
            str(line.pk),
            "--customer",
            str(other_world.customer.pk),
        )
    with pytest.raises(CommandError, match="no company"):
        run("list", "--company", "99999", "--customer", "1")
