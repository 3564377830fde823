"""Standing orders: a customer's weekly order, and the prebooks the worker makes from it.

A standing order names its weekdays, start and end dates, carrier and lines. The worker calls
`generate_standing_order_prebooks` again and again; each run makes the prebook of every truck
date that has come within the company's lead days (default 7), exactly once per truck date: the
prebook table has a unique constraint on (standing order, truck date), each prebook is written in
its own savepoint, and a worker that loses the race to another gets the constraint's refusal and
skips that date. Any number of workers may run at once, on SQLite or PostgreSQL.

A standing order may not use a customer whose inventory is reserved (the marketplace customer
that `reservedInventory` lists for): its prebooks would draw on the same boxes the marketplace
sells, and the two would corrupt each other. Such a customer is refused when the standing order
is made, and skipped (with a log line) if it gets reserved inventory later.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet

from stemlink.catalog.models import BoxType, Carrier, Product
from stemlink.customers.models import Customer, ShipTo
from stemlink.customers.services import unit_price_for
from stemlink.errors import FieldError, InvalidState, NotFound, PriceChanged, ValidationFailed
from stemlink.inventory import rules as inventory_rules
from stemlink.inventory.models import FutureLine, InventoryLine, InventoryType
from stemlink.orders import fees, numbering, periods, rules
from stemlink.orders.models import (
    Prebook,
    PrebookItem,
    PrebookType,
    StandingOrder,
    StandingOrderItem,
    StandingOrderStatus,
)
from stemlink.orders.resolvers import resolve_location
from stemlink.orders.rules import MAX_PACK, UNIT_TYPES, boxes_error, price_error
from stemlink.tenancy import calendar
from stemlink.tenancy.models import Company, Location

log = logging.getLogger(__name__)


def has_reserved_inventory(customer: Customer) -> bool:
    """Return whether any on-hand or future line is reserved for this customer."""
    return (
        InventoryLine.objects.filter(company_id=customer.company_id, reserved_for=customer).exists()
        or FutureLine.objects.filter(company_id=customer.company_id, reserved_for=customer).exists()
    )


def refuse_reserved_customer(customer: Customer) -> None:
    """Refuse a standing order for a customer whose inventory is reserved.

    Raises ValidationFailed on `customerId` saying why and what to do instead.
    """
    if has_reserved_inventory(customer):
        raise ValidationFailed(
            FieldError(
                "customerId",
                f"customer {customer.code} has inventory reserved for it (the reservedInventory of a "
                "marketplace); a standing order on it would draw on the same boxes and corrupt both. "
                "Create the standing order on a separate customer.",
            )
        )


@dataclass(frozen=True)
class StandingLineRequest:
    product_code: str | None
    box_type_code: str | None
    boxes: int
    price: Decimal
    product_id: int | None = None
    unit_type: str | None = None
    bunches: int | None = None
    stems_bunch: int | None = None
    mark_code: str = ""


def _pack_of(company: Company, product: Product, box_type: BoxType) -> tuple[str, int, int] | None:
    """The pack this product last came in, in this box type (future lines first)."""
    for model in (FutureLine, InventoryLine):
        line = (
            model.objects.filter(company=company, product=product, box_type=box_type)
            .order_by("-id")
            .values_list("unit_type", "bunches", "stems_bunch")
            .first()
        )
        if line is not None:
            return str(line[0]), int(line[1]), int(line[2])
    return None


def current_unit_price(
    company: Company,
    customer: Customer,
    product: Product,
    box_type: BoxType,
    unit_type: str,
    *,
    ecommerce: bool = True,
) -> Decimal | None:
    """What this customer would pay now per unit of this product and pack, or None when nothing prices it.

    The lowest price, by the one pricing rule (`unit_price_for`, as web orders use it), of the
    open-market and future lines on offer to the customer with boxes free; when none has boxes
    free, the price of the latest such line. None when the product never came in this box type.
    """
    priced: list[Decimal] = []
    latest: tuple[dt.datetime, Decimal | None, Decimal] | None = None
    same_pack = {
        "company": company,
        "product": product,
        "box_type": box_type,
        "unit_type": unit_type,
        "reserved_for__isnull": True,
    }
    sources: list[tuple[QuerySet[Any], str]] = [
        (
            InventoryLine.objects.filter(inventory_type=InventoryType.OPEN_MARKET, **same_pack),
            "boxes_on_hand",
        ),
        (FutureLine.objects.filter(**same_pack), "boxes"),
    ]
    for lines, total in sources:
        on_offer = lines.filter(**{f"{total}__gt": F("boxes_held") + F("boxes_sold")})
        for price, cost in on_offer.values_list("price", "unit_cost")[:200]:
            priced.append(_price_for(company, customer, price, cost, ecommerce))
        last = lines.order_by("-created_on", "-id").values_list("created_on", "price", "unit_cost").first()
        if last is not None and (latest is None or last[0] > latest[0]):
            latest = last
    if priced:
        return min(priced)
    if latest is not None:
        return _price_for(company, customer, latest[1], latest[2], ecommerce)
    return None


def price_now(company: Company, customer: Customer, product: Product, box_type: BoxType) -> Decimal | None:
    """What the customer would pay a sales rep now per unit of this product in this box type (its
    own terms, not the e-commerce ones), in the pack it last came in; None when it never came in
    that box type. `current_unit_price` for a page that names no pack."""
    pack = _pack_of(company, product, box_type)
    if pack is None:
        return None
    return current_unit_price(company, customer, product, box_type, pack[0], ecommerce=False)


def _price_for(
    company: Company, customer: Customer, price: Decimal | None, cost: Decimal, ecommerce: bool
) -> Decimal:
    return unit_price_for(
        customer,
        line_price=price,
        unit_cost=cost,
        gross_margin_percent=company.gross_margin_percent,
        ecommerce=ecommerce,
    )


def _check_prices(
    company: Company,
    customer: Customer,
    checked: Sequence[tuple[StandingLineRequest, Product, BoxType, str, int, int]],
    *,
    unpriced_allowed: bool,
) -> None:
    """Refuse a line priced below what the customer would pay now (PriceChanged with that price).

    A line nothing prices (the product never came in that box type) is refused unless
    `unpriced_allowed` (the wholesaler's own Company token sets its own prices).
    """
    for index, (item, product, box_type, unit_type, _bunches, _stems) in enumerate(checked):
        current = current_unit_price(company, customer, product, box_type, unit_type)
        if current is None:
            if unpriced_allowed:
                continue
            raise ValidationFailed(
                FieldError(
                    f"items[{index}].price",
                    f"{product.code} in {box_type.code} has no current price to hold a standing order "
                    "to; ask the wholesaler to offer it first",
                )
            )
        if rules.round_money(item.price) < current:
            raise PriceChanged(
                f"{product.code} in {box_type.code} now costs {current} per unit for this customer, "
                f"not {item.price}; send at least the current price.",
                current,
                field=f"items[{index}].price",
            )


def _check_lines(
    company: Company, items: Sequence[StandingLineRequest]
) -> list[tuple[StandingLineRequest, Product, BoxType, str, int, int]]:
    errors: list[FieldError] = []
    checked = []
    if not items:
        errors.append(FieldError("items", "give at least one line: productCode, boxTypeCode, boxes, price"))
    for index, item in enumerate(items):
        where = f"items[{index}]."
        if not item.product_code and item.product_id is None:
            errors.append(FieldError(f"{where}productCode", "is required"))
            continue
        if not item.box_type_code:
            errors.append(FieldError(f"{where}boxTypeCode", "is required"))
            continue
        if problem := boxes_error(item.boxes):
            errors.append(FieldError(f"{where}boxes", problem))
        if problem := price_error(item.price):
            errors.append(FieldError(f"{where}price", problem))
        products = Product.objects.filter(company=company)
        product = (
            products.filter(pk=item.product_id).first()
            if item.product_id is not None
            else products.filter(code__iexact=(item.product_code or "").strip()).first()
        )
        if product is None:
            errors.append(FieldError(f"{where}productCode", f"no product has the code {item.product_code!r}"))
            continue
        box_type = BoxType.objects.filter(company=company, code__iexact=item.box_type_code.strip()).first()
        if box_type is None:
            errors.append(
                FieldError(f"{where}boxTypeCode", f"no box type has the code {item.box_type_code!r}")
            )
            continue
        known = _pack_of(company, product, box_type)
        unit_text = (item.unit_type or (known[0] if known else "Stem")).strip().lower()
        if unit_text not in UNIT_TYPES:
            errors.append(FieldError(f"{where}unitType", "must be Stem or Bunch"))
            continue
        bunches = item.bunches if item.bunches is not None else (known[1] if known else None)
        stems = item.stems_bunch if item.stems_bunch is not None else (known[2] if known else None)
        if bunches is None or stems is None:
            errors.append(
                FieldError(
                    f"{where}bunches",
                    f"{product.code} has never come in {box_type.code}; give bunches and stemsBunch",
                )
            )
            continue
        if not (1 <= bunches <= MAX_PACK and 1 <= stems <= MAX_PACK):
            errors.append(
                FieldError(
                    f"{where}bunches", f"bunches and stemsBunch must be whole numbers from 1 to {MAX_PACK:,}"
                )
            )
            continue
        checked.append((item, product, box_type, UNIT_TYPES[unit_text], bunches, stems))
    if errors:
        raise ValidationFailed(errors)
    return checked


def create_standing_order(
    company: Company,
    *,
    customer: Customer,
    carrier: Carrier,
    days: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
    recurrence: str = "weekly",
    ship_to: ShipTo | None = None,
    location: Location | None = None,
    items: Sequence[StandingLineRequest] = (),
    customer_po: str = "",
    comments: str = "",
    token_id: int | None = None,
    check_prices: bool = False,
    unpriced_allowed: bool = True,
) -> StandingOrder:
    """Create a weekly (or daily) standing order with its lines.

    `check_prices`: refuse a line below what the customer would pay now (the API's
    standing.order.create; PriceChanged with the current price). `token_id`: the API token that
    made it; the prebooks made from such an order carry the transaction fee.

    Raises ValidationFailed for a customer with reserved inventory, unknown weekdays, an end
    before the start, or a bad line; NotFound for a ship-to or location of someone else.
    """
    if customer.company_id != company.pk or carrier.company_id != company.pk:
        raise NotFound("Customer or carrier not found.")
    if ship_to is not None and ship_to.customer_id != customer.pk:
        raise NotFound(f"Ship-to {ship_to.pk} was not found for customer {customer.code}.")
    refuse_reserved_customer(customer)
    errors = []
    recurrence = (recurrence or "weekly").strip().lower()
    if recurrence not in periods.RECURRENCES:
        errors.append(FieldError("recurrence", "must be weekly or daily"))
    weekdays: tuple[int, ...] = ()
    if recurrence == "weekly" or days:
        try:
            weekdays = periods.parse_weekdays(days or "")
        except ValueError as error:
            errors.append(FieldError("days", str(error)))
    if recurrence == "daily":
        weekdays = tuple(range(7))
    if end_date is not None and end_date < start_date:
        errors.append(FieldError("endDate", f"must be on or after startDate ({start_date.isoformat()})"))
    if errors:
        raise ValidationFailed(errors)
    checked = _check_lines(company, items)
    if check_prices:
        _check_prices(company, customer, checked, unpriced_allowed=unpriced_allowed)
    with transaction.atomic():
        location = location or resolve_location(company, None)
        order = StandingOrder.objects.create(
            company=company,
            location=location,
            number=numbering.next_number(company.pk, location.pk, numbering.STANDING_ORDER),
            customer=customer,
            ship_to=ship_to,
            carrier=carrier,
            recurrence=recurrence,
            days=",".join(periods.WEEKDAYS[d] for d in weekdays),
            start_date=start_date,
            end_date=end_date,
            customer_po=customer_po,
            comments=comments,
            created_by_token_id=token_id,
        )
        for item, product, box_type, unit_type, bunches, stems in checked:
            StandingOrderItem.objects.create(
                company=company,
                standing_order=order,
                product=product,
                box_type=box_type,
                unit_type=unit_type,
                bunches=bunches,
                stems_bunch=stems,
                units_per_box=inventory_rules.units_per_box(unit_type, bunches, stems),  # type: ignore[arg-type]
                boxes=item.boxes,
                unit_price=rules.round_money(item.price),
                mark_code=item.mark_code,
            )
        return order


def standing_orders_in(
    company: Company,
    date_from: dt.date,
    date_to: dt.date,
    *,
    customer: Customer | None = None,
    status: str = "active",
    number: int | None = None,
    customer_name: str | None = None,
    location_id: int | None = None,
) -> QuerySet[StandingOrder]:
    """Return the standing orders whose run overlaps the period, filtered as `standing.order.list` asks."""
    query = StandingOrder.objects.filter(company=company, start_date__lte=date_to).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=date_from)
    )
    if status == "active":
        query = query.filter(status=StandingOrderStatus.ACTIVE)
    elif status == "cancelled":
        query = query.filter(status=StandingOrderStatus.CANCELLED)
    elif status == "paused":
        query = query.filter(status=StandingOrderStatus.PAUSED)
    if customer is not None:
        query = query.filter(customer=customer)
    if number is not None:
        query = query.filter(number=number)
    if customer_name:
        query = query.filter(customer__name__icontains=customer_name)
    if location_id is not None:
        query = query.filter(location_id=location_id)
    return query.select_related("customer", "carrier", "ship_to", "location").prefetch_related(
        "items__product", "items__box_type"
    )


def find_standing_order(company: Company, standing_id: int, *, lock: bool = False) -> StandingOrder:
    """The company's standing order with this id. Raises NotFound."""
    orders = StandingOrder.objects.filter(company=company, pk=standing_id)
    found = (orders.select_for_update() if lock else orders).first()
    if found is None:
        raise NotFound(f"There is no standing order {standing_id}.")
    return found


def change_standing_order(
    company: Company, standing_id: int, action: rules.StandingAction | str, *, today: dt.date | None = None
) -> StandingOrder:
    """Pause, resume or end a standing order.

    Paused, it makes no prebooks (`generate_standing_order_prebooks` takes only active ones) until
    it is resumed; then the truck dates still ahead within the lead days are made as usual. Ended
    (stored as Cancelled), it never makes another, and its end date becomes today (unless it ended
    earlier or has not started). Prebooks already made stay; cancel one on its own page.
    Raises NotFound, ValidationFailed for an unknown action, InvalidState for a move the status
    table forbids (resume an active one, anything after the end).
    """
    try:
        act = rules.StandingAction(str(action))
    except ValueError:
        raise ValidationFailed(FieldError("action", "must be pause, resume or end")) from None
    today = today or calendar.today(company)
    with transaction.atomic():
        order = find_standing_order(company, standing_id, lock=True)
        try:
            order.status = int(rules.standing_transition(order.status, act))
        except InvalidState as refused:
            raise InvalidState(f"Standing order {order.number}: {refused.message}") from None
        fields = ["status", "updated_on"]
        if act == rules.StandingAction.END:
            order.end_date = rules.standing_end_date(order.start_date, order.end_date, today)
            fields.append("end_date")
        order.save(update_fields=fields)
        return order


def next_truck_dates(
    order: StandingOrder, today: dt.date, *, count: int = 4, days: int = 60
) -> list[dt.date]:
    """The next truck dates of a standing order from today (none when it is not active)."""
    if order.status != StandingOrderStatus.ACTIVE:
        return []
    weekdays = tuple(
        periods.WEEKDAYS.index(name) for name in order.days.split(",") if name in periods.WEEKDAYS
    )
    dates = periods.truck_dates(
        recurrence=order.recurrence,
        weekdays=weekdays,
        start=order.start_date,
        end=order.end_date,
        window_from=today,
        window_to=today + dt.timedelta(days=days),
    )
    return [date for _, date in zip(range(count), dates, strict=False)]


def _make_prebook(order: StandingOrder, truck_date: dt.date) -> bool:
    """Write one truck date's prebook in its own savepoint; False when another worker already did."""
    items = list(order.items.all())
    try:
        with transaction.atomic():
            prebook = Prebook.objects.create(
                company_id=order.company_id,
                location_id=order.location_id,
                number=numbering.next_number(order.company_id, order.location_id, numbering.PREBOOK),
                customer_id=order.customer_id,
                ship_to_id=order.ship_to_id,
                carrier_id=order.carrier_id,
                truck_date=truck_date,
                customer_po=order.customer_po,
                comments=order.comments,
                is_ecommerce=order.is_ecommerce,
                type=PrebookType.STANDING,
                standing_order=order,
                created_by_token_id=order.created_by_token_id,
            )
            line_totals = []
            for item in items:
                per_box = item.units_per_box or inventory_rules.units_per_box(
                    item.unit_type,  # type: ignore[arg-type]
                    item.bunches or 1,
                    item.stems_bunch or 1,
                )
                total = rules.line_total(item.unit_price, per_box, item.boxes)
                line_totals.append(total)
                PrebookItem.objects.create(
                    company_id=order.company_id,
                    prebook=prebook,
                    product_id=item.product_id,
                    box_type_id=item.box_type_id,
                    unit_type=item.unit_type,
                    bunches=item.bunches or 1,
                    stems_bunch=item.stems_bunch or 1,
                    units_per_box=per_box,
                    boxes=item.boxes,
                    unit_price=item.unit_price,
                    total=total,
                    mark_code=item.mark_code,
                )
            totals = rules.order_totals(line_totals)
            prebook.subtotal = totals.subtotal
            prebook.total = totals.total
            prebook.save(update_fields=["subtotal", "total"])
            if order.created_by_token_id is not None:
                # Made through the API (a marketplace's standing order): its prebooks are API-made
                # documents and carry the transaction fee like any other.
                fees.charge_fee(prebook=prebook)
    except IntegrityError:
        # The unique (standing order, truck date) constraint: another worker made this prebook
        # between our look and our insert. Anything else is a real error.
        if Prebook.objects.filter(standing_order=order, truck_date=truck_date).exists():
            return False
        raise
    return True


def generate_standing_order_prebooks(today: dt.date | None = None, *, now: dt.datetime | None = None) -> int:
    """Make the prebook of every active standing order's truck dates within its company's lead days.

    Each company's window starts on its own today (`stemlink.tenancy.calendar`) at `now` (default:
    the clock); `today`, when given, is taken as every company's today. Returns how many prebooks
    this run made; dates that already have one are skipped, so running it again, or in several
    workers at once, never makes a second prebook for a truck date.
    """
    now = now or calendar.clock()
    earliest, latest = (today, today) if today is not None else calendar.today_span(now)
    made = 0
    orders = (
        StandingOrder.objects.filter(
            status=StandingOrderStatus.ACTIVE,
            company__active=True,
            customer__active=True,
            start_date__lte=latest + dt.timedelta(days=60),
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=earliest))
        .select_related("company", "customer")
        .order_by("id")
    )
    for order in orders:
        company_today = today if today is not None else calendar.today(order.company, now)
        lead = order.company.standing_order_lead_days
        weekdays = tuple(
            periods.WEEKDAYS.index(name) for name in order.days.split(",") if name in periods.WEEKDAYS
        )
        dates = list(
            periods.truck_dates(
                recurrence=order.recurrence,
                weekdays=weekdays,
                start=order.start_date,
                end=order.end_date,
                window_from=company_today,
                window_to=company_today + dt.timedelta(days=lead),
            )
        )
        if not dates:
            continue
        if has_reserved_inventory(order.customer):
            log.warning(
                "standing order %s skipped: customer %s has reserved inventory", order.pk, order.customer.code
            )
            continue
        done = set(
            Prebook.objects.filter(standing_order=order, truck_date__in=dates).values_list(
                "truck_date", flat=True
            )
        )
        for truck_date in dates:
            if truck_date not in done and _make_prebook(order, truck_date):
                made += 1
    return made
