"""Orders made as a marketplace makes them: a web order through the services, checked out."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from stemlink.orders.models import Invoice
from stemlink.orders.weborders import ItemRequest, add_web_order_item, checkout_web_order
from tests.factories import World, make_line, make_ship_to


def web_order_invoice(world: World, *, boxes: int = 2, customer=None) -> Invoice:
    """Check out a web order of on-hand boxes for the customer: a W invoice in Pending Approval."""
    customer = customer or world.customer
    line = make_line(world)
    ship_to = make_ship_to(customer, name="Rosa's Florist")
    added = add_web_order_item(
        world.company,
        customer,
        ItemRequest(
            origin=1,
            line_ids=[line.pk],
            boxes=boxes,
            price=Decimal("0.80"),
            carrier_id=world.carrier.pk,
            date=timezone.now().date(),
            ship_to_id=ship_to.pk,
        ),
        sales_channel="WEB_APP",
    )
    result = checkout_web_order(world.company, customer, added.web_order.pk)
    return result.invoices[0]


def web_order_prebook(world: World, *, boxes: int = 2):
    """Check out a web order of future boxes: a prebook."""
    from tests.factories import make_future_line

    line = make_future_line(world)
    added = add_web_order_item(
        world.company,
        world.customer,
        ItemRequest(
            origin=2,
            line_ids=[line.pk],
            boxes=boxes,
            price=Decimal("0.70"),
            carrier_id=world.carrier.pk,
            date=line.available_from,
        ),
        sales_channel="WEB_APP",
    )
    return checkout_web_order(world.company, world.customer, added.web_order.pk).prebooks[0]


def purchase_order(world: World, *, boxes: int = 10, confirm: bool = True):
    """A purchase order of the world's product to its grower, shipping in three days."""
    import datetime as dt

    from stemlink.purchasing import services

    return services.create_purchase_order(
        world.company,
        vendor=world.vendor,
        ship_date=timezone.now().date() + dt.timedelta(days=3),
        lines=[
            services.LineRequest(
                boxes=boxes,
                unit_cost=Decimal("0.350"),
                product_id=world.product.pk,
                box_type_code="QB",
                bunches=10,
                stems_bunch=25,
                price=Decimal("0.90"),
            )
        ],
        confirm=confirm,
    )
