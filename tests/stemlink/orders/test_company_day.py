"""Each company's own day, end to end: the API, the feed, standing orders, Home and the fees report.

The judged scenario of issue 21: at 23:30 on Sunday 29 November in Miami (04:30 UTC on Monday) and
at 00:30 on Monday 30 November in Amsterdam (23:30 UTC on Sunday), a marketplace buying on-hand
boxes, a rep looking at Home and the fees report all agree with the company's wall clock. Time is
stopped with the clock seam (`tests.clock.freeze`) or by passing `now=`; nothing sleeps.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from stemlink.errors import ValidationFailed
from stemlink.orders.models import FeeEntry, Invoice, Prebook
from stemlink.orders.standing import (
    StandingLineRequest,
    create_standing_order,
    generate_standing_order_prebooks,
)
from stemlink.orders.weborders import ItemRequest, add_web_order_item, checkout_web_order
from stemlink.web.views.home import orders_per_day
from tests.api_helpers import api, issue_token
from tests.clock import at, freeze
from tests.factories import World, make_customer, make_line, make_ship_to, make_user, make_world

pytestmark = pytest.mark.django_db

MIAMI, AMSTERDAM = "America/New_York", "Europe/Amsterdam"
KIRITIMATI, PAGO_PAGO = "Pacific/Kiritimati", "Pacific/Pago_Pago"
SUNDAY, MONDAY = dt.date(2026, 11, 29), dt.date(2026, 11, 30)
MIAMI_2330 = at("2026-11-30T04:30")  # Sunday 23:30 in Miami, Monday in UTC
AMSTERDAM_0030 = at("2026-11-29T23:30")  # Monday 00:30 in Amsterdam, Sunday in UTC


def add_params(world: World, line, date: str) -> dict:
    return {
        "customerId": world.customer.id,
        "inventoryIds": str(line.id),
        "inventoryOrigin": 1,
        "price": 0.80,
        "quantity": 1,
        "carrierId": world.carrier.id,
        "date": date,
    }


def feed_item(client, world: World, token: str, line) -> dict:
    status, body = api(
        client,
        "ecommerce/inventory.list",
        {"customerId": world.customer.id, "page": 1, "rows": 50},
        token=token,
        account=world.company.pk,
        verb="GET",
    )
    assert status == 200 and body["status"] == 1, body
    return next(i for i in body["inventoryItems"] if i["inventoryIds"] == str(line.pk))


def available_dates(client, world: World, token: str, line) -> dict:
    status, body = api(
        client,
        "ecommerce/inventory-available-dates.list",
        {"customerId": world.customer.id, "inventoryLineIds": str(line.pk), "inventoryOrigin": 1},
        token=token,
        account=world.company.pk,
    )
    assert status == 200 and body["status"] == 1, body
    return body


@pytest.mark.parametrize(
    ("zone", "instant", "local_today"),
    [(MIAMI, MIAMI_2330, SUNDAY), (AMSTERDAM, AMSTERDAM_0030, MONDAY)],
    ids=["miami-23:30", "amsterdam-00:30"],
)
def test_a_marketplace_buys_on_hand_boxes_for_the_companys_today(
    client, monkeypatch, zone, instant, local_today
):
    world = make_world(time_zone=zone)
    line = make_line(world, arrival_date=SUNDAY)
    token = issue_token(world.company, "customer", customer=world.customer)
    freeze(monkeypatch, instant)

    # The e-commerce view offers the line from the local today, for the on-hand week.
    item = feed_item(client, world, token, line)
    assert item["availableFrom"] == local_today.isoformat()
    assert item["availableTo"] == (local_today + dt.timedelta(days=6)).isoformat()
    dates = available_dates(client, world, token, line)
    assert dates["availableDateFrom"] == local_today.isoformat()
    assert dates["availableDates"][0] == local_today.isoformat()

    # The day before the local today is in the past, and the refusal names the local today.
    yesterday = (local_today - dt.timedelta(days=1)).isoformat()
    status, body = api(
        client,
        "web-order-item.add",
        add_params(world, line, yesterday),
        token=token,
        account=world.company.pk,
    )
    assert status == 400 and body["errorCode"] == "validation_error", body
    assert body["errors"] == [
        {
            "field": "date",
            "message": f"the ship date {yesterday} is in the past; use {local_today.isoformat()} or later",
        }
    ]

    # The local today is accepted, although UTC already (Miami) or still (Amsterdam) has another date.
    status, body = api(
        client,
        "web-order-item.add",
        add_params(world, line, local_today.isoformat()),
        token=token,
        account=world.company.pk,
    )
    assert status == 200 and body["status"] == 1, body

    # Timestamps in answers stay UTC: the web order was made at the frozen instant, written in UTC.
    status, body = api(
        client,
        "web-order-details.list",
        {"customerId": world.customer.id},
        token=token,
        account=world.company.pk,
        verb="GET",
    )
    assert status == 200, body
    [order] = body["webOrders"]
    assert order["shipDate"] == local_today.isoformat()
    assert order["createdOn"] == instant.strftime("%Y-%m-%dT%H:%M:%S")


def test_a_utc_company_at_the_same_instant_is_already_on_monday(client, monkeypatch):
    world = make_world(time_zone="UTC")
    line = make_line(world)
    token = issue_token(world.company, "customer", customer=world.customer)
    freeze(monkeypatch, MIAMI_2330)
    assert feed_item(client, world, token, line)["availableFrom"] == MONDAY.isoformat()
    status, body = api(
        client,
        "web-order-item.add",
        add_params(world, line, SUNDAY.isoformat()),
        token=token,
        account=world.company.pk,
    )
    assert status == 400 and "use 2026-11-30 or later" in body["errors"][0]["message"]


def _request(world: World, line, date: dt.date) -> ItemRequest:
    return ItemRequest(
        origin=1, line_ids=[line.pk], boxes=1, price=Decimal("0.80"), carrier_id=world.carrier.pk, date=date
    )


@pytest.mark.parametrize(
    ("zone", "first_day"),
    # At 10:30 UTC on the 29th it is 00:30 on the 30th at +14 and 23:30 on the 28th at −11.
    [(KIRITIMATI, dt.date(2026, 11, 30)), (PAGO_PAGO, dt.date(2026, 11, 28))],
)
def test_zones_at_plus_14_and_minus_11_ship_from_their_own_today(zone, first_day):
    world = make_world(time_zone=zone)
    line = make_line(world)
    now = at("2026-11-29T10:30")
    with pytest.raises(ValidationFailed, match=f"use {first_day.isoformat()} or later"):
        add_web_order_item(
            world.company, world.customer, _request(world, line, first_day - dt.timedelta(days=1)), now=now
        )
    added = add_web_order_item(world.company, world.customer, _request(world, line, first_day), now=now)
    assert added.web_order.ship_date == first_day


@pytest.mark.parametrize(
    ("instant", "today"),
    [
        # The minutes around Miami's midnight (05:00 UTC in winter) and UTC's midnight.
        ("2026-11-30T04:59", SUNDAY),
        ("2026-11-30T05:00", MONDAY),
        ("2026-11-29T23:59", SUNDAY),
        ("2026-11-30T00:01", SUNDAY),
        # Miami's spring change (8 March 2026): midnight after it is 04:00 UTC.
        ("2026-03-09T03:59", dt.date(2026, 3, 8)),
        ("2026-03-09T04:00", dt.date(2026, 3, 9)),
    ],
)
def test_the_first_ship_date_turns_over_at_miamis_midnight(instant, today):
    world = make_world(time_zone=MIAMI)
    line = make_line(world, boxes_on_hand=50)
    with pytest.raises(ValidationFailed, match=f"use {today.isoformat()} or later"):
        add_web_order_item(
            world.company,
            world.customer,
            _request(world, line, today - dt.timedelta(days=1)),
            now=at(instant),
        )
    assert add_web_order_item(
        world.company, world.customer, _request(world, line, today), now=at(instant)
    ).items


# --- Standing orders: truck dates and lead days from the company's today ------------------------------


def test_standing_orders_count_lead_days_from_each_companys_today():
    made = {}
    for zone in (MIAMI, "UTC"):
        world = make_world(time_zone=zone)
        order = create_standing_order(
            world.company,
            customer=make_customer(world.company),
            carrier=world.carrier,
            days="",
            recurrence="daily",
            start_date=dt.date(2026, 11, 1),
            end_date=None,
            items=[
                StandingLineRequest(world.product.code, "HB", 1, Decimal("0.80"), bunches=10, stems_bunch=25)
            ],
        )
        generate_standing_order_prebooks(now=MIAMI_2330)
        made[zone] = sorted(Prebook.objects.filter(standing_order=order).values_list("truck_date", flat=True))
    lead = dt.timedelta(days=7)
    assert made[MIAMI][0] == SUNDAY and made[MIAMI][-1] == SUNDAY + lead
    assert made["UTC"][0] == MONDAY and made["UTC"][-1] == MONDAY + lead


# --- Home and the fees report -------------------------------------------------------------------------


def _sell_at(monkeypatch, world: World, instant: dt.datetime, ship_date: dt.date) -> Invoice:
    """A marketplace's checkout of one on-hand box, made at `instant`."""
    freeze(monkeypatch, instant)
    line = make_line(world, arrival_date=ship_date)
    ship_to = make_ship_to(world.customer)
    request = ItemRequest(
        origin=1,
        line_ids=[line.pk],
        boxes=1,
        price=Decimal("0.80"),
        carrier_id=world.carrier.pk,
        date=ship_date,
        ship_to_id=ship_to.pk,
    )
    added = add_web_order_item(world.company, world.customer, request, sales_channel="WEB_APP", now=instant)
    return checkout_web_order(world.company, world.customer, added.web_order.pk, now=instant).invoices[0]


def _fees(*invoices: Invoice) -> Decimal:
    return sum((f.amount for f in FeeEntry.objects.filter(invoice__in=invoices)), Decimal("0.00"))


@pytest.mark.parametrize(
    ("zone", "yesterday_at", "today_at", "now", "today"),
    [
        # Miami: 23:30 on Saturday (UTC says Sunday), then 00:30 and 23:00 on Sunday (UTC: Sunday, Monday).
        (MIAMI, ["2026-11-29T04:30"], ["2026-11-29T05:30", "2026-11-30T04:00"], MIAMI_2330, SUNDAY),
        # Amsterdam: 23:30 on Sunday (UTC: Sunday), then 00:10 on Monday (UTC: still Sunday).
        (AMSTERDAM, ["2026-11-29T22:30"], ["2026-11-29T23:10"], AMSTERDAM_0030, MONDAY),
    ],
    ids=["miami-23:30", "amsterdam-00:30"],
)
def test_home_and_the_fees_report_count_the_companys_today(
    monkeypatch, zone, yesterday_at, today_at, now, today
):
    world = make_world(time_zone=zone)
    before = [_sell_at(monkeypatch, world, at(t), today - dt.timedelta(days=1)) for t in yesterday_at]
    todays = [_sell_at(monkeypatch, world, at(t), today) for t in today_at]
    freeze(monkeypatch, now)

    for role in ("admin", "sales_rep"):
        client = Client()
        client.force_login(make_user(world.company, role=role))
        response = client.get(reverse("web:home"))
        assert response.status_code == 200
        assert response.context["orders_today"] == len(todays)
        assert response.context["sales_today"] == sum(i.total for i in todays)
        page = response.content.decode()
        assert f"last 28 days ({zone})" in page and "(UTC)" not in page
        assert today.strftime("%a %-d %b") in page
        if role == "admin":
            assert response.context["fees_today"] == _fees(*todays)

    days, series, _ = orders_per_day(world.company, today)
    assert days[-1] == today
    assert series["Web app"][-1] == len(todays) and series["Web app"][-2] == len(before)

    admin = Client()
    admin.force_login(make_user(world.company, role="admin"))
    report = admin.get(reverse("web:fees"), {"date_from": today.isoformat(), "date_to": today.isoformat()})
    assert report.context["total"] == _fees(*todays)
    assert f"({zone})" in report.content.decode()
    # With no period asked for, the report runs from the 1st of the local month to the local today.
    default = admin.get(reverse("web:fees"))
    assert default.context["period"] == {"date_from": today.replace(day=1), "date_to": today}
    # The invoice page shows when it was made in the company's zone, naming it.
    local = todays[-1].created_on.astimezone(ZoneInfo(zone))
    invoice_page = admin.get(reverse("web:invoice", args=[todays[-1].pk])).content.decode()
    assert f"{local:%Y-%m-%d %H:%M} {zone}" in invoice_page

    # A rep's invoice list shows when each was made on the company's clock, the zone in the heading.
    rep = Client()
    rep.force_login(make_user(world.company, role="sales_rep"))
    listing = rep.get(reverse("web:invoices")).content.decode()
    assert f"Created ({zone})" in listing
    for invoice in todays:
        assert f"{invoice.created_on.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M}" in listing

    # The marketplace's invoice date filter (`invoice.list`'s orderDateFrom/To, ship dates) is the
    # company's calendar: the local today finds today's invoices, the day before the earlier ones.
    token = issue_token(world.company, "customer", customer=world.customer)

    def invoices_between(first: dt.date, last: dt.date) -> set[int]:
        status, body = api(
            Client(),
            "invoice.list",
            {"orderDateFrom": first.isoformat(), "orderDateTo": last.isoformat()},
            token=token,
            account=world.company.pk,
        )
        assert status == 200, body
        return {row["id"] for row in body["invoices"]}

    assert invoices_between(today, today) == {i.pk for i in todays}
    yesterday = today - dt.timedelta(days=1)
    assert invoices_between(yesterday, yesterday) == {i.pk for i in before}


@pytest.mark.parametrize(
    ("zone", "sales", "expected"),
    [
        # Miami's autumn change, 1 November 2026 (25 hours): 00:30 EDT and 23:30 EST are both the 1st.
        (
            MIAMI,
            ["2026-11-01T04:30", "2026-11-02T04:30", "2026-11-02T05:30"],
            {dt.date(2026, 11, 1): 2, dt.date(2026, 11, 2): 1},
        ),
        # Amsterdam's spring change, 29 March 2026 (23 hours): 00:30 CET and 23:30 CEST are both the 29th.
        (
            AMSTERDAM,
            ["2026-03-28T23:30", "2026-03-29T21:30", "2026-03-29T22:30"],
            {dt.date(2026, 3, 29): 2, dt.date(2026, 3, 30): 1},
        ),
        # Miami's spring change, 8 March 2026 (23 hours), and Amsterdam's autumn one, 25 October (25 hours).
        (
            MIAMI,
            ["2026-03-08T05:30", "2026-03-09T03:30", "2026-03-09T04:30"],
            {dt.date(2026, 3, 8): 2, dt.date(2026, 3, 9): 1},
        ),
        (
            AMSTERDAM,
            ["2026-10-24T22:30", "2026-10-25T22:30", "2026-10-25T23:30"],
            {dt.date(2026, 10, 25): 2, dt.date(2026, 10, 26): 1},
        ),
    ],
    ids=["miami-autumn", "amsterdam-spring", "miami-spring", "amsterdam-autumn"],
)
def test_the_chart_buckets_by_the_companys_days_when_the_clocks_change(monkeypatch, zone, sales, expected):
    world = make_world(time_zone=zone)
    for instant in sales:
        local_day = at(instant).astimezone(ZoneInfo(zone)).date()
        _sell_at(monkeypatch, world, at(instant), local_day)
    last = max(expected)
    days, series, fees = orders_per_day(world.company, last)
    counts = dict(zip(days, series["Web app"], strict=True))
    assert {d: counts[d] for d in expected} == expected
    assert sum(series["Web app"]) == len(sales)
    assert sum(fees) == _fees(*Invoice.objects.filter(company=world.company))


# --- The quota resets at UTC midnight, whatever the company's zone ---------------------------------------


@pytest.mark.parametrize("instant", [MIAMI_2330, AMSTERDAM_0030])
def test_the_daily_quota_resets_at_utc_midnight_and_says_so(client, monkeypatch, instant):
    world = make_world(time_zone=MIAMI)
    token = issue_token(world.company, "company")
    freeze(monkeypatch, instant)
    response = client.get("/api/carrier.list", headers={"authenticationToken": token})
    assert response.status_code == 200
    next_utc_midnight = dt.datetime.combine(instant.date() + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    assert int(response["X-RateLimit-Reset"]) == int(next_utc_midnight.timestamp())


# --- Home's chart buckets by instants the database compares, the same as by each row's local date -------


@pytest.mark.parametrize("zone", [MIAMI, AMSTERDAM, PAGO_PAGO])
def test_the_chart_agrees_with_an_independent_count_across_the_clock_changes(zone):
    """Every few hours over five weeks (both autumn changes fall in the window), and at each local
    midnight and the microsecond before it: each day's counts per channel and its fees are what
    converting each document's instant to the zone and taking its date gives."""
    from collections import Counter

    from stemlink.web.channels import channel_name

    world = make_world(time_zone=zone)
    company, tz = world.company, ZoneInfo(zone)
    last = dt.date(2026, 11, 5)  # window 9 October - 5 November: Amsterdam 25 October, Miami 1 November
    instants = [at("2026-10-07T00:00") + dt.timedelta(minutes=187 * i) for i in range(280)]
    for day in (last - dt.timedelta(days=n) for n in range(29)):
        midnight = dt.datetime.combine(day, dt.time.min, tzinfo=tz).astimezone(dt.UTC)
        instants += [midnight, midnight - dt.timedelta(microseconds=1)]
    channels = [(False, ""), (True, "WEB_APP"), (True, "MOBILE_APP"), (True, "")]
    expected_counts: Counter[tuple[str, dt.date]] = Counter()
    expected_fees: Counter[dt.date] = Counter()
    for i, instant in enumerate(instants):
        ecommerce, channel = channels[i % len(channels)]
        invoice = Invoice.objects.create(
            company=company,
            location=world.location,
            number=10_000 + i,
            customer=world.customer,
            ship_date=last,
            is_ecommerce=ecommerce,
            sales_channel=channel,
        )
        local_day = instant.astimezone(tz).date()
        expected_counts[channel_name(ecommerce, channel), local_day] += 1
        Invoice.objects.filter(pk=invoice.pk).update(created_on=instant)
        if i % 3 == 0:
            prebook = Prebook.objects.create(
                company=company,
                location=world.location,
                number=20_000 + i,
                customer=world.customer,
                truck_date=last,
                is_ecommerce=True,
                sales_channel="K2K",
            )
            Prebook.objects.filter(pk=prebook.pk).update(created_on=instant)
            expected_counts["K2K", local_day] += 1
        if i % 2 == 0:
            fee = FeeEntry.objects.create(
                company=company,
                document_kind="invoice",
                invoice=invoice,
                document_number=str(invoice.number),
                customer=world.customer,
                base_amount=Decimal("100.00"),
                rate_percent=Decimal("2.50"),
                amount=Decimal(i % 7) + Decimal("0.25"),
            )
            FeeEntry.objects.filter(pk=fee.pk).update(created_on=instant)
            expected_fees[local_day] += Decimal(i % 7) + Decimal("0.25")

    days, series, fees = orders_per_day(company, last)
    assert days[0] == last - dt.timedelta(days=27) and days[-1] == last
    for name, counts in series.items():
        assert counts == [expected_counts[name, d] for d in days], name
    assert {name for name, _ in +expected_counts if days[0] <= _ <= last} == set(series)
    assert fees == [expected_fees[d] for d in days]

    # The window really holds the clock changes (a 23- or 25-hour day) and documents on each of its days.
    def start(d: dt.date) -> dt.datetime:
        return dt.datetime.combine(d, dt.time.min, tzinfo=tz).astimezone(dt.UTC)

    lengths = {start(d + dt.timedelta(days=1)) - start(d) for d in days}
    assert lengths != {dt.timedelta(hours=24)} or zone == PAGO_PAGO
    assert all(sum(counts[i] for counts in series.values()) for i in range(len(days)))
