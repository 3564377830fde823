"""Company use cases: the current company of a user and the company's sales settings."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from stemlink.errors import NotFound, ValidationFailed
from stemlink.tenancy.models import Membership
from stemlink.tenancy.services import current_company_for, memberships_of, update_company_settings
from tests.factories import World, make_user

pytestmark = pytest.mark.django_db

GOOD = {
    "transaction_fee_percent": "1.75",
    "checkout_timer_minutes": "20",
    "autoconfirm_on_checkout": True,
    "gross_margin_percent": "25.5",
    "standing_order_lead_days": "5",
}


def test_current_company_is_the_users_active_membership(world: World, other_world: World) -> None:
    user = make_user(world.company)
    assert current_company_for(user) == world.company
    with pytest.raises(NotFound):
        current_company_for(user, other_world.company.pk)
    Membership.objects.filter(user=user).update(active=False)
    with pytest.raises(NotFound):
        current_company_for(user)


def test_a_deactivated_company_is_nobodys_current_company(world: World) -> None:
    user = make_user(world.company)
    world.company.active = False
    world.company.save()
    with pytest.raises(NotFound):
        current_company_for(user)
    assert memberships_of(user) == []


def test_anonymous_has_no_company(db: object) -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotFound):
        current_company_for(AnonymousUser())
    assert get_user_model().objects.count() == 0


def test_updates_settings_and_names_what_changed(world: World) -> None:
    changed = update_company_settings(world.company, **GOOD)
    assert set(changed) == set(GOOD)
    world.company.refresh_from_db()
    assert world.company.gross_margin_percent == Decimal("25.50")
    assert update_company_settings(world.company, **GOOD) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("transaction_fee_percent", "-0.01"),
        ("transaction_fee_percent", "100.01"),
        ("transaction_fee_percent", "1.234"),
        ("transaction_fee_percent", "NaN"),
        ("gross_margin_percent", "95.5"),
        ("checkout_timer_minutes", "0"),
        ("checkout_timer_minutes", "1441"),
        ("checkout_timer_minutes", "ten"),
        ("standing_order_lead_days", "61"),
    ],
)
def test_refuses_out_of_range_values_and_changes_nothing(world: World, field: str, value: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        update_company_settings(world.company, **{**GOOD, field: value})
    assert [e.field for e in refused.value.errors] == [field]
    world.company.refresh_from_db()
    assert world.company.transaction_fee_percent == Decimal("1.50")
