"""Standing orders paused, resumed and ended: a paused one makes no prebooks until resumed, an
ended one never again; the API lists them by those statuses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from stemlink.errors import InvalidState, NotFound, ValidationFailed
from stemlink.orders import rules
from stemlink.orders.models import Prebook, StandingOrderStatus
from stemlink.orders.standing import (
    StandingLineRequest,
    change_standing_order,
    create_standing_order,
    generate_standing_order_prebooks,
    next_truck_dates,
)
from tests.api_helpers import api, issue_token
from tests.factories import make_customer, make_world

MONDAY = dt.date(2026, 6, 1)


def _standing(world, start=MONDAY, end=None):
    return create_standing_order(
        world.company,
        customer=make_customer(world.company, name="Petals Inc"),
        carrier=world.carrier,
        days="Monday,Thursday",
        start_date=start,
        end_date=end,
        items=[
            StandingLineRequest(
                product_code=world.product.code,
                box_type_code="HB",
                boxes=2,
                price=Decimal("0.80"),
                bunches=10,
                stems_bunch=25,
            )
        ],
    )


def test_the_status_table_allows_only_its_moves() -> None:
    S, A = rules.StandingState, rules.StandingAction
    assert rules.standing_transition(S.ACTIVE, A.PAUSE) == S.PAUSED
    assert rules.standing_transition(S.PAUSED, A.RESUME) == S.ACTIVE
    assert rules.standing_transition(S.PAUSED, A.END) == S.ENDED
    for state, action in ((S.ACTIVE, A.RESUME), (S.PAUSED, A.PAUSE), (S.ENDED, A.RESUME), (S.ENDED, A.END)):
        with pytest.raises(InvalidState):
            rules.standing_transition(state, action)
    today = dt.date(2026, 6, 10)
    assert rules.standing_end_date(dt.date(2026, 6, 1), None, today) == today
    assert rules.standing_end_date(dt.date(2026, 6, 1), dt.date(2026, 6, 5), today) == dt.date(2026, 6, 5)
    assert rules.standing_end_date(dt.date(2026, 7, 1), None, today) is None


@pytest.mark.django_db
def test_paused_makes_nothing_resumed_makes_the_dates_ahead_ended_never_again(world):
    order = _standing(world)
    assert next_truck_dates(order, MONDAY) == [
        MONDAY,
        dt.date(2026, 6, 4),
        dt.date(2026, 6, 8),
        dt.date(2026, 6, 11),
    ]
    change_standing_order(world.company, order.pk, "pause", today=MONDAY)
    order.refresh_from_db()
    assert order.status == StandingOrderStatus.PAUSED and next_truck_dates(order, MONDAY) == []
    assert generate_standing_order_prebooks(today=MONDAY) == 0
    assert not Prebook.objects.filter(standing_order=order).exists()

    change_standing_order(world.company, order.pk, "resume", today=MONDAY)
    assert generate_standing_order_prebooks(today=MONDAY) == 3  # Jun 1, 4, 8 within 7 lead days
    with pytest.raises(InvalidState, match="active"):
        change_standing_order(world.company, order.pk, "resume")

    ended = change_standing_order(world.company, order.pk, "end", today=dt.date(2026, 6, 5))
    assert ended.status == StandingOrderStatus.CANCELLED and ended.end_date == dt.date(2026, 6, 5)
    assert generate_standing_order_prebooks(today=dt.date(2026, 6, 9)) == 0
    with pytest.raises(InvalidState, match="ended"):
        change_standing_order(world.company, order.pk, "resume")
    assert Prebook.objects.filter(standing_order=order).count() == 3  # those made stay


@pytest.mark.django_db
def test_another_companys_order_or_a_junk_action_is_refused(world):
    order = _standing(world)
    neighbour = make_world("Neighbour")
    with pytest.raises(NotFound):
        change_standing_order(neighbour.company, order.pk, "pause")
    with pytest.raises(ValidationFailed) as junk:
        change_standing_order(world.company, order.pk, "snooze")
    assert junk.value.errors[0].field == "action"
    order.refresh_from_db()
    assert order.status == StandingOrderStatus.ACTIVE


@pytest.mark.django_db
def test_the_api_lists_a_paused_order_as_paused_and_not_as_active(client, world):
    order = _standing(world)
    change_standing_order(world.company, order.pk, "pause")
    token = issue_token(world.company, "company")
    period = {"dateFrom": "2026-06-01", "dateTo": "2026-06-30"}
    _, active = api(client, "standing.order.list", period, token=token, verb="GET")
    assert active["standingOrders"] == []
    status, paused = api(
        client, "standing.order.list", {**period, "status": "Paused"}, token=token, verb="GET"
    )
    assert status == 200
    [row] = paused["standingOrders"]
    assert row["id"] == order.pk and row["status"] == "Paused"
    status, refused = api(
        client, "standing.order.list", {**period, "status": "Asleep"}, token=token, verb="GET"
    )
    assert status == 400 and "Paused" in str(refused)
