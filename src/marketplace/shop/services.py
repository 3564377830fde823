"""Florist use cases: sign up, fill the cart, check out per supplier, follow orders, standing orders."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from marketplace.shop import rules
from marketplace.shop.models import (
    CartLine,
    CheckoutAttempt,
    Florist,
    OrderLine,
    ShipToLink,
    StandingOrder,
    SupplierOrder,
)
from marketplace.suppliers import client as api
from marketplace.suppliers.models import Supplier
from marketplace.suppliers.rules import decode_signed_bytes
from marketplace.suppliers.vault import SecretUnreadable
from marketplace.sync import rules as sync_rules
from marketplace.sync.models import Offer
from marketplace.sync.services import apply_offer_refusal

log = logging.getLogger(__name__)


class CheckoutInProgress(Exception):
    """Everything in the cart is already being ordered by an earlier checkout attempt."""

    def __init__(self, attempt: CheckoutAttempt) -> None:
        super().__init__(f"the cart is being ordered by checkout {attempt.pk}")
        self.attempt = attempt


class FormErrors(Exception):
    """Input a florist must fix: messages per field ("__all__" for the form), nothing was changed."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


# Sign-up ---------------------------------------------------------------------------------------
@transaction.atomic
def sign_up_florist(
    *,
    shop_name: str,
    address: str,
    city: str,
    state: str,
    zipcode: str,
    email: str,
    password: str,
    phone: str = "",
) -> Florist:
    """Create a florist account (the e-mail is the login). Raises FormErrors when the e-mail is taken."""
    user_model = get_user_model()
    email = email.strip().lower()
    if user_model.objects.filter(username=email).exists():
        raise FormErrors({"email": "An account with this e-mail already exists: sign in instead."})
    user = user_model.objects.create_user(username=email, email=email, password=password)
    return Florist.objects.create(
        user=user,
        shop_name=shop_name.strip(),
        address=address.strip(),
        city=city.strip(),
        state=state.strip(),
        zipcode=zipcode.strip(),
        phone=phone.strip(),
    )


# Cart -----------------------------------------------------------------------------------------
def ship_dates_for(offer: Offer, today: dt.date | None = None) -> list[dt.date]:
    """The ship dates a florist may choose for an offer: from the supplier's own dates (its feed
    starts them at its today, in its time zone), never a date past for every supplier."""
    return sync_rules.ship_dates(
        offer.inventory_origin,
        offer.available_from,
        offer.available_to,
        today or sync_rules.earliest_supplier_today(timezone.now()),
    )


def _check_line(
    offer: Offer | None, boxes: int, ship_date: dt.date | None, *, already: int = 0
) -> dict[str, str]:
    if offer is None:
        return {"__all__": "This offer is no longer available: remove the line."}
    problems = rules.cart_line_problems(
        boxes=boxes,
        boxes_available=offer.boxes_available,
        already_in_cart=already,
        ship_date=ship_date,
        ship_dates=ship_dates_for(offer),
    )
    if not offer.supplier.active:
        problems["__all__"] = f"{offer.supplier.name} is not selling on the marketplace right now."
    return problems


@transaction.atomic
def add_to_cart(florist: Florist, offer: Offer, boxes: int, ship_date: dt.date | None) -> CartLine:
    """Put boxes of an offer in the cart (adding to a line with the same offer and date).

    Raises FormErrors (nothing changed) when the boxes or the date do not fit the offer.
    """
    existing = (
        CartLine.objects.filter(florist=florist, offer=offer, ship_date=ship_date).first()
        if ship_date
        else None
    )
    problems = _check_line(offer, boxes, ship_date, already=existing.boxes if existing else 0)
    if problems:
        raise FormErrors(problems)
    assert ship_date is not None
    if existing:
        existing.boxes += boxes
        existing.price_per_unit = offer.price_per_unit
        existing.notice = ""
        existing.save()
        return existing
    return CartLine.objects.create(
        florist=florist,
        supplier=offer.supplier,
        offer=offer,
        inventory_origin=offer.inventory_origin,
        inventory_ids=offer.inventory_ids,
        product_description=offer.product_description,
        grade=offer.grade,
        box_type_code=offer.box_type_code,
        units_per_box=offer.units_per_box,
        price_per_unit=offer.price_per_unit,
        boxes=boxes,
        ship_date=ship_date,
    )


@transaction.atomic
def update_cart_line(line: CartLine, boxes: int, ship_date: dt.date | None) -> CartLine:
    """Change a cart line's boxes and ship date. Raises FormErrors when they do not fit the offer."""
    if line.checkout_order_id is not None:
        raise FormErrors({"__all__": "This line is being ordered: finish that order first."})
    problems = _check_line(line.offer, boxes, ship_date)
    if problems:
        raise FormErrors(problems)
    assert ship_date is not None and line.offer is not None
    line.boxes = boxes
    line.ship_date = ship_date
    line.price_per_unit = line.offer.price_per_unit
    line.notice = ""
    line.save()
    return line


def cart_problems(florist: Florist) -> dict[int, dict[str, str]]:
    """Check every cart line against its offer now; return the problems per line id."""
    out: dict[int, dict[str, str]] = {}
    lines = CartLine.objects.filter(florist=florist, checkout_order__isnull=True).select_related(
        "offer", "offer__supplier"
    )
    for line in lines:
        problems = _check_line(line.offer, line.boxes, line.ship_date)
        if line.offer is not None and line.offer.price_per_unit != line.price_per_unit:
            problems.setdefault(
                "price",
                f"The price changed from {line.price_per_unit} to {line.offer.price_per_unit} per unit: "
                "update the line to accept it.",
            )
        if problems:
            out[line.pk] = problems
    return out


# Checkout -------------------------------------------------------------------------------------
@transaction.atomic
def start_checkout(florist: Florist, customer_po: str = "") -> CheckoutAttempt:
    """Record a checkout attempt: one supplier order per supplier and origin, one line per cart line.

    Raises FormErrors (nothing recorded) when the cart is empty or a line no longer fits its offer.
    """
    lines = list(
        CartLine.objects.select_for_update(of=("self",))
        .filter(florist=florist, checkout_order__isnull=True)
        .select_related("offer", "supplier")
    )
    if not lines:
        taken = CartLine.objects.filter(florist=florist, checkout_order__isnull=False).select_related(
            "checkout_order__attempt"
        )
        first = taken.first()
        if first is not None and first.checkout_order is not None:
            raise CheckoutInProgress(first.checkout_order.attempt)
        raise FormErrors({"__all__": "Your cart is empty."})
    problems = cart_problems(florist)
    if problems:
        raise FormErrors({"__all__": "Some lines need your attention before you can place the order."})
    attempt = CheckoutAttempt.objects.create(florist=florist, customer_po=customer_po.strip()[:40])
    groups: dict[tuple[int, int], list[CartLine]] = defaultdict(list)
    for line in lines:
        # On-hand and future lines cannot share one web order: each becomes its own order.
        groups[(line.supplier_id, line.inventory_origin)].append(line)
    for (_, origin), group in sorted(groups.items()):
        order = SupplierOrder.objects.create(
            attempt=attempt,
            florist=florist,
            supplier=group[0].supplier,
            inventory_origin=origin,
            total=sum(
                (rules.line_total(ln.price_per_unit, ln.units_per_box, ln.boxes) for ln in group), Decimal(0)
            ),
        )
        OrderLine.objects.bulk_create(
            OrderLine(
                order=order,
                cart_line=ln,
                inventory_ids=ln.inventory_ids,
                product_description=ln.product_description,
                box_type_code=ln.box_type_code,
                boxes=ln.boxes,
                price_per_unit=ln.price_per_unit,
                units_per_box=ln.units_per_box,
                ship_date=ln.ship_date,
            )
            for ln in group
        )
        CartLine.objects.filter(pk__in=[ln.pk for ln in group]).update(checkout_order=order)
    return attempt


def send_attempt(attempt: CheckoutAttempt) -> list[SupplierOrder]:
    """Send every unfinished supplier order of an attempt; one supplier's failure never undoes another's."""
    orders = list(attempt.supplier_orders.select_related("supplier", "florist").order_by("id"))
    for order in orders:
        if order.state in (SupplierOrder.State.PENDING, SupplierOrder.State.INTERRUPTED):
            send_supplier_order(order)
    return orders


def checkout(florist: Florist, customer_po: str = "") -> CheckoutAttempt:
    """Record a checkout attempt and send it to each supplier. Raises FormErrors as start_checkout."""
    attempt = start_checkout(florist, customer_po)
    send_attempt(attempt)
    return attempt


def _key(order: SupplierOrder, step: str) -> str:
    return f"mkt-{order.attempt.key}-{order.pk}-{step}"


def ensure_ship_to(florist: Florist, supplier: Supplier) -> int:
    """Return the florist's ship-to id at this supplier, adding it with customer.shipto.add the first time.

    Raises api.ApiError when the supplier refuses or cannot be reached.
    """
    link = ShipToLink.objects.filter(florist=florist, supplier=supplier).first()
    if link:
        return link.ship_to_id
    params: dict[str, Any] = {
        "customerId": supplier.customer_id,
        "name": florist.shop_name,
        "address": florist.address,
        "city": florist.city,
        "state": florist.state,
        "zipcode": florist.zipcode,
        "country": florist.country,
        "phone": florist.phone,
        "carrierId": supplier.carrier_id,
    }
    # The key covers the parameters: the same florist and address always replays the same ship-to.
    digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:24]
    with supplier.company_client() as client:
        answer = client.call(
            "customer.shipto.add", params, idempotency_key=f"mkt-shipto-{florist.pk}-{supplier.pk}-{digest}"
        )
    ship_to_id = int(answer["shipToId"])
    link, _ = ShipToLink.objects.get_or_create(
        florist=florist, supplier=supplier, defaults={"ship_to_id": ship_to_id}
    )
    return link.ship_to_id


def send_supplier_order(order: SupplierOrder) -> SupplierOrder:
    """Place one supplier order: ship-to, web-order.create, web-order-item.add per line, checkout.

    Each call carries an Idempotency-Key made from the attempt, so sending an interrupted order
    again repeats the same calls and the wholesaler replays what it already did. A refused line
    fails this order only, releases what it held, and refreshes that offer.
    """
    supplier = order.supplier
    florist = order.florist
    if not supplier.active:
        return _finish(
            order, SupplierOrder.State.FAILED, f"{supplier.name} is not selling on the marketplace now."
        )
    try:
        ship_to_id = ensure_ship_to(florist, supplier)
        with supplier.customer_client() as client:
            base: dict[str, Any] = {"customerId": supplier.customer_id}
            if supplier.location_id:
                base["companyLocationId"] = supplier.location_id
            if order.web_order_id is None:
                answer = client.call(
                    "web-order.create",
                    {**base, "companyId": supplier.company_id},
                    idempotency_key=_key(order, "create"),
                )
                order.web_order_id = int(answer["webOrderId"])
                order.save(update_fields=["web_order_id"])
            for line in order.lines.filter(state=OrderLine.State.PENDING):
                try:
                    answer = client.call(
                        "web-order-item.add",
                        {
                            **base,
                            "webOrderId": order.web_order_id,
                            "inventoryIds": line.inventory_ids,
                            "inventoryOrigin": order.inventory_origin,
                            "price": str(line.price_per_unit),
                            "quantity": line.boxes,
                            "carrierId": supplier.carrier_id,
                            "date": line.ship_date.isoformat(),
                            "shipToId": ship_to_id,
                        },
                        idempotency_key=_key(order, f"item-{line.pk}"),
                    )
                except (api.NotAvailable, api.PriceChanged, api.ValidationFailed, api.NotFound) as exc:
                    _refuse_line(order, line, exc)
                    _release(order, client, base)
                    return _finish(
                        order, SupplierOrder.State.FAILED, f"{line.product_description}: {line.problem}"
                    )
                line.state = OrderLine.State.ADDED
                line.web_order_item_id = _int(answer.get("webOrderItemId"))
                line.save(update_fields=["state", "web_order_item_id"])
            answer = client.call(
                "web-order.checkout",
                {**base, "webOrderId": order.web_order_id, "customerPo": order.attempt.customer_po},
                idempotency_key=_key(order, "checkout"),
            )
    except SecretUnreadable:
        return _finish(
            order,
            SupplierOrder.State.INTERRUPTED,
            f"{supplier.name}'s connection needs its tokens entered again by the marketplace; "
            "nothing was sent twice: press Retry later.",
        )
    except (api.Unreachable, api.QuotaExceeded) as exc:
        return _finish(
            order,
            SupplierOrder.State.INTERRUPTED,
            f"{supplier.name} did not answer ({exc.message}). Nothing is lost and nothing is doubled: "
            "press Retry to finish this order.",
        )
    except api.ApiError as exc:
        log.warning("order %s to supplier %s refused: %s", order.pk, supplier.pk, exc)
        if order.web_order_id is not None:
            try:
                with supplier.customer_client(attempts=1) as client:
                    _release(order, client, {"customerId": supplier.customer_id})
            except api.ApiError:
                pass  # unreleased holds expire with the wholesaler's checkout timer
        return _finish(order, SupplierOrder.State.FAILED, f"{supplier.name} refused the order: {exc.message}")
    invoices = answer.get("invoices") or []
    prebooks = answer.get("prebooks") or []
    if invoices:
        order.invoice_id = _int(invoices[0].get("invoiceId"))
        order.invoice_number = _document_number(invoices[0].get("prefix"), invoices[0].get("invoiceNumber"))
        order.wholesaler_status = invoice_status_name(invoices[0].get("status", 0), None)
    if prebooks:
        order.prebook_id = _int(prebooks[0].get("prebookId"))
        order.prebook_number = _document_number(prebooks[0].get("prefix"), prebooks[0].get("prebookNumber"))
        order.wholesaler_status = order.wholesaler_status or "Checked Out"
    order.placed_at = timezone.now()
    with transaction.atomic():
        CartLine.objects.filter(pk__in=order.lines.values("cart_line")).delete()
        return _finish(order, SupplierOrder.State.PLACED, "")


def _document_number(prefix: Any, number: Any) -> str:
    """Show a document number as the wholesaler's staff see it: prefix and number ("W1042")."""
    text = "" if number is None else str(number)
    prefix = "" if prefix is None else str(prefix)
    return text if text.startswith(prefix) else f"{prefix}{text}"


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _release(order: SupplierOrder, client: api.WholesalerClient, base: dict[str, Any]) -> None:
    """Delete the web order so the boxes its earlier lines hold go back on sale at once."""
    try:
        client.call(
            "web-order.delete",
            {"customerId": base["customerId"], "webOrderId": order.web_order_id},
            idempotency_key=_key(order, "delete"),
        )
    except api.ApiError as exc:
        log.info(
            "could not delete web order %s (%s); its holds expire with the checkout timer",
            order.web_order_id,
            exc,
        )


def _refuse_line(order: SupplierOrder, line: OrderLine, exc: api.ApiError) -> None:
    offer = Offer.objects.filter(
        supplier=order.supplier, inventory_origin=order.inventory_origin, inventory_ids=line.inventory_ids
    ).first()
    cart_line = CartLine.objects.filter(pk=line.cart_line_id).first() if line.cart_line_id else None
    if isinstance(exc, api.NotAvailable):
        left = exc.available_boxes
        line.problem = (
            "sold out"
            if not left
            else f"only {left} box{'es' if left != 1 else ''} left, you asked for {line.boxes}"
        )
        if offer is not None:
            offer = apply_offer_refusal(
                offer, available_boxes=left if left is not None else 0, current_price=None
            )
        if cart_line is not None:
            cart_line.notice = f"Not placed: {line.problem}. Change the boxes or remove the line."
    elif isinstance(exc, api.PriceChanged):
        price = exc.current_price
        line.problem = (
            f"price changed from {line.price_per_unit} to {price} per unit"
            if price is not None
            else "price changed"
        )
        if offer is not None:
            offer = apply_offer_refusal(offer, available_boxes=None, current_price=price)
        if cart_line is not None:
            cart_line.notice = f"Not placed: {line.problem}. Update the line to accept the new price."
    elif isinstance(exc, api.NotFound):
        line.problem = "no longer offered by the wholesaler"
        if offer is not None:
            offer.delete()
            offer = None
        if cart_line is not None:
            cart_line.notice = "Not placed: the wholesaler no longer offers this line. Remove it."
    else:
        line.problem = exc.message
        if cart_line is not None:
            cart_line.notice = f"Not placed: {exc.message}"
    line.state = OrderLine.State.REFUSED
    line.save(update_fields=["state", "problem"])
    if cart_line is not None:
        cart_line.offer = offer
        cart_line.save(update_fields=["notice", "offer"])


def _finish(order: SupplierOrder, state: str, message: str) -> SupplierOrder:
    order.state = state
    order.message = message[:500]
    with transaction.atomic():
        order.save()
        if state == SupplierOrder.State.FAILED:
            # Refused: the lines go back to the cart, where the florist can fix and order them again.
            CartLine.objects.filter(checkout_order=order).update(checkout_order=None)
    return order


# Orders ---------------------------------------------------------------------------------------
INVOICE_STATUS = {"0": "Pending Approval", "1": "Confirmed", "2": "Draft", "4": "Voided"}
PREBOOK_CHECKOUT_STATUS = {"0": "Pending", "1": "Checked Out"}


def invoice_status_name(code: Any, name: Any) -> str:
    """Name an invoice status: the server's own name when it sends one, else Komet's code table."""
    if isinstance(name, str) and name.strip():
        return name.strip()[:40]
    return INVOICE_STATUS.get(str(code), str(code))[:40]


_FINAL = {"Voided", "Confirmed"}


def refresh_order_statuses(florist: Florist, *, now: dt.datetime | None = None) -> list[str]:
    """Ask each supplier for the status of the florist's placed orders (invoice.list, prebook.list).

    Answers are kept on the orders; a supplier that cannot be reached leaves the last known status.
    Returns one message per supplier that could not be asked.
    """
    now = now or timezone.now()
    fresh_after = now - dt.timedelta(seconds=settings.ORDER_STATUS_REFRESH_SECONDS)
    orders = (
        SupplierOrder.objects.filter(florist=florist, state=SupplierOrder.State.PLACED)
        .exclude(wholesaler_status__in=_FINAL)
        .filter(created_at__gte=now - dt.timedelta(days=180))
        .select_related("supplier")
    )
    by_supplier: dict[int, list[SupplierOrder]] = defaultdict(list)
    for order in orders:
        if order.status_checked_at is None or order.status_checked_at < fresh_after:
            by_supplier[order.supplier_id].append(order)
    problems: list[str] = []
    for group in by_supplier.values():
        supplier = group[0].supplier
        try:
            _refresh_supplier_statuses(supplier, group, now)
        except api.ApiError as exc:
            problems.append(f"{supplier.name}: status not updated ({exc.message})")
    return problems


def _refresh_supplier_statuses(supplier: Supplier, orders: list[SupplierOrder], now: dt.datetime) -> None:
    invoice_orders = [o for o in orders if o.invoice_id]
    prebook_orders = [o for o in orders if o.prebook_id and not o.invoice_id]
    with supplier.customer_client(attempts=1) as client:
        if invoice_orders:
            first = min(o.created_at for o in invoice_orders).date() - dt.timedelta(days=1)
            answer = client.call(
                "invoice.list",
                {
                    "orderDateFrom": first.isoformat(),
                    "orderDateTo": (now.date() + dt.timedelta(days=1)).isoformat(),
                    "customerId": supplier.customer_id,
                },
            )
            found = {str(inv.get("id")): inv for inv in answer.get("invoices") or []}
            for order in invoice_orders:
                invoice = found.get(str(order.invoice_id))
                if invoice is not None:
                    order.wholesaler_status = invoice_status_name(
                        invoice.get("status"), invoice.get("statusName")
                    )
                order.status_checked_at = now
                order.save(update_fields=["wholesaler_status", "status_checked_at"])
        if prebook_orders:
            dates = [ln.ship_date for o in prebook_orders for ln in o.lines.all()]
            answer = client.call(
                "prebook.list",
                {
                    "dateFrom": (min(dates) - dt.timedelta(days=1)).isoformat(),
                    "dateTo": (max(dates) + dt.timedelta(days=1)).isoformat(),
                    "customerId": supplier.customer_id,
                },
            )
            found = {str(pb.get("id")): pb for pb in answer.get("prebooks") or []}
            for order in prebook_orders:
                prebook = found.get(str(order.prebook_id))
                if prebook is not None and prebook.get("checkOutStatus") is not None:
                    raw = str(prebook.get("checkOutStatus"))
                    order.wholesaler_status = PREBOOK_CHECKOUT_STATUS.get(raw, raw)[:40]
                order.status_checked_at = now
                order.save(update_fields=["wholesaler_status", "status_checked_at"])


@dataclass
class InvoicePdf:
    filename: str
    content: bytes


def invoice_pdf(order: SupplierOrder) -> InvoicePdf:
    """Fetch an order's invoice PDF (invoice.pdf.get) and decode Komet's signed-byte string.

    Raises api.ApiError when the supplier refuses or the file cannot be decoded.
    """
    if not order.invoice_id:
        raise api.NotFound("this order has no invoice", method="invoice.pdf.get")
    with order.supplier.customer_client() as client:
        answer = client.call("invoice.pdf.get", {"invoiceId": order.invoice_id})
    try:
        content = decode_signed_bytes(str(answer.get("file") or ""))
    except ValueError as exc:
        raise api.BadAnswer(
            f"the invoice file could not be decoded: {exc}", method="invoice.pdf.get"
        ) from exc
    filename = str(
        answer.get("suggestedFileName") or f"invoice-{order.invoice_number or order.invoice_id}.pdf"
    )
    return InvoicePdf(filename=filename.replace('"', "").replace("/", "_")[:120], content=content)


# Standing orders ------------------------------------------------------------------------------
def create_standing_order(
    florist: Florist,
    offer: Offer,
    *,
    boxes: int,
    days: list[str],
    start_date: dt.date | None,
    end_date: dt.date | None,
) -> StandingOrder:
    """Ask the offer's supplier for the same boxes every week on `days` (standing.order.create).

    Raises FormErrors for bad input or a refusal; a network failure keeps the standing order to retry.
    """
    problems = rules.standing_order_problems(
        boxes=boxes,
        days=days,
        start_date=start_date,
        end_date=end_date,
        # The supplier's calendar, not the marketplace's: at 23:30 on Sunday in Miami, Sunday is
        # still today there. Only a date past for every supplier is refused here.
        today=sync_rules.earliest_supplier_today(timezone.now()),
    )
    if not offer.product_code:
        problems["__all__"] = "This offer has no product code, so it cannot be ordered every week."
    if problems:
        raise FormErrors(problems)
    assert start_date is not None
    standing = StandingOrder.objects.create(
        florist=florist,
        supplier=offer.supplier,
        product_code=offer.product_code,
        product_description=offer.product_description,
        box_type_code=offer.box_type_code,
        boxes=boxes,
        price_per_unit=offer.price_per_unit,
        days=",".join(days),
        start_date=start_date,
        end_date=end_date,
    )
    send_standing_order(standing)
    return standing


def send_standing_order(standing: StandingOrder) -> StandingOrder:
    """Create the standing order at the supplier; a retry replays. Raises FormErrors on refusal."""
    supplier = standing.supplier
    try:
        ship_to_id = ensure_ship_to(standing.florist, supplier)
        with supplier.customer_client() as client:
            answer = client.call(
                "standing.order.create",
                {
                    "customerId": supplier.customer_id,
                    "shipToId": ship_to_id,
                    "carrierId": supplier.carrier_id,
                    "recurrence": "weekly",
                    "days": standing.days,
                    "startDate": standing.start_date.isoformat(),
                    "endDate": standing.end_date.isoformat() if standing.end_date else None,
                    "items": [
                        {
                            "productCode": standing.product_code,
                            "boxTypeCode": standing.box_type_code,
                            "boxes": standing.boxes,
                            "price": str(standing.price_per_unit),
                        }
                    ],
                },
                idempotency_key=f"mkt-standing-{standing.key}",
            )
    except (api.Unreachable, api.QuotaExceeded) as exc:
        standing.message = f"{supplier.name} did not answer ({exc.message}); press Retry."
        standing.save(update_fields=["message"])
        return standing
    except api.ApiError as exc:
        standing.delete()
        raise FormErrors({"__all__": f"{supplier.name} refused the standing order: {exc.message}"}) from exc
    standing.standing_order_id = _int(answer.get("standingOrderId"))
    standing.message = ""
    standing.save(update_fields=["standing_order_id", "message"])
    return standing


def remove_cart_line(line: CartLine) -> None:
    """Take a line out of the cart. Raises FormErrors while the line is being ordered."""
    if line.checkout_order_id is not None:
        raise FormErrors({"__all__": "This line is being ordered: finish that order first."})
    line.delete()
