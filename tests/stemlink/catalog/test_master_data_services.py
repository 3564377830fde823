"""The services behind Setup's master-data pages and the imports: they name every bad field,
keep codes unique per company, and never touch another company's records."""

from __future__ import annotations

from decimal import Decimal

import pytest

from stemlink.catalog.models import Product
from stemlink.catalog.services import (
    category_named,
    save_box_type,
    save_carrier,
    save_product,
    save_vendor,
)
from stemlink.customers.services import update_customer
from stemlink.errors import InvalidState, NotFound, ValidationFailed
from stemlink.tenancy.services import add_member, change_member, save_location
from tests.factories import World, make_customer

pytestmark = pytest.mark.django_db


def _fields(exc: pytest.ExceptionInfo[ValidationFailed]) -> set[str]:
    return {e.field for e in exc.value.errors}


def test_save_product_names_every_bad_field_and_refuses_another_companys_category(
    world: World, other_world: World
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        save_product(world.company, None, code="", description="x" * 300, category_id=world.roses.pk)
    assert _fields(exc) == {"code", "description"}
    with pytest.raises(ValidationFailed) as exc:
        save_product(world.company, None, code="NEW", description="New", category_id=other_world.roses.pk)
    assert _fields(exc) == {"category"}
    with pytest.raises(NotFound):
        save_product(world.company, other_world.product, description="Stolen")
    other_world.product.refresh_from_db()
    assert other_world.product.description != "Stolen"


def test_codes_are_unique_per_company_not_across_companies(world: World, other_world: World) -> None:
    product = save_product(
        world.company,
        None,
        code=other_world.product.code,
        description="Same code",
        category_id=world.roses.pk,
    )
    assert product.company == world.company
    with pytest.raises(ValidationFailed) as exc:
        save_product(world.company, None, code=product.code, description="Again", category_id=world.roses.pk)
    assert _fields(exc) == {"code"}
    assert Product.objects.filter(company=world.company, code=product.code).count() == 1


def test_box_types_carriers_growers_and_locations(world: World) -> None:
    box = save_box_type(world.company, None, code="eb", description="Eighth", fbe=Decimal("0.125"))
    assert box.code == "EB"
    with pytest.raises(ValidationFailed) as exc:
        save_box_type(world.company, None, code="TOOLONG", fbe=Decimal("0"))
    assert {"code", "fbe"} <= _fields(exc)
    assert save_carrier(world.company, world.carrier, active=False).active is False
    with pytest.raises(ValidationFailed):
        save_vendor(world.company, None, code=world.vendor.code, name="Twin")
    with pytest.raises(ValidationFailed) as exc:
        save_location(world.company, world.location, active=False)
    assert _fields(exc) == {"active"}


def test_category_named_finds_any_case_and_makes_one_when_asked(world: World) -> None:
    assert category_named(world.company, "ROSES") == world.roses
    assert category_named(world.company, "Tulips") is None
    made = category_named(world.company, "Tulips", create=True)
    assert made is not None and made.company == world.company


def test_update_customer_refuses_a_rep_or_carrier_of_another_company(
    world: World, other_world: World
) -> None:
    customer = make_customer(world.company)
    with pytest.raises(ValidationFailed) as exc:
        update_customer(customer, default_carrier_id=other_world.carrier.pk, code=world.customer.code)
    assert _fields(exc) == {"default_carrier", "code"}
    customer.refresh_from_db()
    assert customer.default_carrier is None


def test_a_company_keeps_an_active_administrator(world: World) -> None:
    admin, _ = add_member(world.company, username="boss", role="admin")
    with pytest.raises(InvalidState):
        change_member(world.company, admin.pk, role="sales_rep")
    second, _ = add_member(world.company, username="boss2", role="admin")
    assert change_member(world.company, admin.pk, active=False).active is False
    with pytest.raises(InvalidState):
        change_member(world.company, second.pk, active=False)
